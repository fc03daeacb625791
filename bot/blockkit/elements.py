"""Checks of interactive elements: buttons, selects, text, number and date inputs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.blockkit.checker import _Checker
from bot.blockkit.limits import (
    DATE_PATTERN,
    ELEMENT_KEYS,
    INTEGER_PATTERN,
    MAX_OPTIONS,
    NUMBER_PATTERN,
    OPTION_LIMITS,
    OTHER_ELEMENT_TYPES,
)


def _same_option(first: Any, second: Any) -> bool:
    if not isinstance(first, Mapping) or not isinstance(second, Mapping):
        return False
    text_of = lambda option: (option.get("text") or {}).get("text")  # noqa: E731
    return first.get("value") == second.get("value") and text_of(first) == text_of(second)


def _check_select_options(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    kind = element["type"]
    has_options = "options" in element
    has_groups = "option_groups" in element
    if kind in ("static_select", "multi_static_select") and has_options == has_groups:
        check.add(path, "needs exactly one of options and option_groups")
    if has_groups and kind in ("static_select", "multi_static_select"):
        options = check.option_groups(f"{path}/option_groups", element["option_groups"])
    elif has_options or kind in OPTION_LIMITS:
        minimum, maximum = OPTION_LIMITS.get(kind, (1, MAX_OPTIONS))
        plain_only = kind not in ("checkboxes", "radio_buttons")
        options = check.option_list(
            f"{path}/options", element.get("options"), minimum, maximum, plain_only=plain_only
        )
    else:
        options = []

    static = kind in OPTION_LIMITS
    if "initial_option" in element:
        initial = element["initial_option"]
        check.option(f"{path}/initial_option", initial, plain_only=False)
        if static and not any(_same_option(initial, option) for option in options):
            check.add(f"{path}/initial_option", "is not one of the element's options")
    if "initial_options" in element:
        initials = element["initial_options"]
        if not isinstance(initials, list):
            check.add(f"{path}/initial_options", "expected a list of options")
            return
        for index, initial in enumerate(initials):
            check.option(f"{path}/initial_options/{index}", initial, plain_only=False)
            if static and not any(_same_option(initial, option) for option in options):
                check.add(f"{path}/initial_options/{index}", "is not one of the element's options")


def _check_text_input(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    max_length = element.get("max_length", 3000)
    min_length = element.get("min_length", 0)
    if not isinstance(max_length, int) or not 1 <= max_length <= 3000:
        check.add(f"{path}/max_length", "must be an integer from 1 to 3000")
        max_length = 3000
    if not isinstance(min_length, int) or not 0 <= min_length <= 3000:
        check.add(f"{path}/min_length", "must be an integer from 0 to 3000")
    elif min_length > max_length:
        check.add(f"{path}/min_length", "is greater than max_length")
    if "initial_value" in element:
        check.string(f"{path}/initial_value", element["initial_value"], max_length, minimum=0)


def _check_number_input(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    decimal_allowed = element.get("is_decimal_allowed")
    if not isinstance(decimal_allowed, bool):
        check.add(f"{path}/is_decimal_allowed", "is required and must be true or false")
    pattern = NUMBER_PATTERN if decimal_allowed else INTEGER_PATTERN
    for key in ("initial_value", "min_value", "max_value"):
        value = element.get(key)
        if value is not None and not (isinstance(value, str) and pattern.fullmatch(value)):
            check.add(f"{path}/{key}", f"{value!r} is not a valid number for this input")


def _check_dates(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    if "initial_date" in element:
        value = element["initial_date"]
        try:
            valid = isinstance(value, str) and DATE_PATTERN.fullmatch(value) is not None
            valid = valid and date.fromisoformat(value) is not None
        except ValueError:
            valid = False
        if not valid:
            check.add(f"{path}/initial_date", f"{value!r} is not a YYYY-MM-DD date")
    if "initial_date_time" in element:
        value = element["initial_date_time"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            check.add(f"{path}/initial_date_time", "must be epoch seconds as an integer")


def _check_button(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    check.text(f"{path}/text", element.get("text"), 75, plain_only=True)
    if "value" in element:
        check.string(f"{path}/value", element["value"], 2000)
    if "url" in element:
        check.string(f"{path}/url", element["url"], 3000)
    if "accessibility_label" in element:
        check.string(f"{path}/accessibility_label", element["accessibility_label"], 75)
    if element.get("style", "primary") not in ("primary", "danger"):
        check.add(f"{path}/style", "must be primary or danger")


def _check_element(check: _Checker, path: str, element: Any, allowed: frozenset[str]) -> None:
    if not isinstance(element, Mapping):
        check.add(path, "expected an element object")
        return
    kind = element.get("type")
    if kind not in allowed:
        check.add(f"{path}/type", f"element type {kind!r} is not allowed here")
        return
    if "action_id" in element:
        check.string(f"{path}/action_id", element["action_id"], 255)
    if kind in OTHER_ELEMENT_TYPES or kind == "image":
        return

    check.keys(path, element, ELEMENT_KEYS[kind])
    check.optional_text(path, element, "placeholder", 150)
    if "confirm" in element:
        check.confirm(f"{path}/confirm", element["confirm"])
    if kind == "button":
        _check_button(check, path, element)
    elif kind == "plain_text_input":
        _check_text_input(check, path, element)
    elif kind == "number_input":
        _check_number_input(check, path, element)
    elif kind in ("datepicker", "datetimepicker"):
        _check_dates(check, path, element)
    elif kind in ("external_select", "multi_external_select"):
        query_length = element.get("min_query_length", 3)
        if isinstance(query_length, bool) or not isinstance(query_length, int) or query_length < 0:
            check.add(f"{path}/min_query_length", "must be a non-negative integer")
    if kind in OPTION_LIMITS or kind in ("external_select", "multi_external_select"):
        _check_select_options(check, path, element)


def _check_unique_action_ids(check: _Checker, path: str, elements: list[Any]) -> None:
    seen: set[str] = set()
    for index, element in enumerate(elements):
        action_id = element.get("action_id") if isinstance(element, Mapping) else None
        if action_id is None:
            continue
        if action_id in seen:
            check.add(f"{path}/{index}/action_id", f"duplicate action_id {action_id!r} in block")
        seen.add(action_id)
