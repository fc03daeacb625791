"""Work that runs after a Slack request has been acknowledged.

Listeners ack at once and hand the slow part (calls to SupportCenter Plus, Web API calls) to
``BackgroundTasks.spawn``. The tasks are tracked so a shutdown, the terminal shell and the
tests can wait for them with ``join``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

logger = logging.getLogger(__name__)

ErrorHandler = Callable[[BaseException], Awaitable[None]]


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(
        self, work: Coroutine[Any, Any, Any], *, on_error: ErrorHandler | None = None,
        name: str | None = None,
    ) -> asyncio.Task[Any]:
        """Run ``work`` in the background; ``on_error`` reports what it raises."""
        task = asyncio.get_running_loop().create_task(self._run(work, on_error), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(
        self, work: Coroutine[Any, Any, Any], on_error: ErrorHandler | None
    ) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if on_error is None:
                logger.exception("background.task.failed")
                return
            try:
                await on_error(error)
            except Exception:
                logger.exception("background.error_handler.failed")

    async def join(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Wait until no task is running, including tasks spawned while waiting.

        ``timeout`` is in seconds.
        """
        async with asyncio.timeout(timeout):
            while self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def __len__(self) -> int:
        return len(self._tasks)
