"""Tests of reading record form state into API values."""

from __future__ import annotations

from typing import Any

from bot.ids import field_block_id
from bot.operations.forms import (
    MESSAGE_MAX_LENGTH,
    UNREADABLE_MESSAGE,
    FormResult,
    errors_from_server,
    parse_form,
    unchanged_fields,
    values_from_state,
)
from bot.scp import DESCRIPTION_FIELD, TITLE_FIELD, Field, FieldKind, Module, Option

HOLDER = "cm_fields"

AUTHOR = Field("sline_author", "Author", FieldKind.SINGLE_LINE, holder=HOLDER)
CATEGORY = Field(
    "pick_category",
    "Category",
    FieldKind.PICK_LIST,
    holder=HOLDER,
    options=(
        Option("3634", "Novel"),
        Option("3635", "Classics"),
        Option("3636", "Fantasy"),
        Option("3637", "Humor and satire."),
    ),
)
BOOKS = Module(
    api_name="cm_books",
    singular="cm_book",
    display_name="Books",
    display_singular="Book",
    fields=[TITLE_FIELD, DESCRIPTION_FIELD, AUTHOR, CATEGORY],
)

NOTES = Field("mline_notes", "Notes", FieldKind.MULTI_LINE, holder=HOLDER)
STATUS = Field(
    "pick_status",
    "Status",
    FieldKind.PICK_LIST,
    holder=HOLDER,
    options=(Option("1", "Active"), Option("2", "Retired")),
)
TAGS = Field(
    "multi_tags",
    "Tags",
    FieldKind.MULTI_SELECT,
    holder=HOLDER,
    options=(Option("11", "Red"), Option("12", "Blue")),
)
PAGES = Field("num_pages", "Pages", FieldKind.INTEGER, holder=HOLDER)
WEIGHT = Field("dec_weight", "Weight", FieldKind.DECIMAL, holder=HOLDER)
DONE = Field("per_done", "Done", FieldKind.PERCENTAGE, holder=HOLDER)
PRICE = Field("currency_price", "Price", FieldKind.CURRENCY, holder=HOLDER)
DUE = Field("date_due", "Due Date", FieldKind.DATE, holder=HOLDER)
SEEN = Field("datetime_seen", "Last seen", FieldKind.DATE_TIME, holder=HOLDER)
IN_STOCK = Field("bool_in_stock", "In stock", FieldKind.BOOLEAN, holder=HOLDER)
EMAIL = Field("email_owner", "Owner email", FieldKind.EMAIL, holder=HOLDER)
PHONE = Field("phone_desk", "Desk phone", FieldKind.PHONE, holder=HOLDER)
SITE = Field("url_site", "Web site", FieldKind.URL, holder=HOLDER)
OWNER = Field("ref_owner", "Owner", FieldKind.LOOKUP, holder=HOLDER, lookup_entity="user")
CREATED_BY = Field("sline_created_by", "Created by", FieldKind.SINGLE_LINE, holder=HOLDER,
                   read_only=True)

EVERY_KIND = Module(
    api_name="cm_assets",
    singular="cm_asset",
    display_name="Assets",
    display_singular="Asset",
    fields=[
        TITLE_FIELD, DESCRIPTION_FIELD, AUTHOR, NOTES, STATUS, TAGS, PAGES, WEIGHT, DONE, PRICE,
        DUE, SEEN, IN_STOCK, EMAIL, PHONE, SITE, OWNER, CREATED_BY,
    ],
)

FLAT = Module(
    api_name="cm_books",
    singular="cm_book",
    display_name="Books",
    display_singular="Book",
    fields=[
        TITLE_FIELD,
        DESCRIPTION_FIELD,
        Field("author", "Author", FieldKind.SINGLE_LINE, required=True),
        Field("category", "Category", FieldKind.PICK_LIST),
    ],
)


# State builders --------------------------------------------------------------------------


def text(value: str | None, element: str = "plain_text_input") -> dict[str, Any]:
    return {"type": element, "value": value}


