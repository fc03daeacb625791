"""Read the element states of a submitted record form and compare them with initial values.

Slack sends each element's state as a mapping whose keys depend on the element type. These
helpers find a block's element state, reject one of the wrong shape, and tell whether it
still contains the element's initial value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.ids import ActionId
from bot.operations.form_values import UNREADABLE_MESSAGE, _InvalidValue
from bot.scp import Field, FieldKind

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
