"""list_info of the record list: search criteria, sorting, paging and the trash view."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Emulator, failure_messages

# Seeded assets: 601 "Core switch" (quantity 1, model "Fanless 1U", created 1690000000000),
# 602 "Laptop for Jonas" (quantity 1, model "Apex Pro 1", created 1695000000000),
# 603 "Spare monitors" (quantity 12, model "Fantom X", created 1699000000000).


def criterion(field: str, condition: str, value: Any = None, **extra: Any) -> dict[str, Any]:
    item = {"field": field, "condition": condition, **extra}
    if value is not None:
        item["value"] = value
    return item


CONDITION_CASES = [
    ("title", "is", "CORE SWITCH", ["601"]),
    ("title", "=", "core switch", ["601"]),
    ("title", "eq", "core switch", ["601"]),
    ("title", "is not", "core switch", ["602", "603"]),
    ("title", "!=", "core switch", ["602", "603"]),
    ("title", "neq", "core switch", ["602", "603"]),
    ("title", "contains", "OR", ["601", "602", "603"]),
    ("title", "not contains", "switch", ["602", "603"]),
    ("title", "starts with", "lap", ["602"]),
    ("title", "ends with", "MONITORS", ["603"]),
    ("cm_fields.num_quantity", "greater than", "1", ["603"]),
    ("cm_fields.num_quantity", "gt", 1, ["603"]),
    ("cm_fields.num_quantity", "greater or equal", "1", ["601", "602", "603"]),
    ("cm_fields.num_quantity", "gte", "12", ["603"]),
    ("cm_fields.num_quantity", "lesser than", "12", ["601", "602"]),
    ("cm_fields.num_quantity", "lt", "2", ["601", "602"]),
    ("cm_fields.num_quantity", "lesser or equal", "12", ["601", "602", "603"]),
    ("cm_fields.num_quantity", "lte", "1", ["601", "602"]),
    ("cm_fields.currency_price", "greater than", "999.99", ["601", "602"]),
    ("cm_fields.dec_weight", "lesser than", "2", ["602"]),
    ("created_time", "greater than", "1695000000000", ["603"]),
    ("created_time", "lesser or equal", {"value": "1695000000000"}, ["601", "602"]),
    ("cm_fields.pick_model", "contains", "fan", ["601", "603"]),
    ("cm_fields.pick_model", "starts with", "fantom", ["603"]),
    ("cm_fields.pick_model.name", "is", "apex pro 1", ["602"]),
    ("cm_fields.pick_model.id", "is", "5001", ["601"]),
    ("cm_fields.ref_owner", "is", "Priya Raman", ["601"]),
    ("cm_fields.ref_owner.id", "is", "12", ["602"]),
    ("cm_fields.multi_tags", "is", "spare", ["603"]),
    ("cm_fields.multi_tags", "contains", "LEA", ["601"]),
    ("cm_fields.multi_tags", "is not", "critical", ["602", "603"]),
    ("cm_fields.bool_under_warranty", "is", "true", ["601", "603"]),
    ("cm_fields.bool_under_warranty", "is", False, ["602"]),
    ("cm_fields.email_owner_email", "ends with", "@example.com", ["601", "602"]),
    ("cm_fields.date_purchased", "greater than", "1680000000000", ["602"]),
    ("id", "greater than", "601", ["602", "603"]),
    ("created_by.name", "is", "jonas berg", ["602"]),
]


@pytest.mark.parametrize(("field", "condition", "value", "expected"), CONDITION_CASES)
async def test_condition(
    emulator: Emulator, field: str, condition: str, value: Any, expected: list[str]
) -> None:
    ids = await emulator.ids("cm_assets", search_criteria=criterion(field, condition, value))

    assert ids == expected


async def test_between_and_not_between(emulator: Emulator) -> None:
    between = criterion("cm_fields.num_quantity", "between", values=["1", "5"])
    outside = criterion("created_time", "not between", values=["1690000000000", "1695000000000"])

    assert await emulator.ids("cm_assets", search_criteria=between) == ["601", "602"]
    assert await emulator.ids("cm_assets", search_criteria=outside) == ["603"]


async def test_values_list_matches_any(emulator: Emulator) -> None:
    search = criterion("title", "is", values=["core switch", "spare monitors"])

    assert await emulator.ids("cm_assets", search_criteria=search) == ["601", "603"]


async def test_is_with_empty_values_checks_null(emulator: Emulator) -> None:
    empty = criterion("cm_fields.sline_serial", "is", values=[])
    not_empty = criterion("cm_fields.sline_serial", "is not", values=[])
    no_description = criterion("description", "is", values=[])

    assert await emulator.ids("cm_assets", search_criteria=empty) == ["603"]
    assert await emulator.ids("cm_assets", search_criteria=not_empty) == ["601", "602"]
    assert await emulator.ids("cm_assets", search_criteria=no_description) == ["602"]


async def test_missing_values_never_order_match(emulator: Emulator) -> None:
    search = criterion("cm_fields.dec_weight", "greater than", "0")
    not_contains = criterion("cm_fields.sline_serial", "not contains", "0001")

    assert await emulator.ids("cm_assets", search_criteria=search) == ["601", "602"]
    assert await emulator.ids("cm_assets", search_criteria=not_contains) == ["602", "603"]


async def test_list_joins_left_to_right(emulator: Emulator) -> None:
    # (title contains "switch" OR quantity > 1) AND model contains "fan": 601 and 603.
    search = [
        criterion("title", "contains", "switch", logical_operator="OR"),
        criterion("cm_fields.num_quantity", "gt", "1", logical_operator="or"),
        criterion("cm_fields.pick_model", "contains", "fan", logical_operator="and"),
    ]
    only_and = [
        criterion("cm_fields.pick_model", "contains", "fan"),
        criterion("cm_fields.num_quantity", "is", "1", logical_operator="AND"),
    ]

    assert await emulator.ids("cm_assets", search_criteria=search) == ["601", "603"]
    assert await emulator.ids("cm_assets", search_criteria=only_and) == ["601"]


async def test_children_group_criteria(emulator: Emulator) -> None:
    # quantity is 1 AND (location is Remote OR location is Data Center A).
    search = criterion(
        "cm_fields.num_quantity",
        "is",
        "1",
        children=[
            {
                "logical_operator": "AND",
                "children": [
                    criterion("cm_fields.pick_location", "is", "Remote"),
                    criterion(
                        "cm_fields.pick_location", "is", "Storage Room", logical_operator="OR"
                    ),
                ],
            }
        ],
    )
    group_only = {
        "children": [
            criterion("title", "contains", "spare"),
            criterion("title", "contains", "core", logical_operator="OR"),
        ]
    }

    assert await emulator.ids("cm_assets", search_criteria=search) == ["602"]
    assert await emulator.ids("cm_assets", search_criteria=group_only) == ["601", "603"]


async def test_search_echoed_in_list_info(emulator: Emulator) -> None:
    search = {
        "field": "cm_fields.sline_author",
        "value": "auth",
        "condition": "contains",
        "logical_operator": "AND",
    }
    body = await emulator.list_ok(
        row_count="10",
        start_index=1,
        search_criteria=search,
        sort_field="cm_fields.sline_author",
        sort_order="asc",
        get_total_count=True,
    )

    assert body["response_status"] == [{"status_code": 2000, "status": "success"}]
    assert [record["id"] for record in body["cm_books"]] == ["301"]
    assert body["list_info"] == {
        "has_more_rows": False,
        "start_index": 1,
        "row_count": 1,
        "sort_field": "cm_fields.sline_author",
        "sort_order": "asc",
        "search_criteria": search,
        "get_total_count": "true",
        "total_count": 1,
    }


async def test_list_without_input_data(emulator: Emulator) -> None:
    body = await emulator.list_ok("cm_assets")

    assert body["list_info"] == {"has_more_rows": False, "start_index": 1, "row_count": 3}


SEARCH_FAILURES = [
    (criterion("cm_fields.sline_nothing", "is", "x"), "cm_fields.sline_nothing"),
    (criterion("author", "is", "x"), "author"),
    (criterion("title", "resembles", "x"), "condition"),
    (criterion("cm_fields.num_quantity", "gt", "many"), "cm_fields.num_quantity"),
    (criterion("created_time", "gt", "yesterday"), "created_time"),
    (criterion("cm_fields.num_quantity", "contains", "1"), "cm_fields.num_quantity"),
    (criterion("title", "between", values=["a"]), "title"),
    (criterion("title", "gt"), "title"),
    (
        [criterion("title", "is", "x"), criterion("title", "is", "y", logical_operator="XOR")],
        "logical_operator",
    ),
]


@pytest.mark.parametrize(("search", "field"), SEARCH_FAILURES)
async def test_invalid_search_gives_4000(emulator: Emulator, search: Any, field: str) -> None:
    response = await emulator.list("cm_assets", search_criteria=search)

    assert response.status_code == 400
    message = failure_messages(response)[0]
    assert message["status_code"] == 4000
    assert message["field"] == field
    assert message["message"]


async def test_unknown_field_message_names_it(emulator: Emulator) -> None:
    response = await emulator.list(search_criteria=criterion("cm_fields.sline_x", "is", "y"))

    assert "cm_fields.sline_x" in failure_messages(response)[0]["message"]


SORT_CASES = [
    ("title", "asc", ["601", "602", "603"]),
    ("title", "desc", ["603", "602", "601"]),
    ("cm_fields.num_quantity", "desc", ["603", "601", "602"]),
    ("cm_fields.currency_price", "asc", ["603", "602", "601"]),
    ("cm_fields.pick_model", "asc", ["602", "601", "603"]),
    ("cm_fields.pick_model.id", "desc", ["602", "603", "601"]),
    ("created_time", "desc", ["603", "602", "601"]),
    ("id", "desc", ["603", "602", "601"]),
    # Records without a weight come last in both orders.
    ("cm_fields.dec_weight", "asc", ["602", "601", "603"]),
    ("cm_fields.dec_weight", "desc", ["601", "602", "603"]),
]


@pytest.mark.parametrize(("field", "order", "expected"), SORT_CASES)
async def test_sort(emulator: Emulator, field: str, order: str, expected: list[str]) -> None:
    ids = await emulator.ids("cm_assets", sort_field=field, sort_order=order)

    assert ids == expected


async def test_sort_by_updated_time(emulator: Emulator) -> None:
    await emulator.write("PUT", "cm_assets/602", {"cm_asset": {"title": "Laptop"}})
    await emulator.write("PUT", "cm_assets/601", {"cm_asset": {"title": "Switch"}})

    newest_first = await emulator.ids("cm_assets", sort_field="updated_time", sort_order="desc")
    assert newest_first == ["601", "602", "603"]

    updated = await emulator.list_ok("cm_assets", sort_field="updated_time")
    cutoff = updated["cm_assets"][1]["updated_time"]["value"]
    after = criterion("updated_time", "greater or equal", cutoff)
    # Without a sort_field, records come in id order.
    assert await emulator.ids("cm_assets", search_criteria=after) == ["601", "602"]


async def test_unknown_sort_field_gives_4000(emulator: Emulator) -> None:
    response = await emulator.list(sort_field="cm_fields.sline_nothing")

    assert response.status_code == 400
    assert failure_messages(response)[0]["field"] == "cm_fields.sline_nothing"


async def test_paging_walks_all_rows(emulator: Emulator) -> None:
    for index in range(24):
        await emulator.write("POST", "cm_books", {"cm_book": {"title": f"Book {index:02}"}})

    seen: list[str] = []
    start = 1
    while True:
        body = await emulator.list_ok(row_count="10", start_index=start, get_total_count="true")
        info = body["list_info"]
        assert info["total_count"] == 25
        assert info["row_count"] == len(body["cm_books"])
        seen += [record["id"] for record in body["cm_books"]]
        if not info["has_more_rows"]:
            break
        start += info["row_count"]

    assert seen == [str(number) for number in range(301, 326)]
    assert start == 21


async def test_default_row_count_is_ten(emulator: Emulator) -> None:
    for index in range(12):
        await emulator.write("POST", "cm_books", {"cm_book": {"title": f"Book {index}"}})

    body = await emulator.list_ok(sort_order="asc")

    assert len(body["cm_books"]) == 10
    assert body["list_info"]["has_more_rows"] is True
    assert "total_count" not in body["list_info"]


async def test_start_index_past_end_is_empty(emulator: Emulator) -> None:
    body = await emulator.list_ok(start_index=50)

    assert body["cm_books"] == []
    assert body["list_info"]["has_more_rows"] is False
    assert body["list_info"]["row_count"] == 0


@pytest.mark.parametrize(
    ("list_info", "field"),
    [
        ({"row_count": 101}, "row_count"),
        ({"row_count": "0"}, "row_count"),
        ({"row_count": "ten"}, "row_count"),
        # Arabic-Indic ten, which int() would read as 10.
        ({"row_count": "\u0661\u0660"}, "row_count"),
        ({"start_index": 0}, "start_index"),
        ({"sort_order": "up"}, "sort_order"),
        ({"page": 2}, "page"),
        ({"filter_by": {"name": "Open"}}, "filter_by"),
    ],
)
async def test_invalid_list_info_gives_4000(
    emulator: Emulator, list_info: dict[str, Any], field: str
) -> None:
    response = await emulator.list(**list_info)

    assert response.status_code == 400
    assert failure_messages(response)[0]["field"] == field


async def test_row_count_100_is_allowed(emulator: Emulator) -> None:
    body = await emulator.list_ok(row_count=100)

    assert body["list_info"]["row_count"] == 1


async def test_malformed_query_input_data(emulator: Emulator) -> None:
    broken = await emulator.client.get("/api/v3/cm_books", params={"input_data": "{oops"})
    extra = await emulator.client.get("/api/v3/cm_books", params={"input_data": '{"x": 1}'})

    assert broken.status_code == 400
    assert "not valid JSON" in failure_messages(broken)[0]["message"]
    assert failure_messages(extra)[0] == {
        "status_code": 4000,
        "type": "failed",
        "field": "x",
        "message": "Extra key found in JSON",
    }


async def test_trash_filter_shows_only_trashed(emulator: Emulator) -> None:
    await emulator.client.delete("/api/v3/cm_assets/602/_move_to_trash")

    assert await emulator.ids("cm_assets") == ["601", "603"]
    for name in ("trash", "Trash", "TRASH"):
        body = await emulator.list_ok("cm_assets", filter_by={"name": name}, get_total_count=True)
        assert [record["id"] for record in body["cm_assets"]] == ["602"]
        assert body["cm_assets"][0]["is_trashed"] is True
        assert body["list_info"]["filter_by"] == {"name": name}
        assert body["list_info"]["total_count"] == 1


async def test_is_trashed_criteria_include_trash(emulator: Emulator) -> None:
    await emulator.client.delete("/api/v3/cm_assets/602/_move_to_trash")

    trashed = criterion("is_trashed", "is", "true")
    assert await emulator.ids("cm_assets", search_criteria=trashed) == ["602"]
    deleted_after = criterion("deleted_time", "greater than", "0")
    assert await emulator.ids("cm_assets", search_criteria=deleted_after) == []
