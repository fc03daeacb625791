"""The API client against the emulator over real HTTP: every operation of the vendor's page."""

from __future__ import annotations

import httpx
import pytest

from bot.scp import (
    AuthenticationError,
    Criterion,
    FieldRejected,
    InvalidRecordId,
    ListQuery,
    NotInTrash,
    RecordNotFound,
    ScpClient,
    ScpResponseError,
    ScpTransportError,
    ServerError,
)

AUTHOR = "cm_fields.sline_author"


async def test_list_search_on_author_sorted(client, books):
    await client.add_record(books, {"title": "Emma", "sline_author": "Jane Austen"})
    await client.add_record(books, {"title": "Dune", "sline_author": "Frank Herbert"})

    query = ListQuery(
        criteria=(Criterion(AUTHOR, "contains", "a"),), sort_field=AUTHOR, sort_order="asc"
    )
    page = await client.list_records(books, query)

    authors = [record.value("sline_author") for record in page.records]
    assert authors == ["Frank Herbert", "Jane Austen", "test author"]
    assert page.total_count == 3
    assert page.has_more_rows is False


async def test_list_paging_reports_more_rows(client, books):
    for number in range(12):
        await client.add_record(books, {"title": f"Book {number}"})

    first = await client.list_records(books, ListQuery(row_count=10))
    second = await client.list_records(books, ListQuery(row_count=10, start_index=11))

    assert len(first.records) == 10
    assert first.has_more_rows is True
    assert first.total_count == 13
    assert len(second.records) == 3
    assert second.start_index == 11
    assert second.has_more_rows is False


async def test_list_sends_list_info_in_query(client, books, server):
    await client.list_records(books, ListQuery(row_count=5, sort_field="title"))

    entry = server.requests_to("GET", "/api/v3/cm_books")[-1]
    assert entry["input_data"]["list_info"]["row_count"] == 5
    assert entry["input_data"]["list_info"]["sort_field"] == "title"
    assert entry["headers"]["accept"] == "application/vnd.manageengine.sdp.v3+json"
    assert entry["headers"]["authtoken"] == "[redacted]"


async def test_get_record_301(client, books):
    record = await client.get_record(books, "301")

    assert record.id == "301"
    assert record.title == "test"
    assert record.description == "<div>test description</div>"
    assert record.value("sline_author") == "test author"
    assert record.value("pick_category") == {"name": "Novel", "id": "3634"}
    assert record.created_by == "Demo"
    assert record.created_time == 1681729003728


async def test_add_harry_potter_in_fantasy(client, books, server):
    record = await client.add_record(
        books,
        {
            "title": "Harry Potter",
            "description": "<div>description about harry potter</div>",
            "sline_author": "J.K Rowling",
            "pick_category": {"id": "3636"},
        },
    )

    assert record.id == "302"
    assert record.value("pick_category") == {"name": "Fantasy", "id": "3636"}
    sent = server.requests_to("POST", "/api/v3/cm_books")[-1]["form_input_data"]
    assert sent == {
        "cm_book": {
            "title": "Harry Potter",
            "description": "<div>description about harry potter</div>",
            "cm_fields": {"sline_author": "J.K Rowling", "pick_category": {"id": "3636"}},
        }
    }


async def test_edit_301_to_classics(client, books):
    record = await client.edit_record(books, "301", {"pick_category": {"id": "3635"}})

    assert record.value("pick_category") == {"name": "Classics", "id": "3635"}
    assert record.title == "test"


async def test_allowed_values_of_category(client, books):
    options, more = await client.allowed_values(books, "pick_category")

    assert [o.name for o in options] == ["Novel", "Classics", "Fantasy", "Humor and satire."]
    assert [o.id for o in options] == ["3634", "3635", "3636", "3637"]
    assert more is False


async def test_all_allowed_values_pages_1500(client, assets, server):
    values = await client.all_allowed_values(assets, "pick_model")

    assert len(values) == 1500
    assert len({v.id for v in values}) == 1500
    assert len(server.requests_to("GET", "cm_fields/pick_model")) == 15


async def test_trash_list_restore_delete(client, books):
    trashed = await client.move_to_trash(books, "301")
    trash = await client.list_records(books, ListQuery(trash=True))
    visible = await client.list_records(books, ListQuery())
    restored = await client.restore(books, "301")
    await client.move_to_trash(books, "301")
    await client.delete(books, "301")

    assert trashed.is_trashed is True
    assert [r.id for r in trash.records] == ["301"]
    assert visible.records == []
    assert restored.is_trashed is False
    with pytest.raises(RecordNotFound):
        await client.get_record(books, "301")


async def test_restore_sends_no_body(client, books, server):
    await client.move_to_trash(books, "301")
    await client.restore(books, "301")

    entry = server.requests_to("PUT", "_restore_from_trash")[-1]
    assert entry["form_input_data"] is None
    assert "input_data" not in entry["query"]


async def test_delete_outside_trash_is_not_in_trash(client, books):
    with pytest.raises(NotInTrash) as caught:
        await client.delete(books, "301")

    assert caught.value.http_status == 400
    assert 4017 in caught.value.codes


