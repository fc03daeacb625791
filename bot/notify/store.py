"""The notification state store: subscriptions, threads, poll cursors and the poll lock.

Every public method is a coroutine that runs one short transaction in a worker thread (see
``bot.notify.database`` for why the engine is sync). The outbox rows have their own
methods in ``bot.notify.outbox``, which share this store's engine.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping

from bot.notify import database
from bot.notify.models import cursors, events, locks, subscriptions, threads
from bot.notify.state import (
    Notification,
    Subscription,
    ThreadState,
    decode_events,
    dedup_key,
    encode_events,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class Decision:
    """The effect of one change on one channel: the thread's new state and an optional post."""

    thread: ThreadState
    notification: Notification | None = None
    # The record's updated_time and version (``bot.notify.diff.version_of``) that go into
    # the outbox key of the notification.
    updated_ms: int = 0
    version: str = ""


def insert_ignoring_conflicts(connection: Connection, table: Any, values: dict[str, Any]) -> bool:
    """Insert a row unless a unique key is taken; return whether a row was inserted.

    The result comes from RETURNING, because psycopg reports rowcount -1 for an
    INSERT ... ON CONFLICT DO NOTHING that SQLAlchemy sends with RETURNING.
    """
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(*table.primary_key.columns)
    )
    return connection.execute(statement).first() is not None


