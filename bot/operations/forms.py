"""Turn the state of a record form modal into API field values, checking each value by kind.

Each field has one input block, ``field:<name>``, containing one element with action_id
``value``. ``parse_form`` reads those elements and returns the values to write, or a message
per block for the values it rejects. Messages are clipped to 150 characters so that each
stays a short line under its input block.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from bot.ids import ActionId, field_block_id, field_name_from_block_id
from bot.scp import CUSTOM_FIELD_HOLDER, Field, FieldKind, Module
from bot.scp._models import label_from_name

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

# Kinds whose emptied value is sent as "" on edit. The other kinds are cleared with None or [].
_TEXT_KINDS = frozenset(
    {
        FieldKind.SINGLE_LINE, FieldKind.MULTI_LINE, FieldKind.HTML, FieldKind.EMAIL,
        FieldKind.PHONE, FieldKind.URL,
    }
)


# The state keys that each kind's parser reads. Slack sends the key even for an empty
# element (as null or []), so an element with none of them was not made by this form.
_STATE_KEYS: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.DATE: ("selected_date",),
    FieldKind.DATE_TIME: ("selected_date_time",),
    FieldKind.BOOLEAN: ("selected_options",),
    # A plain text input replaces a select whose options could not be loaded.
    FieldKind.PICK_LIST: ("selected_option", "value"),
    FieldKind.LOOKUP: ("selected_option", "value"),
    FieldKind.MULTI_SELECT: ("selected_options", "value"),
}
_TEXT_STATE_KEYS = ("value",)

# Marks a block that is absent from the submitted state, as opposed to one that is
# present but holds something other than an element state.
_MISSING = object()
# Compares unequal to every value, so an unreadable field never counts as unchanged.
_UNREADABLE = object()


class _InvalidValue(ValueError):
    """A value the user must correct. Its message appears under the field."""


@dataclass
class FormResult:
    """Values to write, keyed by field name, and messages for rejected values, by block_id."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_form(
    module: Module,
    state_values: Mapping[str, Any],
    *,
    fields: Sequence[Field] | None = None,
    editing: bool = False,
) -> FormResult:
    """Convert ``view.state.values`` of a record form into API values.

    A field whose block is missing from the state is left out, except that a new record
    needs every required field. An empty optional field is left out when adding. When
    ``editing``, it is sent empty so that the server clears it. An element state of the
    wrong shape is an error on its block, never an empty value.
    """
    result = FormResult()
    form_fields = module.fields_for_form() if fields is None else fields

    for spec in form_fields:
        block_id = field_block_id(spec.name)
        element = _element_state(state_values, block_id)
        if element is _MISSING:
            if spec.required and not editing:
                result.errors[block_id] = _required_message(spec)
            continue

        try:
            value = _parse_element(spec, _readable(spec, element))
        except _InvalidValue as error:
            result.errors[block_id] = _clip(str(error))
            continue

        if value is not None:
            result.values[spec.name] = value
        elif spec.required:
            result.errors[block_id] = _required_message(spec)
        elif editing:
            result.values[spec.name] = _cleared_value(spec)

    return result


def unchanged_fields(
    blocks: Sequence[Mapping[str, Any]], state_values: Mapping[str, Any]
) -> set[str]:
    """Return the names of the fields whose submitted state equals the form's initial value.

    An edit sends only the fields the user changed. A field shown in a simpler form than the
    server stores (HTML description as plain text) is thus written back only when edited,
    and a change someone else made meanwhile to another field is not overwritten.
    """
    unchanged: set[str] = set()
    if not isinstance(blocks, list | tuple):
        return unchanged

    for block in blocks:
        block_id = block.get("block_id") if isinstance(block, Mapping) else None
        if not isinstance(block_id, str) or field_name_from_block_id(block_id) is None:
            continue
        if _same_as_initial(block.get("element"), _element_state(state_values, block_id)):
            unchanged.add(field_name_from_block_id(block_id))
    return unchanged


def _same_as_initial(element: Any, submitted: Any) -> bool:
    """Tell whether a submitted state equals the element's initial value, both readable."""
    if not isinstance(element, Mapping) or not isinstance(submitted, Mapping):
        return False
    before = _comparable_initial(element)
    after = _comparable(submitted)
    return before is not _UNREADABLE and after is not _UNREADABLE and before == after


def _comparable(state: Mapping[str, Any]) -> Any:
    if "selected_option" in state:
        return _option_value(state.get("selected_option"))
    if "selected_options" in state:
        return _option_values(state.get("selected_options"))
    for key in ("selected_date", "selected_date_time"):
        if key in state:
            return state.get(key)
    return state.get("value") or None


def _comparable_initial(element: Mapping[str, Any]) -> Any:
    kind = element.get("type")
    if not isinstance(kind, str):
        return _UNREADABLE
    if kind.endswith("select") and not kind.startswith("multi_"):
        return _option_value(element.get("initial_option"))
    if kind.startswith("multi_") or kind == "checkboxes":
        return _option_values(element.get("initial_options"))
    if kind == "datepicker":
        return element.get("initial_date")
    if kind == "datetimepicker":
        return element.get("initial_date_time")
    return element.get("initial_value") or None


def _option_value(option: Any) -> Any:
    """Return the value of one option, None for no option, or _UNREADABLE."""
    if option is None:
        return None
    return option.get("value") if _is_option(option) else _UNREADABLE


def _option_values(options: Any) -> Any:
    """Return the sorted values of a list of options, or _UNREADABLE."""
    if options is None:
        return []
    if not isinstance(options, list) or not all(_is_option(o) for o in options):
        return _UNREADABLE
    return sorted(option["value"] for option in options)


