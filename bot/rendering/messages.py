"""Short messages: help and usage, errors, notices, and a modal that shows a message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.ids import CallbackId
from bot.rendering import text
from bot.rendering.render import SECTION_BUDGET, _chunks, _message, _view
from bot.scp import Module


def help_message(modules: Sequence[Module], *, command: str = "/scp") -> dict[str, Any]:
    """Render the usage of every command, the search grammar and the configured modules."""
    lines = [
        f"• *{text.escape_mrkdwn(text.cut(module.display_name, 200))}*: "
        f"`{text.escape_mrkdwn(module.short_name)}` or `{text.escape_mrkdwn(module.api_name)}`"
        for module in modules
    ]
    chunks, left_out = _chunks(lines, SECTION_BUDGET, 40)
    if left_out:
        chunks[-1].append(f"… and {left_out:,} more")
    return _message("help.j2", command=command, problem=None, module_chunks=chunks)


def usage_message(problem: str, *, command: str = "/scp") -> dict[str, Any]:
    """Render a problem with the command the user typed, followed by a short usage."""
    return _message("help.j2", command=command, problem=problem, module_chunks=[])


def error_message(
    what_failed: str, what_to_do: str, *, error_id: str | None = None
) -> dict[str, Any]:
    """Render a short error: what failed, what to do next, and an optional error id."""
    return _message(
        "error.j2", what_failed=what_failed, what_to_do=what_to_do, error_id=error_id
    )


def notice_message(notice: str, *, actor_user_id: str | None = None) -> dict[str, Any]:
    """Render a one-line confirmation such as "Record 302 deleted.", naming who did it."""
    if actor_user_id and not text.SLACK_USER_ID_PATTERN.fullmatch(actor_user_id):
        actor_user_id = None
    return _message("notice.j2", text=notice, actor_user_id=actor_user_id)


def message_view(title: str, message: Mapping[str, Any]) -> dict[str, Any]:
    """Render a modal that shows the blocks of ``message`` (an error, a notice) and Close."""
    return _view(
        "message_view.j2", title=title, blocks=list(message["blocks"]),
        callback_id=CallbackId.MESSAGE,
    )
