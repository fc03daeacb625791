"""Evaluate parsed search criteria on one record locally, without a request to the server."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from bot.operations.search_fields import (
    CREATED_FIELD,
    ID_FIELD,
    STANDARD_ALIASES,
    UPDATED_FIELD,
    _searchable_fields,
)
from bot.operations.search_values import DATE_KINDS
from bot.scp import Criterion, Field, FieldKind, Module, Record

if TYPE_CHECKING:
    from bot.operations.search import SearchSpec

NEGATED_CONDITIONS = {"is not": "is", "not contains": "contains", "not between": "between"}
HTML_TAG_PATTERN = re.compile(r"<[^>]*>")


def record_matches(module: Module, record: Record, spec: SearchSpec) -> bool:
    """Evaluate ``spec``'s criteria on ``record`` the way the server joins them.

    Criteria join left to right, each to the result so far, with its own logical operator.
    Text compares without regard to case, numbers and dates compare as numbers, choices
    compare by name, and a multi-select matches when any of its values does.
    """
    result = True
    for index, criterion in enumerate(spec.criteria):
        matched = _criterion_matches(module, record, criterion)
        if index == 0:
            result = matched
        elif (criterion.logical_operator or "AND").upper() == "OR":
            result = result or matched
        else:
            result = result and matched
    return result


def _field_for_path(module: Module, path: str) -> Field | None:
    for spec in _searchable_fields(module):
        if spec.path == path:
            return spec
    standard = STANDARD_ALIASES.get(path)
    return standard if standard is not None and standard.path == path else None


def _record_value(record: Record, spec: Field) -> Any:
    if spec is ID_FIELD:
        return record.id
    if spec is CREATED_FIELD:
        return record.created_time
    if spec is UPDATED_FIELD:
        return record.updated_time
    return record.value(spec.name)


def _atoms(value: Any) -> list[str]:
    """Flatten a record value to strings: a choice to its name, a date to its milliseconds."""
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, dict):
        return _atoms(value.get("name", value.get("value")))
    if isinstance(value, list | tuple):
        return [atom for item in value for atom in _atoms(item)]
    return [str(value)]


def _criterion_matches(module: Module, record: Record, criterion: Criterion) -> bool:
    spec = _field_for_path(module, criterion.field)
    if spec is None:
        # A criterion on a field this module does not define cannot match locally.
        return False

    atoms = _atoms(_record_value(record, spec))
    if spec.kind == FieldKind.HTML:
        atoms = [html.unescape(HTML_TAG_PATTERN.sub("", atom)) for atom in atoms]

    if criterion.condition in ("between", "not between"):
        return _range_matches(criterion, atoms)

    positive = NEGATED_CONDITIONS.get(criterion.condition, criterion.condition)
    matched = _any_atom_matches(spec, positive, atoms, criterion.value or "")
    return not matched if criterion.condition in NEGATED_CONDITIONS else matched


def _range_matches(criterion: Criterion, atoms: list[str]) -> bool:
    """Evaluate ``between`` or ``not between``, which never match a record without a value.

    NOTE: the emulator treats an empty value this way. The real server's handling of it
    is not documented.
    """
    bounds = criterion.values or ()
    if len(bounds) != 2 or not atoms:
        return False

    low, high = bounds
    inside = any(
        _compare_numbers("greater or equal", atom, low)
        and _compare_numbers("lesser or equal", atom, high)
        for atom in atoms
    )
    return inside if criterion.condition == "between" else not inside


def _any_atom_matches(spec: Field, condition: str, atoms: Iterable[str], expected: str) -> bool:
    if spec.kind.is_number or spec.kind in DATE_KINDS:
        return any(_compare_numbers(condition, atom, expected) for atom in atoms)

    folded = expected.casefold()
    if condition == "is":
        return any(atom.casefold() == folded for atom in atoms)
    if condition == "contains":
        return any(folded in atom.casefold() for atom in atoms)
    if condition == "starts with":
        return any(atom.casefold().startswith(folded) for atom in atoms)
    if condition == "ends with":
        return any(atom.casefold().endswith(folded) for atom in atoms)
    raise ValueError(f"condition {condition!r} is not supported on {spec.label}")


def _compare_numbers(condition: str, atom: str, expected: str) -> bool:
    try:
        left, right = Decimal(atom), Decimal(expected)
    except InvalidOperation:
        return False

    comparisons: dict[str, Callable[[Decimal, Decimal], bool]] = {
        "is": lambda a, b: a == b,
        "greater than": lambda a, b: a > b,
        "lesser than": lambda a, b: a < b,
        "greater or equal": lambda a, b: a >= b,
        "lesser or equal": lambda a, b: a <= b,
    }
    if condition not in comparisons:
        raise ValueError(f"condition {condition!r} does not compare numbers")
    return comparisons[condition](left, right)
