"""The calls, messages, views and response URLs that ``FakeSlack`` records, and queries on them."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiCall:
    """One request the fake received: a Web API method or a post to a response URL."""

    method: str
    body: dict[str, Any]
    time: float
    status: int = 200
    response: dict[str, Any] | str = field(default_factory=dict)
    # What the Block Kit check found wrong; a call with problems changed nothing.
    problems: list[str] = field(default_factory=list)
    # The response URL posted to, for ``RESPONSE_URL_METHOD`` calls.
    url: str | None = None
    # A copy of the message or view the call created or changed, as it was right after.
    result: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        if isinstance(self.response, dict):
            return self.status == 200 and bool(self.response.get("ok"))
        return self.status == 200

    @property
    def invalid(self) -> bool:
        return bool(self.problems)

    @property
    def error(self) -> str | None:
        if isinstance(self.response, dict):
            return self.response.get("error")
        return None if self.status == 200 else self.response


@dataclass
class _ResponseUrl:
    channel_id: str | None = None
    message_ts: str | None = None
    ephemeral: bool = False
    uses: int = 0


class RecordedState:
    """The record-keeping part of ``FakeSlack``, which stores what the bot sent and changed.

    ``FakeSlack.__init__`` creates ``_changed`` and calls ``clear`` to create the rest.
    """

    _changed: asyncio.Condition

    def clear(self) -> None:
        """Forget every call, message, view, response URL and pending rate limit."""
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.view_stack: list[str] = []
        self._used_triggers: set[str] = set()
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._rate_limits: dict[str, tuple[int, int]] = {}
        self._ts_counter = 0
        self._view_counter = 0
        self._in_flight = 0
        self._last_activity = time.monotonic()
        # Keys of messages and views in the order the bot last showed them.
        self._message_log: list[tuple[str, str, bool]] = []
        self._view_log: list[str] = []

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    @property
    def invalid_calls(self) -> list[ApiCall]:
        return [call for call in self.calls if call.invalid]

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Make the next ``times`` calls to ``method`` fail with HTTP 429 and ``Retry-After``."""
        self._rate_limits[method] = (times, retry_after)

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Return the replies in a thread, oldest first (the parent is not included)."""
        replies = [
            message for (msg_channel, ts), message in self.messages.items()
            if msg_channel == channel and message.get("thread_ts") == thread_ts and ts != thread_ts
        ]
        return sorted(replies, key=lambda message: float(message["ts"]))

    def latest_message(self) -> dict[str, Any] | None:
        """Return the message the bot last posted or changed, in its current state.

        Ephemeral messages and messages sent through response URLs count too; deleted
        messages are skipped.
        """
        for channel, ts, ephemeral in reversed(self._message_log):
            message = self.find_message(channel, ts, ephemeral)
            if message is not None:
                return message
        return None

    def latest_view(self) -> dict[str, Any] | None:
        """Return the view the bot last opened, pushed or updated, in its current state."""
        for view_id in reversed(self._view_log):
            if view_id in self.views:
                return self.views[view_id]
        return None

    def top_view(self) -> dict[str, Any] | None:
        """Return the view the user would see now: the top of the open modal stack."""
        return self.views[self.view_stack[-1]] if self.view_stack else None


    def find_message(
        self, channel: str, ts: str, ephemeral: bool = False
    ) -> dict[str, Any] | None:
        """Return the stored message (or ephemeral message) at ``ts``, or None."""
        if not ephemeral:
            return self.messages.get((channel, ts))
        for message in self.ephemerals:
            if message["channel"] == channel and message["ts"] == ts:
                return message
        return None

    # The timeout argument is part of the API the end-to-end tests use.
    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0  # noqa: ASYNC109
    ) -> list[ApiCall]:
        """Wait until ``method`` has been called ``count`` times; return those calls.

        Raises TimeoutError with the calls seen so far when the count is not reached.
        """
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)
        except TimeoutError:
            seen = [call.method for call in self.calls]
            raise TimeoutError(
                f"Expected {count} call(s) to {method} within {timeout} s; calls so far: {seen}"
            ) from None
        return self.calls_to(method)

    async def wait_quiet(
        self, quiet: float = 0.3, timeout: float = 10.0  # noqa: ASYNC109
    ) -> bool:
        """Wait until no request has been in progress or arrived for ``quiet`` seconds.

        Returns False when ``timeout`` passed first.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            idle_for = time.monotonic() - self._last_activity
            if self._in_flight == 0 and idle_for >= quiet:
                return True
            await asyncio.sleep(min(quiet - idle_for, 0.05) if idle_for < quiet else 0.02)
        return False

