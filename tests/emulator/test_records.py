"""Record routes of the emulator: get, add, edit, trash, restore, delete and write checks."""

from __future__ import annotations

import json
from typing import Any

from .conftest import Emulator, failure_messages

HARRY_POTTER = {
    "cm_book": {
        "title": "Harry Potter",
        "description": "<div>description about harry potter</div>",
        "attachments": [],
        "cm_fields": {
            "sline_author": "J.K Rowling",
            "pick_category": {"id": "3636", "name": "Fantasy"},
        },
    }
}


async def test_get_seed_record_matches_vendor_sample(emulator: Emulator) -> None:
    response = await emulator.client.get("/api/v3/cm_books/301")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert body["response_status"] == {"status_code": 2000, "status": "success"}
    record = body["cm_book"]
    assert record["id"] == "301"
    assert record["title"] == "test"
    assert record["description"] == "<div>test description</div>"
    assert record["cm_fields"] == {
        "sline_author": "test author",
        "pick_category": {"name": "Novel", "id": "3634"},
    }
    assert record["created_time"] == {
        "value": "1681729003728",
        "display_value": "17/04/2023 04:26 PM",
    }
    assert record["created_by"]["name"] == "Demo"
    assert record["created_by"]["id"] == "10"
    assert record["created_by"]["department"] == {"site": None, "name": "Engineering", "id": 2}
    assert record["is_trashed"] is False
    assert record["attachments"] == []
    assert "deleted_time" not in record


async def test_add_record_returns_next_id(emulator: Emulator) -> None:
    response = await emulator.write("POST", "cm_books", HARRY_POTTER)

    assert response.status_code == 200, response.text
    record = response.json()["cm_book"]
    assert record["id"] == "302"
    assert record["title"] == "Harry Potter"
    assert record["cm_fields"]["pick_category"] == {"name": "Fantasy", "id": "3636"}
    assert record["created_time"] == record["updated_time"]
    assert record["updated_by"]["name"] == "Demo"

    second = await emulator.write("POST", "cm_books", {"cm_book": {"title": "Dune"}})
    assert second.json()["cm_book"]["id"] == "303"


async def test_add_record_under_plural_key(emulator: Emulator) -> None:
    response = await emulator.write("POST", "cm_books", {"cm_books": {"title": "Emma"}})

    assert response.status_code == 200, response.text
    assert response.json()["cm_book"]["title"] == "Emma"


async def test_add_missing_mandatory_gives_4012(emulator: Emulator) -> None:
    response = await emulator.write("POST", "cm_assets", {"cm_asset": {"description": "x"}})

    assert response.status_code == 400
    messages = failure_messages(response)
    assert messages == [
        {"status_code": 4012, "type": "failed", "fields": ["title", "num_quantity"]}
    ]
    assert "message" not in messages[0]


async def test_add_extra_keys_rejected(emulator: Emulator) -> None:
    body = {"cm_book": {"title": "x", "author": "y", "cm_fields": {"sline_publisher": "z"}}}
    response = await emulator.write("POST", "cm_books", body)

    assert response.status_code == 400
    messages = failure_messages(response)
    assert {
        "status_code": 4000,
        "type": "failed",
        "field": "author",
        "message": "Extra key found in JSON",
    } in messages
    assert {
        "status_code": 4000,
        "type": "failed",
        "field": "sline_publisher",
        "message": "Extra key found in JSON",
    } in messages


async def test_add_extra_top_level_key_rejected(emulator: Emulator) -> None:
    response = await emulator.write("POST", "cm_books", {"cm_book": {"title": "x"}, "other": 1})

    assert response.status_code == 400
    assert failure_messages(response)[0]["field"] == "other"


async def test_add_read_only_field_gives_4009(emulator: Emulator) -> None:
    for key, value in [("id", "5"), ("is_trashed", True), ("created_time", {"value": "1"})]:
        response = await emulator.write("POST", "cm_books", {"cm_book": {"title": "x", key: value}})

        assert response.status_code == 400
        assert failure_messages(response) == [
            {
                "status_code": 4009,
                "type": "failed",
                "field": key,
                "message": "Given field is not editable",
            }
        ]


