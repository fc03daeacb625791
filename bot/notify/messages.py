"""The Slack messages of a notification thread: the parent card and the thread lines."""

from __future__ import annotations

from typing import Any

from bot.notify.diff import field_for
from bot.notify.state import Notification
from bot.rendering import Change, notice_message, record_card, thread_line
from bot.scp import Module, Record

FILTER_LINE_EVENTS = {"entered": "entered_filter", "left": "left_filter"}


def first_card(module: Module, notification: Notification) -> dict[str, Any]:
    """Render the parent card that starts a record's thread, with a note on what happened."""
    return record_card(
        module, _record(notification), link=_link(module, notification),
        note=_first_note(module, notification),
    )


def current_card(module: Module, notification: Notification, record_id: str) -> dict[str, Any]:
    """Render the parent card as it should look after this notification's change."""
    if notification.record is None:
        return deleted_card(module, record_id, notification.title)
    return record_card(module, _record(notification), link=_link(module, notification))


def deleted_card(module: Module, record_id: str, title: str | None) -> dict[str, Any]:
    """Render what replaces the card of a deleted record: one line, no buttons."""
    label = f"{module.display_singular} {record_id}"
    if title:
        label += f" “{title}”"
    return notice_message(f"{label} was deleted.")


def deleted_notice(module: Module, notification: Notification, record_id: str) -> dict[str, Any]:
    """Render the standalone line for a deleted record that has no card in the channel."""
    label = f"{module.display_singular} {record_id}"
    if notification.title:
        label += f" “{notification.title}”"
    return thread_line(
        "deleted",
        actor=notification.actor.get("name"),
        actor_user_id=notification.actor.get("user_id"),
        when_ms=notification.when_ms,
        record_label=label,
    )


def line(module: Module, notification: Notification) -> dict[str, Any]:
    """Render the thread line of a notification."""
    event = FILTER_LINE_EVENTS.get(notification.filter_change or "", notification.event)
    return thread_line(
        event,
        actor=notification.actor.get("name"),
        actor_user_id=notification.actor.get("user_id"),
        changes=_changes(module, notification),
        when_ms=notification.when_ms,
    )


def _record(notification: Notification) -> Record:
    if notification.record is None:
        raise ValueError("a deleted record has no card")
    return Record.from_json(notification.record)


def _link(module: Module, notification: Notification) -> str | None:
    record_id = str((notification.record or {}).get("id", ""))
    return module.link_for(record_id) if record_id else None


def _first_note(module: Module, notification: Notification) -> str:
    """Write "*Edited* by <@U123> · Category: Novel → Classics" style mrkdwn.

    The note is the thread line without its time, so it lists the changed fields when the
    channel had an earlier snapshot of the record. The line escapes names and values.
    """
    rendered = thread_line(
        notification.event,
        actor=notification.actor.get("name"),
        actor_user_id=notification.actor.get("user_id"),
        changes=_changes(module, notification),
    )
    note = str(rendered["blocks"][0]["text"]["text"])
    if notification.filter_change == "entered":
        note += " · now matches this channel's filter"
    return note


def _changes(module: Module, notification: Notification) -> list[Change]:
    return [
        Change(field_for(module, change["field"]) or change["label"], change["old"], change["new"])
        for change in notification.changes
    ]
