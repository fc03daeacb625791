"""Fixtures for the notification tests: the emulator, a fake Slack, and notifiers wired to them.

Everything talks over real HTTP on 127.0.0.1. Each test gets its own SQLite state file; the
PostgreSQL tests use ``postgres_url`` from the root conftest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.catalog import ModuleCatalog
from bot.emulator import create_app
from bot.fakeslack.local_server import LocalServer
from bot.fakeslack.server import FakeSlack
from bot.scp import ScpClient, discover_module
from tests.notify.support import AUTHTOKEN, Env, OtherUserTransport


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    async with AsyncExitStack() as stack:
        emulator_app = create_app(authtoken=AUTHTOKEN)
        server = LocalServer(emulator_app)
        await server.start()
        stack.push_async_callback(emulator_app.state.webhook_notifier.aclose)
        stack.push_async_callback(server.stop)

        scp = ScpClient(server.url, authtoken=AUTHTOKEN)
        stack.push_async_callback(scp.aclose)
        other_scp = ScpClient(server.url, authtoken=AUTHTOKEN, transport=OtherUserTransport())
        stack.push_async_callback(other_scp.aclose)

        module, _ = await discover_module(scp, "cm_books")
        fake = FakeSlack()
        await fake.start()
        stack.push_async_callback(fake.stop)

        test_env = Env(
            emulator_app=emulator_app, scp=scp, other_scp=other_scp,
            catalog=ModuleCatalog([module]), fake=fake,
            web=AsyncWebClient(token="xoxb-test", base_url=fake.api_url),
            database_url=f"sqlite:///{tmp_path / 'state.db'}", stack=stack,
        )
        try:
            yield test_env
        finally:
            for notifier in reversed(test_env.notifiers):
                await notifier.stop(timeout=1.0)
