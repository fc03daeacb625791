"""The delivery side of the outbox table: claim a row, record what was posted, retry or fail.

A row moves pending -> posting (claimed by one process, with a lease) -> done. The ts of the
message it posted is stored right after the post, so a row whose post went through is never
posted again, even if the process stops before the row is done. A claimed row whose lease
ran out (its process died) can be claimed again by any process.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, or_, select, update
from sqlalchemy.engine import RowMapping

from bot.notify.models import events, threads
from bot.notify.state import Notification, OutboxRow
from bot.notify.store import Store

UNDELIVERED = ("pending", "posting")
ERROR_MAX_LENGTH = 500


class Outbox:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def undelivered(self, channel_id: str, *, limit: int) -> list[OutboxRow]:
        """Return up to ``limit`` of the channel's pending and claimed rows, oldest first."""
        query = (
            select(events)
            .where(events.c.channel_id == channel_id)
            .where(events.c.status.in_(UNDELIVERED))
            .order_by(events.c.id)
            .limit(limit)
        )
        return await self._store.run(lambda c: [_row(r) for r in c.execute(query).mappings()])

    async def channels_with_work(self) -> list[str]:
        """Return channels with undelivered rows, whether due now, later, or claimed."""
        query = select(events.c.channel_id).where(events.c.status.in_(UNDELIVERED)).distinct()
        return await self._store.run(lambda c: list(c.execute(query).scalars()))

    async def claim(self, row_id: int, owner: str, now_ms: int, lease_ms: int) -> bool:
        """Claim a due row for ``owner``; False if it is not due or another process has it."""
        claimable = or_(
            and_(events.c.status == "pending", events.c.next_attempt_ms <= now_ms),
            and_(
                events.c.status == "posting",
                or_(events.c.claimed_until_ms < now_ms, events.c.claimed_by == owner),
            ),
        )
        statement = (
            update(events)
            .where(events.c.id == row_id)
            .where(claimable)
            .values(
                status="posting", claimed_by=owner, claimed_until_ms=now_ms + lease_ms,
                attempts=events.c.attempts + 1,
            )
        )
        return await self._store.run(lambda c: c.execute(statement).rowcount == 1)

    async def save_parent(self, row: OutboxRow, ts: str) -> None:
        """Store a posted parent card's ts in the row (now done) and in the thread.

        A row cancelled while it was posted stays cancelled, and its thread gets no parent.
        """

        def work(connection: Connection) -> None:
            if not _finish(connection, row.id, ts):
                return
            connection.execute(
                update(threads)
                .where(threads.c.channel_id == row.channel_id)
                .where(threads.c.module == row.module)
                .where(threads.c.record_id == row.record_id)
                .values(parent_ts=ts)
            )

        await self._store.run(work)

    async def save_line(self, row_id: int, ts: str) -> None:
        """Store a posted thread line's ts; the row stays claimed until its card is refreshed."""
        statement = update(events).where(events.c.id == row_id).values(message_ts=ts)
        await self._store.run(lambda c: c.execute(statement))

    async def finish(self, row_id: int, ts: str | None = None) -> None:
        """Mark a claimed row done, with the ts of a message it posted outside any thread."""
        await self._store.run(lambda c: _finish(c, row_id, ts))

    async def retry_later(
        self, row_id: int, owner: str, next_attempt_ms: int, error: str
    ) -> None:
        """Hand a claimed row back for a later attempt, unless it was cancelled meanwhile."""
        statement = (
            update(events)
            .where(events.c.id == row_id)
            .where(events.c.status == "posting")
            .where(events.c.claimed_by == owner)
            .values(
                status="pending", claimed_by=None, claimed_until_ms=None,
                next_attempt_ms=next_attempt_ms, error=error[:ERROR_MAX_LENGTH],
            )
        )
        await self._store.run(lambda c: c.execute(statement))

    async def fail(self, row_id: int, error: str) -> None:
        statement = (
            update(events)
            .where(events.c.id == row_id)
            .where(events.c.status == "posting")
            .values(status="failed", claimed_by=None, error=error[:ERROR_MAX_LENGTH])
        )
        await self._store.run(lambda c: c.execute(statement))

    async def release_claims(self, owner: str) -> int:
        """Hand back every row ``owner`` still holds, so another process can take it at once."""
        statement = (
            update(events)
            .where(events.c.status == "posting")
            .where(events.c.claimed_by == owner)
            .values(status="pending", claimed_by=None, claimed_until_ms=None)
        )
        return await self._store.run(lambda c: c.execute(statement).rowcount)

    async def forget_parent(self, channel_id: str, module: str, record_id: str, ts: str) -> None:
        """Drop the ts of a parent message Slack no longer has; the next event posts a new card."""
        statement = (
            update(threads)
            .where(threads.c.channel_id == channel_id)
            .where(threads.c.module == module)
            .where(threads.c.record_id == record_id)
            .where(threads.c.parent_ts == ts)
            .values(parent_ts=None)
        )
        await self._store.run(lambda c: c.execute(statement))


def _finish(connection: Connection, row_id: int, ts: str | None) -> bool:
    """Mark a claimed row done; return False when it is no longer claimed (cancelled)."""
    values: dict[str, object] = {"status": "done", "claimed_by": None, "claimed_until_ms": None}
    if ts is not None:
        values["message_ts"] = ts
    statement = (
        update(events)
        .where(events.c.id == row_id)
        .where(events.c.status == "posting")
        .values(**values)
    )
    return connection.execute(statement).rowcount == 1


def _row(row: RowMapping) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        channel_id=row["channel_id"],
        module=row["module"],
        record_id=row["record_id"],
        event=row["event"],
        status=row["status"],
        claimed_by=row["claimed_by"],
        claimed_until_ms=row["claimed_until_ms"],
        next_attempt_ms=row["next_attempt_ms"],
        attempts=row["attempts"],
        message_ts=row["message_ts"],
        notification=Notification.from_json(row["payload"]),
    )
