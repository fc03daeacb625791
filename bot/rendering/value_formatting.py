"""Formatting of record values as escaped mrkdwn, by field kind, with Slack date tokens."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.rendering.html_conversion import html_to_mrkdwn
from bot.rendering.mrkdwn import EMPTY_VALUE, escape_mrkdwn, nonempty, safe_link_target
from bot.scp import Field, FieldKind

EMAIL_PATTERN = re.compile(r"[^@\s|<>&\"'`*_~]+@[^@\s|<>&\"'`*_~]+\.[^@\s|<>&\"'`*_~]+")
HTTP_URL_PATTERN = re.compile(r"https?://[^\s|<>\"]+", re.IGNORECASE)


def epoch_ms(value: object) -> int | None:
    """Read epoch milliseconds from ``{"value": ms}``, an int or a digit string."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,16}", value.strip()):
        return int(value.strip())
    return None


def utc_datetime(ms: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def date_token(ms: int | None, token_format: str, fallback_format: str) -> str:
    """Build a ``<!date^…>`` token that Slack shows in the reader's time zone.

    The fallback text, shown by clients that cannot format dates, is the UTC time.
    Returns an empty string when ``ms`` is missing or out of range.
    """
    if ms is None:
        return ""
    moment = utc_datetime(ms)
    if moment is None:
        return ""
    fallback = moment.strftime(fallback_format)
    return f"<!date^{ms // 1000}^{token_format}|{fallback}>"


def when_token(ms: int | None) -> str:
    """Return a date-and-time token such as "Apr 17, 2023 at 10:56 AM", or ""."""
    return date_token(ms, "{date_short_pretty} {time}", "%Y-%m-%d %H:%M UTC")


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | tuple | dict):
        return len(value) == 0 if not isinstance(value, str) else not value.strip()
    return False


def choice_name(value: object) -> str:
    """Return the name of a pick-list or lookup value (``{"name", "id"}`` or a bare string)."""
    if isinstance(value, Mapping):
        for key in ("name", "display_value", "value", "id"):
            if value.get(key) not in (None, ""):
                return str(value[key])
        return ""
    return str(value)


def _format_choice(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(escape_mrkdwn(choice_name(item)) for item in value)
    return escape_mrkdwn(choice_name(value))


def _format_number(value: object, *, percent: bool = False) -> str:
    if isinstance(value, Mapping):
        value = value.get("display_value", value.get("value"))
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError("not a number")
    text = str(value).strip()
    if percent and not text.endswith("%"):
        text += "%"
    return escape_mrkdwn(text)


def _format_date(value: object, *, with_time: bool) -> str:
    ms = epoch_ms(value)
    token = ""
    if ms is not None:
        if with_time:
            token = when_token(ms)
        else:
            # NOTE: a date-only value is shown in the reader's time zone, so readers far from the
            # server's zone may see the neighbouring day. The fallback text is the UTC date.
            token = date_token(ms, "{date_short}", "%Y-%m-%d")
    if token:
        return token
    if isinstance(value, Mapping) and value.get("display_value"):
        return escape_mrkdwn(value["display_value"])
    raise ValueError("not a date")


def _format_boolean(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return "Yes" if value.strip().lower() == "true" else "No"
    raise ValueError("not a boolean")


def _format_email(value: object) -> str:
    text = str(value).strip()
    if EMAIL_PATTERN.fullmatch(text):
        return f"<mailto:{text}|{text}>"
    return escape_mrkdwn(text)


def _format_url(value: object) -> str:
    text = str(value).strip()
    if HTTP_URL_PATTERN.fullmatch(text) and safe_link_target(text) == text:
        return f"<{text}|{escape_mrkdwn(text)}>"
    return escape_mrkdwn(text)


def _format_text(value: object) -> str:
    if isinstance(value, Mapping | list | tuple):
        raise TypeError("not text")
    return escape_mrkdwn(str(value).strip())


def _format_by_kind(kind: FieldKind, value: object) -> str:
    match kind:
        case FieldKind.HTML:
            return html_to_mrkdwn(value)
        case FieldKind.PICK_LIST | FieldKind.LOOKUP | FieldKind.MULTI_SELECT:
            return _format_choice(value)
        case FieldKind.INTEGER | FieldKind.DECIMAL | FieldKind.CURRENCY:
            return _format_number(value)
        case FieldKind.PERCENTAGE:
            return _format_number(value, percent=True)
        case FieldKind.DATE:
            return _format_date(value, with_time=False)
        case FieldKind.DATE_TIME:
            return _format_date(value, with_time=True)
        case FieldKind.BOOLEAN:
            return _format_boolean(value)
        case FieldKind.EMAIL:
            return _format_email(value)
        case FieldKind.URL:
            return _format_url(value)
        case _:
            return _format_text(value)


def format_value(field: Field, value: object) -> str:
    """Format a record value as escaped mrkdwn according to the field's kind.

    Missing values become "—". A value of an unexpected shape is shown as its escaped
    ``str()`` instead of raising.
    """
    if _is_empty(value):
        return EMPTY_VALUE
    try:
        text = _format_by_kind(field.kind, value)
    except (TypeError, ValueError, KeyError, AttributeError):
        text = escape_mrkdwn(str(value))
    return nonempty(text)


def format_plain(value: object) -> str:
    """Format a value of unknown kind (no ``Field`` at hand) as escaped mrkdwn."""
    if _is_empty(value):
        return EMPTY_VALUE
    if isinstance(value, Mapping | list | tuple):
        return nonempty(_format_choice(value))
    return nonempty(escape_mrkdwn(str(value).strip()))
