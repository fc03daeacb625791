"""HTTP serving: Slack requests at ``POST /slack/events``, change events at ``POST /scp/events``
and a health check at ``GET /healthz``.

``/slack/events`` is public, so a request is checked before Bolt reads it: its size, then its
timestamp and signature. Bolt parses a body before it verifies the signature, so without this
gate anyone could make it hold a huge body in memory or log tracebacks for malformed ones.
Bolt verifies the signature again itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.app import Services
from bot.settings import secret

logger = logging.getLogger(__name__)

# Slack's slash command and interaction payloads are a few kilobytes; a modal's state stays
# well under this.
MAX_SLACK_BODY_BYTES = 1_000_000


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """Read the body, raising ``BodyTooLarge`` as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def create_http_app(bolt_app: AsyncApp, services: Services, *, poll: bool = True) -> Starlette:
    verifier = SignatureVerifier(secret(services.settings.slack_signing_secret) or "")

    async def slack_events(request: Request) -> Response:
        try:
            body = await read_body(request, MAX_SLACK_BODY_BYTES)
        except BodyTooLarge:
            logger.warning("slack.request.too_large client=%s", request.client)
            return PlainTextResponse("request too large", status_code=413)

        timestamp = request.headers.get("x-slack-request-timestamp", "")
        signature = request.headers.get("x-slack-signature", "")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            return PlainTextResponse("invalid request", status_code=401)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return PlainTextResponse("invalid request", status_code=401)
        if not verifier.is_valid(text, timestamp, signature):
            return PlainTextResponse("invalid request", status_code=401)

        bolt_request = AsyncBoltRequest(
            body=text, query=request.query_params, headers=request.headers  # type: ignore[arg-type]
        )
        try:
            bolt_response = await bolt_app.async_dispatch(bolt_request)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # Only a holder of the signing secret gets here, and Slack sends no such body.
            logger.warning("slack.request.unreadable error=%r", error)
            return PlainTextResponse("unreadable request", status_code=400)
        return to_starlette_response(bolt_response)

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
