"""Routing, authentication, the Accept header, metainfo and allowed-values routes."""

from __future__ import annotations

import json

import pytest

from .conftest import TOKEN, Emulator, failure_messages, make_client


@pytest.mark.parametrize(
    "headers",
    [
        {"authtoken": TOKEN},
        {"AuthToken": TOKEN},
        {"TECHNICIAN_KEY": TOKEN},
        {"technician_key": TOKEN},
        {"Authorization": f"Zoho-oauthtoken {TOKEN}"},
        {"authorization": f"zoho-oauthtoken {TOKEN}"},
    ],
)
async def test_auth_header_forms_accepted(emulator: Emulator, headers: dict[str, str]) -> None:
    async with make_client(emulator.url) as client:
        response = await client.get("/api/v3/cm_books/301", headers=headers)

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authtoken": "wrong"},
        {"authtoken": ""},
        {"Authorization": f"Bearer {TOKEN}"},
        {"Authorization": TOKEN},
    ],
)
async def test_bad_auth_gives_4022(emulator: Emulator, headers: dict[str, str]) -> None:
    async with make_client(emulator.url) as client:
        response = await client.get("/api/v3/cm_books", headers=headers)

    assert response.status_code == 401
    assert response.json() == {
        "response_status": {
            "status_code": 4000,
            "status": "failed",
            "messages": [
                {"status_code": 4022, "type": "failed", "message": "Invalid API key or token"}
            ],
        }
    }


@pytest.mark.parametrize(
    "accept",
    [
        "application/vnd.manageengine.sdp.v3+json",
        "application/v3+json",
        "application/json",
        "*/*",
        "text/html, application/json;q=0.9",
    ],
)
async def test_accept_header_values(emulator: Emulator, accept: str) -> None:
    response = await emulator.client.get("/api/v3/cm_books/301", headers={"Accept": accept})

    assert response.status_code == 200


async def test_missing_accept_header(emulator: Emulator) -> None:
    async with make_client(emulator.url, {"authtoken": TOKEN}) as client:
        client.headers.pop("accept")
        response = await client.get("/api/v3/cm_books/301")

    assert response.status_code == 200


async def test_unsupported_accept_gives_406(emulator: Emulator) -> None:
    response = await emulator.client.get("/api/v3/cm_books/301", headers={"Accept": "text/xml"})

    assert response.status_code == 406
    assert "Accept" in failure_messages(response)[0]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v3",
        "/api/v3/",
        "/api/v3/cm_book",
        "/api/v3/cm_movies",
        "/api/v3/cm_books/999",
        "/api/v3/cm_books/abc",
        "/api/v3/cm_books/301/history",
        "/api/v3/cm_books/cm_fields/sline_unknown",
        "/api/v3/cm_books/301/_move_to_trash/extra",
        "/api/v2/cm_books",
        "/",
    ],
)
async def test_unknown_path_gives_4007(emulator: Emulator, path: str) -> None:
    response = await emulator.client.get(path)

    assert response.status_code == 404
    assert failure_messages(response) == [
        {"status_code": 4007, "type": "failed", "message": "Invalid URL"}
    ]