class Store:
    """Subscriptions, thread state, poll cursors and the poll lock in one database."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = database.create_engine(url)
        # SQLite lets one transaction write at a time and makes a waiting connection sleep
        # and poll, which slowed a burst of 100 changes to seconds. Queuing this process's
        # transactions on a lock avoids that; other processes still wait on the busy timeout.
        self._sqlite_lock = threading.Lock() if self.engine.dialect.name == "sqlite" else None

    async def migrate(self) -> None:
        await asyncio.to_thread(database.migrate, self.engine)

    async def close(self) -> None:
        await asyncio.to_thread(self.engine.dispose)

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` inside one transaction in a worker thread and return its result."""
        return await asyncio.to_thread(self._run_sync, work)

    def _run_sync(self, work: Callable[[Connection], T]) -> T:
        if self._sqlite_lock is None:
            with self.engine.begin() as connection:
                return work(connection)
        with self._sqlite_lock, self.engine.begin() as connection:
            return work(connection)

    # Subscriptions ----------------------------------------------------------------------

    async def save_subscription(self, subscription: Subscription) -> bool:
        """Add the subscription or replace the channel's one for the module; True if new.

        When the module had no subscription at all, its poll cursors are dropped, so the
        next poll starts at the newest record instead of replaying every change made while
        no channel followed it.
        """

        def work(connection: Connection) -> bool:
            values = {
                "filter_text": subscription.filter_text,
                "events": encode_events(subscription.events),
                "created_by": subscription.created_by,
                "team_id": subscription.team_id,
                "paused_error": None,
            }
            changed = connection.execute(
                update(subscriptions)
                .where(subscriptions.c.channel_id == subscription.channel_id)
                .where(subscriptions.c.module == subscription.module)
                .values(**values)
            ).rowcount
            if changed:
                return False
            if not _module_followed(connection, subscription.module):
                connection.execute(delete(cursors).where(cursors.c.module == subscription.module))
            connection.execute(
                insert(subscriptions).values(
                    channel_id=subscription.channel_id, module=subscription.module, **values
                )
            )
            return True

        return await self.run(work)

    async def delete_subscription(self, channel_id: str, module: str) -> bool:
        """Remove a subscription and cancel its undelivered notifications; True if it existed."""

        def work(connection: Connection) -> bool:
            removed = connection.execute(
                delete(subscriptions)
                .where(subscriptions.c.channel_id == channel_id)
                .where(subscriptions.c.module == module)
            ).rowcount
            connection.execute(
                update(events)
                .where(events.c.channel_id == channel_id)
                .where(events.c.module == module)
                .where(events.c.status.in_(("pending", "posting")))
                .values(status="cancelled", claimed_by=None)
            )
            return removed > 0

        return await self.run(work)

    async def pause_subscription(self, channel_id: str, module: str, error: str) -> None:
        """Stop queuing posts for the subscription and cancel its undelivered ones."""

        def work(connection: Connection) -> None:
            connection.execute(
                update(subscriptions)
                .where(subscriptions.c.channel_id == channel_id)
                .where(subscriptions.c.module == module)
                .values(paused_error=error)
            )
            connection.execute(
                update(events)
                .where(events.c.channel_id == channel_id)
                .where(events.c.module == module)
                .where(events.c.status.in_(("pending", "posting")))
                .values(status="cancelled", claimed_by=None, error=error)
            )

        await self.run(work)

    async def channel_subscriptions(self, channel_id: str) -> list[Subscription]:
        query = (
            select(subscriptions)
            .where(subscriptions.c.channel_id == channel_id)
            .order_by(subscriptions.c.module)
        )
        return await self.run(lambda c: [_subscription(r) for r in c.execute(query).mappings()])

    async def module_subscriptions(self, module: str) -> list[Subscription]:
        """Return the module's active subscriptions; paused ones get no posts."""
        query = (
            select(subscriptions)
            .where(subscriptions.c.module == module)
            .where(subscriptions.c.paused_error.is_(None))
            .order_by(subscriptions.c.id)
        )
        return await self.run(lambda c: [_subscription(r) for r in c.execute(query).mappings()])

    async def followed_modules(self) -> list[str]:
        query = select(subscriptions.c.module).distinct().order_by(subscriptions.c.module)
        return await self.run(lambda c: list(c.execute(query).scalars()))

    # Threads ----------------------------------------------------------------------------

    async def apply_change(
        self, channel_id: str, module: str, record_id: str,
        decide: Callable[[ThreadState], Decision | None], *, create: bool = True,
    ) -> Decision | None:
        """Lock the channel's thread row, let ``decide`` work out the change, and save it.

        The outbox row and the thread's new state commit together, so after a crash either
        both exist (and the row is delivered on start) or neither (and the change is seen
        again). Returns the decision when an outbox row was inserted, None otherwise: no
        change, another path or process already claimed the same key, or the channel no
        longer follows the module. A re-read can take seconds, so the subscription is checked
        again here, under a lock that makes an unsubscribe wait for this transaction.

        With ``create`` False (a record found missing) a missing thread row stays missing, so
        webhooks for ids that never existed leave no rows behind.
        """

        def work(connection: Connection) -> Decision | None:
            if not _lock_subscription(connection, channel_id, module):
                logger.info(
                    "notify.change.skipped reason=unsubscribed channel=%s module=%s record=%s",
                    channel_id, module, record_id,
                )
                return None
            current = _lock_thread(connection, channel_id, module, record_id, create=create)
            decision = decide(current)
            if decision is None:
                return None

            inserted = False
            if decision.notification is not None:
                key = dedup_key(
                    channel_id, module, record_id, decision.updated_ms,
                    decision.notification.event, decision.version,
                )
                inserted = insert_ignoring_conflicts(connection, events, {
                    "dedup_key": key, "channel_id": channel_id, "module": module,
                    "record_id": record_id, "event": decision.notification.event,
                    "updated_ms": decision.updated_ms,
                    "payload": decision.notification.to_json(), "status": "pending",
                    "next_attempt_ms": 0, "attempts": 0,
                })
                if not inserted:
                    logger.info("notify.event.duplicate key=%s", key)
                    return None

            _save_thread(connection, decision.thread)
            return decision if inserted else None

        return await self.run(work)

    async def save_baselines(
        self, channel_id: str, module: str, states: list[ThreadState]
    ) -> int:
        """Insert baseline thread rows, without a parent message; return how many were new.

        Rows that already exist are left alone. No outbox row is written, so nothing is
        posted. Nothing is saved when the subscription is gone or paused.
        """

        def work(connection: Connection) -> int:
            if not _lock_subscription(connection, channel_id, module):
                return 0
            inserted = 0
            for state in states:
                inserted += insert_ignoring_conflicts(connection, threads, {
                    "channel_id": channel_id, "module": module, "record_id": state.record_id,
                    "snapshot": json.dumps(state.snapshot) if state.snapshot is not None
                    else None,
                    "updated_ms": state.updated_ms, "is_trashed": state.is_trashed,
                    "is_deleted": False, "matches": state.matches, "announced": False,
                })
            return inserted

        return await self.run(work)

    async def thread(self, channel_id: str, module: str, record_id: str) -> ThreadState | None:
        def work(connection: Connection) -> ThreadState | None:
            row = connection.execute(
                _thread_query(channel_id, module, record_id)
            ).mappings().first()
            return _thread_state(row) if row is not None else None

        return await self.run(work)

    async def record_threads(self, module: str, record_id: str) -> list[ThreadState]:
        query = (
            select(threads)
            .where(threads.c.module == module)
            .where(threads.c.record_id == record_id)
        )
        return await self.run(lambda c: [_thread_state(r) for r in c.execute(query).mappings()])

    # Poll cursors -----------------------------------------------------------------------

    async def cursor(self, module: str, scope: str) -> tuple[int, dict[str, str]] | None:
        """Return the cursor's millisecond and the versions of the records seen at it.

        A cursor saved before versions were stored lists only ids; they get an empty version,
        so the poller hands those records on once more and ``decide`` drops what it handled.
        """
        query = (
            select(cursors.c.updated_ms, cursors.c.seen_ids)
            .where(cursors.c.module == module)
            .where(cursors.c.scope == scope)
        )

        def work(connection: Connection) -> tuple[int, dict[str, str]] | None:
            row = connection.execute(query).first()
            if row is None:
                return None
            seen = json.loads(row.seen_ids)
            if isinstance(seen, list):
                seen = dict.fromkeys(seen, "")
            return row.updated_ms, seen

        return await self.run(work)

    async def save_cursor(
        self, module: str, scope: str, updated_ms: int, seen: dict[str, str], *,
        only_if_missing: bool = False,
    ) -> None:
        values = {"updated_ms": updated_ms, "seen_ids": json.dumps(seen, sort_keys=True)}

        def work(connection: Connection) -> None:
            if not only_if_missing:
                changed = connection.execute(
                    update(cursors)
                    .where(cursors.c.module == module)
                    .where(cursors.c.scope == scope)
                    .values(**values)
                ).rowcount
                if changed:
                    return
            insert_ignoring_conflicts(connection, cursors, {
                "module": module, "scope": scope, **values,
            })

        await self.run(work)

    # Poll lock --------------------------------------------------------------------------

    async def acquire_lock(self, name: str, owner: str, now_ms: int, ttl_ms: int) -> bool:
        """Take or renew the lock ``name`` for ``owner``; False while another owner holds it.

        One UPDATE decides, so two processes can never both see themselves as the holder.
        """
        statement = (
            update(locks)
            .where(locks.c.name == name)
            .where((locks.c.expires_ms < now_ms) | (locks.c.owner == owner))
            .values(owner=owner, expires_ms=now_ms + ttl_ms)
        )

        def work(connection: Connection) -> bool:
            insert_ignoring_conflicts(connection, locks, {
                "name": name, "owner": None, "expires_ms": 0,
            })
            return connection.execute(statement).rowcount == 1

        return await self.run(work)

    async def release_lock(self, name: str, owner: str) -> None:
        statement = (
            update(locks)
            .where(locks.c.name == name)
            .where(locks.c.owner == owner)
            .values(owner=None, expires_ms=0)
        )
        await self.run(lambda c: c.execute(statement))


