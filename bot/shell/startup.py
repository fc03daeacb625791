"""Start what the shell talks to: SupportCenter Plus (or the emulator) and the Bolt app."""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp

from bot.background import BackgroundTasks
from bot.fakeslack.local_server import LocalServer
from bot.settings import Settings

logger = logging.getLogger(__name__)

EMULATOR_AUTHTOKEN = "emulator-token"
SHELL_BOT_TOKEN = "xoxb-shell"


@dataclass
class BuiltApp:
    """The Bolt app the shell talks to, its background tracker and how to shut it down."""

    app: AsyncApp
    background: BackgroundTasks | None
    aclose: Callable[[], Awaitable[None]]


AppBuilder = Callable[[Settings], Awaitable[BuiltApp]]


async def build_real_app(settings: Settings) -> BuiltApp:
    """Build the bot's own services and Bolt app from ``settings``."""
    from bot.app import build_services, create_bolt_app

    services = await build_services(settings)
    try:
        app = create_bolt_app(services)
        # As in the web server: channel notifications need the notifier's tables and loops.
        # Polling SupportCenter Plus stays off, as changes come only from the shell's user.
        if services.notifier is not None:
            await services.notifier.start(poll=False)
    except BaseException:
        await services.aclose()
        raise
    return BuiltApp(app, _WorkOfRequest(services), services.aclose)  # type: ignore[arg-type]


class _WorkOfRequest:
    """The work the shell waits for after a request: listener tasks, then notification posts.

    The notifier posts a channel's thread lines from its own queue, paced about a second
    apart, so without the second wait they would show up only after the next prompt.
    """

    def __init__(self, services: Any) -> None:
        self._services = services

    async def join(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._services.background.join(timeout=timeout)
        if self._services.notifier is not None:
            await self._services.notifier.join(timeout=timeout)

    def __len__(self) -> int:
        return len(self._services.background)


async def start_scp(
    settings: Settings, stack: contextlib.AsyncExitStack
) -> tuple[Settings, str]:
    """Start the emulator unless SCP_URL is set; return the settings and a line about it."""
    if settings.scp_url:
        return settings, f"your server at {_without_credentials(settings.scp_url)}"

    from bot.emulator import create_app

    server = LocalServer(create_app(authtoken=EMULATOR_AUTHTOKEN))
    await server.start()
    stack.push_async_callback(server.stop)
    updated = settings.model_copy(update={
        "scp_url": server.url,
        "scp_authtoken": SecretStr(EMULATOR_AUTHTOKEN),
        "scp_oauth_token": None,
    })
    return updated, f"local emulator at {server.url} (set SCP_URL to use a real server)"


def temporary_database(stack: contextlib.ExitStack | contextlib.AsyncExitStack) -> str:
    # The shell is for trying the bot out, so its state goes away with it instead of
    # landing in scp-bot.db in the working folder.
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="scp-bot-shell-"))
    return f"sqlite:///{Path(folder) / 'shell.db'}"


async def close_app(built: BuiltApp, output: TextIO) -> None:
    try:
        await built.aclose()
    except Exception as error:
        logger.exception("shell.app.close_failed")
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        print(f"(stopping the bot failed: {first_line})", file=output)


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"