# Digits that str.isdigit() or int() accept but that are not ASCII: superscript three,
# Arabic-Indic 301, fullwidth 301.
NON_ASCII_IDS = ["\u00b3", "\u0663\u0660\u0661", "\uff13\uff10\uff11"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("record_id", NON_ASCII_IDS)
async def test_non_ascii_record_id_gives_4007(
    emulator: Emulator, method: str, record_id: str
) -> None:
    response = await emulator.client.request(method, f"/api/v3/cm_books/{record_id}")

    assert response.status_code == 404, response.text
    assert failure_messages(response)[0]["status_code"] == 4007


@pytest.mark.parametrize("record_id", NON_ASCII_IDS)
async def test_non_ascii_id_in_actions_gives_4007(emulator: Emulator, record_id: str) -> None:
    metainfo = await emulator.client.get(f"/api/v3/cm_books/{record_id}/_metainfo")
    trash = await emulator.client.delete(f"/api/v3/cm_books/{record_id}/_move_to_trash")
    restore = await emulator.client.put(f"/api/v3/cm_books/{record_id}/_restore_from_trash")

    assert metainfo.status_code == 404
    assert trash.status_code == 404
    assert restore.status_code == 404
    assert emulator.state.store("cm_books").get("301").is_trashed is False


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v3/cm_books/301/_move_to_trash"),
        ("PUT", "/api/v3/cm_books/301/_move_to_trash"),
        ("DELETE", "/api/v3/cm_books/301/_restore_from_trash"),
        ("POST", "/api/v3/cm_books/301"),
        ("PUT", "/api/v3/cm_books"),
        ("DELETE", "/api/v3/cm_books"),
        ("PATCH", "/api/v3/cm_books/301"),
        ("POST", "/api/v3/cm_books/_metainfo"),
        ("POST", "/api/v3/cm_books/cm_fields/pick_category"),
    ],
)
async def test_wrong_method_gives_4021(emulator: Emulator, method: str, path: str) -> None:
    response = await emulator.client.request(method, path)

    assert response.status_code == 405
    assert failure_messages(response) == [
        {"status_code": 4021, "type": "failed", "field": method, "message": "Invalid HTTP method"}
    ]


async def test_metainfo_books(emulator: Emulator) -> None:
    response = await emulator.client.get("/api/v3/cm_books/_metainfo")

    assert response.status_code == 200
    body = response.json()
    assert body["response_status"] == {"status_code": 2000, "status": "success"}
    metainfo = body["metainfo"]
    assert metainfo["module"] == {
        "api_plural_name": "cm_books",
        "api_name": "cm_book",
        "display_name": "Books",
        "display_name_singular": "Book",
    }
    fields = metainfo["fields"]
    assert fields["title"]["mandatory"] is True
    assert fields["title"]["display_name"] == "Title"
    assert fields["description"]["type"] == "html"
    assert fields["created_time"]["read_only"] is True
    assert fields["cm_fields"]["type"] == "udf"
    custom = fields["cm_fields"]["fields"]
    assert custom["sline_author"] == {
        "type": "string",
        "display_name": "Author",
        "mandatory": False,
        "read_only": False,
        "field_type": "single_line",
    }
    assert custom["pick_category"]["field_type"] == "pick_list"
    assert custom["pick_category"]["allowed_values"] == [
        {"name": "Novel", "id": "3634"},
        {"name": "Classics", "id": "3635"},
        {"name": "Fantasy", "id": "3636"},
        {"name": "Humor and satire.", "id": "3637"},
    ]


EXPECTED_ASSET_KINDS = {
    "sline_serial": "single_line",
    "mline_notes": "multi_line",
    "html_specs": "html",
    "pick_model": "pick_list",
    "pick_location": "pick_list",
    "multi_tags": "multi_select",
    "num_quantity": "integer",
    "dec_weight": "decimal",
    "per_utilization": "percentage",
    "currency_price": "currency",
    "date_purchased": "date",
    "datetime_last_seen": "date_time",
    "bool_under_warranty": "boolean",
    "email_owner_email": "email",
    "phone_owner_phone": "phone",
    "url_manual": "url",
    "ref_owner": "lookup",
}


async def test_metainfo_assets(emulator: Emulator) -> None:
    response = await emulator.client.get("/api/v3/cm_assets/_metainfo")

    custom = response.json()["metainfo"]["fields"]["cm_fields"]["fields"]
    assert {name: meta["field_type"] for name, meta in custom.items()} == EXPECTED_ASSET_KINDS
    assert custom["num_quantity"]["mandatory"] is True
    assert "allowed_values" not in custom["pick_model"]
    assert len(custom["pick_location"]["allowed_values"]) == 8
    assert custom["ref_owner"]["lookup_entity"] == "user"
    assert custom["ref_owner"]["type"] == "lookup"