def _lock_subscription(connection: Connection, channel_id: str, module: str) -> bool:
    """Return whether the channel follows the module unpaused, locking its row until commit.

    On PostgreSQL the row is locked FOR SHARE, so an unsubscribe waits and then cancels the
    outbox row this transaction inserts.
    """
    query = (
        select(subscriptions.c.id)
        .where(subscriptions.c.channel_id == channel_id)
        .where(subscriptions.c.module == module)
        .where(subscriptions.c.paused_error.is_(None))
        .with_for_update(read=True)
    )
    return connection.execute(query).first() is not None


def _module_followed(connection: Connection, module: str) -> bool:
    query = select(subscriptions.c.id).where(subscriptions.c.module == module).limit(1)
    return connection.execute(query).first() is not None


def _subscription(row: RowMapping) -> Subscription:
    return Subscription(
        team_id=row["team_id"],
        channel_id=row["channel_id"],
        module=row["module"],
        filter_text=row["filter_text"],
        events=decode_events(row["events"]),
        created_by=row["created_by"],
        created_at=row["created_at"],
        paused_error=row["paused_error"],
    )


def _thread_query(channel_id: str, module: str, record_id: str) -> Any:
    return (
        select(threads)
        .where(threads.c.channel_id == channel_id)
        .where(threads.c.module == module)
        .where(threads.c.record_id == record_id)
    )


def _lock_thread(
    connection: Connection, channel_id: str, module: str, record_id: str, *, create: bool
) -> ThreadState:
    """Return the thread row, locked until the transaction ends.

    A missing row is inserted empty when ``create`` is True. Otherwise an empty state is
    returned, and saving it changes nothing because ``_save_thread`` only updates rows.

    PostgreSQL locks the row with FOR UPDATE, so a second process handling the same record
    waits here and then reads this transaction's result. SQLite ignores FOR UPDATE; its
    IMMEDIATE transactions already run one at a time.
    """
    if create:
        insert_ignoring_conflicts(connection, threads, {
            "channel_id": channel_id, "module": module, "record_id": record_id,
            "is_trashed": False, "is_deleted": False, "matches": False, "announced": False,
        })
    row = connection.execute(
        _thread_query(channel_id, module, record_id).with_for_update()
    ).mappings().first()
    if row is None:
        return ThreadState(channel_id=channel_id, module=module, record_id=record_id)
    return _thread_state(row)


def _save_thread(connection: Connection, state: ThreadState) -> None:
    # parent_ts is left out: only delivery sets it, in its own transaction.
    connection.execute(
        update(threads)
        .where(threads.c.channel_id == state.channel_id)
        .where(threads.c.module == state.module)
        .where(threads.c.record_id == state.record_id)
        .values(
            snapshot=json.dumps(state.snapshot) if state.snapshot is not None else None,
            updated_ms=state.updated_ms,
            is_trashed=state.is_trashed,
            is_deleted=state.is_deleted,
            matches=state.matches,
            announced=state.announced,
        )
    )


def _thread_state(row: RowMapping) -> ThreadState:
    return ThreadState(
        channel_id=row["channel_id"],
        module=row["module"],
        record_id=row["record_id"],
        parent_ts=row["parent_ts"],
        snapshot=json.loads(row["snapshot"]) if row["snapshot"] else None,
        updated_ms=row["updated_ms"],
        is_trashed=bool(row["is_trashed"]),
        is_deleted=bool(row["is_deleted"]),
        matches=bool(row["matches"]),
        announced=bool(row["announced"]),
    )
