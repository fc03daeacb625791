"""Each rule of the validator, shown by a payload that breaks it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from bot.blockkit import (
    BlockKitError,
    validate_message,
    validate_options,
    validate_payload,
    validate_view,
)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def button(**changes: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "b", "text": plain("Go"), "value": "v", **changes}


def message(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"text": "fallback", "blocks": list(blocks)}


def section(text: str = "hi", **changes: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **changes}


def select(**changes: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "value",
            "options": [option("A", "a"), option("B", "b")], **changes}


def input_block(element: dict[str, Any], block_id: str = "field:x") -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": plain("X"), "element": element}


def modal(*blocks: dict[str, Any], **changes: Any) -> dict[str, Any]:
    view = {"type": "modal", "callback_id": "record_form", "title": plain("New Book"),
            "submit": plain("Add"), "close": plain("Cancel"), "blocks": list(blocks)}
    view.update(changes)
    return view


def problems_of(check: Callable[[Any], None], payload: Any, **options: Any) -> list[str]:
    with pytest.raises(BlockKitError) as caught:
        check(payload, **options)
    return caught.value.problems


def assert_problem(check: Callable[[Any], None], payload: Any, path: str, **options: Any) -> None:
    """Check that the payload fails and one problem names ``path``."""
    problems = problems_of(check, payload, **options)
    assert any(problem.startswith(path + ":") for problem in problems), problems


# Valid payloads --------------------------------------------------------------------------


def test_valid_message_passes() -> None:
    validate_message(message(section(accessory=button()), {"type": "divider"}))


def test_valid_view_passes() -> None:
    validate_view(modal(input_block(select(initial_option=option("B", "b")))))


def test_valid_options_pass() -> None:
    validate_options({"options": [option("A", "a")]})
    validate_options({"options": []})


# Messages --------------------------------------------------------------------------------


def test_message_needs_text() -> None:
    assert_problem(validate_message, {"blocks": [section()]}, "/text")


def test_message_blank_text() -> None:
    assert_problem(validate_message, {"text": "  ", "blocks": [section()]}, "/text")


def test_message_over_50_blocks() -> None:
    assert_problem(validate_message, message(*[section() for _ in range(51)]), "/blocks")


def test_message_blocks_as_json_string() -> None:
    body = {"text": "x", "blocks": json.dumps([section("a" * 3001)])}
    assert_problem(validate_message, body, "/blocks/0/text/text")


def test_delete_original_needs_no_text() -> None:
    validate_message({"delete_original": True})


def test_broadcast_mention_rejected() -> None:
    assert_problem(validate_message, message(section("hi <!channel>")), "/blocks/0/text/text")
    assert_problem(validate_message, {"text": "<!here>"}, "/text")


def test_broadcast_mention_allowed_on_request() -> None:
    validate_message(message(section("hi <!channel>")), allow_broadcasts=True)


# Blocks ----------------------------------------------------------------------------------


def test_unknown_block_type() -> None:
    assert_problem(validate_message, message({"type": "banner"}), "/blocks/0/type")


def test_unknown_key_rejected() -> None:
    payload = message({"type": "actions", "elements": [button(disabled=True)]})
    assert_problem(validate_message, payload, "/blocks/0/elements/0/disabled")


def test_duplicate_block_id() -> None:
    payload = message(section(block_id="a"), section(block_id="a"))
    assert_problem(validate_message, payload, "/blocks/1/block_id")


def test_duplicate_action_id_in_block() -> None:
    payload = message({"type": "actions", "elements": [button(), button()]})
    assert_problem(validate_message, payload, "/blocks/0/elements/1/action_id")


def test_section_text_over_3000() -> None:
    assert_problem(validate_message, message(section("a" * 3001)), "/blocks/0/text/text")


def test_section_without_text_or_fields() -> None:
    assert_problem(validate_message, message({"type": "section"}), "/blocks/0")


def test_section_over_10_fields() -> None:
    block = {"type": "section", "fields": [mrkdwn("x") for _ in range(11)]}
    assert_problem(validate_message, message(block), "/blocks/0/fields")


def test_section_field_over_2000() -> None:
    block = {"type": "section", "fields": [mrkdwn("a" * 2001)]}
    assert_problem(validate_message, message(block), "/blocks/0/fields/0/text")


def test_empty_text_object() -> None:
    assert_problem(validate_message, message(section("")), "/blocks/0/text/text")


def test_header_over_150() -> None:
    block = {"type": "header", "text": plain("a" * 151)}
    assert_problem(validate_message, message(block), "/blocks/0/text/text")


def test_header_must_be_plain_text() -> None:
    block = {"type": "header", "text": mrkdwn("a")}
    assert_problem(validate_message, message(block), "/blocks/0/text/type")


def test_context_over_10_elements() -> None:
    block = {"type": "context", "elements": [mrkdwn("x") for _ in range(11)]}
    assert_problem(validate_message, message(block), "/blocks/0/elements")


def test_actions_needs_elements() -> None:
    assert_problem(validate_message, message({"type": "actions", "elements": []}),
                   "/blocks/0/elements")


# Buttons and confirm dialogs -------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"text": plain("a" * 76)}, "/blocks/0/accessory/text/text"),
        ({"value": "a" * 2001}, "/blocks/0/accessory/value"),
        ({"url": "https://x.com/" + "a" * 3000}, "/blocks/0/accessory/url"),
        ({"style": "loud"}, "/blocks/0/accessory/style"),
        ({"action_id": "a" * 256}, "/blocks/0/accessory/action_id"),
    ],
)
def test_button_limits(changes: dict[str, Any], path: str) -> None:
    assert_problem(validate_message, message(section(accessory=button(**changes))), path)


@pytest.mark.parametrize(
    ("key", "size"), [("title", 101), ("text", 301), ("confirm", 31), ("deny", 31)]
)
def test_confirm_limits(key: str, size: int) -> None:
    confirm = {"title": plain("T"), "text": plain("Sure?"), "confirm": plain("Yes"),
               "deny": plain("No")}
    confirm[key] = plain("a" * size)
    payload = message(section(accessory=button(confirm=confirm)))
    assert_problem(validate_message, payload, f"/blocks/0/accessory/confirm/{key}/text")


# Selects and options ---------------------------------------------------------------------


def test_option_text_over_75() -> None:
    element = select(options=[option("a" * 76, "a")])
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/options/0/text/text")


def test_option_value_over_150() -> None:
    element = select(options=[option("A", "a" * 151)])
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/options/0/value")


def test_static_select_empty_options() -> None:
    assert_problem(validate_view, modal(input_block(select(options=[]))),
                   "/blocks/0/element/options")


def test_static_select_over_100_options() -> None:
    element = select(options=[option(str(i), str(i)) for i in range(101)])
    assert_problem(validate_view, modal(input_block(element)), "/blocks/0/element/options")


def test_static_select_options_and_groups() -> None:
    element = select(option_groups=[{"label": plain("G"), "options": [option("A", "a")]}])
    assert_problem(validate_view, modal(input_block(element)), "/blocks/0/element")


def test_initial_option_not_in_options() -> None:
    element = select(initial_option=option("C", "c"))
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/initial_option")


def test_placeholder_over_150() -> None:
    element = select(placeholder=plain("a" * 151))
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/placeholder/text")


def test_external_select_min_query_length() -> None:
    element = {"type": "external_select", "action_id": "value", "min_query_length": -1}
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/min_query_length")


# Inputs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("max_length", [0, 3001, "10"])
def test_plain_text_input_max_length(max_length: object) -> None:
    element = {"type": "plain_text_input", "action_id": "value", "max_length": max_length}
    assert_problem(validate_view, modal(input_block(element)), "/blocks/0/element/max_length")


def test_initial_value_longer_than_max_length() -> None:
    element = {"type": "plain_text_input", "action_id": "value", "max_length": 5,
               "initial_value": "abcdef"}
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/initial_value")


def test_number_input_needs_decimal_flag() -> None:
    element = {"type": "number_input", "action_id": "value"}
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/is_decimal_allowed")


def test_number_input_rejects_decimal_initial_value() -> None:
    element = {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
               "initial_value": "1.5"}
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/initial_value")


def test_datepicker_initial_date() -> None:
    element = {"type": "datepicker", "action_id": "value", "initial_date": "2023-02-30"}
    assert_problem(validate_view, modal(input_block(element)),
                   "/blocks/0/element/initial_date")


def test_checkboxes_over_10_options() -> None:
    element = {"type": "checkboxes", "action_id": "value",
               "options": [option(str(i), str(i)) for i in range(11)]}
    assert_problem(validate_view, modal(input_block(element)), "/blocks/0/element/options")


def test_input_label_over_2000() -> None:
    block = input_block({"type": "plain_text_input", "action_id": "value"})
    block["label"] = plain("a" * 2001)
    assert_problem(validate_view, modal(block), "/blocks/0/label/text")


def test_button_is_not_an_input_element() -> None:
    assert_problem(validate_view, modal(input_block(button())), "/blocks/0/element/type")


# Views -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "size"), [("title", 25), ("submit", 25), ("close", 25)])
def test_view_text_limits(key: str, size: int) -> None:
    assert_problem(validate_view, modal(section(), **{key: plain("a" * size)}), f"/{key}/text")


def test_view_title_at_24_passes() -> None:
    validate_view(modal(section(), title=plain("a" * 24)))


def test_view_inputs_need_submit() -> None:
    view = modal(input_block(select()))
    del view["submit"]
    assert_problem(validate_view, view, "/submit")


def test_view_private_metadata_over_3000() -> None:
    assert_problem(validate_view, modal(section(), private_metadata="a" * 3001),
                   "/private_metadata")


def test_view_over_100_blocks() -> None:
    assert_problem(validate_view, modal(*[section() for _ in range(101)]), "/blocks")


def test_view_duplicate_block_id() -> None:
    block = input_block({"type": "plain_text_input", "action_id": "value"})
    assert_problem(validate_view, modal(block, copy.deepcopy(block)), "/blocks/1/block_id")


def test_view_unknown_key() -> None:
    assert_problem(validate_view, modal(section(), colour="red"), "/colour")


# block_suggestion responses --------------------------------------------------------------


def test_options_over_100() -> None:
    response = {"options": [option(str(i), str(i)) for i in range(101)]}
    assert_problem(validate_options, response, "/options")


def test_options_need_one_key() -> None:
    assert_problem(validate_options, {}, "/")
    both = {"options": [], "option_groups": [{"label": plain("G"), "options": []}]}
    assert_problem(validate_options, both, "/")


def test_option_group_label_over_75() -> None:
    response = {"option_groups": [{"label": plain("a" * 76), "options": [option("A", "a")]}]}
    assert_problem(validate_options, response, "/option_groups/0/label/text")


# Length units ----------------------------------------------------------------------------


def test_utf16_lengths_on_request() -> None:
    block = {"type": "header", "text": plain("🎉" * 100)}
    validate_message(message(block))
    assert_problem(validate_message, message(block), "/blocks/0/text/text",
                   check_lengths_utf16=True)


# validate_payload ------------------------------------------------------------------------


def test_payload_routes_messages() -> None:
    for method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url",
                   "/api/chat.postMessage"):
        with pytest.raises(BlockKitError):
            validate_payload(method, {"channel": "C1", "blocks": [section()]})


def test_payload_routes_views() -> None:
    bad = modal(section(), title=plain("a" * 30))
    for method in ("views.open", "views.update", "views.push"):
        with pytest.raises(BlockKitError):
            validate_payload(method, {"trigger_id": "1", "view": bad})
    with pytest.raises(BlockKitError):
        validate_payload("views.open", {"view": json.dumps(bad)})
    validate_payload("views.open", {"view": json.dumps(modal(section()))})


def test_payload_routes_options() -> None:
    validate_payload("block_suggestion", {"options": []})
    with pytest.raises(BlockKitError):
        validate_payload("block_suggestion", {"options": [option("a" * 80, "a")]})


def test_payload_view_submission_answers() -> None:
    validate_payload("view_submission", {"response_action": "errors",
                                         "errors": {"field:title": "Enter a title."}})
    validate_payload("view_submission", {"response_action": "clear"})
    with pytest.raises(BlockKitError):
        validate_payload("view_submission", {"response_action": "errors", "errors": {}})
    with pytest.raises(BlockKitError):
        validate_payload("view_submission", {"response_action": "update",
                                             "view": modal(section(""))})


def test_payload_other_methods_pass() -> None:
    validate_payload("auth.test", {})
    validate_payload("conversations.info", {"channel": "C1"})


def test_error_lists_every_problem() -> None:
    payload = {"blocks": [section(""), {"type": "banner"}]}
    problems = problems_of(validate_message, payload)
    assert len(problems) >= 3
    assert "invalid Block Kit payload" in str(BlockKitError(problems))
