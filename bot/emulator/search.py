"""Evaluation of ``list_info``: search criteria, sorting and paging.

The engine is generic over the items it filters. A resolver maps a field path such as
``cm_fields.sline_author`` to a ``FieldAccessor``, which reads a comparable value from an
item and names its comparison type. ``record_resolver`` serves the record lists and
``choice_resolver`` serves the allowed-values lists of pick-list fields.

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
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.emulator.modules import (
    DATE_KINDS,
    NUMBER_KINDS,
    TEXT_KINDS,
    FieldDef,
    FieldKind,
    ModuleDef,
)
from bot.emulator.store import Record
from bot.emulator.values import (
    INTEGER_PATTERN,
    ApiError,
    InvalidValue,
    extra_key,
    failure_message,
    parse_decimal,
    parse_milliseconds,
)

MAX_ROW_COUNT = 100
LIST_INFO_KEYS = frozenset(
    {
        "row_count",
        "start_index",
        "sort_field",
        "sort_order",
        "get_total_count",
        "search_criteria",
        "filter_by",
        # NOTE: accepted but ignored, so every record comes back with all its fields.
        "fields_required",
    }
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


def search_failure(message: str, field: str | None = None) -> ApiError:
    return ApiError(400, [failure_message(4000, message, field=field)])


class ValueType(StrEnum):
    """Comparison type of the values of a field."""

    TEXT = "text"
    NUMBER = "number"
    TIME = "time"
    BOOLEAN = "boolean"
    # A list of names or ids, which matches when any element matches.
    MULTI = "multi"


@dataclass(frozen=True)
class FieldAccessor:
    """Searchable field of the items: its path, comparison type and value reader."""

    path: str
    value_type: ValueType
    read: Callable[[Any], Any]


Resolver = Callable[[str], FieldAccessor | None]
Predicate = Callable[[Any], bool]


# Resolvers ---------------------------------------------------------------------------


def _as_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _user_accessor(path: str, key: str, part: str) -> FieldAccessor:
    def read(record: Record) -> Any:
        user = getattr(record, key)
        if user is None:
            return None
        return Decimal(user["id"]) if part == "id" else user["name"]

    return FieldAccessor(path, ValueType.NUMBER if part == "id" else ValueType.TEXT, read)


def _standard_accessor(path: str) -> FieldAccessor | None:
    head, _, part = path.partition(".")
    times = {
        "created_time": "created_ms",
        "updated_time": "updated_ms",
        "deleted_time": "deleted_ms",
    }

    if path == "id":
        return FieldAccessor(path, ValueType.NUMBER, lambda record: Decimal(record.id))
    if path in ("title", "description"):
        return FieldAccessor(path, ValueType.TEXT, lambda record: getattr(record, path))
    if path == "is_trashed":
        return FieldAccessor(path, ValueType.BOOLEAN, lambda record: record.is_trashed)
    if head in times and part in ("", "value"):
        attribute = times[head]
        return FieldAccessor(path, ValueType.TIME, lambda record: getattr(record, attribute))
    if head in ("created_by", "updated_by") and part in ("", "name", "id"):
        return _user_accessor(path, head, part or "name")
    return None


def _custom_accessor(path: str, definition: FieldDef, part: str) -> FieldAccessor | None:
    name = definition.api_name
    kind = definition.kind

    def value_of(record: Record) -> Any:
        return record.values.get(name)

    if kind == FieldKind.MULTI_SELECT and part in ("", "name", "id"):
        attribute = part or "name"
        return FieldAccessor(
            path,
            ValueType.MULTI,
            lambda record: tuple(getattr(item, attribute) for item in value_of(record) or ()),
        )
    if definition.has_choices and part in ("", "name"):
        return FieldAccessor(
            path, ValueType.TEXT, lambda record: getattr(value_of(record), "name", None)
        )
    if definition.has_choices and part == "id":
        return FieldAccessor(
            path,
            ValueType.NUMBER,
            lambda record: _as_decimal(getattr(value_of(record), "id", None)),
        )
    if part:
        if kind in DATE_KINDS and part == "value":
            return FieldAccessor(path, ValueType.TIME, value_of)
        return None

    if kind in TEXT_KINDS:
        return FieldAccessor(path, ValueType.TEXT, value_of)
    if kind in NUMBER_KINDS:
        return FieldAccessor(path, ValueType.NUMBER, lambda record: _as_decimal(value_of(record)))
    if kind in DATE_KINDS:
        return FieldAccessor(path, ValueType.TIME, value_of)
    return FieldAccessor(path, ValueType.BOOLEAN, value_of)


def record_resolver(module: ModuleDef, *, flat: bool) -> Resolver:
    """Resolve record field paths: standard fields, ``cm_fields.<name>`` and, when flat,
    ``<flat name>``. Pick lists and lookups also take ``.name`` and ``.id``, dates ``.value``.
    """

    def resolve(path: str) -> FieldAccessor | None:
        standard = _standard_accessor(path)
        if standard is not None:
            return standard

        if path.startswith("cm_fields."):
            name, _, part = path.removeprefix("cm_fields.").partition(".")
            definition = module.fields_by_api_name.get(name)
        elif flat:
            name, _, part = path.partition(".")
            definition = module.fields_by_flat_name.get(name)
        else:
            return None
        return None if definition is None else _custom_accessor(path, definition, part)

    return resolve


def choice_resolver(path: str) -> FieldAccessor | None:
    """Resolve the fields of an allowed value: ``name`` (text) and ``id`` (number)."""
    if path == "name":
        return FieldAccessor(path, ValueType.TEXT, lambda value: value.name)
    if path == "id":
        return FieldAccessor(path, ValueType.NUMBER, lambda value: Decimal(value.id))
    return None


def resolve_or_fail(resolver: Resolver, path: Any, role: str) -> FieldAccessor:
    accessor = resolver(path) if isinstance(path, str) else None
    if accessor is None:
        raise search_failure(
            f"Invalid {role} field: {path!r} is not a field of this module", field=str(path)
        )
    return accessor


# Criteria ----------------------------------------------------------------------------


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


def _normalized(accessor: FieldAccessor, value: Any) -> Any:
    """Return the item's value in comparable form: case-folded text, a tuple for multi."""
    if value is None:
        return None
    if accessor.value_type == ValueType.TEXT:
        return value.casefold()
    if accessor.value_type == ValueType.MULTI:
        return tuple(item.casefold() for item in value)
    return value


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


