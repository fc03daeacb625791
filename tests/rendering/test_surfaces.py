from __future__ import annotations

import json
from typing import Any

import pytest

from bot.blockkit import validate_message, validate_options, validate_view
from bot.ids import ActionId, CallbackId, field_block_id
from bot.rendering import (
    decode_value,
    encode_value,
    error_message,
    help_message,
    loading_view,
    notice_message,
    option_list,
    record_card,
    record_form,
    record_list,
    thread_line,
    usage_message,
    values_message,
)
from bot.scp import Field, FieldKind, Module, Option, Page, Record

from .conftest import CREATED_MS, books_module, category_options, every_kind_module, record_json


def buttons(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Map action_id to button for every button in a message."""
    found = {}
    for block in payload["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        if "accessory" in block:
            elements = [block["accessory"]]
        for element in elements:
            if element.get("type") == "button":
                found[element["action_id"]] = element
    return found


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Map block_id to the element of every input block in a view."""
    return {block["block_id"]: block["element"] for block in view["blocks"]
            if block["type"] == "input"}


# Button values ---------------------------------------------------------------------------


def test_encode_value_is_compact() -> None:
    assert encode_value(m="cm_books", id="301") == '{"m":"cm_books","id":"301"}'


def test_encode_value_skips_none() -> None:
    assert decode_value(encode_value(m="cm_books", q=None, s=11, t=1)) == {
        "m": "cm_books", "s": 11, "t": 1,
    }


def test_encode_value_rejects_too_long() -> None:
    with pytest.raises(ValueError, match="2000"):
        encode_value(q="x" * 2000)


@pytest.mark.parametrize(
    "garbage", ["", "not json", "[1, 2]", '"text"', '{"m": [1]}', '{"m": null}', "{" * 3000]
)
def test_decode_value_rejects_garbage(garbage: str) -> None:
    with pytest.raises(ValueError):
        decode_value(garbage)


# Record card -------------------------------------------------------------------------------


def test_card_layout(books: Module, book: Record) -> None:
    card = record_card(books, book, link=books.link_for(book.id), note="Updated by <@U1>")
    validate_message(card)
    assert card["text"] == "Book 301: test"
    assert card["blocks"][0] == {
        "type": "header", "text": {"type": "plain_text", "text": "test", "emoji": True},
    }
    assert card["blocks"][1]["text"]["text"] == "test description"
    fields = [item["text"] for item in card["blocks"][2]["fields"]]
    assert fields == ["*Author*\ntest author", "*Category*\nCategory 1"]
    about = card["blocks"][3]["elements"][0]["text"]
    assert about.startswith("Book 301 · created by Demo <!date^1681729003^")
    assert card["blocks"][4]["elements"][0]["text"] == "Updated by <@U1>"


def test_card_buttons_outside_trash(books: Module, book: Record) -> None:
    found = buttons(record_card(books, book, link="https://scp.example.com/r/301"))
    assert set(found) == {ActionId.EDIT, ActionId.TRASH, ActionId.OPEN_LINK}
    assert decode_value(found[ActionId.EDIT]["value"]) == {"m": "cm_books", "id": "301"}
    assert found[ActionId.OPEN_LINK]["url"] == "https://scp.example.com/r/301"


def test_card_share_button(books: Module, book: Record) -> None:
    found = buttons(record_card(books, book, share=True))
    assert set(found) == {ActionId.EDIT, ActionId.TRASH, ActionId.SHARE}


def test_card_buttons_in_trash(books: Module) -> None:
    record = Record.from_json(record_json(is_trashed=True))
    card = record_card(books, record)
    found = buttons(card)
    assert set(found) == {ActionId.RESTORE, ActionId.DELETE}
    delete = found[ActionId.DELETE]
    assert delete["style"] == "danger"
    assert delete["confirm"]["title"]["text"] == "Delete Book 301 for good?"
    assert "test" in delete["confirm"]["text"]["text"]
    assert "In trash" in json.dumps(card)


def test_card_without_title_uses_label(books: Module) -> None:
    card = record_card(books, Record.from_json(record_json(title="")))
    assert card["blocks"][0]["text"]["text"] == "Book 301"


def test_card_ignores_unsafe_link(books: Module, book: Record) -> None:
    found = buttons(record_card(books, book, link="javascript:alert(1)"))
    assert ActionId.OPEN_LINK not in found


def test_card_many_fields_split_into_sections(book: Record) -> None:
    fields = [Field(f"sline_f{index}", f"F{index}", FieldKind.SINGLE_LINE, holder="cm_fields")
              for index in range(25)]
    module = Module("cm_books", "cm_book", "Books", "Book", fields=fields)
    card = record_card(module, book)
    sections = [block for block in card["blocks"] if "fields" in block]
    assert [len(section["fields"]) for section in sections] == [10, 10, 5]
    assert sections[0]["fields"][0]["text"] == "*F0*\n—"


def test_card_with_500_fields_stays_under_50_blocks(book: Record) -> None:
    fields = [Field(f"sline_f{index}", f"F{index}", FieldKind.SINGLE_LINE, holder="cm_fields")
              for index in range(500)]
    module = Module("cm_books", "cm_book", "Books", "Book", fields=fields)
    card = record_card(module, book)
    assert len(card["blocks"]) <= 50
    assert "60 more fields" in json.dumps(card)


def test_card_every_kind(book: Record) -> None:
    from .conftest import every_kind_values

    module = every_kind_module()
    record = Record.from_json(record_json(cm_fields=every_kind_values("value")))
    card = record_card(module, record)
    validate_message(card)
    texts = [item["text"] for block in card["blocks"] for item in block.get("fields", [])]
    assert "*Boolean*\nYes" in texts
    assert "*Percentage*\n12.5%" in texts
    assert "*Multi Select*\nvalue, Category 2" in texts


# Record list -------------------------------------------------------------------------------


def page_of(count: int, *, start: int = 1, more: bool = False, total: int | None = None) -> Page:
    records = [Record.from_json(record_json(id=str(start + index), title=f"Book {index}"))
               for index in range(count)]
    return Page(records, start, more, total)


def test_list_layout(books: Module) -> None:
    listing = record_list(books, page_of(10, more=True, total=42))
    blocks = listing["blocks"]
    assert blocks[0]["text"]["text"] == "Books"
    assert blocks[1]["text"]["text"] == (
        "*Book 0* · 1\nAuthor: test author · Category: Category 1"
    )
    assert blocks[1]["accessory"]["action_id"] == ActionId.VIEW
    assert blocks[11]["elements"][0]["text"] == "Showing 1–10 of 42"
    found = buttons(listing)
    assert ActionId.PAGE_PREVIOUS not in found
    assert decode_value(found[ActionId.PAGE_NEXT]["value"]) == {"m": "cm_books", "s": 11}


def test_list_search_heading_and_paging(books: Module) -> None:
    listing = record_list(books, page_of(10, start=11, more=False), query_text="rowling")
    assert listing["blocks"][0]["text"]["text"] == "Books matching “rowling”"
    assert "Showing 11–20" in json.dumps(listing, ensure_ascii=False)
    found = buttons(listing)
    assert ActionId.PAGE_NEXT not in found
    assert decode_value(found[ActionId.PAGE_PREVIOUS]["value"]) == {
        "m": "cm_books", "q": "rowling", "s": 1,
    }


def test_list_trash(books: Module) -> None:
    listing = record_list(books, page_of(2, start=3), trash=True, row_count=2)
    assert listing["blocks"][0]["text"]["text"] == "Books in the trash"
    assert listing["blocks"][1]["accessory"]["action_id"] == ActionId.RESTORE
    previous = buttons(listing)[ActionId.PAGE_PREVIOUS]
    assert decode_value(previous["value"]) == {"m": "cm_books", "t": 1, "s": 1}


def test_list_empty(books: Module) -> None:
    assert "No books found." in record_list(books, page_of(0))["text"]
    assert "The trash is empty." in record_list(books, page_of(0), trash=True)["text"]


def test_list_empty_keeps_acronym() -> None:
    module = Module("cm_it", "cm_it1", "IT Assets", "IT Asset")
    assert "No IT Assets found." in record_list(module, page_of(0))["text"]


def test_list_caps_rows_at_20(books: Module) -> None:
    listing = record_list(books, page_of(100), row_count=100)
    rows = [block for block in listing["blocks"] if "accessory" in block]
    assert len(rows) == 20
    assert decode_value(buttons(listing)[ActionId.PAGE_NEXT]["value"])["s"] == 21


def test_list_long_query_fits_button(books: Module) -> None:
    listing = record_list(books, page_of(10, more=True), query_text="é\"<" * 1500)
    value = buttons(listing)[ActionId.PAGE_NEXT]["value"]
    assert len(value) <= 2000
    assert decode_value(value)["s"] == 11


# Record form -------------------------------------------------------------------------------


def test_form_new_record(books: Module) -> None:
    view = record_form(books, private_metadata='{"m":"cm_books"}')
    validate_view(view)
    assert view["callback_id"] == CallbackId.RECORD_FORM
    assert view["title"]["text"] == "New Book"
    assert view["submit"]["text"] == "Add"
    assert view["close"]["text"] == "Cancel"
    assert view["private_metadata"] == '{"m":"cm_books"}'
    elements = inputs(view)
    assert list(elements) == [field_block_id(name) for name in
                              ("title", "description", "sline_author", "pick_category")]
    title_block = view["blocks"][0]
    assert title_block["optional"] is False
    assert title_block["element"]["action_id"] == ActionId.FIELD_VALUE
    assert "initial_value" not in title_block["element"]


def test_form_edit_record(books: Module, book: Record) -> None:
    view = record_form(books, record=book)
    assert view["title"]["text"] == "Edit Book 301"
    assert view["submit"]["text"] == "Save"
    elements = inputs(view)
    assert elements["field:title"]["initial_value"] == "test"
    assert elements["field:description"]["initial_value"] == "test description"
    assert elements["field:description"]["multiline"] is True
    category = elements["field:pick_category"]
    assert category["type"] == "static_select"
    assert category["initial_option"]["value"] == "3601"


def test_form_every_kind_elements() -> None:
    from .conftest import every_kind_values

    module = every_kind_module()
    record = Record.from_json(record_json(cm_fields=every_kind_values("a@b.com")))
    elements = {key.removeprefix("field:f_"): value
                for key, value in inputs(record_form(module, record=record)).items()}
    assert elements["single_line"]["type"] == "plain_text_input"
    assert elements["multi_line"]["multiline"] is True
    assert elements["integer"] == {
        "type": "number_input", "action_id": "value", "is_decimal_allowed": False,
        "initial_value": "12",
    }
    assert elements["decimal"]["is_decimal_allowed"] is True
    assert elements["percentage"]["initial_value"] == "12.5"
    assert elements["currency"]["is_decimal_allowed"] is True
    assert elements["email"]["type"] == "email_text_input"
    assert elements["url"]["type"] == "url_text_input"
    assert elements["phone"]["type"] == "plain_text_input"
    assert elements["date"]["initial_date"] == "2023-04-17"
    assert elements["date_time"]["initial_date_time"] == CREATED_MS // 1000
    assert elements["boolean"]["initial_options"] == elements["boolean"]["options"]
    assert elements["boolean"]["options"][0]["value"] == "true"
    assert elements["pick_list"]["initial_option"]["value"] == "3601"
    assert elements["lookup"]["type"] == "static_select"
    assert elements["multi_select"]["type"] == "multi_static_select"
    assert [o["value"] for o in elements["multi_select"]["initial_options"]] == ["3601", "3602"]


def test_form_email_hint(books: Module) -> None:
    module = every_kind_module()
    view = record_form(module)
    hints = {block["block_id"]: block.get("hint", {}).get("text") for block in view["blocks"]}
    assert hints["field:f_email"] == "Format: name@example.com"


def test_form_200_values_use_external_select(book: Record) -> None:
    module = books_module(category_count=200)
    element = inputs(record_form(module, record=book))["field:pick_category"]
    assert element["type"] == "external_select"
    assert element["min_query_length"] == 1
    assert "options" not in element
    assert element["initial_option"] == {
        "text": {"type": "plain_text", "text": "Category 1", "emoji": True}, "value": "3601",
    }


def test_form_options_argument_wins(books: Module, book: Record) -> None:
    view = record_form(books, record=book, options={"pick_category": category_options(150)})
    assert inputs(view)["field:pick_category"]["type"] == "external_select"


def test_form_empty_options_fall_back_to_text(books: Module, book: Record) -> None:
    view = record_form(books, record=book, options={"pick_category": []})
    block = next(b for b in view["blocks"] if b["block_id"] == "field:pick_category")
    assert block["element"]["type"] == "plain_text_input"
    assert block["element"]["initial_value"] == "Category 1"
    assert block["hint"]["text"] == "Type the exact value"


def test_form_option_without_id_uses_name(books: Module) -> None:
    view = record_form(books, options={"pick_category": [Option("", "Novel")]})
    option = inputs(view)["field:pick_category"]["options"][0]
    assert option["value"] == "Novel"


def test_form_values_override_record(books: Module, book: Record) -> None:
    typed = {
        "title": {"value": "typed title"},
        "pick_category": {"selected_option": {
            "text": {"type": "plain_text", "text": "Category 2"}, "value": "3602"}},
        "sline_author": {"value": None},
    }
    elements = inputs(record_form(books, record=book, values=typed))
    assert elements["field:title"]["initial_value"] == "typed title"
    assert elements["field:pick_category"]["initial_option"]["value"] == "3602"
    assert "initial_value" not in elements["field:sline_author"]


def test_form_values_of_every_shape() -> None:
    module = every_kind_module(pick_count=150)
    typed = {
        "f_date": {"selected_date": "2024-02-29"},
        "f_date_time": {"selected_date_time": 1700000000},
        "f_boolean": {"selected_options": []},
        "f_multi_select": {"selected_options": [
            {"text": {"type": "plain_text", "text": "A &amp; B"}, "value": "3605"}]},
        "f_pick_list": {"selected_option": None},
    }
    elements = inputs(record_form(module, values=typed))
    assert elements["field:f_date"]["initial_date"] == "2024-02-29"
    assert elements["field:f_date_time"]["initial_date_time"] == 1700000000
    assert "initial_options" not in elements["field:f_boolean"]
    chosen = elements["field:f_multi_select"]["initial_options"][0]
    assert chosen["text"]["text"] == "A &amp; B"
    assert "initial_option" not in elements["field:f_pick_list"]


def test_form_general_error_shown(books: Module) -> None:
    view = record_form(books, errors={"_form": "The server rejected <x>", "field:title": "x"})
    assert view["blocks"][0]["text"]["text"] == ":warning: The server rejected &lt;x&gt;"
    assert len([b for b in view["blocks"] if b["type"] == "section"]) == 1


def test_form_private_metadata_too_long(books: Module) -> None:
    with pytest.raises(ValueError, match="private_metadata"):
        record_form(books, private_metadata="x" * 3001)


def test_form_fields_argument(books: Module) -> None:
    view = record_form(books, fields=[books.fields[2]])
    assert list(inputs(view)) == ["field:sline_author"]


def test_loading_view() -> None:
    view = loading_view("Edit Book 301")
    validate_view(view)
    assert view["callback_id"] == CallbackId.LOADING
    assert "submit" not in view
    assert not [block for block in view["blocks"] if block["type"] == "input"]
    assert "Loading…" in view["blocks"][0]["text"]["text"]


# Help and short messages -------------------------------------------------------------------


def test_help_lists_grammar_and_modules(books: Module) -> None:
    message = help_message([books], command="/scp")
    validate_message(message)
    text = json.dumps(message)
    for part in ("/scp help", "/scp &lt;module&gt; delete &lt;id&gt;", "records in the trash",
                 "/scp subscribe &lt;module&gt; [filter] [events]", "/scp subscriptions",
                 "`sort:field`", "field~value", "/scp books search rowling",
                 "*Books*: `books` or `cm_books`"):
        assert part in text, part


def test_help_with_many_modules() -> None:
    modules = [Module(f"cm_m{index}", f"cm_s{index}", "M" * 300, "S") for index in range(1000)]
    message = help_message(modules)
    assert len(message["blocks"]) <= 50
    assert "more" in message["blocks"][-1]["text"]["text"]


def test_usage_message() -> None:
    message = usage_message('Unknown module "films".', command="/scp")
    assert message["blocks"][0]["text"]["text"] == ':warning: Unknown module "films".'
    assert "/scp help" in message["blocks"][1]["text"]["text"]


def test_error_message_with_id() -> None:
    message = error_message("Could not load Book 301", "Try again in a minute.", error_id="e-1")
    assert message["blocks"][0]["text"]["text"] == (
        ":x: *Could not load Book 301*\nTry again in a minute."
    )
    assert message["blocks"][1]["elements"][0]["text"] == "Error id: `e-1`"


def test_error_message_without_id() -> None:
    assert len(error_message("Failed", "Retry.")["blocks"]) == 1


def test_notice_message() -> None:
    message = notice_message("Record 302 deleted.")
    assert message["text"] == "Record 302 deleted."
    assert message["blocks"][0]["text"]["text"] == "Record 302 deleted."


def test_values_message(books: Module) -> None:
    field = books.field("pick_category")
    assert field is not None
    message = values_message(books, field, category_options(3))
    assert message["blocks"][0]["text"]["text"] == "Book Category values"
    assert message["blocks"][1]["text"]["text"].splitlines()[0] == "• Category 0"


def test_values_message_matching_query(books: Module) -> None:
    field = books.field("pick_category")
    assert field is not None
    message = values_message(
        books, field, category_options(2), total=40, query="cat", narrow_hint="Type <more>."
    )
    assert message["blocks"][0]["text"]["text"] == "Book Category values matching “cat”"
    about = message["blocks"][-1]["elements"][0]["text"]
    assert "40 matches" in about
    assert "Type &lt;more&gt;." in about


def test_values_message_1500_values(books: Module) -> None:
    field = books.field("pick_category")
    assert field is not None
    options = tuple(Option(str(index), "Long value name " * 8) for index in range(1500))
    message = values_message(books, field, options, total=1600)
    assert len(message["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"][1:-1])
    assert "more" in message["blocks"][-1]["elements"][0]["text"]
    assert "1,600 values in all" in message["blocks"][-1]["elements"][0]["text"]


def test_option_list_caps_at_100() -> None:
    response = option_list(category_options(150))
    validate_options(response)
    assert len(response["options"]) == 100


def test_option_list_group_with_hint() -> None:
    response = option_list(category_options(150), hint="Type more to narrow 1,500 values")
    assert "options" not in response
    group = response["option_groups"][0]
    assert group["label"]["text"] == "Type more to narrow 1,500 values"
    assert len(group["options"]) == 100


def test_option_list_hint_unused_when_all_shown() -> None:
    assert "options" in option_list(category_options(5), hint="Type more")


def test_option_list_empty() -> None:
    assert option_list([]) == {"options": []}
    assert option_list([], hint="Type more", has_more=True) == {"options": []}


def test_thread_line_edit() -> None:
    category = Field("pick_category", "Category", FieldKind.PICK_LIST)
    message = thread_line(
        "edited", actor="Demo",
        changes=[(category, {"name": "Novel"}, {"name": "Classics"}), ("Title", "test", "test1")],
        when_ms=CREATED_MS,
    )
    assert message["blocks"][0]["text"]["text"] == (
        "*Edited* by Demo · Category: Novel → Classics · Title: test → test1"
        " · <!date^1681729003^{date_short_pretty} {time}|2023-04-17 10:56 UTC>"
    )


@pytest.mark.parametrize(
    ("event", "label"),
    [("created", "Created"), ("trashed", "Moved to trash"), ("restored", "Restored"),
     ("deleted", "Deleted"), ("left_filter", "No longer matches this channel's filter"),
     ("entered_filter", "Now matches this channel's filter")],
)
def test_thread_line_events(event: str, label: str) -> None:
    message = thread_line(event, record_label="Book 301")
    assert message["blocks"][0]["text"]["text"] == f"*{label}* Book 301"


def test_thread_line_slack_actor() -> None:
    message = thread_line("created", actor_user_id="U123ABC")
    assert "by <@U123ABC>" in message["blocks"][0]["text"]["text"]


def test_thread_line_many_changes() -> None:
    changes = [(f"F{index}", "x" * 1000, "y" * 1000) for index in range(20)]
    message = thread_line("edited", actor="Demo", changes=changes, when_ms=CREATED_MS)
    text = message["blocks"][0]["text"]["text"]
    assert len(text) <= 3000
    assert "and 15 more changes" in text
    assert text.endswith("UTC>")