async def test_malformed_input_data_rejected(emulator: Emulator) -> None:
    broken = await emulator.write("POST", "cm_books", "{not json")
    missing = await emulator.client.post("/api/v3/cm_books")
    wrong_type = await emulator.write("POST", "cm_books", [1, 2])
    no_module_key = await emulator.write("POST", "cm_books", {})
    record_not_object = await emulator.write("POST", "cm_books", {"cm_book": "title"})

    for response in (broken, missing, wrong_type, no_module_key, record_not_object):
        assert response.status_code == 400, response.text
        message = failure_messages(response)[0]
        assert message["status_code"] == 4000
        assert message["message"]
    assert "not valid JSON" in failure_messages(broken)[0]["message"]
    assert "missing" in failure_messages(missing)[0]["message"]


async def test_json_body_is_not_input_data(emulator: Emulator) -> None:
    response = await emulator.client.post("/api/v3/cm_books", json=HARRY_POTTER)

    assert response.status_code == 400
    assert "input_data is missing" in failure_messages(response)[0]["message"]


async def test_unknown_pick_value_gives_4001(emulator: Emulator) -> None:
    for value in ({"id": "9999"}, {"name": "Poetry"}, {"id": "3634", "name": "Fantasy"}, "Novel"):
        body = {"cm_book": {"title": "x", "cm_fields": {"pick_category": value}}}
        response = await emulator.write("POST", "cm_books", body)

        assert response.status_code == 400
        message = failure_messages(response)[0]
        assert message["status_code"] == 4001
        assert message["field"] == "pick_category"
        assert message["message"].startswith("Invalid value for field")


async def test_pick_by_name_ignores_case(emulator: Emulator) -> None:
    body = {"cm_book": {"title": "x", "cm_fields": {"pick_category": {"name": "classics"}}}}
    response = await emulator.write("POST", "cm_books", body)

    assert response.json()["cm_book"]["cm_fields"]["pick_category"] == {
        "name": "Classics",
        "id": "3635",
    }


async def test_edit_is_partial_update(emulator: Emulator) -> None:
    body = {
        "cm_book": {
            "title": "test1",
            "cm_fields": {"pick_category": {"id": "3635", "name": "Classics"}},
        }
    }
    response = await emulator.write("PUT", "cm_books/301", body)

    assert response.status_code == 200, response.text
    record = response.json()["cm_book"]
    assert record["title"] == "test1"
    assert record["description"] == "<div>test description</div>"
    assert record["cm_fields"]["sline_author"] == "test author"
    assert record["cm_fields"]["pick_category"] == {"name": "Classics", "id": "3635"}
    assert record["created_time"]["value"] == "1681729003728"
    assert int(record["updated_time"]["value"]) > 1681729003728
    assert record["updated_by"]["name"] == "Demo"


async def test_edit_clearing_mandatory_gives_4012(emulator: Emulator) -> None:
    cleared = await emulator.write("PUT", "cm_assets/601", {"cm_asset": {"title": ""}})
    quantity = await emulator.write(
        "PUT", "cm_assets/601", {"cm_asset": {"cm_fields": {"num_quantity": None}}}
    )
    untouched = await emulator.write("PUT", "cm_assets/601", {"cm_asset": {"description": None}})

    assert failure_messages(cleared) == [
        {"status_code": 4012, "type": "failed", "fields": ["title"]}
    ]
    assert failure_messages(quantity)[0]["fields"] == ["num_quantity"]
    assert untouched.status_code == 200
    assert untouched.json()["cm_asset"]["description"] is None


async def test_edit_read_only_is_trashed_gives_4009(emulator: Emulator) -> None:
    response = await emulator.write("PUT", "cm_books/301", {"cm_book": {"is_trashed": True}})

    assert response.status_code == 400
    assert failure_messages(response)[0] == {
        "status_code": 4009,
        "type": "failed",
        "field": "is_trashed",
        "message": "Given field is not editable",
    }


