"""Change notifications that the emulator POSTs to a webhook URL.

After every add, edit, trash, restore and delete, the emulator sends
``{"module": "cm_books", "id": "302", "event": "created"}`` (events: created, edited,
trashed, restored, deleted) with the header ``X-SCP-Webhook-Token`` when a token is set.
This webhook is an emulator feature, not part of the vendor's API. It plays the role of a
custom trigger that calls a URL. Sending happens in background tasks, so a slow or failing
receiver never delays or fails the API request, and failures are only logged.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-SCP-Webhook-Token"
SEND_TIMEOUT_SECONDS = 5.0
# Pending deliveries get this long to finish when the app shuts down.
SHUTDOWN_GRACE_SECONDS = 2.0


class WebhookNotifier:
    """Fire-and-forget sender of change events, with one shared HTTP client."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.failures = 0

    def notify(self, url: str, token: str | None, module: str, record_id: str, event: str) -> None:
        """Schedule one POST of the event to ``url``. Call it from the event loop."""
        payload = {"module": module, "id": record_id, "event": event}
        headers = {TOKEN_HEADER: token} if token else {}

        # The task set keeps a reference, so that the task is not garbage-collected early.
        task = asyncio.get_running_loop().create_task(self._send(url, payload, headers))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, url: str, payload: dict[str, Any], headers: dict[str, str]) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=SEND_TIMEOUT_SECONDS)

        try:
            response = await self._client.post(url, json=payload, headers=headers)
            response.raise_for_status()
        except httpx.HTTPError as error:
            self.failures += 1
            logger.warning(
                "Webhook POST to %s failed for %s %s (%s), %d failures so far: %r",
                url,
                payload["module"],
                payload["id"],
                payload["event"],
                self.failures,
                error,
            )

    async def drain(self) -> None:
        """Wait until every delivery scheduled so far has finished or failed."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Wait briefly for pending deliveries, cancel the rest and close the client."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            if pending:
                logger.warning("Cancelled %d webhook deliveries at shutdown", len(pending))
                await asyncio.gather(*pending, return_exceptions=True)

        if self._client is not None:
            await self._client.aclose()
            self._client = None
