"""Field values of the emulator: API errors, parsing of written values and JSON rendering.

Internally a record keeps each custom value in one Python type per kind. Text kinds use
``str`` and integers ``int``. Decimals, percentages and currency use ``Decimal`` with two
places, dates and date-times ``int`` epoch milliseconds, booleans ``bool``. Pick lists and
lookups use ``AllowedValue`` and multi-selects a tuple of them. ``None`` means no value.

On the wire, numbers are strings ("12", "10.00"), dates are
``{"value": "<ms>", "display_value": "dd/MM/yyyy hh:mm a"}`` and choices are
``{"name", "id"}`` objects. Writes accept numbers or numeric strings, dates as
``{"value": ms}`` or bare milliseconds, and choices as ``{"id"}``, ``{"name"}`` or both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from bot.emulator.modules import (
    DATE_KINDS,
    NUMBER_KINDS,
    TEXT_KINDS,
    AllowedValue,
    FieldDef,
    FieldKind,
)

# The vendor sample shows 1681729003728 ms as "17/04/2023 04:26 PM", which is that instant
# in UTC+05:30, so display values use this offset.
DISPLAY_TIMEZONE = timezone(timedelta(hours=5, minutes=30))
DATE_TIME_DISPLAY_FORMAT = "%d/%m/%Y %I:%M %p"
# NOTE: the display format of date-only fields is not documented, so this one is a guess.
DATE_DISPLAY_FORMAT = "%d/%m/%Y"

TWO_PLACES = Decimal("0.01")

# NOTE: the real server's limits on field values are not documented. These are the
# emulator's choice, so that oversized writes fail with a 4001 naming the field.
MAX_LINE_LENGTH = 250
MAX_TEXT_LENGTH = 50_000
LONG_TEXT_KINDS = frozenset({FieldKind.MULTI_LINE, FieldKind.HTML})
INTEGER_RANGE = range(-(2**63), 2**63)
MAX_WHOLE_DIGITS = 15
DECIMAL_LIMIT = Decimal(10) ** MAX_WHOLE_DIGITS
# Digits of the largest signed 64-bit integer. A longer digit string is out of range
# anyway, and int() raises ValueError for strings of more than 4,300 digits.
MAX_INTEGER_DIGITS = len(str(2**63))
INTEGER_PATTERN = re.compile(r"[+-]?[0-9]+")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE_PATTERN = re.compile(r"\+?[0-9()\-.\s]{3,}")
URL_PATTERN = re.compile(r"(https?|ftp)://\S+", re.IGNORECASE)


# Errors ------------------------------------------------------------------------------


def failure_message(
    status_code: int,
    message: str | None = None,
    *,
    field: str | None = None,
    fields: list[str] | None = None,
) -> dict[str, Any]:
    """Build one entry of the ``messages`` list of a failure envelope."""
    entry: dict[str, Any] = {"status_code": status_code, "type": "failed"}
    if field is not None:
        entry["field"] = field
    if fields is not None:
        entry["fields"] = fields
    if message is not None:
        entry["message"] = message
    return entry


class ApiError(Exception):
    """Failure that the API returns as ``{"response_status": {"status_code": 4000, ...}}``."""

    def __init__(self, http_status: int, messages: list[dict[str, Any]]) -> None:
        super().__init__(messages)
        self.http_status = http_status
        self.messages = messages

    @classmethod
    def single(
        cls,
        http_status: int,
        status_code: int,
        message: str | None = None,
        *,
        field: str | None = None,
    ) -> ApiError:
        return cls(http_status, [failure_message(status_code, message, field=field)])

    def envelope(self) -> dict[str, Any]:
        return {
            "response_status": {
                "status_code": 4000,
                "status": "failed",
                "messages": self.messages,
            }
        }


def invalid_url() -> ApiError:
    return ApiError.single(404, 4007, "Invalid URL")


def extra_key(key: str) -> dict[str, Any]:
    return failure_message(4000, "Extra key found in JSON", field=key)


class InvalidValue(ValueError):
    """Written value that does not fit its field, with the reason as the message."""


# Time --------------------------------------------------------------------------------


def display_time(ms: int, kind: FieldKind = FieldKind.DATE_TIME) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC).astimezone(DISPLAY_TIMEZONE)
    pattern = DATE_DISPLAY_FORMAT if kind == FieldKind.DATE else DATE_TIME_DISPLAY_FORMAT
    return moment.strftime(pattern)


def time_json(ms: int, kind: FieldKind = FieldKind.DATE_TIME) -> dict[str, str]:
    return {"value": str(ms), "display_value": display_time(ms, kind)}


def parse_milliseconds(raw: Any) -> int:
    """Parse epoch milliseconds given as ``{"value": ms}``, an int or a digit string."""
    if isinstance(raw, Mapping):
        if "value" not in raw:
            raise InvalidValue("a date needs a 'value' key with epoch milliseconds")
        raw = raw["value"]

    if isinstance(raw, bool):
        raise InvalidValue("a date must be epoch milliseconds, not a boolean")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and INTEGER_PATTERN.fullmatch(raw.strip()):
        return _integer_from_digits(raw.strip())
    raise InvalidValue(f"{raw!r} is not epoch milliseconds")


def _integer_from_digits(text: str) -> int:
    """Convert a string that matches INTEGER_PATTERN, or raise InvalidValue past 64 bits."""
    if len(text.lstrip("+-").lstrip("0")) > MAX_INTEGER_DIGITS:
        raise InvalidValue(_out_of_range())
    return int(text)


def _out_of_range() -> str:
    return f"value out of range (min {INTEGER_RANGE.start}, max {INTEGER_RANGE.stop - 1})"


def _check_date(ms: int, kind: FieldKind) -> int:
    """Return ``ms`` if the emulator can display it as a date, or raise InvalidValue."""
    if ms not in INTEGER_RANGE:
        raise InvalidValue(_out_of_range())
    try:
        display_time(ms, kind)
    except (OverflowError, ValueError, OSError):
        raise InvalidValue(
            f"date out of range: {ms} ms is not within the years 1 to 9999"
        ) from None
    return ms


# Parsing written values --------------------------------------------------------------


def is_empty(value: Any) -> bool:
    """Tell whether a parsed value counts as missing for a mandatory field."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple):
        return not value
    return False


