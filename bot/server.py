"""HTTP serving: Slack requests at ``POST /slack/events``, change events at ``POST /scp/events``
and a health check at ``GET /healthz``."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import Services

logger = logging.getLogger(__name__)


def create_http_app(bolt_app: AsyncApp, services: Services, *, poll: bool = True) -> Starlette:
    handler = AsyncSlackRequestHandler(bolt_app)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True, "modules": [m.api_name for m in services.catalog.modules]})

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    if services.notifier is not None:
        from bot.notify.webhook import webhook_route

        routes.append(webhook_route(services.notifier, services.settings))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if services.notifier is not None:
            await services.notifier.start(poll=poll)
        logger.info("server.started modules=%s", [m.api_name for m in services.catalog.modules])
        try:
            yield
        finally:
            await services.aclose()
            logger.info("server.stopped")

    return Starlette(routes=routes, lifespan=lifespan)
