"""Parsing of the request ``list_info``, and sorting and paging of the matching items."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.emulator.search import compile_criteria
from bot.emulator.search_fields import (
    FieldAccessor,
    Resolver,
    _normalized,
    resolve_or_fail,
    search_failure,
)
from bot.emulator.values import INTEGER_PATTERN, ApiError, extra_key

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
