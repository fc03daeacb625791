"""Module discovery from _metainfo, from a record's shape, and in the flat format."""

from __future__ import annotations

import pytest

from bot.scp import AuthenticationError, FieldKind, ScpClient, discover_module
from bot.scp._discovery import UnknownModuleName, module_from_record


async def test_books_from_metainfo(client):
    module, source = await discover_module(client, "cm_books")

    assert source == "metainfo"
    assert (module.singular, module.display_name, module.display_singular) == (
        "cm_book", "Books", "Book"
    )
    author = module.field("sline_author")
    category = module.field("pick_category")
    assert author.label == "Author"
    assert author.path == "cm_fields.sline_author"
    assert category.kind is FieldKind.PICK_LIST
    assert [o.name for o in category.options] == [
        "Novel", "Classics", "Fantasy", "Humor and satire."
    ]
    assert module.field("title").required is True


async def test_assets_every_kind(client):
    module, _ = await discover_module(client, "cm_assets")

    kinds = {spec.kind for spec in module.custom_fields()}
    assert kinds == set(FieldKind)
    assert module.field("num_quantity").required is True
    # 1,500 values are too many for metainfo; they come from the values endpoint.
    assert module.field("pick_model").options is None


async def test_flat_format_fields_have_no_holder(flat_server):
    async with ScpClient(flat_server.url, authtoken="emulator-token") as scp:
        module, _ = await discover_module(scp, "cm_books")
        record = await scp.get_record(module, "301")

    author = module.field("author")
    assert author is not None
    assert author.holder is None
    assert author.path == "author"
    assert record.value("author") == "test author"
    assert record.value("category")["name"] == "Novel"


async def test_falls_back_to_record_shape(server, client):
    server.state.add_fault(status=404, count=1, path_contains="_metainfo")

    module, source = await discover_module(client, "cm_books")

    assert source == "record"
    assert module.field("sline_author").kind is FieldKind.SINGLE_LINE
    assert module.field("pick_category").kind is FieldKind.PICK_LIST
    assert module.field("sline_author").label == "Author"


def test_record_shape_of_flat_record():
    record = {
        "id": "1", "title": "t", "author": "A", "category": {"id": "1", "name": "N"},
        "in_stock": True, "due": {"value": "1700000000000"}, "tags": [],
        "created_time": {"value": "1"},
    }

    module = module_from_record("cm_widgets", record)

    kinds = {spec.name: spec.kind for spec in module.custom_fields()}
    assert kinds == {
        "author": FieldKind.SINGLE_LINE, "category": FieldKind.PICK_LIST,
        "in_stock": FieldKind.BOOLEAN, "due": FieldKind.DATE_TIME, "tags": FieldKind.MULTI_SELECT,
    }
    assert module.singular == "cm_widget"
    assert module.display_name == "Widgets"


async def test_unknown_module_name_says_what_to_use(client):
    with pytest.raises(UnknownModuleName) as caught:
        await discover_module(client, "books")

    assert "cm_books" in str(caught.value)


async def test_bad_key_is_not_hidden_by_fallback(server):
    async with ScpClient(server.url, authtoken="wrong") as scp:
        with pytest.raises(AuthenticationError):
            await discover_module(scp, "cm_books")

    assert len(server.requests_to("GET")) == 1