def selected(value: str | None, name: str = "") -> dict[str, Any]:
    if value is None:
        return {"type": "static_select", "selected_option": None}
    option = {"value": value, "text": {"type": "plain_text", "text": name or value}}
    return {"type": "static_select", "selected_option": option}


def multi(*values: str) -> dict[str, Any]:
    options = [{"value": v, "text": {"type": "plain_text", "text": v}} for v in values]
    return {"type": "multi_static_select", "selected_options": options}


def checkbox(checked: bool) -> dict[str, Any]:
    option = {"value": "true", "text": {"type": "plain_text", "text": "Yes"}}
    return {"type": "checkboxes", "selected_options": [option] if checked else []}


def day(value: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def moment(seconds: int | None) -> dict[str, Any]:
    return {"type": "datetimepicker", "selected_date_time": seconds}


def state(**elements: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {field_block_id(name): {"value": element} for name, element in elements.items()}


def parse_one(spec: Field, element: dict[str, Any], *, editing: bool = False) -> FormResult:
    return parse_form(EVERY_KIND, state(**{spec.name: element}), fields=[spec], editing=editing)


def value_of(spec: Field, element: dict[str, Any]) -> Any:
    result = parse_one(spec, element)
    assert result.errors == {}
    return result.values[spec.name]


def error_of(spec: Field, element: dict[str, Any]) -> str:
    result = parse_one(spec, element)
    assert spec.name not in result.values
    return result.errors[field_block_id(spec.name)]


# Whole forms -----------------------------------------------------------------------------


def test_books_form_valid():
    values = state(
        title=text("  The Hobbit  "),
        description=text("A hobbit's tale"),
        sline_author=text("J.R.R. Tolkien"),
        pick_category=selected("3636", "Fantasy"),
    )

    result = parse_form(BOOKS, values)

    assert result.ok
    assert result.values == {
        "title": "The Hobbit",
        "description": "<div>A hobbit's tale</div>",
        "sline_author": "J.R.R. Tolkien",
        "pick_category": {"id": "3636"},
    }


def test_form_result_ok_property():
    assert FormResult().ok
    assert not FormResult(errors={"field:title": "Enter the title."}).ok


def test_required_title_missing():
    result = parse_form(BOOKS, state(title=text("   "), sline_author=text("Tolkien")))

    assert result.errors == {"field:title": "Enter the title."}
    assert result.values == {"sline_author": "Tolkien"}


def test_required_pick_missing():
    category = CATEGORY.with_overrides(required=True)
    result = parse_form(BOOKS, state(pick_category=selected(None)), fields=[category])

    assert result.errors == {"field:pick_category": "Choose the category."}


def test_required_messages_per_kind():
    cases = [
        (TAGS, multi(), "Choose at least one value for tags."),
        (DUE, day(None), "Pick the due date."),
        (SEEN, moment(None), "Pick the last seen."),
        (PAGES, text(None), "Enter the pages."),
        (EMAIL.with_overrides(label="URL of CEO"), text(""), "Enter the URL of CEO."),
    ]
    for spec, element, message in cases:
        result = parse_one(spec.with_overrides(required=True), element)
        assert result.errors == {field_block_id(spec.name): message}


def test_required_boolean_never_missing():
    result = parse_one(IN_STOCK.with_overrides(required=True), checkbox(False))

    assert result.ok
    assert result.values == {"bool_in_stock": False}


def test_bad_values_keep_other_values():
    values = state(
        title=text("Laptop"),
        num_pages=text("abc"),
        email_owner=text("not an email"),
        sline_author=text("Ada"),
        bool_in_stock=checkbox(True),
    )

    result = parse_form(EVERY_KIND, values)

    assert set(result.errors) == {"field:num_pages", "field:email_owner"}
    assert result.errors["field:num_pages"] == "Enter a whole number, for example 12."
    assert result.errors["field:email_owner"] == "Enter an email address such as name@example.com."
    assert result.values == {"title": "Laptop", "sline_author": "Ada", "bool_in_stock": True}
    assert values_from_state(values) == {
        "title": text("Laptop"),
        "num_pages": text("abc"),
        "email_owner": text("not an email"),
        "sline_author": text("Ada"),
        "bool_in_stock": checkbox(True),
    }


def test_missing_block_skipped():
    result = parse_form(EVERY_KIND, state(title=text("Laptop")))

    assert result.ok
    assert result.values == {"title": "Laptop"}


def test_required_block_missing_when_adding():
    result = parse_form(BOOKS, state(sline_author=text("Tolkien")))

    assert result.errors == {"field:title": "Enter the title."}
    assert result.values == {"sline_author": "Tolkien"}


def test_required_block_missing_when_editing():
    result = parse_form(BOOKS, state(sline_author=text("Tolkien")), editing=True)

    assert result.ok
    assert result.values == {"sline_author": "Tolkien"}


def test_empty_state_when_adding():
    result = parse_form(BOOKS, {})

    assert result.errors == {"field:title": "Enter the title."}
    assert result.values == {}


def test_block_without_value_action_unreadable():
    values = {"field:title": {"other": text("x")}, "field:sline_author": "not a mapping"}

    result = parse_form(EVERY_KIND, values, editing=True)

    assert result.errors == {
        "field:title": UNREADABLE_MESSAGE,
        "field:sline_author": UNREADABLE_MESSAGE,
    }
    assert result.values == {}


MALFORMED_ELEMENTS = [
    (AUTHOR, "not a mapping"),
    (AUTHOR, None),
    (AUTHOR, {}),
    (AUTHOR, {"type": "plain_text_input"}),
    (AUTHOR, {"type": "plain_text_input", "value": 5}),
    (AUTHOR, {"type": "plain_text_input", "value": {"text": "x"}}),
    (AUTHOR, {"type": "plain_text_input", "value": ["a"]}),
    (AUTHOR, {"type": "static_select", "selected_option": {"value": "x"}}),
    (DESCRIPTION_FIELD, {"type": "plain_text_input", "value": 0}),
    (PAGES, {"type": "plain_text_input", "value": 12}),
    (WEIGHT, {"type": "plain_text_input", "value": 1.5}),
    (STATUS, {"type": "static_select", "selected_option": "Active"}),
    (STATUS, {"type": "static_select", "selected_option": {"value": 1}}),
    (STATUS, {"type": "static_select", "selected_option": ["1"]}),
    (OWNER, {"type": "external_select", "selected_option": "Maria"}),
    (TAGS, {"type": "multi_static_select", "selected_options": ["11", "12"]}),
    (TAGS, {"type": "multi_static_select", "selected_options": "11"}),
    (TAGS, {"type": "multi_static_select", "selected_options": [{"value": "11"}, None]}),
    (IN_STOCK, {"type": "checkboxes", "selected_options": ["true"]}),
    (IN_STOCK, {"type": "checkboxes", "value": "true"}),
    (DUE, {"type": "datepicker", "selected_date": 0}),
    (DUE, {"type": "datepicker", "selected_date": []}),
    (DUE, {"type": "datepicker"}),
    (SEEN, {"type": "datetimepicker", "selected_date_time": []}),
]


def test_malformed_element_is_error_not_clear():
    for spec, element in MALFORMED_ELEMENTS:
        values = {field_block_id(spec.name): {"value": element}}
        for editing in (False, True):
            result = parse_form(EVERY_KIND, values, fields=[spec], editing=editing)

            assert spec.name not in result.values, (spec.name, element, editing)
            assert field_block_id(spec.name) in result.errors, (spec.name, element)


def test_malformed_element_message():
    element = {"type": "static_select", "selected_option": "Active"}

    assert error_of(STATUS, element) == UNREADABLE_MESSAGE


def test_default_fields_skip_read_only():
    result = parse_form(EVERY_KIND, state(sline_created_by=text("Someone")))

    assert result.values == {}


def test_empty_optional_left_out_when_adding():
    values = state(
        title=text("Laptop"),
        sline_author=text(""),
        pick_status=selected(None),
        num_pages=text(None),
        date_due=day(None),
        multi_tags=multi(),
    )

    result = parse_form(EVERY_KIND, values)

    assert result.ok
    assert result.values == {"title": "Laptop"}


def test_empty_optional_cleared_when_editing():
    values = state(
        sline_author=text(""),
        mline_notes=text("  "),
        description=text(None),
        email_owner=text(""),
        phone_desk=text(""),
        url_site=text(""),
        pick_status=selected(None),
        ref_owner=selected(None),
        multi_tags=multi(),
        num_pages=text(None),
        dec_weight=text(""),
        per_done=text(""),
        currency_price=text(""),
        date_due=day(None),
        datetime_seen=moment(None),
        bool_in_stock=checkbox(False),
    )

    result = parse_form(EVERY_KIND, values, editing=True)

    assert result.ok
    assert result.values == {
        "sline_author": "",
        "mline_notes": "",
        "description": "",
        "email_owner": "",
        "phone_desk": "",
        "url_site": "",
        "pick_status": None,
        "ref_owner": None,
        "multi_tags": [],
        "num_pages": None,
        "dec_weight": None,
        "per_done": None,
        "currency_price": None,
        "date_due": None,
        "datetime_seen": None,
        "bool_in_stock": False,
    }


def test_required_empty_when_editing_rejected():
    result = parse_form(BOOKS, state(title=text("")), editing=True)

    assert result.errors == {"field:title": "Enter the title."}
    assert result.values == {}


def test_flat_module_uses_plain_names():
    values = state(title=text("Dune"), author=text(""), category=text("Novel"))

    result = parse_form(FLAT, values)

    assert result.errors == {"field:author": "Enter the author."}
    assert result.values == {"title": "Dune", "category": {"name": "Novel"}}


# Text kinds ------------------------------------------------------------------------------


def test_single_line_strips():
    assert value_of(AUTHOR, text("  Ada  ")) == "Ada"


def test_single_line_length_limit():
    assert value_of(AUTHOR, text("a" * 250)) == "a" * 250

    message = error_of(AUTHOR, text("a" * 251))
    assert message == "Shorten this to 250 characters or fewer. It has 251."


def test_multi_line_keeps_newlines():
    assert value_of(NOTES, text("  first\nsecond\r\n\nthird  ")) == "first\nsecond\n\nthird"


def test_html_escapes_and_wraps_lines():
    value = value_of(DESCRIPTION_FIELD, text("a <b> c & d\n\n<script>x</script>"))

    assert value == (
        "<div>a &lt;b&gt; c &amp; d</div><div><br></div>"
        "<div>&lt;script&gt;x&lt;/script&gt;</div>"
    )


def test_html_keeps_quotes_literal():
    assert value_of(DESCRIPTION_FIELD, text('say "hi" it\'s')) == "<div>say \"hi\" it's</div>"


def test_email_valid():
    for address in ("name@example.com", "first.last+tag@mail.example.co.uk", "a@b.io"):
        assert value_of(EMAIL, text(address, "email_text_input")) == address


def test_email_invalid():
    for address in ("name", "name@example", "na me@example.com", "@example.com",
                    "name@@example.com", "name@.example.com", ".name@example.com",
                    "name..x@example.com", "name@example.c"):
        message = error_of(EMAIL, text(address, "email_text_input"))
        assert message == "Enter an email address such as name@example.com.", address


def test_phone_valid():
    for number in ("112", "+44 20 7946 0018", "(555) 010-0100", "555.010.0100"):
        assert value_of(PHONE, text(number)) == number


def test_phone_invalid():
    for number in ("12", "call me", "+1 555 ext 12", "1" * 31, "()-+ .", "555/0100"):
        message = error_of(PHONE, text(number))
        assert message.startswith("Enter a phone number of 3 to 30 characters"), number


def test_url_valid():
    for address in ("https://example.com", "http://intranet:8080/a?b=c", "HTTPS://Example.com/x"):
        assert value_of(SITE, text(address, "url_text_input")) == address


def test_url_invalid():
    for address in ("example.com", "ftp://example.com", "https://", "https:///path",
                    "http://exa mple.com", "http://example.com:99999", "javascript:alert(1)"):
        message = error_of(SITE, text(address, "url_text_input"))
        assert message.startswith("Enter a web address that starts with http://"), address


# Number kinds ----------------------------------------------------------------------------


def test_integer_valid():
    assert value_of(PAGES, text("12", "number_input")) == "12"
    assert value_of(PAGES, text(" -7 ", "number_input")) == "-7"
    assert value_of(PAGES, text("007")) == "7"


def test_integer_invalid():
    for typed in ("abc", "1,234", "12.5", "+5", "1e3", "- 4"):
        assert error_of(PAGES, text(typed)) == "Enter a whole number, for example 12.", typed


def test_decimal_normalized_to_two_places():
    assert value_of(WEIGHT, text("12.5")) == "12.50"
    assert value_of(WEIGHT, text("12")) == "12.00"
    assert value_of(WEIGHT, text("-0.5")) == "-0.50"
    assert value_of(WEIGHT, text(".25")) == "0.25"
    assert value_of(WEIGHT, text("3.100")) == "3.10"
    assert value_of(WEIGHT, text("-0")) == "0.00"


def test_decimal_invalid():
    for typed in ("abc", "12.555", "1,5", "1e2", "NaN", "12.5.1"):
        message = error_of(WEIGHT, text(typed))
        assert message == "Enter a number with at most 2 decimal places, for example 12.50.", typed


def test_currency_like_decimal():
    assert value_of(PRICE, text("1999.9")) == "1999.90"
    assert error_of(PRICE, text("$10")).startswith("Enter a number with at most 2 decimal")


def test_percentage_valid():
    assert value_of(DONE, text("0")) == "0"
    assert value_of(DONE, text("100")) == "100"
    assert value_of(DONE, text("12.5")) == "12.5"


def test_percentage_invalid():
    for typed in ("101", "-1", "abc", "50%%", "10.125"):
        message = error_of(DONE, text(typed))
        assert message.startswith("Enter a percentage from 0 to 100"), typed


# Dates and booleans ----------------------------------------------------------------------


def test_date_to_epoch_ms_at_utc_midnight():
    assert value_of(DUE, day("2024-03-01")) == {"value": "1709251200000"}
    assert value_of(DUE, day("1970-01-01")) == {"value": "0"}
    assert value_of(DUE, day("1969-12-31")) == {"value": "-86400000"}


def test_date_invalid():
    assert error_of(DUE, day("2024-02-30")) == "Pick a date from the calendar."
    assert error_of(DUE, day("01/03/2024")) == "Pick a date from the calendar."


def test_date_time_seconds_to_ms():
    assert value_of(SEEN, moment(1704101400)) == {"value": "1704101400000"}
    assert value_of(SEEN, moment(0)) == {"value": "0"}


def test_date_time_invalid():
    assert error_of(SEEN, {"selected_date_time": "soon"}) == "Pick a date and a time."
    assert error_of(SEEN, {"selected_date_time": True}) == "Pick a date and a time."


def test_boolean_checked_and_unchecked():
    assert value_of(IN_STOCK, checkbox(True)) is True
    assert value_of(IN_STOCK, checkbox(False)) is False
    assert value_of(IN_STOCK, {"selected_options": None}) is False


# Choices ---------------------------------------------------------------------------------


def test_pick_by_id_or_name():
    assert value_of(STATUS, selected("2", "Retired")) == {"id": "2"}
    assert value_of(STATUS, selected("Retired")) == {"name": "Retired"}
    assert value_of(OWNER, selected("Ada Lovelace")) == {"name": "Ada Lovelace"}
    assert value_of(OWNER, selected("10", "Ada Lovelace")) == {"id": "10"}


def test_pick_typed_fallback_uses_name():
    assert value_of(OWNER, text(" Ada Lovelace ")) == {"name": "Ada Lovelace"}
    assert value_of(STATUS, text("retired")) == {"name": "Retired"}


def test_pick_typed_unknown_option():
    message = error_of(STATUS, text("Broken"))

    assert message == 'No option is named "Broken". Options: Active, Retired'


def test_pick_typed_unknown_option_long_list():
    names = tuple(Option(str(i), f"Option {i}") for i in range(40))
    spec = STATUS.with_overrides(options=names)

    message = error_of(spec, text("Missing"))

    assert message.endswith("Option 0, Option 1, Option 2, Option 3, Option 4, …")
    assert len(message) <= MESSAGE_MAX_LENGTH


def test_multi_select_shapes():
    assert value_of(TAGS, multi("11", "Blue")) == [{"id": "11"}, {"name": "Blue"}]


def test_multi_select_typed_fallback():
    assert value_of(TAGS, text("red, Blue,,")) == [{"name": "Red"}, {"name": "Blue"}]
    assert error_of(TAGS, text("red, green")) == 'No option is named "green". Options: Red, Blue'


def test_messages_fit_slack_limit():
    spec = AUTHOR.with_overrides(label="A very long label " * 20, required=True)

    message = parse_one(spec, text(""), editing=True).errors[field_block_id(spec.name)]

    assert len(message) == MESSAGE_MAX_LENGTH
    assert message.endswith("…")


# Values from state -----------------------------------------------------------------------


def test_values_from_state_ignores_other_blocks():
    values = {
        "field:title": {"value": text("Dune")},
        "field:date_due": {"value": day("2024-03-01")},
        "actions": {"value": text("ignored")},
        "field:broken": {"other": text("ignored")},
    }

    assert values_from_state(values) == {
        "title": text("Dune"),
        "date_due": day("2024-03-01"),
    }


# Server errors ---------------------------------------------------------------------------


def test_server_error_bare_name():
    errors, general = errors_from_server(
        BOOKS, {"sline_author": "This value is too long."}, BOOKS.fields
    )

    assert errors == {"field:sline_author": "This value is too long."}
    assert general is None


def test_server_error_path():
    errors, general = errors_from_server(
        BOOKS, {"cm_fields.pick_category": "No such value."}, BOOKS.fields
    )

    assert errors == {"field:pick_category": "No such value."}
    assert general is None


def test_server_error_lookup_subpath():
    errors, _ = errors_from_server(BOOKS, {"pick_category.name": "Unknown name."}, BOOKS.fields)

    assert errors == {"field:pick_category": "Unknown name."}


def test_server_error_flat_name_and_label():
    errors, general = errors_from_server(
        FLAT, {"author": "Too long.", "Category": "Not allowed."}, FLAT.fields
    )

    assert errors == {"field:author": "Too long.", "field:category": "Not allowed."}
    assert general is None


def test_server_error_field_not_in_form():
    shown = [TITLE_FIELD, CATEGORY]

    errors, general = errors_from_server(
        BOOKS, {"cm_fields.sline_author": "This field is required."}, shown
    )

    assert errors == {}
    assert general == "The server requires Author, which this form does not show."


def test_server_error_other_reason_not_in_form():
    errors, general = errors_from_server(
        BOOKS, {"sline_author": "This field cannot be edited."}, [TITLE_FIELD]
    )

    assert errors == {}
    assert general == (
        "The server rejected Author, which this form does not show (This field cannot be edited)."
    )


def test_server_error_unknown_field():
    errors, general = errors_from_server(
        BOOKS, {"title": "", "cm_fields.sline_isbn": ""}, BOOKS.fields
    )

    assert errors == {"field:title": "The server rejected this value."}
    assert general == "The server requires Isbn, which this form does not show."


def test_server_errors_same_block_joined():
    errors, _ = errors_from_server(
        BOOKS, {"sline_author": "Too long.", "cm_fields.sline_author": "Not unique."}, BOOKS.fields
    )

    assert errors == {"field:sline_author": "Too long. Not unique."}


def test_server_error_clipped():
    errors, _ = errors_from_server(BOOKS, {"title": "x" * 400}, BOOKS.fields)

    assert len(errors["field:title"]) == MESSAGE_MAX_LENGTH


def test_unchanged_fields_compares_with_initial_values():
    blocks = [
        {"type": "input", "block_id": "field:title",
         "element": {"type": "plain_text_input", "initial_value": "test"}},
        {"type": "input", "block_id": "field:pick_category",
         "element": {"type": "static_select", "initial_option": {"value": "3634"}}},
        {"type": "input", "block_id": "field:multi_tags",
         "element": {"type": "multi_static_select",
                     "initial_options": [{"value": "1"}, {"value": "2"}]}},
        {"type": "input", "block_id": "field:date_due",
         "element": {"type": "datepicker", "initial_date": "2024-03-01"}},
        {"type": "input", "block_id": "field:sline_empty",
         "element": {"type": "plain_text_input"}},
    ]
    state = {
        "field:title": {"value": {"type": "plain_text_input", "value": "test"}},
        "field:pick_category": {"value": {"selected_option": {"value": "3635"}}},
        "field:multi_tags": {"value": {"selected_options": [{"value": "2"}, {"value": "1"}]}},
        "field:date_due": {"value": {"selected_date": "2024-03-01"}},
        "field:sline_empty": {"value": {"type": "plain_text_input", "value": None}},
    }

    unchanged = unchanged_fields(blocks, state)

    assert unchanged == {"title", "multi_tags", "date_due", "sline_empty"}


def test_unchanged_fields_unreadable_counts_as_changed():
    blocks: list[Any] = [
        "not a block",
        {"type": "input", "block_id": 5, "element": {}},
        {"type": "input", "block_id": "field:multi_tags",
         "element": {"type": "multi_static_select", "initial_options": [{"value": "1"}]}},
        {"type": "input", "block_id": "field:pick_status",
         "element": {"type": "static_select", "initial_option": {"value": "1"}}},
        {"type": "input", "block_id": "field:title", "element": "not an element"},
        {"type": "input", "block_id": "field:sline_author",
         "element": {"type": "plain_text_input", "initial_value": "Ada"}},
        {"type": "input", "block_id": "field:multi_colors",
         "element": {"type": "multi_static_select", "initial_options": ["1"]}},
        {"type": "input", "block_id": "field:pick_size", "element": {"type": 7}},
    ]
    state = {
        "field:multi_tags": {"value": {"selected_options": ["1"]}},
        "field:pick_status": {"value": {"selected_option": "1"}},
        "field:title": {"value": {"type": "plain_text_input", "value": "x"}},
        "field:sline_author": "not a mapping",
        "field:multi_colors": {"value": {"selected_options": ["1"]}},
        "field:pick_size": {"value": {"selected_option": None}},
    }

    assert unchanged_fields(blocks, state) == set()


def test_unchanged_fields_blocks_not_a_list():
    state = {"field:title": {"value": {"type": "plain_text_input", "value": "x"}}}

    assert unchanged_fields({"field:title": {}}, state) == set()  # type: ignore[arg-type]
    assert unchanged_fields(None, state) == set()  # type: ignore[arg-type]


def test_percentage_accepts_percent_sign():
    spec = Field("per_done", "Done", FieldKind.PERCENTAGE, holder="cm_fields")
    module = Module("cm_tasks", "cm_task", "Tasks", "Task", fields=[spec])
    state = {"field:per_done": {"value": {"type": "number_input", "value": "85%"}}}

    result = parse_form(module, state)

    assert result.values == {"per_done": "85"}
