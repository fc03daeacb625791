"""Parse the value of one record form element by field kind, with messages for invalid values.

Each parser takes a field and its element state and returns the API value, None for an
empty element, or raises ``_InvalidValue`` with the message to show under the field.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from bot.scp import Field, FieldKind

MESSAGE_MAX_LENGTH = 150
SINGLE_LINE_MAX_LENGTH = 250
EMAIL_MAX_LENGTH = 254
PHONE_MIN_LENGTH = 3
PHONE_MAX_LENGTH = 30

TWO_PLACES = Decimal("0.01")
INTEGER_PATTERN = re.compile(r"-?\d+")
DECIMAL_PATTERN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
PHONE_PATTERN = re.compile(r"[0-9 +\-().]+")

_EMAIL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# Dot-separated atoms before the @, and a domain whose last label is alphabetic (a TLD).
EMAIL_PATTERN = re.compile(
    rf"{_EMAIL_ATOM}(?:\.{_EMAIL_ATOM})*@(?:{_DOMAIN_LABEL}\.)+[A-Za-z]{{2,63}}"
)

INTEGER_MESSAGE = "Enter a whole number, for example 12."
DECIMAL_MESSAGE = "Enter a number with at most 2 decimal places, for example 12.50."
PERCENTAGE_MESSAGE = "Enter a percentage from 0 to 100 with at most 2 decimal places, such as 25."
EMAIL_MESSAGE = "Enter an email address such as name@example.com."
PHONE_MESSAGE = (
    "Enter a phone number of 3 to 30 characters using digits, spaces and + - ( ) . "
    "such as +44 20 7946 0018."
)
URL_MESSAGE = "Enter a web address that starts with http:// or https://, such as https://example.com."
DATE_MESSAGE = "Pick a date from the calendar."
DATE_TIME_MESSAGE = "Pick a date and a time."
SERVER_MESSAGE = "The server rejected this value."
UNREADABLE_MESSAGE = "This value could not be read. Choose or type it again."


class _InvalidValue(ValueError):
    """A value the user must correct. Its message appears under the field."""


def _typed_text(element: Mapping[str, Any]) -> str | None:
    """Return the stripped text of a text input, or None when it is empty."""
    text = element.get("value")
    if not isinstance(text, str):
        return None
    text = text.strip()
    return text or None


def _parse_element(spec: Field, element: Mapping[str, Any]) -> Any:
    """Return the API value of one element, None when it is empty, or raise _InvalidValue."""
    parser = _PARSERS.get(spec.kind, _parse_single_line)
    return parser(spec, element)


# Text kinds ----------------------------------------------------------------------------


def _parse_single_line(spec: Field, element: Mapping[str, Any]) -> str | None:
    text = _typed_text(element)
    if text is not None and len(text) > SINGLE_LINE_MAX_LENGTH:
        raise _InvalidValue(
            f"Shorten this to {SINGLE_LINE_MAX_LENGTH} characters or fewer. It has {len(text)}."
        )
    return text


def _parse_multi_line(spec: Field, element: Mapping[str, Any]) -> str | None:
    text = _typed_text(element)
    return text.replace("\r\n", "\n") if text is not None else None


def _parse_html(spec: Field, element: Mapping[str, Any]) -> str | None:
    """Turn typed plain text into HTML: escaped, one ``<div>`` per line."""
    text = _parse_multi_line(spec, element)
    if text is None:
        return None

    parts = []
    for line in text.split("\n"):
        # An empty <div> has no height in a browser, so a blank line keeps a <br>.
        parts.append(f"<div>{html.escape(line, quote=False) or '<br>'}</div>")
    return "".join(parts)


def _parse_email(spec: Field, element: Mapping[str, Any]) -> str | None:
    text = _typed_text(element)
    if text is None:
        return None
    if len(text) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.fullmatch(text):
        raise _InvalidValue(EMAIL_MESSAGE)
    return text


def _parse_phone(spec: Field, element: Mapping[str, Any]) -> str | None:
    text = _typed_text(element)
    if text is None:
        return None

    length_ok = PHONE_MIN_LENGTH <= len(text) <= PHONE_MAX_LENGTH
    if not length_ok or not PHONE_PATTERN.fullmatch(text) or not any(c.isdigit() for c in text):
        raise _InvalidValue(PHONE_MESSAGE)
    return text


def _parse_url(spec: Field, element: Mapping[str, Any]) -> str | None:
    text = _typed_text(element)
    if text is None:
        return None
    if any(c.isspace() for c in text):
        raise _InvalidValue(URL_MESSAGE)

    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - reading the port raises ValueError for a bad one
    except ValueError:
        raise _InvalidValue(URL_MESSAGE) from None

    if parts.scheme.lower() not in ("http", "https") or not host:
        raise _InvalidValue(URL_MESSAGE)
    return text


# Number kinds --------------------------------------------------------------------------


def _parse_integer(spec: Field, element: Mapping[str, Any]) -> str | None:
    text = _typed_text(element)
    if text is None:
        return None
    if not INTEGER_PATTERN.fullmatch(text):
        raise _InvalidValue(INTEGER_MESSAGE)
    return str(int(text))


def _two_place_number(text: str, message: str) -> Decimal:
    """Parse a plain decimal number with at most 2 decimal places, or raise with ``message``."""
    if not DECIMAL_PATTERN.fullmatch(text):
        raise _InvalidValue(message)

    number = Decimal(text)
    if number != number.quantize(TWO_PLACES):
        raise _InvalidValue(message)
    # Decimal keeps the sign of zero, and the server has no use for "-0.00".
    return abs(number) if number == 0 else number


def _parse_decimal(spec: Field, element: Mapping[str, Any]) -> str | None:
    text = _typed_text(element)
    if text is None:
        return None
    number = _two_place_number(text, DECIMAL_MESSAGE)
    return format(number.quantize(TWO_PLACES), "f")


def _parse_percentage(spec: Field, element: Mapping[str, Any]) -> str | None:
    text = _typed_text(element)
    if text is None:
        return None

    # People type "85%" as often as "85".
    number = _two_place_number(text.removesuffix("%").strip(), PERCENTAGE_MESSAGE)
    if not 0 <= number <= 100:
        raise _InvalidValue(PERCENTAGE_MESSAGE)
    return format(number, "f")


# Dates and booleans --------------------------------------------------------------------


def _parse_date(spec: Field, element: Mapping[str, Any]) -> dict[str, str] | None:
    text = element.get("selected_date")
    if not text:
        return None

    try:
        day = datetime.strptime(str(text), "%Y-%m-%d")
    except ValueError:
        raise _InvalidValue(DATE_MESSAGE) from None
    # NOTE: a date is sent as midnight UTC. How the server shows a date-only field to a
    # user west of UTC (possibly as the day before) has not been checked.
    midnight = day.replace(tzinfo=UTC)
    return {"value": str(int(midnight.timestamp()) * 1000)}


def _parse_date_time(spec: Field, element: Mapping[str, Any]) -> dict[str, str] | None:
    seconds = element.get("selected_date_time")
    if seconds is None or seconds == "":
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | str):
        raise _InvalidValue(DATE_TIME_MESSAGE)
    if isinstance(seconds, str) and not INTEGER_PATTERN.fullmatch(seconds):
        raise _InvalidValue(DATE_TIME_MESSAGE)
    return {"value": str(int(seconds) * 1000)}


def _parse_boolean(spec: Field, element: Mapping[str, Any]) -> bool:
    selected = element.get("selected_options") or []
    return any(isinstance(o, Mapping) and o.get("value") == "true" for o in selected)


# Choices -------------------------------------------------------------------------------


def _choice_json(value: str) -> dict[str, str]:
    """Write a chosen option by id when its value is all digits, otherwise by name."""
    if value.isascii() and value.isdigit():
        return {"id": value}
    return {"name": value}


def _known_name(spec: Field, typed: str) -> str:
    """Return the option name that matches ``typed``, or ``typed`` when no options are loaded."""
    if not spec.options:
        return typed

    for option in spec.options:
        if option.name.casefold() == typed.casefold():
            return option.name
    names = ", ".join(option.name for option in spec.options[:5])
    more = ", …" if len(spec.options) > 5 else ""
    raise _InvalidValue(_clip(f'No option is named "{typed}". Options: {names}{more}'))


def _parse_choice(spec: Field, element: Mapping[str, Any]) -> dict[str, str] | None:
    selected = element.get("selected_option")
    if isinstance(selected, Mapping) and selected.get("value"):
        return _choice_json(str(selected["value"]))

    # A plain text input replaces the select when the options could not be loaded.
    typed = _typed_text(element)
    return {"name": _known_name(spec, typed)} if typed is not None else None


def _parse_multi_select(spec: Field, element: Mapping[str, Any]) -> list[dict[str, str]] | None:
    selected = element.get("selected_options")
    if isinstance(selected, list):
        values = [str(o["value"]) for o in selected if isinstance(o, Mapping) and o.get("value")]
        return [_choice_json(value) for value in values] or None

    # The text input that replaces the select takes names separated by commas.
    typed = _typed_text(element)
    if typed is None:
        return None
    names = [name.strip() for name in typed.split(",") if name.strip()]
    return [{"name": _known_name(spec, name)} for name in names] or None


_PARSERS: dict[FieldKind, Callable[[Field, Mapping[str, Any]], Any]] = {
    FieldKind.SINGLE_LINE: _parse_single_line,
    FieldKind.MULTI_LINE: _parse_multi_line,
    FieldKind.HTML: _parse_html,
    FieldKind.EMAIL: _parse_email,
    FieldKind.PHONE: _parse_phone,
    FieldKind.URL: _parse_url,
    FieldKind.INTEGER: _parse_integer,
    FieldKind.DECIMAL: _parse_decimal,
    FieldKind.CURRENCY: _parse_decimal,
    FieldKind.PERCENTAGE: _parse_percentage,
    FieldKind.DATE: _parse_date,
    FieldKind.DATE_TIME: _parse_date_time,
    FieldKind.BOOLEAN: _parse_boolean,
    FieldKind.PICK_LIST: _parse_choice,
    FieldKind.LOOKUP: _parse_choice,
    FieldKind.MULTI_SELECT: _parse_multi_select,
}


def _clip(message: str) -> str:
    if len(message) <= MESSAGE_MAX_LENGTH:
        return message
    return message[: MESSAGE_MAX_LENGTH - 1].rstrip() + "…"