def _is_option(option: Any) -> bool:
    return isinstance(option, Mapping) and isinstance(option.get("value"), str)


def values_from_state(state_values: Mapping[str, Any]) -> dict[str, dict]:
    """Return each form field's raw element state by field name, to re-render a rejected form."""
    raw: dict[str, dict] = {}
    for block_id, actions in state_values.items():
        name = field_name_from_block_id(block_id)
        if name is None or not isinstance(actions, Mapping):
            continue

        element = actions.get(ActionId.FIELD_VALUE)
        if isinstance(element, Mapping):
            raw[name] = dict(element)
    return raw


def errors_from_server(
    module: Module,
    field_errors: Mapping[str, str],
    fields_in_form: Sequence[Field],
) -> tuple[dict[str, str], str | None]:
    """Place the server's field errors on form blocks.

    The server may name a field by its bare name (``sline_author``), by its path
    (``cm_fields.sline_author``) or, in the flat record format, by its user-chosen name.
    Errors on fields the form does not show are joined into the general message returned
    second, which is None when there are none.
    """
    form_field_names = {spec.name for spec in fields_in_form}
    block_errors: dict[str, str] = {}
    general: list[str] = []

    for server_name, message in field_errors.items():
        name = _bare_name(module, server_name)
        spec = _field_named(module, name)
        if spec is not None and spec.name in form_field_names:
            block_id = field_block_id(spec.name)
            text = message or SERVER_MESSAGE
            previous = block_errors.get(block_id)
            block_errors[block_id] = _clip(f"{previous} {text}" if previous else text)
            continue

        # A field missing from the module, perhaps added on the server after discovery.
        label = spec.label if spec is not None else label_from_name(name)
        general.append(_hidden_field_message(label, message))

    return block_errors, " ".join(general) or None


# Reading the state ---------------------------------------------------------------------


def _element_state(state_values: Mapping[str, Any], block_id: str) -> Any:
    """Return what the state holds for a block's element, or _MISSING without the block.

    The result is not checked: a forged or damaged state may hold anything there.
    """
    if block_id not in state_values:
        return _MISSING
    actions = state_values[block_id]
    if not isinstance(actions, Mapping):
        return actions
    return actions.get(ActionId.FIELD_VALUE)


def _readable(spec: Field, element: Any) -> Mapping[str, Any]:
    """Return the element state if its keys have the types Slack sends, else raise.

    A value of the wrong type would otherwise read as empty, and an edit would then
    clear the field on the server.
    """
    if not isinstance(element, Mapping):
        raise _InvalidValue(UNREADABLE_MESSAGE)
    if not any(key in element for key in _STATE_KEYS.get(spec.kind, _TEXT_STATE_KEYS)):
        raise _InvalidValue(UNREADABLE_MESSAGE)
    for key, check in _STATE_CHECKS.items():
        if key in element and not check(element[key]):
            raise _InvalidValue(UNREADABLE_MESSAGE)
    return element


def _is_text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _is_option_or_none(value: Any) -> bool:
    return value is None or _is_option(value)


def _is_option_list(value: Any) -> bool:
    return value is None or _option_values(value) is not _UNREADABLE


_STATE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "value": _is_text_or_none,
    "selected_option": _is_option_or_none,
    "selected_options": _is_option_list,
    "selected_date": _is_text_or_none,
    # selected_date_time needs no entry: its parser rejects every type but int and str.
}


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


# Messages ------------------------------------------------------------------------------


def _clip(message: str) -> str:
    if len(message) <= MESSAGE_MAX_LENGTH:
        return message
    return message[: MESSAGE_MAX_LENGTH - 1].rstrip() + "…"


def _label_in_sentence(label: str) -> str:
    """Lower-case the capitalised words of a label but keep acronyms: "Due Date" → "due date"."""
    words = [
        word.lower() if word[:1].isupper() and word[1:].islower() else word
        for word in label.split(" ")
    ]
    return " ".join(words)


def _required_message(spec: Field) -> str:
    label = _label_in_sentence(spec.label)
    if spec.kind == FieldKind.MULTI_SELECT:
        message = f"Choose at least one value for {label}."
    elif spec.kind.has_allowed_values:
        message = f"Choose the {label}."
    elif spec.kind in (FieldKind.DATE, FieldKind.DATE_TIME):
        message = f"Pick the {label}."
    else:
        message = f"Enter the {label}."
    return _clip(message)


def _cleared_value(spec: Field) -> Any:
    if spec.kind in _TEXT_KINDS:
        return ""
    if spec.kind == FieldKind.MULTI_SELECT:
        return []
    return None


def _bare_name(module: Module, server_name: str) -> str:
    """Return the field name in a server's field path.

    ``cm_fields.sline_author`` names ``sline_author``, and a path into a choice, such as
    ``pick_category.name``, names the choice field itself.
    """
    name = server_name.strip()
    if "." not in name:
        return name

    head, tail = name.split(".", 1)
    holders = {spec.holder for spec in module.fields if spec.holder} | {CUSTOM_FIELD_HOLDER}
    return tail.split(".", 1)[0] if head in holders else head


def _field_named(module: Module, name: str) -> Field | None:
    """Find a field by API name, or by label as a flat-format server may report it."""
    found = module.field(name)
    if found is not None:
        return found
    return next((s for s in module.fields if s.label.casefold() == name.casefold()), None)


def _hidden_field_message(label: str, message: str | None) -> str:
    text = (message or "").strip().rstrip(".")
    lowered = text.lower()
    if not text or "required" in lowered or "mandatory" in lowered:
        return f"The server requires {label}, which this form does not show."
    return f"The server rejected {label}, which this form does not show ({text})."