async def test_record_metainfo_route(emulator: Emulator) -> None:
    found = await emulator.client.get("/api/v3/cm_books/301/_metainfo")
    missing = await emulator.client.get("/api/v3/cm_books/999/_metainfo")

    assert found.status_code == 200
    assert "cm_fields" in found.json()["metainfo"]["fields"]
    assert missing.status_code == 404


async def test_allowed_values_match_vendor_sample(emulator: Emulator) -> None:
    for path in ("cm_books/cm_fields/pick_category", "cm_books/pick_category"):
        response = await emulator.client.get(f"/api/v3/{path}")

        assert response.status_code == 200
        assert response.json() == {
            "response_status": {"status_code": 2000, "status": "success"},
            "pick_category": [
                {"name": "Novel", "id": "3634"},
                {"name": "Classics", "id": "3635"},
                {"name": "Fantasy", "id": "3636"},
                {"name": "Humor and satire.", "id": "3637"},
            ],
            "list_info": {
                "has_more_rows": False,
                "start_index": 1,
                "sort_order": "asc",
                "row_count": 4,
            },
        }


async def test_allowed_values_page_large_list(emulator: Emulator) -> None:
    names: list[str] = []
    start = 1
    pages = 0
    while True:
        params = {
            "input_data": json.dumps({"list_info": {"start_index": start, "get_total_count": True}})
        }
        response = await emulator.client.get(
            "/api/v3/cm_assets/cm_fields/pick_model", params=params
        )
        body = response.json()
        pages += 1
        assert body["list_info"]["total_count"] == 1500
        assert len(body["pick_model"]) == body["list_info"]["row_count"] <= 100
        names += [value["name"] for value in body["pick_model"]]
        if not body["list_info"]["has_more_rows"]:
            break
        start += body["list_info"]["row_count"]

    assert pages == 15
    assert len(names) == len(set(names)) == 1500
    assert names[0] == "Fanless 1U"


async def test_allowed_values_search_by_name(emulator: Emulator) -> None:
    def query(condition: str) -> dict[str, str]:
        search = {"field": "name", "condition": condition, "value": "fan"}
        return {"input_data": json.dumps({"list_info": {"search_criteria": search}})}

    contains = await emulator.client.get("/api/v3/cm_assets/pick_model", params=query("contains"))
    starts = await emulator.client.get("/api/v3/cm_assets/pick_model", params=query("starts with"))

    assert [value["name"] for value in contains.json()["pick_model"]] == [
        "Fanless 1U",
        "Fanless 2U Edge",
        "Fantom X",
        "Fantom X2",
        "Cooling Fan Module",
        "Infante Workstation",
    ]
    assert len(starts.json()["pick_model"]) == 4
    assert contains.json()["list_info"]["search_criteria"]["value"] == "fan"


async def test_allowed_values_row_count_limits(emulator: Emulator) -> None:
    small = {"input_data": json.dumps({"list_info": {"row_count": 3, "start_index": 1499}})}
    too_big = {"input_data": json.dumps({"list_info": {"row_count": 101}})}

    page = await emulator.client.get("/api/v3/cm_assets/pick_model", params=small)
    rejected = await emulator.client.get("/api/v3/cm_assets/pick_model", params=too_big)

    assert [value["id"] for value in page.json()["pick_model"]] == ["6499", "6500"]
    assert page.json()["list_info"]["has_more_rows"] is False
    assert rejected.status_code == 400
    assert failure_messages(rejected)[0]["field"] == "row_count"


async def test_allowed_values_of_multi_and_lookup(emulator: Emulator) -> None:
    tags = await emulator.client.get("/api/v3/cm_assets/cm_fields/multi_tags")
    owners = await emulator.client.get("/api/v3/cm_assets/cm_fields/ref_owner")

    assert len(tags.json()["multi_tags"]) == 5
    assert {"name": "Demo", "id": "10"} in owners.json()["ref_owner"]


async def test_allowed_values_of_text_field_gives_4000(emulator: Emulator) -> None:
    response = await emulator.client.get("/api/v3/cm_books/cm_fields/sline_author")

    assert response.status_code == 400
    message = failure_messages(response)[0]
    assert message["status_code"] == 4000
    assert message["field"] == "sline_author"
