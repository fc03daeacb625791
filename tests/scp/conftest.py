"""A private emulator per test, served over real HTTP, and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.emulator import EmulatorState, create_app
from bot.fakeslack.local_server import LocalServer
from bot.scp import ScpClient, discover_module

TOKEN = "emulator-token"


@dataclass
class Server:
    url: str
    state: EmulatorState

    def requests_to(self, method: str, path_part: str = "") -> list[dict]:
        return [
            entry for entry in self.state.request_log()
            if entry["method"] == method and path_part in entry["path"]
        ]


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    app = create_app(authtoken=TOKEN)
    local = LocalServer(app)
    await local.start()
    yield Server(local.url, app.state.emulator)
    await local.stop()


@pytest.fixture
async def flat_server() -> AsyncIterator[Server]:
    app = create_app(authtoken=TOKEN, flat=True)
    local = LocalServer(app)
    await local.start()
    yield Server(local.url, app.state.emulator)
    await local.stop()


@pytest.fixture
async def client(server: Server) -> AsyncIterator[ScpClient]:
    async with ScpClient(server.url, authtoken=TOKEN, backoff_seconds=0.01) as scp:
        yield scp


@pytest.fixture
async def books(client: ScpClient):
    module, _ = await discover_module(client, "cm_books")
    return module


@pytest.fixture
async def assets(client: ScpClient):
    module, _ = await discover_module(client, "cm_assets")
    return module
