"""The notifier: turns record changes into notification threads in subscribed channels.

Changes arrive three ways: the bot's own writes (``record_written``, ``record_deleted``), the
webhook (``handle_change`` re-reads the record) and the poller. For each subscribed channel,
a change is compared with the channel's last snapshot of the record (``bot.notify.changes``).
A change worth a notification becomes an outbox row in the same transaction that stores the
record's new state, and the channel's worker posts it (``bot.notify.delivery``).

Exactly once: a change claims its notification by inserting a row under a unique key
(channel, module, record, updated_time, event, version of the values) before anything is
posted. A second path or process that reports the same change finds the key taken. A row
survives a restart until it is posted, and the ts of its message is stored right after the
post, so it is never posted twice.
NOTE: two processes that read different saves of one millisecond can store them in either
order, so the older save may win. Within one process, the second read under the record's
lock keeps them in order.
NOTE: a crash after Slack accepted a post but before its ts is stored posts that one message
again on restart; Slack's chat.postMessage has no idempotency key that could prevent it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.background import BackgroundTasks
from bot.notify.changes import ObservedChange, UnorderedChange, decide
from bot.notify.delivery import Delivery, DeliverySettings
from bot.notify.diff import snapshot_of, version_of
from bot.notify.poller import UPDATED_FIELD, Poller
from bot.notify.state import Subscription, ThreadState
from bot.notify.store import Decision, Store
from bot.operations.search import SearchSpec, SearchSyntaxError, parse_search, record_matches
from bot.scp import ListQuery, Module, Record, RecordNotFound, ScpClient
from bot.settings import Settings

logger = logging.getLogger(__name__)

# Changes of one record are handled one at a time; records share this many locks.
RECORD_LOCK_STRIPES = 64
MIN_POLL_LOCK_SECONDS = 60.0
DEFAULT_STOP_TIMEOUT_SECONDS = 5.0
# The server calls the webhook as soon as a write lands, often before the bot's own write has
# returned and called ``record_written``. Waiting this long first lets the bot's write claim
# the change, so the thread names the Slack user and not the API user the bot writes as.
DEFAULT_WEBHOOK_DELAY_SECONDS = 2.0
# A 404 on a re-read is read again after this long before the record counts as deleted,
# because a single 404 can come from a server or proxy hiccup.
DEFAULT_MISSING_RECHECK_SECONDS = 2.0
# Records that get a baseline snapshot when a channel subscribes, newest update first.
# A list call returns at most 100 rows (see ListQuery), so one call covers them all.
BASELINE_RECORDS = 100


@dataclass
class _PendingRead:
    """A webhook re-read of one record that is waiting or running."""

    hint: str | None
    reading: bool = False
    # Set when a webhook arrives during the read, which may have missed that change.
    again: bool = False


class Notifier:
    def __init__(
        self,
        settings: Settings,
        scp: ScpClient,
        catalog: Any,
        web_client: AsyncWebClient,
        background: BackgroundTasks,
        *,
        pace_seconds: float = 1.0,
        lease_seconds: float = 120.0,
        webhook_delay_seconds: float = DEFAULT_WEBHOOK_DELAY_SECONDS,
        missing_recheck_seconds: float = DEFAULT_MISSING_RECHECK_SECONDS,
        owner: str | None = None,
    ) -> None:
        self.settings = settings
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._scp = scp
        self._catalog = catalog
        self._background = background
        self._store = Store(settings.state_database_url)
        self._delivery = Delivery(
            self._store, web_client, catalog.get,
            DeliverySettings(self.owner, pace_seconds=pace_seconds, lease_seconds=lease_seconds),
        )
        self._poller = Poller(
            self._store, scp, catalog.get, self._record_listed, owner=self.owner,
            lock_seconds=max(3 * settings.scp_poll_seconds, MIN_POLL_LOCK_SECONDS),
        )
        self._sweep_seconds = max(lease_seconds / 2, 1.0)
        self._webhook_delay_seconds = webhook_delay_seconds
        self._missing_recheck_seconds = missing_recheck_seconds
        self._record_locks = [asyncio.Lock() for _ in range(RECORD_LOCK_STRIPES)]
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._specs: dict[tuple[str, str], SearchSpec | None] = {}
        self._pending_reads: dict[tuple[str, str], _PendingRead] = {}
        self._started = False
        self._stopped = False

    @property
    def store(self) -> Store:
        return self._store

    def module(self, api_name: str) -> Module | None:
        """Return the configured module with this API name, or None."""
        return self._catalog.get(api_name)

    # Life cycle -------------------------------------------------------------------------

    async def start(self, *, poll: bool = False) -> None:
        """Migrate the store, deliver rows left by an earlier run, and start the loops."""
        await self._store.migrate()
        self._started = True
        await self._delivery.wake_all()
        loop = asyncio.get_running_loop()
        self._loops.append(loop.create_task(self._sweep_loop(), name="notify-sweep"))
        if poll:
            self._loops.append(loop.create_task(self._poll_loop(), name="notify-poll"))
        logger.info("notify.started owner=%s poll=%s", self.owner, poll)

    async def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT_SECONDS) -> None:  # noqa: ASYNC109
        """Stop the loops, give queued posts up to ``timeout`` seconds, and close the store."""
        if self._stopped:
            return
        self._stopped = True
        for task in self._loops:
            task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self._loops.clear()

        if self._tasks:
            # A change still waiting after the timeout is left to the poller of the next run.
            _, unfinished = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        if self._started:
            await self._delivery.stop(timeout)
            await self._poller.release()
        await self._store.close()
        logger.info("notify.stopped owner=%s", self.owner)

    async def join(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Wait until every change in progress is handled and every queued post is sent."""
        async with asyncio.timeout(timeout):
            while True:
                if self._tasks:
                    await asyncio.gather(*list(self._tasks), return_exceptions=True)
                await self._delivery.join()
                if not self._tasks:
                    return

    async def poll_once(self) -> int:
        """Run one poll pass; returns the number of changed records it read."""
        return await self._poller.poll_once()

    async def _poll_loop(self) -> None:
        while True:
            try:
                await self._poller.poll_once()
            except Exception:
                logger.exception("notify.poll.failed")
            await asyncio.sleep(self.settings.scp_poll_seconds)

    async def _sweep_loop(self) -> None:
        # Rows queued by a process that stopped, and rows due for a retry, have no worker
        # awake for them; the sweep wakes their channels.
        while True:
            await asyncio.sleep(self._sweep_seconds)
            try:
                await self._delivery.wake_all()
            except Exception:
                logger.exception("notify.sweep.failed")

    # Changes ----------------------------------------------------------------------------

    async def record_written(
        self, module: Module, record: Record, *, event: str, actor_user_id: str | None
    ) -> None:
        """Handle a write the bot itself made (created, edited, trashed or restored)."""
        change = ObservedChange(
            module, record.id, record, event=event, actor_user_id=actor_user_id
        )
        await self._observe(change)

    async def record_deleted(
        self, module: Module, record_id: str, *, actor_user_id: str | None
    ) -> None:
        """Handle a permanent delete the bot itself made."""
        await self._observe(
            ObservedChange(module, record_id, None, event="deleted", actor_user_id=actor_user_id)
        )

    async def handle_change(
        self, module: Module, record_id: str, *, event_hint: str | None = None
    ) -> None:
        """Re-read a record that changed elsewhere and tell subscribed channels what changed.

        A record the server still does not have (404) when read a second time counts as
        deleted.
        """
        subscriptions = await self._store.module_subscriptions(module.api_name)
        if not subscriptions:
            return

        record = await self._read_record(module, record_id)
        change = ObservedChange(module, record_id, record, hint=event_hint)
        await self._observe(change, subscriptions)

    async def _read_record(self, module: Module, record_id: str) -> Record | None:
        """Read the record; return None only when two reads a short delay apart get a 404."""
        try:
            return await self._scp.get_record(module, record_id)
        except RecordNotFound:
            pass
        await asyncio.sleep(self._missing_recheck_seconds)
        try:
            record = await self._scp.get_record(module, record_id)
        except RecordNotFound:
            return None
        logger.warning(
            "notify.change.not_found_once module=%s record=%s: a second read found it",
            module.api_name, record_id,
        )
        return record

    def submit_change(self, module: Module, record_id: str, *, event_hint: str | None) -> None:
        """Run ``handle_change`` in the background, so the webhook responds before it finishes.

        Webhooks for a record whose re-read is still waiting join that re-read. Webhooks that
        arrive while it reads cause one more re-read after it, instead of one each.
        """
        key = (module.api_name, record_id)
        pending = self._pending_reads.get(key)
        if pending is not None:
            pending.hint = event_hint or pending.hint
            pending.again = pending.again or pending.reading
            return
        pending = _PendingRead(event_hint)
        self._pending_reads[key] = pending

        async def report(error: BaseException) -> None:
            logger.error(
                "notify.change.failed module=%s record=%s error=%r",
                module.api_name, record_id, error,
            )

        async def handle_later() -> None:
            try:
                await asyncio.sleep(self._webhook_delay_seconds)
                while True:
                    pending.reading = True
                    pending.again = False
                    await self.handle_change(module, record_id, event_hint=pending.hint)
                    if not pending.again:
                        return
            finally:
                if self._pending_reads.get(key) is pending:
                    del self._pending_reads[key]

        self._track(self._background.spawn(
            handle_later(), on_error=report, name=f"notify-change-{module.api_name}-{record_id}"
        ))

    async def _record_listed(self, module: Module, record: Record) -> None:
        # The poller's list rows are whole records, so no re-read is needed.
        # NOTE: this assumes list responses carry every field, as the emulator's do. A server
        # that leaves fields out of list rows would make them look cleared.
        await self._observe(ObservedChange(module, record.id, record))

    async def _observe(
        self, change: ObservedChange, subscriptions: list[Subscription] | None = None
    ) -> None:
        module = change.module
        if subscriptions is None:
            subscriptions = await self._store.module_subscriptions(module.api_name)
        if not subscriptions:
            return

        async with self._record_lock(module.api_name, change.record_id):
            try:
                await self._apply(change, subscriptions)
            except UnorderedChange:
                fresh = await self._read_again(change)
                if fresh is not None:
                    await self._apply(fresh, subscriptions)

    async def _read_again(self, change: ObservedChange) -> ObservedChange | None:
        """Read the record again under its lock; None when it is gone by now.

        A read that finds the values of ``change`` confirms it, so the change keeps its
        event and actor. Other values are a later save by someone else.
        """
        module = change.module
        try:
            record = await self._scp.get_record(module, change.record_id)
        except RecordNotFound:
            # A delete reaches the threads through the bot's own delete or the webhook.
            logger.info(
                "notify.change.skipped reason=not_found_on_second_read module=%s record=%s",
                module.api_name, change.record_id,
            )
            return None

        logger.info(
            "notify.change.read_again module=%s record=%s updated_ms=%s",
            module.api_name, change.record_id, record.updated_time,
        )
        assert change.record is not None
        if (
            record.updated_time == change.record.updated_time
            and _version(module, record) == _version(module, change.record)
        ):
            return replace(change, read_under_lock=True)
        return ObservedChange(module, change.record_id, record, read_under_lock=True)

    async def _apply(self, change: ObservedChange, subscriptions: list[Subscription]) -> None:
        """Decide and store the change for each subscription; the caller holds the lock."""
        module = change.module
        for subscription in subscriptions:
            matches = self._matches(subscription, module, change.record)

            def decide_for(
                thread: ThreadState, subscription: Subscription = subscription,
                matches: bool = matches,
            ) -> Decision | None:
                return decide(subscription, thread, change, matches)

            decision = await self._store.apply_change(
                subscription.channel_id, module.api_name, change.record_id, decide_for,
                create=change.record is not None,
            )
            if decision is not None and decision.notification is not None:
                logger.info(
                    "notify.event.queued channel=%s module=%s record=%s event=%s "
                    "updated_ms=%d",
                    subscription.channel_id, module.api_name, change.record_id,
                    decision.notification.event, decision.updated_ms,
                )
                self._delivery.wake(subscription.channel_id)

    def _record_lock(self, module: str, record_id: str) -> asyncio.Lock:
        return self._record_locks[hash((module, record_id)) % RECORD_LOCK_STRIPES]

    def _matches(self, subscription: Subscription, module: Module, record: Record | None) -> bool:
        if record is None:
            return False
        if not subscription.filter_text.strip():
            return True
        spec = self._filter_spec(module, subscription.filter_text)
        return spec is not None and record_matches(module, record, spec)

    def _filter_spec(self, module: Module, filter_text: str) -> SearchSpec | None:
        key = (module.api_name, filter_text)
        if key not in self._specs:
            try:
                self._specs[key] = parse_search(module, filter_text)
            except SearchSyntaxError as error:
                # The module's fields may have changed since the channel subscribed.
                logger.warning(
                    "notify.filter.invalid module=%s filter=%r error=%s",
                    module.api_name, filter_text, error,
                )
                self._specs[key] = None
        return self._specs[key]

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # Subscriptions ----------------------------------------------------------------------

    async def subscribe(self, subscription: Subscription, module: Module) -> bool:
        """Save a channel's subscription; returns True if it is new, False if replaced.

        In the background it also starts the poll cursors and stores baseline snapshots of
        the module's newest records (``_save_baselines``).
        """
        subscribed_ms = int(time.time() * 1000)
        created = await self._store.save_subscription(subscription)

        async def report(error: BaseException) -> None:
            logger.warning(
                "notify.cursor.init_failed module=%s error=%r", module.api_name, error
            )

        # Reading the newest record can be slow, and the command's reply should not wait.
        self._track(self._background.spawn(
            self._poller.ensure_cursors(module), on_error=report,
            name=f"notify-cursors-{module.api_name}",
        ))

        async def report_baselines(error: BaseException) -> None:
            logger.warning(
                "notify.baselines.failed channel=%s module=%s error=%r",
                subscription.channel_id, module.api_name, error,
            )

        self._track(self._background.spawn(
            self._save_baselines(subscription, module, subscribed_ms),
            on_error=report_baselines,
            name=f"notify-baselines-{subscription.channel_id}-{module.api_name}",
        ))
        logger.info(
            "notify.subscribed channel=%s module=%s events=%s filter=%r user=%s",
            subscription.channel_id, module.api_name, ",".join(subscription.events),
            subscription.filter_text, subscription.created_by,
        )
        return created

    async def _save_baselines(
        self, subscription: Subscription, module: Module, subscribed_ms: int
    ) -> None:
        """Save snapshots of the module's newest records for the channel without posting.

        Each snapshot becomes a thread row without a parent message, like the row of a record
        outside the filter, so the first card of a later change lists the changed fields.
        Existing rows are kept, because they contain a newer or already posted state.

        Records saved after the subscribe started are skipped, because a baseline of such a
        save would make that change look handled, and it would never be posted.
        NOTE: this compares the server's update times with the bot's clock, so a server
        clock that runs behind can still hide a change made just after subscribing.
        """
        query = ListQuery(
            row_count=BASELINE_RECORDS, sort_field=UPDATED_FIELD, sort_order="desc",
            get_total_count=False,
        )
        page = await self._scp.list_records(module, query)
        baselines = [
            ThreadState(
                channel_id=subscription.channel_id, module=module.api_name,
                record_id=record.id, snapshot=snapshot_of(module, record),
                updated_ms=record.updated_time, is_trashed=record.is_trashed,
                matches=self._matches(subscription, module, record),
            )
            for record in page.records
            if record.updated_time is not None and record.updated_time < subscribed_ms
            and not record.is_trashed
        ]
        saved = await self._store.save_baselines(
            subscription.channel_id, module.api_name, baselines
        )
        logger.info(
            "notify.baselines.saved channel=%s module=%s listed=%d saved=%d",
            subscription.channel_id, module.api_name, len(page.records), saved,
        )

    async def unsubscribe(self, channel_id: str, module: Module) -> bool:
        removed = await self._store.delete_subscription(channel_id, module.api_name)
        if removed:
            logger.info("notify.unsubscribed channel=%s module=%s", channel_id, module.api_name)
        return removed

    async def subscriptions(self, channel_id: str) -> list[Subscription]:
        return await self._store.channel_subscriptions(channel_id)


def _version(module: Module, record: Record) -> str:
    return version_of(snapshot_of(module, record), record.is_trashed)


def create_notifier(
    settings: Settings,
    scp: ScpClient,
    catalog: Any,
    web_client: AsyncWebClient,
    background: BackgroundTasks,
    **options: Any,
) -> Notifier:
    """Build the notifier; ``options`` go to ``Notifier`` (``pace_seconds`` and others)."""
    return Notifier(settings, scp, catalog, web_client, background, **options)
