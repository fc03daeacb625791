"""Tests of the search grammar and of matching records against parsed searches."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import EmulatorState
from bot.emulator.search import compile_criteria
from bot.emulator.search_fields import record_resolver
from bot.operations.search import SearchSpec, SearchSyntaxError, parse_search, record_matches
from bot.scp import (
    DESCRIPTION_FIELD,
    TITLE_FIELD,
    Criterion,
    Field,
    FieldKind,
    Module,
    Option,
    Record,
)

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

EVERY_KIND = Module(
    api_name="cm_assets",
    singular="cm_asset",
    display_name="Assets",
    display_singular="Asset",
    fields=[
        TITLE_FIELD,
        DESCRIPTION_FIELD,
        Field("mline_notes", "Notes", FieldKind.MULTI_LINE, holder=HOLDER),
        Field("html_details", "Details", FieldKind.HTML, holder=HOLDER),
        Field(
            "pick_status",
            "Status",
            FieldKind.PICK_LIST,
            holder=HOLDER,
            options=(Option("1", "Active"), Option("2", "Retired")),
        ),
        Field(
            "multi_tags",
            "Tags",
            FieldKind.MULTI_SELECT,
            holder=HOLDER,
            options=(Option("11", "Red"), Option("12", "Blue"), Option("13", "Green")),
        ),
        Field("num_pages", "Pages", FieldKind.INTEGER, holder=HOLDER),
        Field("dec_weight", "Weight", FieldKind.DECIMAL, holder=HOLDER),
        Field("per_done", "Done", FieldKind.PERCENTAGE, holder=HOLDER),
        Field("currency_price", "Price", FieldKind.CURRENCY, holder=HOLDER),
        Field("date_due", "Due date", FieldKind.DATE, holder=HOLDER),
        Field("datetime_seen", "Last seen", FieldKind.DATE_TIME, holder=HOLDER),
        Field("bool_in_stock", "In stock", FieldKind.BOOLEAN, holder=HOLDER),
        Field("email_contact", "Contact email", FieldKind.EMAIL, holder=HOLDER),
        Field("phone_desk", "Desk phone", FieldKind.PHONE, holder=HOLDER),
        Field("url_site", "Web site", FieldKind.URL, holder=HOLDER),
        Field("ref_owner", "Owner", FieldKind.LOOKUP, holder=HOLDER, lookup_entity="user"),
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
        Field("author", "Author", FieldKind.SINGLE_LINE),
        Field("pages", "Page count", FieldKind.INTEGER),
    ],
)


def only_criterion(module: Module, text: str) -> Criterion:
    spec = parse_search(module, text)
    assert len(spec.criteria) == 1
    return spec.criteria[0]


def syntax_error(module: Module, text: str) -> str:
    with pytest.raises(SearchSyntaxError) as caught:
        parse_search(module, text)
    return str(caught.value)


# Operators -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "condition", "value"),
    [
        ("author=Tolkien", "is", "Tolkien"),
        ("author!=Tolkien", "is not", "Tolkien"),
        ("author~olk", "contains", "olk"),
        ("author!~olk", "not contains", "olk"),
    ],
)
def test_text_operators(text, condition, value):
    assert only_criterion(BOOKS, text) == Criterion("cm_fields.sline_author", condition, value)


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("pages>12", "greater than"),
        ("pages<12", "lesser than"),
        ("pages>=12", "greater or equal"),
        ("pages<=12", "lesser or equal"),
        ("pages=12", "is"),
        ("pages!=12", "is not"),
    ],
)
def test_number_operators(text, condition):
    assert only_criterion(EVERY_KIND, text) == Criterion("cm_fields.num_pages", condition, "12")


def test_single_criterion_has_no_logical_operator():
    criterion = only_criterion(BOOKS, "author=Tolkien")

    assert criterion.logical_operator is None
    assert "logical_operator" not in criterion.to_json()


def test_field_terms_joined_with_and():
    spec = parse_search(BOOKS, "author=Tolkien category=Fantasy title~ring")

    assert [c.logical_operator for c in spec.criteria] == [None, "AND", "AND"]
    assert [c.field for c in spec.criteria] == [
        "cm_fields.sline_author", "cm_fields.pick_category", "title",
    ]


def test_operator_in_value_kept():
    assert only_criterion(BOOKS, "title=a=b").value == "a=b"
    assert only_criterion(BOOKS, "title~<3").value == "<3"


def test_spaces_around_operator_rejected():
    assert syntax_error(BOOKS, "author = Tolkien").startswith("`=`: a field name is missing")
    assert syntax_error(BOOKS, "author= Tolkien").startswith("`author=`: a value is missing")


# Quoting ---------------------------------------------------------------------------------


def test_quoted_value_with_spaces():
    assert only_criterion(BOOKS, 'author="J.K Rowling"').value == "J.K Rowling"


def test_quoted_label_with_spaces():
    criterion = only_criterion(EVERY_KIND, '"due date">2024-01-01')

    assert criterion == Criterion("cm_fields.date_due", "greater than", "1704067200000")


def test_quoted_phrase_is_free_text():
    spec = parse_search(BOOKS, '"harry potter"')

    assert [c.value for c in spec.criteria] == ["harry potter", "harry potter"]


def test_quoted_operator_is_free_text():
    spec = parse_search(BOOKS, '"a=b"')

    assert spec.criteria[0] == Criterion("title", "contains", "a=b")


def test_quoted_keyword_is_free_text():
    spec = parse_search(BOOKS, '"desc"')

    assert spec.sort_order is None
    assert spec.criteria[0].value == "desc"


def test_curly_quotes_count_as_quotes():
    assert only_criterion(BOOKS, "author=“J.K Rowling”").value == "J.K Rowling"


def test_single_quote_is_ordinary():
    assert only_criterion(BOOKS, "author=O'Brien").value == "O'Brien"


def test_hash_is_ordinary():
    assert only_criterion(BOOKS, "title=#1").value == "#1"


def test_unbalanced_quote():
    message = syntax_error(BOOKS, 'dune author="Frank Herbert')

    assert message == '`author="Frank Herbert`: the closing double quote (") is missing.'


# Field names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Author", "author", "AUTHOR", "sline_author", "SLINE_AUTHOR",
        "cm_fields.sline_author", "Cm_Fields.Sline_Author",
    ],
)
def test_field_names_resolve(name):
    assert only_criterion(BOOKS, f"{name}=x").field == "cm_fields.sline_author"


def test_label_with_underscores():
    criterion = only_criterion(EVERY_KIND, "due_date>2024-01-01")

    assert criterion.field == "cm_fields.date_due"


def test_short_name_without_prefix():
    assert only_criterion(EVERY_KIND, "in_stock=yes").field == "cm_fields.bool_in_stock"
    assert only_criterion(EVERY_KIND, "seen>2024-01-01").field == "cm_fields.datetime_seen"


def test_quoted_label_case_insensitive():
    criterion = only_criterion(EVERY_KIND, '"LAST SEEN"<2024-01-01')

    assert criterion.field == "cm_fields.datetime_seen"


def test_standard_fields():
    assert only_criterion(BOOKS, "id=301") == Criterion("id", "is", "301")
    assert only_criterion(BOOKS, "created>2024-01-01").field == "created_time"
    assert only_criterion(BOOKS, "created_time>2024-01-01").field == "created_time"
    assert only_criterion(BOOKS, "updated<2024-01-01").field == "updated_time"
    assert only_criterion(BOOKS, "description~dragon").field == "description"


def test_flat_module_paths():
    assert only_criterion(FLAT, "author=Tolkien").field == "author"
    assert only_criterion(FLAT, "page_count>100") == Criterion("pages", "greater than", "100")


def test_unknown_field_error_text():
    message = syntax_error(BOOKS, "colour=red")

    assert message == '`colour=red`: unknown field "colour". Fields: Title, Author, Category'


def test_ambiguous_short_name():
    module = Module(
        "cm_tickets",
        "cm_ticket",
        "Tickets",
        "Ticket",
        fields=[
            Field("sline_status", "Status text", FieldKind.SINGLE_LINE, holder=HOLDER),
            Field("pick_status", "State", FieldKind.PICK_LIST, holder=HOLDER),
        ],
    )

    message = syntax_error(module, "status=open")

    assert message == (
        '`status=open`: "status" could be any of sline_status, pick_status. '
        "Use one of these API names."
    )


def test_missing_field_name():
    assert syntax_error(BOOKS, "=Tolkien") == (
        "`=Tolkien`: a field name is missing before =. Write a term without spaces, "
        "such as author=Tolkien."
    )


def test_missing_value():
    message = syntax_error(BOOKS, "author!=")

    assert message == "`author!=`: a value is missing after !=. Quote values that contain spaces."


def test_error_message_length_limit():
    options = tuple(Option(str(i), f"Option number {i} " + "x" * 40) for i in range(5))
    module = Module("cm_x", "cm_x", "X", "X", fields=[CATEGORY.with_overrides(options=options)])

    message = syntax_error(module, "category=" + "y" * 500)

    assert len(message) <= 300
    assert message.startswith("`category=yyy")


def test_search_term_limit():
    twenty = " ".join(f"w{index}" for index in range(20))

    assert len(parse_search(BOOKS, twenty).criteria) == 2
    message = syntax_error(BOOKS, twenty + " w20 w21")
    assert message == (
        "`w20`: a search can have at most 20 terms, and this one has 22. "
        "Narrow the search to fewer, more specific terms."
    )


def test_search_length_limit():
    longest = "a" * 500

    assert parse_search(BOOKS, f"  {longest}  ").criteria[0].value == longest
    message = syntax_error(BOOKS, "a" * 501)
    assert "at most 500 characters long, and this one has 501." in message
    assert message.endswith("Narrow the search to fewer, more specific terms.")


def test_search_limit_applies_before_parsing():
    message = syntax_error(BOOKS, "author~a " * 400)

    assert "at most 500 characters" in message


# Values ----------------------------------------------------------------------------------


def test_date_values_to_epoch_ms():
    assert only_criterion(EVERY_KIND, "due>=2024-03-01").value == "1709251200000"
    assert only_criterion(EVERY_KIND, "seen<2024-01-01T09:30").value == "1704101400000"
    assert only_criterion(EVERY_KIND, '"last seen"<"2024-01-01 09:30"').value == "1704101400000"


def test_date_equality_is_whole_day():
    due = only_criterion(EVERY_KIND, "due=2024-03-01")
    created = only_criterion(BOOKS, "created=2023-04-17")

    assert due == Criterion(
        field="cm_fields.date_due",
        condition="between",
        values=("1709251200000", "1709337599999"),
    )
    assert created.condition == "between"
    assert created.values == ("1681689600000", "1681775999999")
    assert created.to_json() == {
        "field": "created_time",
        "condition": "between",
        "values": ["1681689600000", "1681775999999"],
    }


def test_date_inequality_is_outside_day():
    criterion = only_criterion(EVERY_KIND, "seen!=2024-03-01")

    assert criterion.condition == "not between"
    assert criterion.values == ("1709251200000", "1709337599999")


def test_date_and_time_equality_stays_exact():
    criterion = only_criterion(EVERY_KIND, "seen=2024-01-01T09:30")

    assert criterion.condition == "is"
    assert criterion.value == "1704101400000"


def test_bad_date():
    message = syntax_error(EVERY_KIND, "due>2024-13-01")

    assert message == (
        "`due>2024-13-01`: Due date needs a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)."
    )


def test_number_values():
    assert only_criterion(EVERY_KIND, "weight>=12.5").value == "12.5"
    assert only_criterion(EVERY_KIND, "price<-3").value == "-3"
    assert only_criterion(EVERY_KIND, "done<=+50").value == "50"


def test_bad_number():
    assert syntax_error(EVERY_KIND, "pages>abc") == "`pages>abc`: Pages needs a number, such as 12."
    message = syntax_error(EVERY_KIND, "price=1,5")
    assert message == "`price=1,5`: Price needs a number, such as 12.50."


def test_bad_id():
    assert syntax_error(BOOKS, "id=abc") == "`id=abc`: an ID is digits only, such as 301."


def test_boolean_values():
    assert only_criterion(EVERY_KIND, "in_stock=yes").value == "true"
    assert only_criterion(EVERY_KIND, "in_stock=TRUE").value == "true"
    assert only_criterion(EVERY_KIND, "in_stock!=no").value == "false"
    assert only_criterion(EVERY_KIND, "in_stock=false").value == "false"


def test_bad_boolean():
    message = syntax_error(EVERY_KIND, "in_stock=maybe")

    assert message == "`in_stock=maybe`: In stock takes yes, no, true or false."


def test_pick_list_name_canonical():
    assert only_criterion(BOOKS, "category=fantasy") == Criterion(
        "cm_fields.pick_category", "is", "Fantasy"
    )
    assert only_criterion(BOOKS, 'category="humor and satire."').value == "Humor and satire."


def test_pick_list_unknown_name_suggests_close():
    message = syntax_error(BOOKS, "category=Fantasi")

    assert message == '`category=Fantasi`: Category has no option "Fantasi". Close options: Fantasy'


def test_pick_list_unknown_name_lists_options():
    message = syntax_error(BOOKS, "category=zzz")

    assert message == (
        '`category=zzz`: Category has no option "zzz". '
        "Options include: Novel, Classics, Fantasy, Humor and satire."
    )


def test_pick_list_contains_not_checked():
    assert only_criterion(BOOKS, "category~fan").value == "fan"


def test_lookup_without_options_accepts_any_name():
    assert only_criterion(EVERY_KIND, "owner=Ada").value == "Ada"


def test_multi_select_name_checked():
    assert only_criterion(EVERY_KIND, "tags=blue").value == "Blue"
    assert "Close options: Green" in syntax_error(EVERY_KIND, "tags=gren")


def test_comparison_on_text_rejected():
    message = syntax_error(BOOKS, "title>m")

    assert message == "`title>m`: > compares numbers and dates, and Title is neither."


def test_contains_on_number_rejected():
    message = syntax_error(EVERY_KIND, "pages~1")

    assert message == "`pages~1`: ~ searches text, so use = or a comparison for Pages."


def test_contains_on_boolean_rejected():
    assert syntax_error(EVERY_KIND, "in_stock~y").startswith("`in_stock~y`: ~ searches text")


# Sorting ---------------------------------------------------------------------------------


def test_sort_field_and_desc():
    spec = parse_search(BOOKS, "sort:author desc")

    assert spec.sort_field == "cm_fields.sline_author"
    assert spec.sort_order == "desc"
    assert spec.criteria == ()


def test_sort_defaults_to_asc():
    spec = parse_search(BOOKS, "SORT:Category")

    assert spec.sort_field == "cm_fields.pick_category"
    assert spec.sort_order == "asc"


def test_desc_alone_sorts_by_created_time():
    spec = parse_search(BOOKS, "DESC")

    assert spec.sort_field == "created_time"
    assert spec.sort_order == "desc"


def test_sort_by_quoted_label():
    assert parse_search(EVERY_KIND, 'sort:"due date" asc').sort_field == "cm_fields.date_due"


def test_sort_errors():
    both_orders = syntax_error(BOOKS, "asc desc")
    two_sorts = syntax_error(BOOKS, "sort:title sort:author")
    no_field = syntax_error(BOOKS, "sort:")

    assert both_orders == "`desc`: use either asc or desc, not both."
    assert two_sorts == "`sort:author`: give only one sort: term."
    assert no_field == "`sort:`: name a field after sort:, for example sort:title."
    assert syntax_error(BOOKS, "sort:colour").startswith('`sort:colour`: unknown field "colour"')


def test_no_sort_when_not_asked():
    spec = parse_search(BOOKS, "dune")

    assert spec.sort_field is None
    assert spec.sort_order is None


# Free text -------------------------------------------------------------------------------


def test_free_words_form_one_or_group():
    spec = parse_search(BOOKS, "harry potter")

    assert spec.criteria == (
        Criterion("title", "contains", "harry potter"),
        Criterion("cm_fields.sline_author", "contains", "harry potter", logical_operator="OR"),
    )


def test_free_text_fields_exclude_html_and_choices():
    spec = parse_search(EVERY_KIND, "laptop")

    assert [c.field for c in spec.criteria] == [
        "title",
        "cm_fields.mline_notes",
        "cm_fields.email_contact",
        "cm_fields.phone_desk",
        "cm_fields.url_site",
    ]


def test_free_text_before_field_terms():
    spec = parse_search(BOOKS, "category=Novel harry author~row potter")

    assert [(c.field, c.condition, c.value, c.logical_operator) for c in spec.criteria] == [
        ("title", "contains", "harry potter", None),
        ("cm_fields.sline_author", "contains", "harry potter", "OR"),
        ("cm_fields.pick_category", "is", "Novel", "AND"),
        ("cm_fields.sline_author", "contains", "row", "AND"),
    ]


def test_empty_search():
    spec = parse_search(BOOKS, "   ")

    assert spec == SearchSpec(criteria=(), sort_field=None, sort_order=None, text="   ")


def test_spec_keeps_text():
    assert parse_search(BOOKS, "dune desc").text == "dune desc"


# Queries ---------------------------------------------------------------------------------


def test_to_query():
    spec = parse_search(BOOKS, "dune author=Herbert sort:title desc")

    query = spec.to_query(row_count=25, start_index=26, trash=True)

    assert query.row_count == 25
    assert query.start_index == 26
    assert query.trash is True
    assert query.sort_field == "title"
    assert query.sort_order == "desc"
    assert query.criteria == spec.criteria
    assert query.to_list_info()["search_criteria"][2] == {
        "field": "cm_fields.sline_author",
        "condition": "is",
        "value": "Herbert",
        "logical_operator": "AND",
    }


def test_to_query_defaults():
    query = parse_search(BOOKS, "").to_query()

    assert (query.row_count, query.start_index, query.trash) == (10, 1, False)


# Matching records ------------------------------------------------------------------------


def book(title: str = "Dune", **values: Any) -> Record:
    return Record(id="301", title=title, description=None, values=values)


def matches(module: Module, record: Record, text: str) -> bool:
    return record_matches(module, record, parse_search(module, text))


def test_match_text_operators():
    record = book(sline_author="Frank Herbert")

    assert matches(BOOKS, record, "author=frank herbert") is False
    assert matches(BOOKS, record, 'author="FRANK HERBERT"') is True
    assert matches(BOOKS, record, "author!=Tolkien") is True
    assert matches(BOOKS, record, 'author!="frank herbert"') is False
    assert matches(BOOKS, record, "author~herb") is True
    assert matches(BOOKS, record, "author~tolk") is False
    assert matches(BOOKS, record, "author!~tolk") is True
    assert matches(BOOKS, record, "author!~HERB") is False


def test_match_empty_value():
    record = book()

    assert matches(BOOKS, record, "author=x") is False
    assert matches(BOOKS, record, "author!=x") is True
    assert matches(BOOKS, record, "author~x") is False
    assert matches(BOOKS, record, "author!~x") is True


def test_match_number_operators():
    record = Record(id="7", title="Laptop", description=None, values={"num_pages": "12"})

    for text, expected in [
        ("pages=12", True), ("pages=12.00", True), ("pages!=12", False),
        ("pages>11", True), ("pages>12", False), ("pages<13", True), ("pages<12", False),
        ("pages>=12", True), ("pages>=13", False), ("pages<=12", True), ("pages<=11", False),
    ]:
        assert matches(EVERY_KIND, record, text) is expected, text


def test_match_numbers_not_compared_as_text():
    record = Record(id="7", title="x", description=None, values={"currency_price": "100.00"})

    assert matches(EVERY_KIND, record, "price>20") is True


def test_match_dates():
    due = {"value": "1709251200000", "display_value": "01/03/2024"}
    record = Record(id="7", title="x", description=None, values={"date_due": due})

    assert matches(EVERY_KIND, record, "due=2024-03-01") is True
    assert matches(EVERY_KIND, record, "due>2024-02-29") is True
    assert matches(EVERY_KIND, record, "due<2024-03-01") is False
    assert matches(EVERY_KIND, record, "due<=2024-03-01") is True


def test_match_date_equality_whole_day():
    # 2023-04-17 10:56:43.728 UTC, the created time of the vendor's sample record.
    record = Record(id="301", title="x", description=None, values={}, created_time=1681729003728)

    assert matches(BOOKS, record, "created=2023-04-17") is True
    assert matches(BOOKS, record, "created=2023-04-18") is False
    assert matches(BOOKS, record, "created=2023-04-16") is False
    assert matches(BOOKS, record, "created!=2023-04-17") is False
    assert matches(BOOKS, record, "created!=2023-04-18") is True


def test_match_day_edges():
    first = {"value": "1709251200000"}
    last = {"value": "1709337599999"}
    next_day = {"value": "1709337600000"}

    for value, expected in [(first, True), (last, True), (next_day, False)]:
        record = Record(id="7", title="x", description=None, values={"datetime_seen": value})
        assert matches(EVERY_KIND, record, "seen=2024-03-01") is expected, value


def test_match_day_without_value():
    record = Record(id="7", title="x", description=None, values={})

    assert matches(EVERY_KIND, record, "seen=2024-03-01") is False
    assert matches(EVERY_KIND, record, "seen!=2024-03-01") is False


def test_day_range_agrees_with_emulator():
    store = EmulatorState().store("cm_books")
    resolver = record_resolver(store.module, flat=False)
    seed = store.get("301")
    local = Record(id="301", title=seed.title, description=None, values={},
                   created_time=seed.created_ms)

    for text, expected in [
        ("created=2023-04-17", True),
        ("created=2023-04-18", False),
        ("created!=2023-04-17", False),
        ("created!=2023-04-16", True),
    ]:
        spec = parse_search(BOOKS, text)
        emulated = compile_criteria([c.to_json() for c in spec.criteria], resolver)

        assert emulated(seed) is expected, text
        assert record_matches(BOOKS, local, spec) is expected, text


def test_match_created_and_id():
    record = Record(id="301", title="x", description=None, values={}, created_time=1709251200000)

    assert matches(BOOKS, record, "created>=2024-03-01") is True
    assert matches(BOOKS, record, "created>2024-03-01") is False
    assert matches(BOOKS, record, "updated>2024-03-01") is False
    assert matches(BOOKS, record, "id>300") is True
    assert matches(BOOKS, record, "id=301") is True


def test_match_pick_list_by_name():
    record = book(pick_category={"name": "Fantasy", "id": "3636"})

    assert matches(BOOKS, record, "category=fantasy") is True
    assert matches(BOOKS, record, "category!=Fantasy") is False
    assert matches(BOOKS, record, "category=Novel") is False
    assert matches(BOOKS, record, "category~TAS") is True


def test_match_multi_select_any_value():
    tags = [{"name": "Red", "id": "11"}, {"name": "Blue", "id": "12"}]
    record = Record(id="7", title="x", description=None, values={"multi_tags": tags})

    assert matches(EVERY_KIND, record, "tags=blue") is True
    assert matches(EVERY_KIND, record, "tags=green") is False
    assert matches(EVERY_KIND, record, "tags!=blue") is False
    assert matches(EVERY_KIND, record, "tags!=green") is True


def test_match_multi_select_plain_strings():
    record = Record(id="7", title="x", description=None, values={"multi_tags": ["Red", "Blue"]})

    assert matches(EVERY_KIND, record, "tags=Red") is True


def test_match_boolean():
    record = Record(id="7", title="x", description=None, values={"bool_in_stock": True})

    assert matches(EVERY_KIND, record, "in_stock=yes") is True
    assert matches(EVERY_KIND, record, "in_stock=no") is False
    assert matches(EVERY_KIND, record, "in_stock!=no") is True


def test_match_html_as_text():
    record = Record(id="7", title="x", description="<div>Tom &amp; Jerry</div>", values={})

    assert matches(EVERY_KIND, record, 'description~"tom & jerry"') is True
    assert matches(EVERY_KIND, record, "description~div") is False


def test_match_free_text_or_group():
    record = book(title="Dune", sline_author="Frank Herbert")

    assert matches(BOOKS, record, "dune") is True
    assert matches(BOOKS, record, "herbert") is True
    assert matches(BOOKS, record, "tolkien") is False


def test_match_free_text_and_field_terms():
    record = book(title="Dune", sline_author="Frank Herbert", pick_category={"name": "Novel"})

    assert matches(BOOKS, record, "herbert category=Novel") is True
    assert matches(BOOKS, record, "herbert category=Fantasy") is False
    assert matches(BOOKS, record, "tolkien category=Novel") is False


def test_match_flat_module():
    record = Record(id="1", title="x", description=None, values={"author": "Ada", "pages": "300"})

    assert matches(FLAT, record, "author=ada page_count>=300") is True
    assert matches(FLAT, record, "author=ada page_count>300") is False


def test_match_empty_spec():
    assert record_matches(BOOKS, book(), parse_search(BOOKS, "")) is True


def test_match_unknown_path_is_false():
    spec = SearchSpec((Criterion("cm_fields.sline_gone", "is", "x"),), None, None, "")

    assert record_matches(BOOKS, book(), spec) is False


def test_match_left_to_right():
    # (title is Dune OR author is Tolkien) AND category is Novel, read left to right.
    spec = SearchSpec(
        (
            Criterion("title", "is", "Dune"),
            Criterion("cm_fields.sline_author", "is", "Tolkien", logical_operator="OR"),
            Criterion("cm_fields.pick_category", "is", "Novel", logical_operator="AND"),
        ),
        None,
        None,
        "",
    )

    assert record_matches(BOOKS, book(title="Emma", sline_author="Tolkien",
                                      pick_category={"name": "Novel"}), spec) is True
    assert record_matches(BOOKS, book(title="Dune", pick_category={"name": "Fantasy"}),
                          spec) is False
