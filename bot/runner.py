"""Long-running modes of ``scp-bot run``: HTTP behind a public URL, or Socket Mode."""

from __future__ import annotations

import asyncio
import logging

import uvicorn
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import build_services, create_bolt_app
from bot.server import create_http_app
from bot.settings import Settings, secret

logger = logging.getLogger(__name__)


async def run_http(settings: Settings, *, host: str, port: int, poll: bool = True) -> int:
    services = await build_services(settings)
    bolt_app = create_bolt_app(services)
    http_app = create_http_app(bolt_app, services, poll=poll)
    server = uvicorn.Server(uvicorn.Config(http_app, host=host, port=port, log_level="info"))
    await server.serve()
    return 0


async def run_socket_mode(settings: Settings, *, poll: bool = True) -> int:
    services = await build_services(settings)
    bolt_app = create_bolt_app(services)
    handler = AsyncSocketModeHandler(bolt_app, secret(settings.slack_app_token))
    if services.notifier is not None:
        await services.notifier.start(poll=poll)
    try:
        await handler.connect_async()
        modules = [m.api_name for m in services.catalog.modules]
        logger.info("socket_mode.connected modules=%s", modules)
        await asyncio.Event().wait()
    finally:
        await handler.close_async()
        await services.aclose()
    return 0