async def test_edit_unknown_record_gives_4007(emulator: Emulator) -> None:
    response = await emulator.write("PUT", "cm_books/999", {"cm_book": {"title": "x"}})

    assert response.status_code == 404
    assert failure_messages(response)[0]["status_code"] == 4007


async def test_trash_restore_delete_cycle(emulator: Emulator) -> None:
    not_trashed_delete = await emulator.client.delete("/api/v3/cm_books/301")
    assert not_trashed_delete.status_code == 400
    assert failure_messages(not_trashed_delete) == [
        {"status_code": 4017, "type": "failed", "message": "Not in trash"}
    ]

    trashed = await emulator.client.delete("/api/v3/cm_books/301/_move_to_trash")
    assert trashed.status_code == 200, trashed.text
    record = trashed.json()["cm_book"]
    assert record["is_trashed"] is True
    assert record["deleted_time"]["value"] == record["updated_time"]["value"]

    fetched = await emulator.client.get("/api/v3/cm_books/301")
    assert fetched.json()["cm_book"]["is_trashed"] is True

    again = await emulator.client.delete("/api/v3/cm_books/301/_move_to_trash")
    assert again.status_code == 400
    assert failure_messages(again)[0]["status_code"] == 4000

    edit = await emulator.write("PUT", "cm_books/301", {"cm_book": {"title": "x"}})
    assert edit.status_code == 400
    assert "Record is in trash" in failure_messages(edit)[0]["message"]

    restored = await emulator.client.put("/api/v3/cm_books/301/_restore_from_trash")
    assert restored.status_code == 200, restored.text
    assert restored.json()["cm_book"]["is_trashed"] is False
    assert "deleted_time" not in restored.json()["cm_book"]

    restore_again = await emulator.client.put("/api/v3/cm_books/301/_restore_from_trash")
    assert restore_again.status_code == 400
    assert failure_messages(restore_again)[0]["status_code"] == 4000

    await emulator.client.delete("/api/v3/cm_books/301/_move_to_trash")
    deleted = await emulator.client.delete("/api/v3/cm_books/301")
    assert deleted.status_code == 200
    assert deleted.json() == {"response_status": {"status_code": 2000, "status": "success"}}

    gone = await emulator.client.get("/api/v3/cm_books/301")
    assert gone.status_code == 404
    assert failure_messages(gone)[0]["status_code"] == 4007


async def test_restore_rejects_input_data(emulator: Emulator) -> None:
    await emulator.client.delete("/api/v3/cm_books/301/_move_to_trash")
    response = await emulator.write("PUT", "cm_books/301/_restore_from_trash", {"cm_book": {}})

    assert response.status_code == 400
    assert failure_messages(response)[0]["message"] == "Extra parameter(s) not allowed"
    still_trashed = await emulator.client.get("/api/v3/cm_books/301")
    assert still_trashed.json()["cm_book"]["is_trashed"] is True


async def test_updated_time_strictly_increases(emulator: Emulator) -> None:
    times = []
    for index in range(5):
        response = await emulator.write("PUT", "cm_books/301", {"cm_book": {"title": f"t{index}"}})
        times.append(int(response.json()["cm_book"]["updated_time"]["value"]))

    assert times == sorted(times)
    assert len(set(times)) == len(times)


async def test_emulator_user_header_attributes_writes(emulator: Emulator) -> None:
    created = await emulator.write(
        "POST", "cm_books", {"cm_book": {"title": "x"}}, headers={"X-Emulator-User": "Ada"}
    )
    record = created.json()["cm_book"]
    assert record["created_by"]["name"] == "Ada"
    assert record["updated_by"]["name"] == "Ada"

    edited = await emulator.write(
        "PUT",
        f"cm_books/{record['id']}",
        {"cm_book": {"title": "y"}},
        headers={"X-Emulator-User": "Priya Raman"},
    )
    edited_record = edited.json()["cm_book"]
    assert edited_record["created_by"]["name"] == "Ada"
    assert edited_record["updated_by"] == {
        **edited_record["updated_by"],
        "name": "Priya Raman",
        "id": "11",
    }


