"""Serve an ASGI app with uvicorn on 127.0.0.1 inside the running event loop.

``FakeSlack`` serves its Web API with it; the shell and the tests also serve the
SupportCenter Plus emulator with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Any

import uvicorn

logger = logging.getLogger(__name__)


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server for use inside a running program: no signals, a quick stop.

    ``uvicorn.Server.serve`` replaces the SIGINT and SIGTERM handlers while it runs (uvicorn
    0.55 has no switch for it), which would swallow Ctrl+C in the shell and in tests. Its
    main loop polls for the exit flag every 0.1 s and its shutdown sleeps another 0.1 s,
    which adds up over a test suite that starts a server per test, so both are replaced.
    NOTE: the overrides rely on uvicorn 0.55 internals (``servers``, ``server_state``).
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._exit_requested = asyncio.Event()

    def request_exit(self) -> None:
        self.should_exit = True
        self._exit_requested.set()

    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        return contextlib.nullcontext()

    async def main_loop(self) -> None:
        # on_tick refreshes the Date header when its counter is a multiple of 10.
        while not await self.on_tick(0):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exit_requested.wait(), timeout=1.0)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()

        # Idle keep-alive connections close at once; busy ones finish their response first.
        # uvicorn sets no event when the last one closes, hence the polling.
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                while self.server_state.connections or self.server_state.tasks:  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
        except TimeoutError:
            logger.warning("local_server.shutdown.timeout connections=%d",
                           len(self.server_state.connections))
        for server in self.servers:
            await server.wait_closed()
        await self.lifespan.shutdown()


class LocalServer:
    """Serve an ASGI app on 127.0.0.1 and a free port, inside the running event loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = 0
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Root URL without a trailing slash, e.g. ``http://127.0.0.1:50123``."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        # Binding port 0 before uvicorn starts lets the OS pick a free port without a race.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]

        # log_config=None keeps uvicorn from reconfiguring the logging of the whole process.
        config = uvicorn.Config(
            self.app, log_config=None, access_log=False, lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = _EmbeddedServer(config)
        self._task = asyncio.get_running_loop().create_task(
            self._server.serve(sockets=[sock]), name=f"local-server-{self.port}"
        )

        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError(f"Local server on port {self.port} stopped while starting")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.request_exit()
        await self._task
        self._server = None
        self._task = None
