"""Compilation of ``search_criteria`` into predicates on items.

The predicates read items through the resolvers and field accessors of
``bot.emulator.search_fields``, so the same rules serve records and allowed values.

Search criteria rules:

- ``search_criteria`` is one criteria object or a list of them. In a list, the first
  element's ``logical_operator`` is ignored and every later element joins the result so
  far with its own ``AND``/``OR`` (case-insensitive), without precedence:
  ``a OR b AND c`` means ``(a OR b) AND c``.
- An object has ``field``, ``condition`` and ``value`` or ``values``, and may carry a
  ``children`` list that joins its own result the same way. An object with only
  ``children`` is a group.
- Text compares without regard to case. Number fields compare as numbers, dates as epoch
  milliseconds, pick lists and lookups by value name (``.id`` compares the id).
- ``is`` with an empty ``values`` list (or a null ``value``) matches records without a
  value; ``is not`` then matches records with one.
- Missing values never match ``greater than``, ``between`` and the like. They do match
  ``is not`` and ``not contains`` with a non-empty value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.emulator.search_fields import (
    FieldAccessor,
    Predicate,
    Resolver,
    ValueType,
    _normalized,
    resolve_or_fail,
    search_failure,
)
from bot.emulator.values import (
    ApiError,
    InvalidValue,
    extra_key,
    parse_decimal,
    parse_milliseconds,
)

CRITERIA_KEYS = frozenset({"field", "condition", "value", "values", "logical_operator", "children"})

CONDITION_ALIASES = {
    "=": "is",
    "eq": "is",
    "!=": "is not",
    "neq": "is not",
    "gt": "greater than",
    "gte": "greater or equal",
    "lt": "lesser than",
    "lte": "lesser or equal",
}
CONDITIONS = frozenset(
    {
        "is",
        "is not",
        "contains",
        "not contains",
        "starts with",
        "ends with",
        "greater than",
        "greater or equal",
        "lesser than",
        "lesser or equal",
        "between",
        "not between",
    }
)
TEXT_CONDITIONS = frozenset({"contains", "not contains", "starts with", "ends with"})
ORDER_CONDITIONS = frozenset(
    {"greater than", "greater or equal", "lesser than", "lesser or equal", "between", "not between"}
)


def _coerce_target(accessor: FieldAccessor, raw: Any) -> Any:
    """Convert one criteria value to the comparable type of the field."""
    value_type = accessor.value_type
    try:
        if value_type == ValueType.NUMBER:
            return parse_decimal(raw)
        if value_type == ValueType.TIME:
            return parse_milliseconds(raw)
    except InvalidValue as error:
        raise search_failure(
            f"Invalid search value for field {accessor.path}: {error}", field=accessor.path
        ) from None

    if value_type == ValueType.BOOLEAN:
        text = str(raw).strip().lower()
        if text not in ("true", "false"):
            raise search_failure(
                f"Invalid search value for field {accessor.path}: {raw!r} is not true or false",
                field=accessor.path,
            )
        return text == "true"
    if isinstance(raw, Mapping | list):
        raise search_failure(
            f"Invalid search value for field {accessor.path}: {raw!r}", field=accessor.path
        )
    return str(raw).casefold()


def _condition_name(raw: Any) -> str:
    name = str(raw).strip().lower() if raw is not None else ""
    name = CONDITION_ALIASES.get(name, name)
    if name not in CONDITIONS:
        raise search_failure(f"Invalid condition {raw!r} in search_criteria", field="condition")
    return name


def _targets(node: Mapping[str, Any]) -> list[Any]:
    if "values" in node:
        values = node["values"]
        if not isinstance(values, list):
            raise search_failure("'values' in search_criteria must be a list", field="values")
        return values
    value = node.get("value")
    return [] if value is None else [value]


def _matches_any(actual: Any, targets: Sequence[Any], test: Callable[[Any, Any], bool]) -> bool:
    """Apply ``test`` to the value, or to each element of a multi value, against each target."""
    elements = actual if isinstance(actual, tuple) else (actual,)
    return any(test(element, target) for element in elements for target in targets)


def _compile_clause(node: Mapping[str, Any], resolver: Resolver) -> Predicate:
    accessor = resolve_or_fail(resolver, node.get("field"), "search")
    condition = _condition_name(node.get("condition"))
    raw_targets = _targets(node)

    if condition in TEXT_CONDITIONS and accessor.value_type not in (
        ValueType.TEXT,
        ValueType.MULTI,
    ):
        raise search_failure(
            f"Condition {condition!r} only applies to text fields, not {accessor.path}",
            field=accessor.path,
        )
    if condition in ORDER_CONDITIONS and accessor.value_type in (
        ValueType.BOOLEAN,
        ValueType.MULTI,
    ):
        raise search_failure(
            f"Condition {condition!r} does not apply to field {accessor.path}",
            field=accessor.path,
        )
    if condition not in ("is", "is not") and not raw_targets:
        raise search_failure(f"Condition {condition!r} needs a value", field=accessor.path)
    if condition in ("between", "not between") and len(raw_targets) != 2:
        raise search_failure(
            f"Condition {condition!r} needs 'values' with two entries", field=accessor.path
        )

    targets = [_coerce_target(accessor, raw) for raw in raw_targets]
    test = _condition_test(condition, targets)

    def predicate(item: Any) -> bool:
        return test(_normalized(accessor, accessor.read(item)))

    return predicate


def _is_null(actual: Any) -> bool:
    return actual is None or actual == "" or actual == ()


def _condition_test(condition: str, targets: list[Any]) -> Callable[[Any], bool]:
    """Build the test of one condition on a normalized value."""
    if condition in ("is", "is not"):

        def equal(actual: Any) -> bool:
            if not targets:
                return _is_null(actual)
            return not _is_null(actual) and _matches_any(actual, targets, lambda a, t: a == t)

        return equal if condition == "is" else (lambda actual: not equal(actual))

    text_tests = {
        "contains": lambda a, t: t in a,
        "not contains": lambda a, t: t in a,
        "starts with": lambda a, t: a.startswith(t),
        "ends with": lambda a, t: a.endswith(t),
    }
    if condition in text_tests:
        text_test = text_tests[condition]

        def text_match(actual: Any) -> bool:
            return not _is_null(actual) and _matches_any(actual, targets, text_test)

        return (
            (lambda actual: not text_match(actual)) if condition == "not contains" else (text_match)
        )

    if condition in ("between", "not between"):
        low, high = targets
        inside = condition == "between"
        return lambda actual: actual is not None and ((low <= actual <= high) == inside)

    order_tests = {
        "greater than": lambda a, t: a > t,
        "greater or equal": lambda a, t: a >= t,
        "lesser than": lambda a, t: a < t,
        "lesser or equal": lambda a, t: a <= t,
    }
    order_test = order_tests[condition]
    return lambda actual: actual is not None and order_test(actual, targets[0])


def _operator(node: Mapping[str, Any]) -> str:
    raw = node.get("logical_operator", "AND")
    operator = str(raw).strip().upper()
    if operator not in ("AND", "OR"):
        raise search_failure(
            f"Invalid logical_operator {raw!r}. Use AND or OR", field="logical_operator"
        )
    return operator


def _fold(parts: list[tuple[str, Predicate]]) -> Predicate:
    """Join predicates left to right, ignoring the operator of the first part."""

    def predicate(item: Any) -> bool:
        result = parts[0][1](item)
        for operator, part in parts[1:]:
            result = (result and part(item)) if operator == "AND" else (result or part(item))
        return result

    return predicate


def _compile_node(node: Any, resolver: Resolver) -> Predicate:
    if not isinstance(node, Mapping):
        raise search_failure("Each search_criteria entry must be a JSON object")
    for key in node:
        if key not in CRITERIA_KEYS:
            raise ApiError(400, [extra_key(key)])

    parts: list[tuple[str, Predicate]] = []
    if "field" in node:
        parts.append(("AND", _compile_clause(node, resolver)))

    children = node.get("children")
    if children is not None:
        if not isinstance(children, list):
            raise search_failure("'children' in search_criteria must be a list", field="children")
        parts.extend((_operator(child), _compile_node(child, resolver)) for child in children)

    if not parts:
        raise search_failure("A search_criteria entry needs a field or children")
    return _fold(parts)


def compile_criteria(raw: Any, resolver: Resolver) -> Predicate:
    """Compile ``search_criteria`` (an object or a list) into a predicate on items.

    Raises ApiError 4000 for an unknown field, condition or operator and for a value
    that does not fit the field, even when no item would be tested.
    """
    if not isinstance(raw, list):
        return _compile_node(raw, resolver)
    if not raw:
        return lambda item: True

    parts = []
    for node in raw:
        operator = _operator(node) if isinstance(node, Mapping) else "AND"
        parts.append((operator, _compile_node(node, resolver)))
    return _fold(parts)


def criteria_fields(raw: Any) -> set[str]:
    """Return every field path that a ``search_criteria`` value mentions."""
    nodes = raw if isinstance(raw, list) else [raw]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, Mapping):
            if isinstance(node.get("field"), str):
                found.add(node["field"])
            found |= criteria_fields(node.get("children") or [])
    return found