def _parse_text(raw: Any, kind: FieldKind) -> str | None:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidValue("expected a string")

    text = str(raw)
    if not text:
        return None
    check_length(text, MAX_TEXT_LENGTH if kind in LONG_TEXT_KINDS else MAX_LINE_LENGTH)
    if kind == FieldKind.EMAIL and not EMAIL_PATTERN.fullmatch(text):
        raise InvalidValue(f"{text!r} is not an email address")
    if kind == FieldKind.PHONE and not PHONE_PATTERN.fullmatch(text):
        raise InvalidValue(f"{text!r} is not a phone number")
    if kind == FieldKind.URL and not URL_PATTERN.fullmatch(text):
        raise InvalidValue(f"{text!r} is not an http, https or ftp URL")
    return text


def check_length(text: str, maximum: int) -> None:
    """Raise InvalidValue if ``text`` has more than ``maximum`` characters."""
    if len(text) > maximum:
        raise InvalidValue(f"value too long (max {maximum} characters)")


def parse_integer(raw: Any) -> int:
    """Convert a written integer, which must fit in a signed 64-bit integer."""
    number = _integer(raw)
    if number not in INTEGER_RANGE:
        raise InvalidValue(_out_of_range())
    return number


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise InvalidValue("expected an integer, not a boolean")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and INTEGER_PATTERN.fullmatch(raw.strip()):
        return _integer_from_digits(raw.strip())
    raise InvalidValue(f"{raw!r} is not an integer")


def parse_decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidValue(f"{raw!r} is not a number")
    text = str(raw).strip()
    # Decimal() reads digits of any script, but the API only takes ASCII ones.
    if not text.isascii():
        raise InvalidValue(f"{raw!r} is not a number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidValue(f"{raw!r} is not a number") from None
    if not number.is_finite():
        raise InvalidValue(f"{raw!r} is not a finite number")
    return number


def _parse_amount(raw: Any) -> Decimal:
    """Convert a decimal, percentage or currency value to a number with two places."""
    number = parse_decimal(raw)
    # Checked before quantize(), which raises InvalidOperation past 28 significant digits.
    if abs(number) >= DECIMAL_LIMIT:
        raise InvalidValue(f"too many digits before the decimal point (max {MAX_WHOLE_DIGITS})")
    return number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _parse_boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise InvalidValue(f"{raw!r} is not true or false")


def find_choice(definition: FieldDef, raw: Any) -> AllowedValue:
    """Find the allowed value that ``{"id"}``, ``{"name"}`` or both select.

    Other keys in the object (such as ``email_id`` in a user copied from a read) are
    ignored. Names match without regard to case.
    """
    if not isinstance(raw, Mapping) or ("id" not in raw and "name" not in raw):
        raise InvalidValue("expected an object with 'id' or 'name'")

    by_id = by_name = None
    if "id" in raw:
        by_id = definition.values_by_id.get(str(raw["id"]))
        if by_id is None:
            raise InvalidValue(f"no allowed value has id {raw['id']!r}")
    if "name" in raw:
        by_name = definition.values_by_name.get(str(raw["name"]).casefold())
        if by_name is None:
            raise InvalidValue(f"no allowed value is named {raw['name']!r}")

    if by_id is not None and by_name is not None and by_id != by_name:
        raise InvalidValue(f"id {by_id.id} belongs to {by_id.name!r}, not {raw['name']!r}")
    return by_id or by_name  # type: ignore[return-value]


def _parse_multi(definition: FieldDef, raw: Any) -> tuple[AllowedValue, ...]:
    if not isinstance(raw, list):
        raise InvalidValue("expected a list of objects with 'id' or 'name'")

    chosen: list[AllowedValue] = []
    for item in raw:
        value = find_choice(definition, item)
        if value not in chosen:
            chosen.append(value)
    return tuple(chosen)


def parse_value(definition: FieldDef, raw: Any) -> Any:
    """Convert a written value to its internal type, or raise InvalidValue if it does not fit."""
    if raw is None:
        return None

    kind = definition.kind
    if kind in TEXT_KINDS:
        return _parse_text(raw, kind)
    if raw == "":
        return None
    if kind == FieldKind.INTEGER:
        return parse_integer(raw)
    if kind in NUMBER_KINDS:
        return _parse_amount(raw)
    if kind in DATE_KINDS:
        return _check_date(parse_milliseconds(raw), kind)
    if kind == FieldKind.BOOLEAN:
        return _parse_boolean(raw)
    if kind == FieldKind.MULTI_SELECT:
        return _parse_multi(definition, raw) or None
    return find_choice(definition, raw)


# Rendering ---------------------------------------------------------------------------


def render_value(definition: FieldDef, value: Any) -> Any:
    """Convert an internal value to its JSON form in a record."""
    if value is None:
        return None

    kind = definition.kind
    if kind == FieldKind.INTEGER:
        return str(value)
    if kind in NUMBER_KINDS:
        return f"{value:.2f}"
    if kind in DATE_KINDS:
        return time_json(value, kind)
    if kind == FieldKind.MULTI_SELECT:
        return [item.to_json() for item in value]
    if isinstance(value, AllowedValue):
        return value.to_json()
    return value
