"""Fixtures that serve the emulator over real HTTP on 127.0.0.1 and talk to it with httpx."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from bot.emulator import EmulatorState, create_app

TOKEN = "emulator-token"
AUTH = {"authtoken": TOKEN}

# Building an SSL context takes about 25 ms, so every test client shares this one.
_SSL_CONTEXT = httpx.create_ssl_context()


def make_client(base_url: str, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    """Create an httpx client for an emulator URL; close it with ``async with``."""
    return httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10, verify=_SSL_CONTEXT)


class _TestServer(uvicorn.Server):
    """uvicorn server that stops as soon as ``stop()`` is called.

    The stock main loop checks for shutdown every 100 ms, which adds up over many tests.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._stop = asyncio.Event()

    async def main_loop(self) -> None:
        await self._stop.wait()

    def stop(self) -> None:
        self.should_exit = True
        self._stop.set()


@asynccontextmanager
async def serve(app: Starlette) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1 and yield its base URL."""
    # With proto IPPROTO_TCP, asyncio sets TCP_NODELAY on accepted connections; without it,
    # Nagle and delayed ACKs add about 40 ms to every response.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="on", log_level="warning", ws="none", http="h11")
    server = _TestServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))

    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.005)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        await task
        sock.close()


@dataclass
class Emulator:
    """A running emulator: its app, base URL, state and an authenticated client."""

    app: Starlette
    url: str
    state: EmulatorState
    client: httpx.AsyncClient

    async def list(self, plural: str = "cm_books", **list_info: Any) -> httpx.Response:
        """GET the record list with ``list_info`` in the query string."""
        params = {"input_data": json.dumps({"list_info": list_info})} if list_info else None
        return await self.client.get(f"/api/v3/{plural}", params=params)

    async def list_ok(self, plural: str = "cm_books", **list_info: Any) -> dict[str, Any]:
        response = await self.list(plural, **list_info)
        assert response.status_code == 200, response.text
        return response.json()

    async def ids(self, plural: str = "cm_books", **list_info: Any) -> list[str]:
        body = await self.list_ok(plural, **{"row_count": 100, **list_info})
        return [record["id"] for record in body[plural]]

    async def write(
        self, method: str, path: str, input_data: Any, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """Send ``input_data`` as the form field of an x-www-form-urlencoded body."""
        raw = input_data if isinstance(input_data, str) else json.dumps(input_data)
        return await self.client.request(
            method, f"/api/v3/{path}", data={"input_data": raw}, headers=headers
        )


StartEmulator = Callable[..., Awaitable[Emulator]]


@pytest.fixture
async def start_emulator() -> AsyncIterator[StartEmulator]:
    """Return a function that starts a private emulator with ``create_app`` options.

    Each private server costs about 0.1 s to stop, so tests that need no special
    options use the shared ``emulator`` and ``flat_emulator`` fixtures instead.
    """
    async with AsyncExitStack() as stack:

        async def start(**app_options: Any) -> Emulator:
            app = create_app(**app_options)
            url = await stack.enter_async_context(serve(app))
            client = await stack.enter_async_context(make_client(url, AUTH))
            return Emulator(app, url, app.state.emulator, client)

        yield start


class _ThreadedServer:
    """Emulator served by uvicorn on its own event loop in a daemon thread."""

    def __init__(self, **app_options: Any) -> None:
        self.app = create_app(**app_options)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = uvicorn.Config(self.app, lifespan="on", log_level="warning", ws="none", http="h11")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the shared emulator did not start")
            time.sleep(0.005)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()


@pytest.fixture(scope="session")
def _shared_servers() -> Iterator[dict[str, _ThreadedServer]]:
    servers = {"default": _ThreadedServer(), "flat": _ThreadedServer(flat=True)}
    for server in servers.values():
        server.start()
    yield servers
    for server in servers.values():
        server.stop()


@asynccontextmanager
async def _shared(server: _ThreadedServer) -> AsyncIterator[Emulator]:
    state: EmulatorState = server.app.state.emulator
    # No request is in flight between tests, so the test thread may reset the state.
    state.reset()
    state.webhook_url = None
    async with make_client(server.url, AUTH) as client:
        yield Emulator(server.app, server.url, state, client)


@pytest.fixture
async def emulator(_shared_servers: dict[str, _ThreadedServer]) -> AsyncIterator[Emulator]:
    """Shared emulator with the built-in modules in the ``cm_fields`` dialect, freshly reset."""
    async with _shared(_shared_servers["default"]) as running:
        yield running


@pytest.fixture
async def flat_emulator(_shared_servers: dict[str, _ThreadedServer]) -> AsyncIterator[Emulator]:
    """Shared emulator with the built-in modules in the flat dialect, freshly reset."""
    async with _shared(_shared_servers["flat"]) as running:
        yield running


def failure_messages(response: httpx.Response) -> list[dict[str, Any]]:
    """Return ``messages`` of a failure envelope after checking its top-level status."""
    status = response.json()["response_status"]
    assert status["status_code"] == 4000, response.text
    assert status["status"] == "failed", response.text
    return status["messages"]
