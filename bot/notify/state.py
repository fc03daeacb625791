"""Plain values that the store reads and writes: subscriptions, thread state, outbox rows."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Event names in the order they are listed to people.
EVENTS: tuple[str, ...] = ("created", "edited", "trashed", "restored", "deleted")


@dataclass(frozen=True)
class Subscription:
    """A channel following one module, with an optional filter and a set of events."""

    team_id: str
    channel_id: str
    module: str
    filter_text: str
    events: tuple[str, ...]
    created_by: str
    created_at: datetime | None = None
    # The Slack error that stopped posts to the channel; None while it is active.
    paused_error: str | None = None


def encode_events(events: tuple[str, ...]) -> str:
    return ",".join(name for name in EVENTS if name in events)


def decode_events(text: str) -> tuple[str, ...]:
    names = {part.strip() for part in text.split(",")}
    return tuple(name for name in EVENTS if name in names)


@dataclass
class ThreadState:
    """One channel's last snapshot of one record, and the record's thread there."""

    channel_id: str
    module: str
    record_id: str
    parent_ts: str | None = None
    snapshot: dict[str, Any] | None = None
    updated_ms: int | None = None
    is_trashed: bool = False
    is_deleted: bool = False
    matches: bool = False
    announced: bool = False

    @property
    def seen(self) -> bool:
        return self.snapshot is not None


@dataclass
class Notification:
    """The outbox payload: everything needed to post one event, stored as JSON."""

    event: str
    # Whether people see this event: a parent card or a thread line. When False, only the
    # parent card (if there is one) is refreshed.
    show_line: bool
    # {"user_id": "U123"} for the bot's own writes, {"name": "..."} for other changes.
    actor: dict[str, str] = field(default_factory=dict)
    # Each change: {"field": field name or None, "label": ..., "old": ..., "new": ...}.
    changes: list[dict[str, Any]] = field(default_factory=list)
    # The record as the server returned it; None for a deleted record.
    record: dict[str, Any] | None = None
    # "entered" or "left" when this change moved the record into or out of the filter.
    filter_change: str | None = None
    when_ms: int | None = None
    # The last known title of a deleted record, for the card that replaces its own.
    title: str | None = None

    def to_json(self) -> str:
        return json.dumps(self.__dict__, separators=(",", ":"), default=str)

    @classmethod
    def from_json(cls, text: str) -> Notification:
        data = json.loads(text)
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


@dataclass(frozen=True)
class OutboxRow:
    """One undelivered outbox row, as a channel worker reads it."""

    id: int
    channel_id: str
    module: str
    record_id: str
    event: str
    status: str
    claimed_by: str | None
    claimed_until_ms: int | None
    next_attempt_ms: int
    attempts: int
    message_ts: str | None
    notification: Notification


def dedup_key(
    channel_id: str, module: str, record_id: str, updated_ms: int, event: str, version: str
) -> str:
    """Build the outbox key that makes one change produce at most one row per channel.

    ``version`` (see ``bot.notify.diff.version_of``) keeps two saves of one millisecond apart.
    """
    return f"{channel_id}|{module}|{record_id}|{updated_ms}|{event}|{version}"
