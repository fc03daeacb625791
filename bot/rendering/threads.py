"""Notification-thread surface: one line per event on a record, with its changed fields."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.rendering import text
from bot.rendering.render import _message
from bot.scp import Field

MAX_THREAD_CHANGES = 5

EVENT_LABELS: dict[str, str] = {
    "created": "Created",
    "edited": "Edited",
    "trashed": "Moved to trash",
    "restored": "Restored",
    "deleted": "Deleted",
    "left_filter": "No longer matches this channel's filter",
    "entered_filter": "Now matches this channel's filter",
}


class Change(NamedTuple):
    """One changed field: the field (or just its label), the old and the new value."""

    field: Field | str
    old: Any
    new: Any


@dataclass(frozen=True)
class _ChangeLine:
    label: str
    field: Field | None
    old: Any
    new: Any


def _change_line(change: Change | tuple[Any, Any, Any]) -> _ChangeLine:
    field_or_label, old, new = change
    if isinstance(field_or_label, Field):
        return _ChangeLine(field_or_label.label, field_or_label, old, new)
    return _ChangeLine(str(field_or_label), None, old, new)


def thread_line(
    event: str,
    *,
    actor: str | None = None,
    actor_user_id: str | None = None,
    changes: Iterable[Change | tuple[Any, Any, Any]] = (),
    when_ms: int | None = None,
    record_label: str = "",
) -> dict[str, Any]:
    """Render one line of a record's notification thread.

    ``event`` is one of ``EVENT_LABELS``; an unknown event is shown as given. ``actor`` is a
    name from SupportCenter Plus (escaped); ``actor_user_id`` a Slack user id, shown as a
    mention. Each change is ``(field or label, old, new)``; at most five are listed.
    """
    event_label = EVENT_LABELS.get(event, event.replace("_", " ").capitalize() or "Changed")
    if actor_user_id and text.SLACK_USER_ID_PATTERN.fullmatch(actor_user_id):
        actor_mrkdwn = f"<@{actor_user_id}>"
    else:
        actor_mrkdwn = text.escape_mrkdwn(text.cut(actor, 200)) if actor else ""

    lines = [_change_line(change) for change in changes]
    shown = lines[:MAX_THREAD_CHANGES]
    fallback = " ".join(part for part in (event_label, record_label) if part)
    if actor:
        fallback += f" by {actor}"
    return _message(
        "thread_line.j2",
        event_label=event_label,
        record_label=record_label,
        actor_mrkdwn=actor_mrkdwn,
        changes=shown,
        more_changes=len(lines) - len(shown),
        when_ms=when_ms,
        fallback=fallback,
    )