# list_info ---------------------------------------------------------------------------


@dataclass
class ListRequest:
    """Parsed request ``list_info``, with the original in ``raw`` for the echo."""

    raw: Mapping[str, Any]
    row_count: int
    start_index: int
    sort_order: str
    get_total_count: bool


def _is_integer(raw: Any) -> bool:
    # int() alone would also read digits of other scripts, such as "١٠".
    if isinstance(raw, str):
        return INTEGER_PATTERN.fullmatch(raw.strip()) is not None
    return isinstance(raw, int)


def _positive_int(raw: Any, key: str, maximum: int | None = None) -> int:
    if isinstance(raw, bool):
        raise search_failure(f"Invalid {key}: {raw!r} is not a number", field=key)
    try:
        number = int(str(raw).strip()) if _is_integer(raw) else None
    except ValueError:
        number = None
    if number is None:
        raise search_failure(f"Invalid {key}: {raw!r} is not a whole number", field=key)
    if number < 1:
        raise search_failure(f"Invalid {key}: {number} is below 1", field=key)
    if maximum is not None and number > maximum:
        raise search_failure(
            f"Invalid {key}: {number} is above the maximum of {maximum}", field=key
        )
    return number


def parse_list_info(raw: Any, *, default_row_count: int = 10) -> ListRequest:
    """Validate ``list_info`` keys, paging numbers and the sort order."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise search_failure("list_info must be a JSON object", field="list_info")
    for key in raw:
        if key not in LIST_INFO_KEYS:
            raise ApiError(400, [extra_key(key)])

    sort_order = str(raw.get("sort_order", "asc")).strip().lower()
    if sort_order not in ("asc", "desc"):
        raise search_failure(
            f"Invalid sort_order {raw['sort_order']!r}. Use asc or desc", field="sort_order"
        )

    total = raw.get("get_total_count", False)
    return ListRequest(
        raw=raw,
        row_count=_positive_int(
            raw.get("row_count", default_row_count), "row_count", MAX_ROW_COUNT
        ),
        start_index=_positive_int(raw.get("start_index", 1), "start_index"),
        sort_order=sort_order,
        get_total_count=total is True or str(total).strip().lower() == "true",
    )


def _sort_key(accessor: FieldAccessor) -> Callable[[Any], Any]:
    def key(item: Any) -> Any:
        value = _normalized(accessor, accessor.read(item))
        return " ".join(value) if isinstance(value, tuple) else value

    return key


def sort_items(items: list[Any], request: ListRequest, resolver: Resolver) -> list[Any]:
    """Sort by ``sort_field`` (items keep their order without one); items without a value
    come last in both orders."""
    sort_field = request.raw.get("sort_field")
    if sort_field is None:
        return items[::-1] if request.sort_order == "desc" else items

    key = _sort_key(resolve_or_fail(resolver, sort_field, "sort"))
    present = [item for item in items if key(item) is not None]
    missing = [item for item in items if key(item) is None]
    present.sort(key=key, reverse=request.sort_order == "desc")
    return present + missing


def run_list(
    items: list[Any], request: ListRequest, resolver: Resolver
) -> tuple[list[Any], dict[str, Any]]:
    """Filter, sort and page ``items``, and return the page and the response ``list_info``."""
    criteria = request.raw.get("search_criteria")
    if criteria is not None:
        predicate = compile_criteria(criteria, resolver)
        items = [item for item in items if predicate(item)]
    items = sort_items(items, request, resolver)

    first = request.start_index - 1
    page = items[first : first + request.row_count]
    return page, response_list_info(request, len(page), len(items))


def response_list_info(request: ListRequest, returned: int, total: int) -> dict[str, Any]:
    """Echo the request ``list_info`` the way the server does, with the paging results."""
    info: dict[str, Any] = {
        "has_more_rows": request.start_index - 1 + returned < total,
        "start_index": request.start_index,
        "row_count": returned,
    }
    for key in ("sort_field", "sort_order", "search_criteria", "filter_by"):
        if key in request.raw:
            info[key] = request.raw[key]
    if request.get_total_count:
        info["get_total_count"] = "true"
        info["total_count"] = total
    return info
