"""Record content of every kind and size must render valid payloads with no live mentions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.blockkit import validate_message, validate_options, validate_view
from bot.rendering import (
    error_message,
    help_message,
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

from .conftest import (
    HOSTILE,
    all_strings,
    books_module,
    every_kind_module,
    every_kind_values,
    record_json,
)

LIVE_TOKENS = ("<!channel>", "<!here", "<!everyone>", "<@U1>")


def display_texts(payload: Any) -> Iterator[str]:
    """Yield the strings Slack shows as message text: text objects and the fallback."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from display_texts(value)
    elif isinstance(payload, list):
        for item in payload:
            yield from display_texts(item)


def assert_no_live_tokens(payload: Any) -> None:
    for text in display_texts(payload):
        for token in LIVE_TOKENS:
            assert token not in text, text


def hostile_record(size: int = 10_000) -> Record:
    long_text = (HOSTILE * (size // len(HOSTILE) + 1))[:size]
    return Record.from_json(record_json(
        title=(HOSTILE * 10)[:300],
        description="<div>" + (HOSTILE * 100)[:5000] + "</div><script>alert(1)</script>",
        cm_fields=every_kind_values(long_text),
        created_by={"name": HOSTILE},
        updated_by={"name": HOSTILE},
        updated_time={"value": "1681729999000"},
    ))


@pytest.fixture(params=[5, 200, 1500], ids=["5 values", "200 values", "1500 values"])
def module(request: pytest.FixtureRequest) -> Module:
    return every_kind_module(pick_count=request.param)


@pytest.mark.parametrize("trashed", [False, True])
def test_hostile_card(module: Module, trashed: bool) -> None:
    record = hostile_record()
    record.is_trashed = trashed
    card = record_card(module, record, link="https://x.com/<!channel>", note="By <@U2>")
    validate_message(card, check_lengths_utf16=True)
    assert_no_live_tokens(card)
    assert len(card["text"]) <= 3000


def test_note_keeps_mentions_but_not_broadcasts() -> None:
    card = record_card(books_module(), hostile_record(), note=HOSTILE)
    note = card["blocks"][-2]["elements"][0]["text"]
    assert "<@U1>" in note
    assert "<!channel>" not in note
    assert "<!here" not in note


def test_hostile_description_is_cut_with_note() -> None:
    card = record_card(books_module(), hostile_record())
    description = card["blocks"][1]["text"]["text"]
    assert len(description) <= 3000
    assert description.endswith("_(cut; open the record for the rest)_")
    assert "alert(1)" not in description


def test_hostile_header_is_cut() -> None:
    header = record_card(books_module(), hostile_record())["blocks"][0]["text"]["text"]
    assert len(header) <= 150
    assert header.endswith("…")


def test_hostile_list(module: Module) -> None:
    records = [hostile_record(2000) for _ in range(20)]
    listing = record_list(module, Page(records, 21, True, 10**6), query_text=HOSTILE * 50)
    validate_message(listing, check_lengths_utf16=True)
    assert_no_live_tokens(listing)
    assert len(listing["blocks"]) <= 50


def test_hostile_form(module: Module) -> None:
    view = record_form(module, record=hostile_record(), private_metadata=HOSTILE * 30,
                       errors={"_form": HOSTILE * 100})
    validate_view(view, check_lengths_utf16=True)
    assert_no_live_tokens(view)
    for block in view["blocks"]:
        element = block.get("element", {})
        assert len(element.get("options", [])) <= 100


def test_hostile_form_typed_values(module: Module) -> None:
    typed = {field.name: {"value": HOSTILE * 200} for field in module.fields
             if field.kind.is_text}
    view = record_form(module, values=typed)
    validate_view(view, check_lengths_utf16=True)


def test_hostile_option_names() -> None:
    options = [Option(HOSTILE * 10, HOSTILE * 10) for _ in range(3)]
    module = books_module()
    view = record_form(module, options={"pick_category": options})
    validate_view(view, check_lengths_utf16=True)
    assert_no_live_tokens(view)
    response = option_list(options * 100, hint=HOSTILE * 10)
    validate_options(response, check_lengths_utf16=True)
    assert_no_live_tokens(response)


def test_hostile_values_message() -> None:
    module = books_module()
    field = Field("pick_x", HOSTILE * 20, FieldKind.PICK_LIST)
    options = [Option(str(index), HOSTILE * 30) for index in range(1500)]
    message = values_message(module, field, options, total=1500)
    validate_message(message, check_lengths_utf16=True)
    assert_no_live_tokens(message)


def test_hostile_help_and_short_messages() -> None:
    module = Module("cm_x", "cm_y", HOSTILE * 10, HOSTILE)
    messages = [
        help_message([module] * 60, command=HOSTILE),
        usage_message(HOSTILE * 100, command=HOSTILE),
        error_message(HOSTILE * 100, HOSTILE * 100, error_id=HOSTILE),
        notice_message(HOSTILE * 500),
    ]
    for message in messages:
        validate_message(message, check_lengths_utf16=True)
        assert_no_live_tokens(message)


def test_hostile_thread_line() -> None:
    field = Field("f", HOSTILE, FieldKind.HTML)
    message = thread_line(
        "edited", actor=HOSTILE * 10, actor_user_id="<!channel>",
        changes=[(field, HOSTILE * 100, HOSTILE * 100), (HOSTILE, HOSTILE, None)],
        when_ms=1681729003728, record_label=HOSTILE * 10,
    )
    validate_message(message, check_lengths_utf16=True)
    assert_no_live_tokens(message)


def test_hostile_strings_are_escaped_not_dropped() -> None:
    card = record_card(books_module(), Record.from_json(record_json(title="<!channel> & co")))
    assert "&lt;!channel&gt; &amp; co" in list(all_strings(card))
