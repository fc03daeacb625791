"""Posting outbox rows to Slack: one worker per channel, paced, with retries.

Slack accepts about one message per second per channel, so each channel has one worker task
that delivers that channel's rows in outbox order and waits ``pace_seconds`` between Web API
calls. Rows of one record are delivered strictly in order: when one of them cannot go yet
(claimed by another process, or waiting to be retried) the later ones wait too.

A 429 response is retried after its Retry-After. Other transient failures (connection errors,
Slack's 5xx-style errors) hand the row back with a growing delay. Any other Slack error marks
the row failed and is logged, because posting it again would fail the same way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.blockkit import BlockKitError
from bot.notify import messages
from bot.notify.outbox import Outbox
from bot.notify.state import OutboxRow
from bot.notify.store import Store

logger = logging.getLogger(__name__)

MAX_RATE_LIMIT_RETRIES = 5
# Rows a worker reads per pass; a longer backlog is read again in the next pass.
BATCH_SIZE = 200
DEFAULT_RETRY_AFTER_SECONDS = 1.0
MAX_RETRY_DELAY_SECONDS = 300.0
# How often a worker looks again at a row that another process holds.
CLAIMED_ELSEWHERE_RECHECK_SECONDS = 0.5
TRANSIENT_SLACK_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Errors that mean the bot cannot post to the channel until someone acts: the subscription
# is paused, so later changes do not fail the same way.
CHANNEL_CLOSED_ERRORS = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "channel_is_archived"}
)
# chat.update errors that mean the parent message is gone; the next event posts a new card.
PARENT_GONE_ERRORS = frozenset({"message_not_found", "cant_update_message"})


@dataclass(frozen=True)
class DeliverySettings:
    owner: str
    pace_seconds: float = 1.0
    lease_seconds: float = 120.0


class TransientFailure(Exception):
    """A post that may work if tried again later."""


class Delivery:
    """Channel workers that post outbox rows; ``wake`` starts or re-runs a channel's worker."""

    def __init__(
        self, store: Store, web_client: AsyncWebClient, modules: Callable[[str], Any],
        settings: DeliverySettings,
    ) -> None:
        self._store = store
        self._outbox = Outbox(store)
        self._web = web_client
        self._modules = modules
        self._settings = settings
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._rerun: set[str] = set()
        self._last_call: dict[str, float] = {}
        self._stopping = asyncio.Event()

    # Workers ----------------------------------------------------------------------------

    def wake(self, channel_id: str) -> None:
        """Make sure the channel's worker runs and looks at the outbox again."""
        if self._stopping.is_set():
            return
        worker = self._workers.get(channel_id)
        if worker is not None and not worker.done():
            self._rerun.add(channel_id)
            return
        self._workers[channel_id] = asyncio.get_running_loop().create_task(
            self._run_worker(channel_id), name=f"notify-channel-{channel_id}"
        )

    async def wake_all(self) -> None:
        """Wake every channel with undelivered rows, including rows of a stopped process.

        A worker whose rows are claimed elsewhere or wait for a retry keeps checking until
        they are delivered, so ``join`` also waits for them.
        """
        for channel_id in await self._outbox.channels_with_work():
            self.wake(channel_id)

    async def join(self) -> None:
        """Wait until every worker has nothing left to deliver."""
        while True:
            running = [task for task in self._workers.values() if not task.done()]
            if not running:
                return
            await asyncio.gather(*running, return_exceptions=True)

    async def stop(self, timeout: float) -> None:  # noqa: ASYNC109
        """Deliver what is due for up to ``timeout`` seconds, then cancel and free the rows.

        Workers stop waiting for retries at once; a row waiting for one stays in the outbox
        for the next start.
        """
        self._stopping.set()
        running = [task for task in self._workers.values() if not task.done()]
        if running:
            _, pending = await asyncio.wait(running, timeout=timeout)
            for task in pending:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

        released = await self._outbox.release_claims(self._settings.owner)
        if released:
            logger.info("notify.delivery.released rows=%d", released)

    async def _run_worker(self, channel_id: str) -> None:
        while True:
            self._rerun.discard(channel_id)
            try:
                wait_seconds = await self._deliver_due(channel_id)
            except Exception:
                logger.exception("notify.worker.failed channel=%s", channel_id)
                wait_seconds = CLAIMED_ELSEWHERE_RECHECK_SECONDS * 4

            if channel_id in self._rerun and not self._stopping.is_set():
                continue
            if wait_seconds is None or self._stopping.is_set():
                return
            await self._sleep_unless_stopped(wait_seconds)

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=max(seconds, 0.0))
        except TimeoutError:
            pass

    async def _deliver_due(self, channel_id: str) -> float | None:
        """Deliver the channel's due rows; return seconds until a waiting row is due, or None."""
        rows = await self._outbox.undelivered(channel_id, limit=BATCH_SIZE)
        blocked: set[tuple[str, str]] = set()
        wait_seconds: float | None = None
        delivered = 0

        for index, row in enumerate(rows):
            record_key = (row.module, row.record_id)
            if record_key in blocked:
                continue

            delay = await self._claim(row)
            if delay is None:
                # A later row of the same record refreshes the card anyway.
                later = rows[index + 1:]
                refresh = not any((r.module, r.record_id) == record_key for r in later)
                delay = await self._deliver_claimed(row, refresh_card=refresh)
            if delay is not None:
                blocked.add(record_key)
                wait_seconds = delay if wait_seconds is None else min(wait_seconds, delay)
            else:
                delivered += 1

        if len(rows) == BATCH_SIZE and delivered:
            return 0.0
        return wait_seconds

    async def _claim(self, row: OutboxRow) -> float | None:
        """Claim the row; return None when claimed, else seconds until it is worth a retry."""
        now = _now_ms()
        lease_ms = int(self._settings.lease_seconds * 1000)
        if await self._outbox.claim(row.id, self._settings.owner, now, lease_ms):
            return None
        if row.status == "pending" and row.next_attempt_ms > now:
            return (row.next_attempt_ms - now) / 1000
        return CLAIMED_ELSEWHERE_RECHECK_SECONDS

    # One row ----------------------------------------------------------------------------

    async def _deliver_claimed(self, row: OutboxRow, *, refresh_card: bool) -> float | None:
        """Post one claimed row; return None when it is finished, else seconds to wait."""
        try:
            await self._post_row(row, refresh_card=refresh_card)
        except TransientFailure as error:
            delay = min(2.0 ** row.attempts, MAX_RETRY_DELAY_SECONDS)
            logger.warning(
                "notify.post.retry channel=%s module=%s record=%s event=%s attempt=%d "
                "delay=%.0fs error=%s",
                row.channel_id, row.module, row.record_id, row.event, row.attempts + 1, delay,
                error,
            )
            await self._outbox.retry_later(
                row.id, self._settings.owner, _now_ms() + int(delay * 1000), str(error)
            )
            return delay
        except SlackApiError as error:
            code = _error_code(error)
            logger.error(
                "notify.post.failed channel=%s module=%s record=%s event=%s error=%s",
                row.channel_id, row.module, row.record_id, row.event, code,
            )
            await self._outbox.fail(row.id, code)
            if code in CHANNEL_CLOSED_ERRORS:
                logger.warning(
                    "notify.subscription.paused channel=%s module=%s error=%s",
                    row.channel_id, row.module, code,
                )
                await self._store.pause_subscription(row.channel_id, row.module, code)
        except BlockKitError as error:
            # A message that breaks Slack's limits would break them again on every retry.
            logger.exception(
                "notify.render.failed channel=%s module=%s record=%s event=%s",
                row.channel_id, row.module, row.record_id, row.event,
            )
            await self._outbox.fail(row.id, f"render failed: {error}")
        return None

    async def _post_row(self, row: OutboxRow, *, refresh_card: bool) -> None:
        module = self._modules(row.module)
        if module is None:
            logger.error(
                "notify.post.failed channel=%s module=%s record=%s error=module_not_configured",
                row.channel_id, row.module, row.record_id,
            )
            await self._outbox.fail(row.id, "module_not_configured")
            return

        notification = row.notification
        thread = await self._store.thread(row.channel_id, row.module, row.record_id)
        parent_ts = thread.parent_ts if thread is not None else None
        if parent_ts is None:
            await self._start_thread(row, module)
            return

        if notification.show_line and row.message_ts is None:
            ts = await self._call(
                "chat_postMessage", row.channel_id, thread_ts=parent_ts,
                **messages.line(module, notification),
            )
            await self._outbox.save_line(row.id, ts)
        if refresh_card:
            await self._refresh_card(row, module, parent_ts)
        await self._outbox.finish(row.id)

    async def _start_thread(self, row: OutboxRow, module: Any) -> None:
        notification = row.notification
        if notification.record is None and notification.show_line:
            # A deleted record that never got a card: one standalone line, no thread.
            ts = await self._call(
                "chat_postMessage", row.channel_id,
                **messages.deleted_notice(module, notification, row.record_id),
            )
            await self._outbox.finish(row.id, ts)
            return
        if (
            not notification.show_line or notification.record is None
            or notification.filter_change == "left"
        ):
            # No card to refresh, and nothing that deserves a new card: a change people do
            # not follow, or a record leaving the filter whose first card never got posted.
            await self._outbox.finish(row.id)
            return

        ts = await self._call(
            "chat_postMessage", row.channel_id, **messages.first_card(module, notification)
        )
        await self._outbox.save_parent(row, ts)
        logger.info(
            "notify.thread.started channel=%s module=%s record=%s ts=%s",
            row.channel_id, row.module, row.record_id, ts,
        )

    async def _refresh_card(self, row: OutboxRow, module: Any, parent_ts: str) -> None:
        card = messages.current_card(module, row.notification, row.record_id)
        try:
            await self._call("chat_update", row.channel_id, ts=parent_ts, **card)
        except SlackApiError as error:
            if error.response.get("error") not in PARENT_GONE_ERRORS:
                raise
            logger.warning(
                "notify.card.gone channel=%s module=%s record=%s ts=%s",
                row.channel_id, row.module, row.record_id, parent_ts,
            )
            await self._outbox.forget_parent(row.channel_id, row.module, row.record_id, parent_ts)

    # Web API ----------------------------------------------------------------------------

    async def _call(self, method: str, channel_id: str, **arguments: Any) -> str:
        """Call a chat method for the channel, paced and retried on 429; return the ts."""
        send = getattr(self._web, method)
        if method == "chat_postMessage":
            # Links inside records would otherwise unfold into previews under every line.
            arguments = {"unfurl_links": False, "unfurl_media": False, **arguments}

        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            await self._pace(channel_id)
            try:
                response = await send(channel=channel_id, **arguments)
                return str(response["ts"])
            except SlackApiError as error:
                if error.response.status_code != 429 or attempt == MAX_RATE_LIMIT_RETRIES:
                    if _is_transient(error):
                        raise TransientFailure(_error_code(error)) from error
                    raise
                delay = _retry_after(error)
                logger.warning(
                    "notify.slack.rate_limited channel=%s method=%s retry_after=%.1fs",
                    channel_id, method, delay,
                )
                await asyncio.sleep(delay)
            except (aiohttp.ClientError, TimeoutError, OSError) as error:
                raise TransientFailure(f"{type(error).__name__}: {error}") from error
        raise AssertionError("unreachable: the loop returns or raises")

    async def _pace(self, channel_id: str) -> None:
        last = self._last_call.get(channel_id)
        if last is not None:
            wait = last + self._settings.pace_seconds - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        self._last_call[channel_id] = time.monotonic()


def _is_transient(error: SlackApiError) -> bool:
    code = error.response.get("error")
    return code in TRANSIENT_SLACK_ERRORS or error.response.status_code >= 500


def _error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"HTTP {error.response.status_code}")


def _retry_after(error: SlackApiError) -> float:
    value = error.response.headers.get("Retry-After") if error.response.headers else None
    try:
        return max(float(value), 0.0) if value is not None else DEFAULT_RETRY_AFTER_SECONDS
    except ValueError:
        return DEFAULT_RETRY_AFTER_SECONDS


def _now_ms() -> int:
    return int(time.time() * 1000)
