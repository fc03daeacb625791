"""Turn the state of a record form modal into API field values, checking each value by kind.

Each field has one input block, ``field:<name>``, containing one element with action_id
``value``. ``parse_form`` reads those elements and returns the values to write, or a message
per block for the values it rejects. Messages are clipped to 150 characters so that each
stays a short line under its input block.

The parser for each field kind is in ``bot.operations.form_values``, and the helpers that
read and compare element states are in ``bot.operations.form_state``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.ids import ActionId, field_block_id, field_name_from_block_id
from bot.operations.form_state import _MISSING, _element_state, _readable, _same_as_initial
from bot.operations.form_values import (
    MESSAGE_MAX_LENGTH,
    SERVER_MESSAGE,
    UNREADABLE_MESSAGE,
    _clip,
    _InvalidValue,
    _parse_element,
)
from bot.scp import CUSTOM_FIELD_HOLDER, Field, FieldKind, Module
from bot.scp._models import label_from_name

# Kinds whose emptied value is sent as "" on edit. The other kinds are cleared with None or [].
_TEXT_KINDS = frozenset(
    {
        FieldKind.SINGLE_LINE, FieldKind.MULTI_LINE, FieldKind.HTML, FieldKind.EMAIL,
        FieldKind.PHONE, FieldKind.URL,
    }
)


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


# Messages ------------------------------------------------------------------------------


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


__all__ = [
    "MESSAGE_MAX_LENGTH",
    "UNREADABLE_MESSAGE",
    "FormResult",
    "errors_from_server",
    "parse_form",
    "unchanged_fields",
    "values_from_state",
]