ASSET_VALUES = {
    "sline_serial": ("SN-9", "SN-9"),
    "mline_notes": ("line 1\nline 2", "line 1\nline 2"),
    "html_specs": ("<b>x</b>", "<b>x</b>"),
    "pick_model": ({"name": "Fantom X"}, {"name": "Fantom X", "id": "5003"}),
    "pick_location": ({"id": 7001}, {"name": "Berlin Office", "id": "7001"}),
    "multi_tags": (
        [{"id": "7101"}, {"name": "spare"}, {"id": "7101"}],
        [{"name": "critical", "id": "7101"}, {"name": "spare", "id": "7104"}],
    ),
    "num_quantity": (12, "12"),
    "dec_weight": ("2.5", "2.50"),
    "per_utilization": (10, "10.00"),
    "currency_price": (19.999, "20.00"),
    "date_purchased": (
        {"value": 1681729003728},
        {"value": "1681729003728", "display_value": "17/04/2023"},
    ),
    "datetime_last_seen": (
        "1681729003728",
        {"value": "1681729003728", "display_value": "17/04/2023 04:26 PM"},
    ),
    "bool_under_warranty": (True, True),
    "email_owner_email": ("a@example.com", "a@example.com"),
    "phone_owner_phone": ("+1 (555) 010-0000", "+1 (555) 010-0000"),
    "url_manual": ("https://example.com/m.pdf", "https://example.com/m.pdf"),
    "ref_owner": ({"name": "Maria Lopez"}, {"name": "Maria Lopez", "id": "13"}),
}


async def test_asset_values_round_trip(emulator: Emulator) -> None:
    written = {name: pair[0] for name, pair in ASSET_VALUES.items()}
    response = await emulator.write(
        "POST", "cm_assets", {"cm_asset": {"title": "All kinds", "cm_fields": written}}
    )

    assert response.status_code == 200, response.text
    fields = response.json()["cm_asset"]["cm_fields"]
    for name, (_, expected) in ASSET_VALUES.items():
        assert fields[name] == expected, name


async def test_asset_seeds_have_every_field(emulator: Emulator) -> None:
    body = await emulator.list_ok("cm_assets")

    assert [record["id"] for record in body["cm_assets"]] == ["601", "602", "603"]
    first = body["cm_assets"][0]["cm_fields"]
    assert set(first) == set(ASSET_VALUES)
    assert all(value is not None for value in first.values())


INVALID_ASSET_VALUES = {
    "num_quantity": ["abc", "1.5", True, {"value": 1}, "\u0663"],
    "dec_weight": ["heavy", "NaN", False, "\u0663.5"],
    "per_utilization": ["ten"],
    "currency_price": [[1]],
    "date_purchased": ["yesterday", {"display_value": "17/04/2023"}, True],
    "datetime_last_seen": ["2023-04-17T10:00:00Z", "\u0661\u0662"],
    "bool_under_warranty": ["yes", 1],
    "email_owner_email": ["not-an-email", "a@b"],
    "phone_owner_phone": ["call me"],
    "url_manual": ["example.com/manual"],
    "multi_tags": [{"id": "7101"}, [{"id": "1"}]],
    "ref_owner": [{"name": "Nobody"}, {"id": "999"}],
    "sline_serial": [{"a": 1}, ["x"]],
}


async def test_invalid_asset_values_give_4001(emulator: Emulator) -> None:
    for name, values in INVALID_ASSET_VALUES.items():
        for value in values:
            body = {"cm_asset": {"title": "x", "cm_fields": {"num_quantity": 1, name: value}}}
            response = await emulator.write("POST", "cm_assets", body)

            assert response.status_code == 400, (name, value)
            message = failure_messages(response)[0]
            assert message["status_code"] == 4001, (name, value)
            assert message["field"] == name
            assert message["message"].startswith(f"Invalid value for field {name}")


