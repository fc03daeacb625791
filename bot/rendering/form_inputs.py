"""Input elements of the record form: which element each field kind gets, and its initial value.

The specs built here are rendered by ``templates/record_form.j2``. Initial values are raw text
because Slack returns input values exactly as shown, so they are cut but never mrkdwn-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.ids import field_block_id
from bot.rendering import text
from bot.scp import Field, FieldKind, Option, Record

SINGLE_LINE_MAX_LENGTH = 250
TEXT_INPUT_MAX_LENGTH = 3000
MAX_STATIC_OPTIONS = 100
OPTION_VALUE_MAX_LENGTH = 150
INTEGER_PATTERN = re.compile(r"[+-]?\d+")
DECIMAL_PATTERN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

HINTS: dict[FieldKind, str] = {
    FieldKind.EMAIL: "Format: name@example.com",
    FieldKind.URL: "Format: https://example.com/page",
    FieldKind.PERCENTAGE: "A number without the % sign, such as 12.5",
}
TYPE_EXACT_VALUE_HINT = "Type the exact value"


@dataclass
class ElementSpec:
    """One input element; None means the key is left out of the JSON."""

    type: str
    multiline: bool = False
    max_length: int | None = None
    is_decimal_allowed: bool | None = None
    options: list[dict[str, str]] | None = None
    min_query_length: int | None = None
    initial_value: str | None = None
    initial_date: str | None = None
    initial_date_time: int | None = None
    initial_option: dict[str, str] | None = None
    initial_options: list[dict[str, str]] = field(default_factory=list)
    placeholder: str | None = None


@dataclass
class InputSpec:
    """One input block of the form."""

    block_id: str
    label: str
    optional: bool
    element: ElementSpec
    hint: str | None = None


# Choices -------------------------------------------------------------------------------


def choice_from_option(option: Option) -> dict[str, str]:
    """Make the raw text/value pair of a select option: the value is the id, or the name."""
    value = option.id or option.name
    # NOTE: a value longer than Slack's 150-character limit is cut, and then that option
    # cannot be matched back to the server's value. Only long names of options without an id
    # reach this.
    return {
        "text": text.nonempty(option.name or option.id),
        "value": text.cut_raw(value, OPTION_VALUE_MAX_LENGTH),
    }


def _choices_from_value(value: Any) -> list[dict[str, str]]:
    """Read the choices a record or a submitted form holds for a choice field."""
    items = value if isinstance(value, list | tuple) else [value]
    choices = []
    for item in items:
        if item in (None, "", {}):
            continue
        if isinstance(item, Mapping) and isinstance(item.get("text"), Mapping):
            # A selected option as Slack returns it, with the text we escaped.
            name = text.unescape_mrkdwn(str(item["text"].get("text") or ""))
            choices.append(choice_from_option(Option(id=str(item.get("value") or ""), name=name)))
        elif isinstance(item, Mapping):
            choices.append(choice_from_option(Option.from_json(item)))
        else:
            choices.append(choice_from_option(Option(id="", name=str(item))))
    return choices


def _match_choices(
    requested: list[dict[str, str]], choices: list[dict[str, str]]
) -> list[dict[str, str]]:
    """Return the entries of ``choices`` equal to ``requested`` by value, or else by text."""
    matched = []
    for choice in requested:
        found = next((c for c in choices if c["value"] == choice["value"]), None)
        found = found or next((c for c in choices if c["text"] == choice["text"]), None)
        if found is not None and found not in matched:
            matched.append(found)
    return matched


# Initial values ------------------------------------------------------------------------


def _typed_or_record(typed: Mapping[str, Any] | None, key: str, record_value: Any) -> Any:
    if typed is not None and key in typed:
        return typed[key]
    return record_value


def _text_value(value: Any, kind: FieldKind) -> str | None:
    if value in (None, ""):
        return None
    if kind == FieldKind.HTML:
        return text.html_to_text(value) or None
    if isinstance(value, Mapping):
        value = value.get("display_value", value.get("value"))
    return None if value in (None, "") else str(value)


def _number_value(value: Any, decimal: bool) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None or isinstance(value, bool):
        return None
    candidate = str(value).strip().removesuffix("%")
    pattern = DECIMAL_PATTERN if decimal else INTEGER_PATTERN
    return candidate if pattern.fullmatch(candidate) else None


def _date_value(value: Any, typed: Mapping[str, Any] | None) -> str | None:
    if typed is not None and "selected_date" in typed:
        chosen = typed["selected_date"]
        return chosen if isinstance(chosen, str) and DATE_PATTERN.fullmatch(chosen) else None
    ms = text.epoch_ms(value)
    moment = text.utc_datetime(ms) if ms is not None else None
    # NOTE: the day is taken in UTC, so a date the server stored as local midnight east of
    # UTC shows as the day before. The form handler must convert the date back in UTC too.
    return moment.date().isoformat() if moment else None


def _date_time_value(value: Any, typed: Mapping[str, Any] | None) -> int | None:
    if typed is not None and "selected_date_time" in typed:
        chosen = typed["selected_date_time"]
        return chosen if isinstance(chosen, int) and not isinstance(chosen, bool) else None
    ms = text.epoch_ms(value)
    return ms // 1000 if ms is not None and ms >= 0 else None


def _is_true(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


# Elements per kind ---------------------------------------------------------------------


def _checkbox(value: Any, typed: Mapping[str, Any] | None) -> ElementSpec:
    yes = {"text": "Yes", "value": "true"}
    if typed is not None and "selected_options" in typed:
        checked = any(option.get("value") == "true" for option in typed["selected_options"] or [])
    else:
        checked = _is_true(value)
    return ElementSpec("checkboxes", options=[yes], initial_options=[yes] if checked else [])


def _text_input(kind: FieldKind, value: str | None) -> tuple[ElementSpec, str | None]:
    multiline = kind in (FieldKind.MULTI_LINE, FieldKind.HTML)
    max_length = TEXT_INPUT_MAX_LENGTH if multiline else SINGLE_LINE_MAX_LENGTH
    hint = None
    if value is not None:
        size = text.utf16_length(value)
        if size > TEXT_INPUT_MAX_LENGTH:
            value = text.cut_raw(value, TEXT_INPUT_MAX_LENGTH)
            hint = "The current text is longer than 3,000 characters and is cut here."
        # An initial value longer than max_length is rejected, so the limit grows to fit it.
        max_length = max(max_length, min(size, TEXT_INPUT_MAX_LENGTH))
    spec = ElementSpec("plain_text_input", multiline=multiline, max_length=max_length,
                       initial_value=value)
    return spec, hint


def _choice_element(
    field_spec: Field, choices: list[dict[str, str]], initial: list[dict[str, str]]
) -> tuple[ElementSpec, str | None]:
    multi = field_spec.kind == FieldKind.MULTI_SELECT
    if len(choices) <= MAX_STATIC_OPTIONS:
        matched = _match_choices(initial, choices)
        spec = ElementSpec("multi_static_select" if multi else "static_select",
                           options=choices, placeholder="Choose a value")
        hint = None
    else:
        matched = initial
        spec = ElementSpec("multi_external_select" if multi else "external_select",
                           min_query_length=1, placeholder="Type to search")
        hint = f"Type to search {len(choices):,} values"
    if multi:
        spec.initial_options = matched[:MAX_STATIC_OPTIONS]
    elif matched:
        spec.initial_option = matched[0]
    return spec, hint


def _choice_input(
    field_spec: Field, value: Any, typed: Mapping[str, Any] | None,
    allowed: Sequence[Option] | None,
) -> tuple[ElementSpec, str | None]:
    if not allowed:
        # Without the allowed values the user types the value's name.
        current = _typed_or_record(typed, "value", None)
        if current is None and value not in (None, "", [], {}):
            current = ", ".join(choice["text"] for choice in _choices_from_value(value))
        spec, _ = _text_input(FieldKind.SINGLE_LINE, current or None)
        return spec, TYPE_EXACT_VALUE_HINT

    if typed is not None and ("selected_option" in typed or "selected_options" in typed):
        value = typed.get("selected_option") or typed.get("selected_options") or None
    choices = [choice_from_option(option) for option in allowed]
    return _choice_element(field_spec, choices, _choices_from_value(value))


def _plain_input(
    field_spec: Field, value: Any, typed: Mapping[str, Any] | None
) -> tuple[ElementSpec, str | None]:
    kind = field_spec.kind
    if kind.is_number:
        decimal = kind != FieldKind.INTEGER
        current = _number_value(_typed_or_record(typed, "value", value), decimal)
        return ElementSpec("number_input", is_decimal_allowed=decimal, initial_value=current), None
    if kind == FieldKind.DATE:
        return ElementSpec("datepicker", initial_date=_date_value(value, typed)), None
    if kind == FieldKind.DATE_TIME:
        return ElementSpec("datetimepicker", initial_date_time=_date_time_value(value, typed)), None
    if kind == FieldKind.BOOLEAN:
        return _checkbox(value, typed), None

    current = _text_value(_typed_or_record(typed, "value", value), kind)
    if kind in (FieldKind.EMAIL, FieldKind.URL):
        kind_name = "email_text_input" if kind == FieldKind.EMAIL else "url_text_input"
        current = text.cut_raw(current, TEXT_INPUT_MAX_LENGTH) if current else None
        return ElementSpec(kind_name, initial_value=current), None
    return _text_input(kind, current)


def build_input(
    field_spec: Field,
    record: Record | None,
    typed: Mapping[str, Any] | None,
    allowed: Sequence[Option] | None,
) -> InputSpec:
    """Build the input block of one field from the record's value and what the user typed."""
    value = record.value(field_spec.name) if record is not None else None
    if field_spec.kind.has_allowed_values:
        element, hint = _choice_input(field_spec, value, typed, allowed)
    else:
        element, hint = _plain_input(field_spec, value, typed)
    return InputSpec(
        block_id=field_block_id(field_spec.name),
        label=text.nonempty(field_spec.label, field_spec.name),
        optional=not field_spec.required,
        element=element,
        hint=hint or HINTS.get(field_spec.kind),
    )
