"""Work out what one observed change of a record means for one subscribed channel.

``decide`` is pure: it takes the channel's subscription, what the channel last knew of the
record, the change and whether the record now matches the channel's filter, and returns the
thread's new state with the notification to queue, if any.

Rules:
- A change with an ``updated_time`` older than the stored one is an older read, and one with
  the same ``updated_time`` and the same values was already handled, so both are dropped.
  That way one process handles a change once, whether the webhook, the poller or the bot's
  own write reports it. The outbox key covers races between processes.
- A change with the same ``updated_time`` but other values is a second save within that
  millisecond, or an older read of the first one. Only a read made under the record's lock
  distinguishes them, so ``decide`` raises ``UnorderedChange`` for any other read.
- An edit that changes none of the tracked fields gives no line, but a record with a card
  gets its card refreshed, so "updated by" and "updated at" stay current.
- A record marked deleted that is read again with a newer ``updated_time`` was not deleted
  after all (the 404 was wrong): the thread goes on and the card is refreshed.
- A delete of a record without a card posts a standalone notice when the channel follows
  deletes and the record matched the filter when last seen. A record never seen counts only
  when the change reports a delete (the bot's own delete or the webhook's hint), and only
  for a subscription without a filter.
- A record shows lines while it matches the filter and the event is subscribed. The change
  that takes it out of the filter gets one last line; then it is silent until it matches again.
- The parent card is refreshed after every change once the record has a card in the channel,
  matching or not, so the card always shows the record's current state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from bot.notify.diff import changes_between, snapshot_of, version_of
from bot.notify.state import Notification, Subscription, ThreadState
from bot.notify.store import Decision
from bot.scp import Module, Record

WRITE_EVENTS = frozenset({"created", "edited", "trashed", "restored"})


@dataclass(frozen=True)
class ObservedChange:
    """A change seen by one path: the bot's write, the webhook or the poller."""

    module: Module
    record_id: str
    # The record as the server returns it now; None when it was deleted.
    record: Record | None
    # The event the bot's own write performed; None when it has to be worked out.
    event: str | None = None
    # The webhook's "event" field: used only for a record the channel has not seen before.
    hint: str | None = None
    actor_user_id: str | None = None
    # True when the record was read while this process held the record's lock, so no
    # newer state of it can have been handled before this one.
    read_under_lock: bool = False


class UnorderedChange(Exception):
    """A read with the stored ``updated_time`` but other values, not made under the lock.

    Two saves within one millisecond share an ``updated_time``, so such a read may be the
    second save or a late copy of the first. The caller reads the record again under the
    lock and decides with that read.
    """


def decide(
    subscription: Subscription, thread: ThreadState, change: ObservedChange, matches_now: bool
) -> Decision | None:
    if change.record is None:
        return _decide_deleted(subscription, thread, change)

    record = change.record
    updated_ms = _updated_ms(record)
    snapshot = snapshot_of(change.module, record)
    if _already_handled(thread, record, updated_ms, snapshot):
        # This includes a late read of a record that is already gone.
        return None
    if _same_millisecond(thread, record) and not change.read_under_lock:
        raise UnorderedChange(f"record {change.record_id} at {updated_ms}")

    version = version_of(snapshot, record.is_trashed)
    event = _event_for(thread, record, change)
    changes = changes_between(change.module, thread.snapshot, snapshot) if thread.seen else []
    new_state = replace(
        thread, snapshot=snapshot, updated_ms=updated_ms, is_trashed=record.is_trashed,
        is_deleted=False, matches=matches_now,
    )
    if thread.seen and event == "edited" and not changes:
        if not thread.announced:
            return Decision(new_state)
        # Nothing tracked changed, but the card shows who saved the record and when.
        refresh = Notification(
            event=event, show_line=False, actor=_actor(change, record),
            record=dict(record.raw), when_ms=updated_ms,
        )
        return Decision(new_state, refresh, updated_ms, version)

    filter_change = _filter_change(subscription, thread, matches_now)
    show_line = (matches_now and event in subscription.events) or filter_change == "left"
    if not show_line and not thread.announced:
        return Decision(new_state)

    new_state.announced = True
    notification = Notification(
        event=event,
        show_line=show_line,
        actor=_actor(change, record),
        changes=changes,
        record=dict(record.raw),
        filter_change=filter_change,
        when_ms=updated_ms,
    )
    return Decision(new_state, notification, updated_ms, version)


def _decide_deleted(
    subscription: Subscription, thread: ThreadState, change: ObservedChange
) -> Decision | None:
    if thread.is_deleted:
        return None
    if not thread.seen and not _said_deleted(change):
        # A 404 for a record never seen may be an id that never existed.
        return None

    new_state = replace(thread, is_deleted=True, matches=False)
    followed = "deleted" in subscription.events
    if thread.seen:
        matched = thread.matches
    else:
        matched = not subscription.filter_text
    if not thread.announced and not (followed and matched):
        return Decision(new_state)

    # Without a card, delivery posts the line on its own, naming the record.
    updated_ms = thread.updated_ms or 0
    notification = Notification(
        event="deleted",
        show_line=matched and followed,
        actor={"user_id": change.actor_user_id} if change.actor_user_id else {},
        when_ms=int(time.time() * 1000),
        title=(thread.snapshot or {}).get("title"),
    )
    return Decision(new_state, notification, updated_ms)


def _said_deleted(change: ObservedChange) -> bool:
    return change.event == "deleted" or change.hint == "deleted"


def _updated_ms(record: Record) -> int:
    # NOTE: a server that sends no updated_time gets the bot's clock instead; duplicates are
    # then dropped only by comparing snapshots, not by the outbox key.
    return record.updated_time if record.updated_time is not None else int(time.time() * 1000)


def _already_handled(
    thread: ThreadState, record: Record, updated_ms: int, snapshot: dict[str, object]
) -> bool:
    if not thread.seen:
        return False
    if thread.is_deleted:
        # Only a newer save proves that a record marked deleted still exists.
        return record.updated_time is None or (
            thread.updated_ms is not None and record.updated_time <= thread.updated_ms
        )
    if record.updated_time is None or updated_ms == thread.updated_ms:
        return snapshot == thread.snapshot and record.is_trashed == thread.is_trashed
    return thread.updated_ms is not None and updated_ms < thread.updated_ms


def _same_millisecond(thread: ThreadState, record: Record) -> bool:
    return (
        thread.seen and not thread.is_deleted and record.updated_time is not None
        and record.updated_time == thread.updated_ms
    )


def _event_for(thread: ThreadState, record: Record, change: ObservedChange) -> str:
    if change.event:
        return change.event
    if thread.seen:
        if record.is_trashed and not thread.is_trashed:
            return "trashed"
        if thread.is_trashed and not record.is_trashed:
            return "restored"
        return "edited"

    if change.hint in WRITE_EVENTS:
        return change.hint
    if record.is_trashed:
        return "trashed"
    if record.created_time is not None and record.created_time == record.updated_time:
        return "created"
    return "edited"


def _filter_change(
    subscription: Subscription, thread: ThreadState, matches_now: bool
) -> str | None:
    if not subscription.filter_text or not thread.seen:
        return None
    if matches_now and not thread.matches:
        return "entered"
    if thread.matches and not matches_now and thread.announced:
        return "left"
    return None


def _actor(change: ObservedChange, record: Record) -> dict[str, str]:
    if change.actor_user_id:
        return {"user_id": change.actor_user_id}
    if record.updated_by:
        return {"name": record.updated_by}
    return {}
