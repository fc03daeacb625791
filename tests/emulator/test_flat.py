"""The flat dialect: custom fields at the top level of records, writes in both shapes."""

from __future__ import annotations

import json

from .conftest import Emulator, failure_messages


async def test_flat_record_has_no_holder(flat_emulator: Emulator) -> None:
    response = await flat_emulator.client.get("/api/v3/cm_books/301")

    record = response.json()["cm_book"]
    assert "cm_fields" not in record
    assert record["author"] == "test author"
    assert record["category"] == {"name": "Novel", "id": "3634"}
    assert record["title"] == "test"


async def test_flat_asset_names(flat_emulator: Emulator) -> None:
    response = await flat_emulator.client.get("/api/v3/cm_assets/601")

    record = response.json()["cm_asset"]
    assert record["serial"] == "SN-0001"
    assert record["model"] == {"name": "Fanless 1U", "id": "5001"}
    assert record["quantity"] == "1"
    assert record["utilization"] == "64.00"
    assert record["under_warranty"] is True
    assert record["owner"] == {"name": "Priya Raman", "id": "11"}


async def test_flat_write_accepts_both_shapes(flat_emulator: Emulator) -> None:
    flat = {"cm_book": {"title": "Flat", "author": "A", "category": {"name": "Fantasy"}}}
    legacy = {
        "cm_book": {
            "title": "Legacy",
            "cm_fields": {"sline_author": "B", "pick_category": {"id": "3635"}},
        }
    }

    first = await flat_emulator.write("POST", "cm_books", flat)
    second = await flat_emulator.write("POST", "cm_books", legacy)

    assert first.status_code == 200, first.text
    assert first.json()["cm_book"]["author"] == "A"
    assert first.json()["cm_book"]["category"]["id"] == "3636"
    assert second.status_code == 200, second.text
    assert second.json()["cm_book"]["author"] == "B"
    assert second.json()["cm_book"]["category"]["name"] == "Classics"


async def test_flat_errors_name_flat_fields(flat_emulator: Emulator) -> None:
    missing = await flat_emulator.write(
        "POST", "cm_assets", {"cm_asset": {"title": "x", "quantity": ""}}
    )
    invalid = await flat_emulator.write(
        "POST", "cm_assets", {"cm_asset": {"title": "x", "quantity": "lots"}}
    )
    extra = await flat_emulator.write(
        "POST", "cm_assets", {"cm_asset": {"title": "x", "quantity": 1, "colour": "red"}}
    )

    assert failure_messages(missing)[0]["fields"] == ["quantity"]
    assert failure_messages(invalid)[0]["field"] == "quantity"
    assert failure_messages(extra)[0]["field"] == "colour"


async def test_default_dialect_rejects_flat_names(emulator: Emulator) -> None:
    response = await emulator.write("POST", "cm_books", {"cm_book": {"title": "x", "author": "A"}})

    assert response.status_code == 400
    assert failure_messages(response)[0]["field"] == "author"


async def test_flat_search_and_sort_paths(flat_emulator: Emulator) -> None:
    for field in ("model", "cm_fields.pick_model", "model.name"):
        search = {"field": field, "condition": "contains", "value": "fan"}
        ids = await flat_emulator.ids("cm_assets", search_criteria=search)
        assert ids == ["601", "603"], field

    by_quantity = await flat_emulator.ids("cm_assets", sort_field="quantity", sort_order="desc")
    by_legacy = await flat_emulator.ids(
        "cm_assets", sort_field="cm_fields.num_quantity", sort_order="desc"
    )
    assert by_quantity == by_legacy == ["603", "601", "602"]


async def test_flat_metainfo_has_no_container(flat_emulator: Emulator) -> None:
    response = await flat_emulator.client.get("/api/v3/cm_books/_metainfo")

    fields = response.json()["metainfo"]["fields"]
    assert "cm_fields" not in fields
    assert fields["author"]["display_name"] == "Author"
    assert fields["category"]["field_type"] == "pick_list"


async def test_flat_allowed_values_by_either_name(flat_emulator: Emulator) -> None:
    flat = await flat_emulator.client.get("/api/v3/cm_books/category")
    holder = await flat_emulator.client.get("/api/v3/cm_books/cm_fields/category")
    legacy = await flat_emulator.client.get("/api/v3/cm_books/cm_fields/pick_category")

    assert len(flat.json()["category"]) == 4
    assert holder.json()["category"] == flat.json()["category"]
    assert legacy.json()["pick_category"] == flat.json()["category"]


async def test_flat_list_records(flat_emulator: Emulator) -> None:
    params = {
        "input_data": json.dumps(
            {
                "list_info": {
                    "search_criteria": {
                        "field": "author",
                        "condition": "is",
                        "value": "TEST AUTHOR",
                    }
                }
            }
        )
    }
    response = await flat_emulator.client.get("/api/v3/cm_books", params=params)

    assert [record["author"] for record in response.json()["cm_books"]] == ["test author"]
