"""User-facing sentences, and how each error becomes one the user can act on."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from bot.catalog import UnknownModule
from bot.operations.records import RecordStateError
from bot.operations.search import SearchSyntaxError
from bot.scp import (
    AuthenticationError,
    FieldRejected,
    InvalidRecordId,
    NotInTrash,
    PermissionDenied,
    RateLimited,
    RecordNotFound,
    ScpResponseError,
    ScpTransportError,
    ServerError,
    UnexpectedResponse,
)

logger = logging.getLogger(__name__)

CHECK_SETUP = "Ask your Slack admin to run `scp-bot check` on the bot's server."
CHECK_SETUP_LATER = "If it keeps failing, ask your Slack admin to run `scp-bot check`."


class StaleButton(ValueError):
    """A button whose value names no configured module or no valid record."""


@dataclass(frozen=True)
class ErrorText:
    what_failed: str
    what_to_do: str
    error_id: str | None = None


def describe_error(
    error: BaseException, *, action: str, record_label: str = "", module_name: str = "<module>"
) -> ErrorText:
    """Turn an error into what failed and what to do next.

    ``action`` names the attempted operation ("load Book 301", "save the book"); errors that
    are bugs or unknown are logged with an id that the message shows too.
    """
    subject = record_label or "The record"
    if isinstance(error, UnknownModule):
        return ErrorText(error.message, "Type `/scp help` to see the modules and commands.")
    if isinstance(error, SearchSyntaxError):
        return ErrorText(f"Invalid search: {error}", "Type `/scp help` for the search grammar.")
    if isinstance(error, RecordStateError):
        return ErrorText(error.problem, error.advice)
    if isinstance(error, StaleButton):
        return ErrorText(
            f"This button no longer works: {error}.",
            "Run the command again to get a fresh message.",
        )
    if isinstance(error, InvalidRecordId):
        return ErrorText(
            "A record id is a number, such as 301.", "Check the id and try again."
        )
    if getattr(error, "indeterminate", False):
        return ErrorText(
            f"SupportCenter Plus did not confirm the request to {action}.",
            "It may or may not have been done. Look the record up before you try again.",
        )
    if isinstance(error, UnexpectedResponse):
        return ErrorText(
            f"Could not {action}: SupportCenter Plus sent a response the bot cannot read.",
            f"Try again in a minute. {CHECK_SETUP_LATER}",
        )
    if isinstance(error, ScpTransportError):
        if error.indeterminate:
            return ErrorText(
                f"SupportCenter Plus did not confirm the request to {action}.",
                "It may or may not have been saved. Look the record up before you try again.",
            )
        return ErrorText(
            f"Could not {action}: SupportCenter Plus did not respond.",
            f"Try again in a minute. {CHECK_SETUP_LATER}",
        )
    if isinstance(error, AuthenticationError):
        return ErrorText(
            f"Could not {action}: SupportCenter Plus rejected the bot's API key.", CHECK_SETUP
        )
    if isinstance(error, PermissionDenied):
        return ErrorText(
            f"Could not {action}: the bot's SupportCenter Plus account is not allowed to.",
            "Ask a SupportCenter Plus admin to give that technician the permission.",
        )
    if isinstance(error, NotInTrash):
        return ErrorText(
            f"{subject} is not in the trash, so it cannot be deleted.",
            "Move it to the trash first, then delete it from there.",
        )
    if isinstance(error, RecordNotFound):
        return ErrorText(
            f"{subject} was not found in SupportCenter Plus.",
            f"Check the id; `/scp {module_name}` lists the records.",
        )
    if isinstance(error, RateLimited):
        return ErrorText(
            f"Could not {action}: SupportCenter Plus is limiting the bot's requests.",
            "Wait a minute and try again.",
        )
    if isinstance(error, ServerError):
        return ErrorText(
            f"Could not {action}: SupportCenter Plus had an internal error.",
            "Try again in a minute; if it keeps failing, tell your SupportCenter Plus admin.",
        )
    if isinstance(error, ScpResponseError):
        detail = (error.message or "the request was rejected").rstrip(".")
        fields = ", ".join(error.field_errors())
        where = f" (fields: {fields})" if fields else ""
        advice = (
            "Fix the value and try again." if isinstance(error, FieldRejected)
            else "Check the record in SupportCenter Plus, then try again."
        )
        return ErrorText(f"Could not {action}: {detail}{where}.", advice)

    error_id = uuid.uuid4().hex[:8]
    logger.error("bot.unexpected_error error_id=%s action=%r", error_id, action, exc_info=error)
    return ErrorText(
        f"Something went wrong while trying to {action}.",
        "Try again; if it happens again, give your admin the error id below.",
        error_id,
    )


def record_label(singular: str, record_id: str, title: str | None = None) -> str:
    label = f"{singular} {record_id}"
    return f"{label} “{title}”" if title else label