async def test_missing_title_names_the_field(client, books):
    with pytest.raises(FieldRejected) as caught:
        await client.add_record(books, {"sline_author": "Nobody"})

    assert caught.value.field_errors() == {"title": "This field is required."}
    assert 4012 in caught.value.codes


async def test_unknown_pick_value_names_the_field(client, books):
    with pytest.raises(FieldRejected) as caught:
        await client.edit_record(books, "301", {"pick_category": {"id": "9999"}})

    assert "pick_category" in caught.value.field_errors()


async def test_unknown_record_is_not_found(client, books):
    with pytest.raises(RecordNotFound) as caught:
        await client.get_record(books, "999")

    assert caught.value.http_status == 404


@pytest.mark.parametrize("bad_id", ["", "30a", "../cm_assets", "301/_move_to_trash", "1 2", -3])
async def test_invalid_id_never_reaches_server(client, books, server, bad_id):
    server.state.clear_requests()

    with pytest.raises(InvalidRecordId):
        await client.get_record(books, bad_id)
    with pytest.raises(InvalidRecordId):
        await client.delete(books, bad_id)

    assert server.state.request_log() == []


async def test_wrong_authtoken_is_authentication_error(server, books):
    async with ScpClient(server.url, authtoken="wrong") as scp:
        with pytest.raises(AuthenticationError) as caught:
            await scp.get_record(books, "301")

    assert caught.value.http_status == 401
    assert 4022 in caught.value.codes


async def test_read_retries_server_errors(client, books, server):
    server.state.add_fault(status=503, count=2, path_contains="/cm_books/301", method="GET")

    record = await client.get_record(books, "301")

    assert record.id == "301"
    assert len(server.requests_to("GET", "/cm_books/301")) == 3


async def test_write_is_not_retried_on_server_error(client, books, server):
    server.state.add_fault(status=503, count=1, path_contains="/cm_books", method="POST")

    with pytest.raises(ServerError):
        await client.add_record(books, {"title": "Once only"})

    assert len(server.requests_to("POST", "/cm_books")) == 1
    page = await client.list_records(books, ListQuery())
    assert [r.title for r in page.records] == ["test"]


async def test_write_timeout_is_indeterminate(server, books):
    server.state.add_fault(hang_ms=500, count=1, path_contains="/cm_books", method="POST")

    async with ScpClient(server.url, authtoken="emulator-token", timeout=0.2) as scp:
        with pytest.raises(ScpTransportError) as caught:
            await scp.add_record(books, {"title": "Slow"})

    assert caught.value.indeterminate is True
    assert len(server.requests_to("POST", "/cm_books")) == 1


async def test_unreachable_server_is_transport_error(books):
    async with ScpClient("http://127.0.0.1:9", authtoken="x", backoff_seconds=0.01) as scp:
        with pytest.raises(ScpTransportError) as caught:
            await scp.get_record(books, "301")

    assert caught.value.indeterminate is False


async def test_failure_under_http_200_raises(books):
    def answer(request: httpx.Request) -> httpx.Response:
        body = {
            "response_status": {
                "status_code": 4000, "status": "failed",
                "messages": [{"status_code": 4001, "field": "pick_category", "message": "Bad"}],
            }
        }
        return httpx.Response(200, json=body)

    transport = httpx.MockTransport(answer)
    async with ScpClient("http://scp.test", authtoken="x", transport=transport) as scp:
        with pytest.raises(ScpResponseError) as caught:
            await scp.edit_record(books, "301", {"pick_category": {"id": "1"}})

    assert caught.value.field_errors() == {"pick_category": "Bad"}


async def test_list_response_status_as_list_is_success(books):
    def answer(request: httpx.Request) -> httpx.Response:
        body = {
            "response_status": [{"status_code": 2000, "status": "success"}],
            "cm_books": [{"id": "7", "title": "Flat", "author": "A"}],
            "list_info": {"has_more_rows": "false", "start_index": 1, "row_count": 1},
        }
        return httpx.Response(200, json=body)

    transport = httpx.MockTransport(answer)
    async with ScpClient("http://scp.test", authtoken="x", transport=transport) as scp:
        page = await scp.list_records(books)

    assert page.records[0].value("author") == "A"
    assert page.has_more_rows is False


async def test_oauth_token_header(books):
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = {"response_status": {"status_code": 2000}, "cm_book": {"id": "1"}}
        return httpx.Response(200, json=body)

    transport = httpx.MockTransport(answer)
    async with ScpClient("https://portal.test/app/itdesk", oauth_token="abc",
                         transport=transport) as scp:
        await scp.get_record(books, "1")

    assert seen[0].headers["authorization"] == "Zoho-oauthtoken abc"
    assert "authtoken" not in seen[0].headers
    assert seen[0].url.path == "/app/itdesk/api/v3/cm_books/1"


async def test_base_url_with_api_suffix_still_works(server, books):
    async with ScpClient(server.url + "/api/v3/", authtoken="emulator-token") as scp:
        record = await scp.get_record(books, "301")

    assert record.id == "301"
