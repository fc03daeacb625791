"""Parsing what the user types into element values, and showing values back."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from bot.shell.fields import FormField
from bot.shell.render import text_of

EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NUMBER_PATTERN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
# Values in the summary before submitting are cut to this length, so each fits one line.
MAX_SUMMARY_CHARACTERS = 60


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def display_value(field: FormField, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(text_of(option.get("text")) if isinstance(option, dict) else str(option)
                         for option in value)
    if isinstance(value, dict):
        return text_of(value.get("text"))
    if field.kind == "datetimepicker":
        return datetime.fromtimestamp(int(value), UTC).strftime(DATETIME_FORMAT) + " UTC"
    text = str(value)
    return text.replace("\n", "\n           ")


def summary_value(field: FormField, value: Any) -> str:
    """Return ``value`` shortened to one line for the summary shown before submitting."""
    if is_empty(value):
        return "(empty)"

    lines = display_value(field, value).split("\n")
    first = lines[0].strip()
    if len(first) > MAX_SUMMARY_CHARACTERS:
        first = first[:MAX_SUMMARY_CHARACTERS - 1].rstrip() + "…"
    if len(lines) > 1:
        first += f" (+{len(lines) - 1} more line{'s' if len(lines) > 2 else ''})"
    return first


def text_parser(element: dict[str, Any]) -> Callable[[str], str]:
    kind = element.get("type")
    minimum = element.get("min_length")
    maximum = element.get("max_length")

    def parse(answer: str) -> str:
        if kind == "email_text_input" and not EMAIL_PATTERN.fullmatch(answer):
            raise ValueError(f"Invalid email address {answer!r}; type it like name@example.com.")
        if kind == "url_text_input" and not answer.startswith(("http://", "https://")):
            raise ValueError(f"Invalid URL {answer!r}; it must start with http:// or https://.")
        if maximum is not None and len(answer) > int(maximum):
            raise ValueError(f"Too long: {len(answer)} characters; the maximum is {maximum}.")
        if minimum is not None and len(answer) < int(minimum):
            raise ValueError(f"Too short: {len(answer)} characters; the minimum is {minimum}.")
        return answer

    return parse


def number_parser(element: dict[str, Any]) -> Callable[[str], str]:
    decimals = bool(element.get("is_decimal_allowed"))

    def parse(answer: str) -> str:
        if not NUMBER_PATTERN.fullmatch(answer) or (not decimals and "." in answer):
            kind = "a number" if decimals else "a whole number"
            raise ValueError(f"Invalid number {answer!r}; type {kind}.")
        number = float(answer)
        if element.get("min_value") is not None and number < float(element["min_value"]):
            raise ValueError(f"{answer} is below the minimum {element['min_value']}.")
        if element.get("max_value") is not None and number > float(element["max_value"]):
            raise ValueError(f"{answer} is above the maximum {element['max_value']}.")
        return answer

    return parse


def parse_date(answer: str) -> str:
    try:
        if not DATE_PATTERN.fullmatch(answer):
            raise ValueError
        return date.fromisoformat(answer).isoformat()
    except ValueError:
        raise ValueError(f"Invalid date {answer!r}; use YYYY-MM-DD.") from None


def parse_datetime(answer: str) -> int:
    try:
        moment = datetime.strptime(answer, DATETIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"Invalid date and time {answer!r}; use YYYY-MM-DD HH:MM.") from None
    return int(moment.timestamp())


def parse_time(answer: str) -> str:
    try:
        return datetime.strptime(answer, "%H:%M").strftime("%H:%M")
    except ValueError:
        raise ValueError(f"Invalid time {answer!r}; use HH:MM.") from None