async def test_request_log_shows_decoded_form(emulator: Emulator) -> None:
    await emulator.write("POST", "cm_books", HARRY_POTTER)

    entry = emulator.state.request_log()[-1]
    assert entry["method"] == "POST"
    assert entry["path"] == "/api/v3/cm_books"
    assert entry["form_input_data"] == HARRY_POTTER
    assert entry["headers"]["authtoken"] == "[redacted]"
    assert json.dumps(entry).count("emulator-token") == 0


TOO_LONG = {
    "title": "t" * 251,
    "description": "d" * 50_001,
    "sline_serial": "s" * 251,
    "mline_notes": "n" * 50_001,
    "html_specs": "h" * 50_001,
    "email_owner_email": "a" * 250 + "@example.com",
}
TOO_LONG_MAXIMUM = {"title": 250, "sline_serial": 250, "email_owner_email": 250}


def asset_with(name: str, value: Any) -> dict[str, Any]:
    """Return an asset body that is valid except for ``value`` in field ``name``."""
    body: dict[str, Any] = {"title": "x", "cm_fields": {"num_quantity": 1}}
    if name in ("title", "description"):
        body[name] = value
    else:
        body["cm_fields"][name] = value
    return {"cm_asset": body}


async def test_too_long_text_gives_4001(emulator: Emulator) -> None:
    for name, text in TOO_LONG.items():
        response = await emulator.write("POST", "cm_assets", asset_with(name, text))

        assert response.status_code == 400, name
        message = failure_messages(response)[0]
        maximum = TOO_LONG_MAXIMUM.get(name, 50_000)
        assert message["status_code"] == 4001, name
        assert message["field"] == name
        assert message["message"] == (
            f"Invalid value for field {name}: value too long (max {maximum} characters)"
        )


async def test_edit_too_long_title_gives_4001(emulator: Emulator) -> None:
    response = await emulator.write("PUT", "cm_books/301", {"cm_book": {"title": "t" * 251}})

    assert response.status_code == 400
    assert failure_messages(response)[0]["field"] == "title"
    assert emulator.state.store("cm_books").get("301").title == "test"


async def test_longest_text_accepted(emulator: Emulator) -> None:
    fields = {"num_quantity": 1, "sline_serial": "s" * 250, "mline_notes": "n" * 50_000}
    body = {"title": "t" * 250, "description": "d" * 50_000, "cm_fields": fields}

    response = await emulator.write("POST", "cm_assets", {"cm_asset": body})

    assert response.status_code == 200, response.text[:300]
    assert response.json()["cm_asset"]["title"] == "t" * 250


OUT_OF_RANGE_NUMBERS = {
    "num_quantity": [2**63, -(2**63) - 1, str(10**40), "9" * 5000, 1e40],
    "dec_weight": [10**15, "1e40", "-1000000000000000.5"],
    "per_utilization": ["9" * 16],
    "currency_price": [10**40],
    "date_purchased": [10**17, "9" * 5000],
    "datetime_last_seen": [2**63],
}


async def test_out_of_range_numbers_give_4001(emulator: Emulator) -> None:
    for name, values in OUT_OF_RANGE_NUMBERS.items():
        for value in values:
            response = await emulator.write("POST", "cm_assets", asset_with(name, value))

            assert response.status_code == 400, (name, str(value)[:40])
            message = failure_messages(response)[0]
            assert message["status_code"] == 4001, (name, str(value)[:40])
            assert message["field"] == name


async def test_largest_numbers_accepted(emulator: Emulator) -> None:
    fields = {
        "num_quantity": 2**63 - 1,
        "dec_weight": "999999999999999.99",
        "currency_price": -999999999999999,
    }
    body = {"cm_asset": {"title": "x", "cm_fields": fields}}

    response = await emulator.write("POST", "cm_assets", body)

    assert response.status_code == 200, response.text
    written = response.json()["cm_asset"]["cm_fields"]
    assert written["num_quantity"] == str(2**63 - 1)
    assert written["dec_weight"] == "999999999999999.99"
    assert written["currency_price"] == "-999999999999999.00"
