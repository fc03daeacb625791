"""Validation of the final Block Kit JSON that the bot sends to Slack.

Two layers run over every payload:

1. slack_sdk's models (``Block.parse`` / ``View(**view)`` then ``to_dict()``), which check most
   length limits of slack_sdk 3.47.
2. A guard over the JSON itself for what those models miss (checked against slack_sdk 3.47).
   It checks option text and value lengths on dict options, empty option lists, duplicate
   block_id and action_id values and ``plain_text_input.max_length``. It also checks the
   2000-character section field, the 50-block message cap, unknown block types and keys, a
   view with inputs but no ``submit``, empty text objects and a missing ``text`` fallback.
   Broadcast mentions (``<!channel>``, ``<!here>``, ``<!everyone>``) are rejected too,
   because this bot never sends them on purpose.

Problems are reported with JSON-pointer paths such as ``/blocks/3/fields/0/text``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
# Slack truncates message text above 40,000 characters.
MAX_MESSAGE_TEXT = 40_000
MAX_OPTIONS = 100

BROADCAST_PATTERN = re.compile(r"<!(channel|here|everyone)\b[^>]*>", re.IGNORECASE)
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER_PATTERN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
INTEGER_PATTERN = re.compile(r"[+-]?\d+")

MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage",
     "response_url"}
)
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})
OPTIONS_METHODS = frozenset({"block_suggestion", "options"})

PLAIN_TEXT_KEYS = frozenset({"type", "text", "emoji"})
MRKDWN_KEYS = frozenset({"type", "text", "verbatim"})
VIEW_KEYS = frozenset(
    {"type", "title", "blocks", "close", "submit", "private_metadata", "callback_id",
     "clear_on_close", "notify_on_close", "external_id", "submit_disabled"}
)
BLOCK_KEYS: dict[str, frozenset[str]] = {
    "section": frozenset({"type", "block_id", "text", "fields", "accessory", "expand"}),
    "header": frozenset({"type", "block_id", "text"}),
    "context": frozenset({"type", "block_id", "elements"}),
    "actions": frozenset({"type", "block_id", "elements"}),
    "divider": frozenset({"type", "block_id"}),
    "input": frozenset(
        {"type", "block_id", "label", "element", "hint", "optional", "dispatch_action"}
    ),
    "image": frozenset({"type", "block_id", "image_url", "slack_file", "alt_text", "title"}),
    "markdown": frozenset({"type", "block_id", "text"}),
}
# Block types that are accepted without a check of their inside.
OPAQUE_BLOCK_TYPES = frozenset({"rich_text", "video", "file", "table"})

_COMMON_ELEMENT_KEYS = frozenset({"type", "action_id", "focus_on_load"})
ELEMENT_KEYS: dict[str, frozenset[str]] = {
    "button": frozenset(
        {"type", "action_id", "text", "value", "url", "style", "confirm", "accessibility_label"}
    ),
    "static_select": _COMMON_ELEMENT_KEYS
    | {"placeholder", "options", "option_groups", "initial_option", "confirm"},
    "multi_static_select": _COMMON_ELEMENT_KEYS
    | {"placeholder", "options", "option_groups", "initial_options", "confirm",
       "max_selected_items"},
    "external_select": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_option", "min_query_length", "confirm"},
    "multi_external_select": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_options", "min_query_length", "confirm", "max_selected_items"},
    "plain_text_input": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_value", "multiline", "min_length", "max_length",
       "dispatch_action_config"},
    "number_input": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_value", "is_decimal_allowed", "min_value", "max_value",
       "dispatch_action_config"},
    "email_text_input": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_value", "dispatch_action_config"},
    "url_text_input": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_value", "dispatch_action_config"},
    "datepicker": _COMMON_ELEMENT_KEYS | {"placeholder", "initial_date", "confirm"},
    "datetimepicker": _COMMON_ELEMENT_KEYS | {"initial_date_time", "confirm"},
    "timepicker": _COMMON_ELEMENT_KEYS | {"placeholder", "initial_time", "confirm", "timezone"},
    "checkboxes": _COMMON_ELEMENT_KEYS | {"options", "initial_options", "confirm"},
    "radio_buttons": _COMMON_ELEMENT_KEYS | {"options", "initial_option", "confirm"},
    "overflow": frozenset({"type", "action_id", "options", "confirm"}),
}
# Element types that are accepted with only their action_id checked.
OTHER_ELEMENT_TYPES = frozenset(
    {"users_select", "multi_users_select", "conversations_select", "multi_conversations_select",
     "channels_select", "multi_channels_select", "rich_text_input", "file_input",
     "workflow_button"}
)
INPUT_ELEMENT_TYPES = frozenset(ELEMENT_KEYS) - {"button", "overflow"} | OTHER_ELEMENT_TYPES
ACCESSORY_TYPES = frozenset(ELEMENT_KEYS) | OTHER_ELEMENT_TYPES | {"image"}
ACTIONS_ELEMENT_TYPES = frozenset(ELEMENT_KEYS) | OTHER_ELEMENT_TYPES
OPTION_LIMITS: dict[str, tuple[int, int]] = {
    # element type: (minimum, maximum) number of options
    "static_select": (1, 100),
    "multi_static_select": (1, 100),
    "checkboxes": (1, 10),
    "radio_buttons": (1, 10),
    "overflow": (1, 5),
}


class BlockKitError(ValueError):
    """A payload that Slack would reject; ``problems`` lists each finding with its path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid Block Kit payload:\n" + "\n".join(self.problems))


@dataclass
class _Checker:
    """The guard over final JSON. Each check appends to ``problems`` instead of stopping."""

    check_lengths_utf16: bool = False
    allow_broadcasts: bool = False
    problems: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path or '/'}: {message}")

    def length(self, text: str) -> int:
        if self.check_lengths_utf16:
            return len(text.encode("utf-16-le")) // 2
        return len(text)

    def string(self, path: str, value: Any, limit: int, *, minimum: int = 1) -> None:
        if not isinstance(value, str):
            self.add(path, f"expected a string, got {type(value).__name__}")
            return
        size = self.length(value)
        if size < minimum:
            self.add(path, f"must have at least {minimum} characters")
        elif size > limit:
            self.add(path, f"has {size} characters, more than the maximum of {limit}")

    def keys(self, path: str, obj: Mapping[str, Any], allowed: frozenset[str]) -> None:
        for key in sorted(set(obj) - allowed):
            self.add(f"{path}/{key}", "unknown key (Slack rejects it)")

    def broadcasts(self, path: str, text: str) -> None:
        if not self.allow_broadcasts and BROADCAST_PATTERN.search(text):
            self.add(path, "contains a broadcast mention such as <!channel>")

    # Text and composition objects ------------------------------------------------------

    def text(self, path: str, obj: Any, limit: int, *, plain_only: bool = False) -> None:
        if not isinstance(obj, Mapping):
            self.add(path, "expected a text object")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn") or (plain_only and kind != "plain_text"):
            expected = "plain_text" if plain_only else "plain_text or mrkdwn"
            self.add(f"{path}/type", f"expected {expected}, got {kind!r}")
            return
        self.keys(path, obj, PLAIN_TEXT_KEYS if kind == "plain_text" else MRKDWN_KEYS)
        value = obj.get("text")
        self.string(f"{path}/text", value, limit)
        if isinstance(value, str):
            if not value.strip():
                self.add(f"{path}/text", "is blank")
            self.broadcasts(f"{path}/text", value)

    def optional_text(self, path: str, obj: Mapping[str, Any], key: str, limit: int,
                      *, plain_only: bool = True) -> None:
        if key in obj:
            self.text(f"{path}/{key}", obj[key], limit, plain_only=plain_only)

    def confirm(self, path: str, obj: Any) -> None:
        if not isinstance(obj, Mapping):
            self.add(path, "expected a confirm object")
            return
        self.keys(path, obj, frozenset({"title", "text", "confirm", "deny", "style"}))
        for key, limit in (("title", 100), ("confirm", 30), ("deny", 30)):
            if key not in obj:
                self.add(f"{path}/{key}", "is missing")
            else:
                self.text(f"{path}/{key}", obj[key], limit, plain_only=True)
        if "text" not in obj:
            self.add(f"{path}/text", "is missing")
        else:
            self.text(f"{path}/text", obj["text"], 300)
        if obj.get("style", "primary") not in ("primary", "danger"):
            self.add(f"{path}/style", "must be primary or danger")

    def option(self, path: str, obj: Any, *, plain_only: bool = True) -> None:
        if not isinstance(obj, Mapping):
            self.add(path, "expected an option object")
            return
        self.keys(path, obj, frozenset({"text", "value", "description", "url"}))
        if "text" not in obj:
            self.add(f"{path}/text", "is missing")
        else:
            self.text(f"{path}/text", obj["text"], 75, plain_only=plain_only)
        self.string(f"{path}/value", obj.get("value"), 150)
        self.optional_text(path, obj, "description", 75, plain_only=plain_only)
        if "url" in obj:
            self.string(f"{path}/url", obj["url"], 3000)

    def option_list(self, path: str, options: Any, minimum: int, maximum: int,
                    *, plain_only: bool = True) -> list[Any]:
        if not isinstance(options, list):
            self.add(path, "expected a list of options")
            return []
        if not minimum <= len(options) <= maximum:
            self.add(path, f"has {len(options)} options, expected {minimum} to {maximum}")
        for index, option in enumerate(options):
            self.option(f"{path}/{index}", option, plain_only=plain_only)
        return options

    def option_groups(self, path: str, groups: Any) -> list[Any]:
        if not isinstance(groups, list) or not 1 <= len(groups) <= MAX_OPTIONS:
            self.add(path, f"expected a list of 1 to {MAX_OPTIONS} option groups")
            return []
        options: list[Any] = []
        for index, group in enumerate(groups):
            group_path = f"{path}/{index}"
            if not isinstance(group, Mapping):
                self.add(group_path, "expected an option group")
                continue
            self.keys(group_path, group, frozenset({"label", "options"}))
            self.text(f"{group_path}/label", group.get("label"), 75, plain_only=True)
            options += self.option_list(
                f"{group_path}/options", group.get("options"), 1, MAX_OPTIONS
            )
        return options


def _same_option(first: Any, second: Any) -> bool:
    if not isinstance(first, Mapping) or not isinstance(second, Mapping):
        return False
    text_of = lambda option: (option.get("text") or {}).get("text")  # noqa: E731
    return first.get("value") == second.get("value") and text_of(first) == text_of(second)


# Elements ------------------------------------------------------------------------------


def _check_select_options(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    kind = element["type"]
    has_options = "options" in element
    has_groups = "option_groups" in element
    if kind in ("static_select", "multi_static_select") and has_options == has_groups:
        check.add(path, "needs exactly one of options and option_groups")
    if has_groups and kind in ("static_select", "multi_static_select"):
        options = check.option_groups(f"{path}/option_groups", element["option_groups"])
    elif has_options or kind in OPTION_LIMITS:
        minimum, maximum = OPTION_LIMITS.get(kind, (1, MAX_OPTIONS))
        plain_only = kind not in ("checkboxes", "radio_buttons")
        options = check.option_list(
            f"{path}/options", element.get("options"), minimum, maximum, plain_only=plain_only
        )
    else:
        options = []

    static = kind in OPTION_LIMITS
    if "initial_option" in element:
        initial = element["initial_option"]
        check.option(f"{path}/initial_option", initial, plain_only=False)
        if static and not any(_same_option(initial, option) for option in options):
            check.add(f"{path}/initial_option", "is not one of the element's options")
    if "initial_options" in element:
        initials = element["initial_options"]
        if not isinstance(initials, list):
            check.add(f"{path}/initial_options", "expected a list of options")
            return
        for index, initial in enumerate(initials):
            check.option(f"{path}/initial_options/{index}", initial, plain_only=False)
            if static and not any(_same_option(initial, option) for option in options):
                check.add(f"{path}/initial_options/{index}", "is not one of the element's options")


def _check_text_input(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    max_length = element.get("max_length", 3000)
    min_length = element.get("min_length", 0)
    if not isinstance(max_length, int) or not 1 <= max_length <= 3000:
        check.add(f"{path}/max_length", "must be an integer from 1 to 3000")
        max_length = 3000
    if not isinstance(min_length, int) or not 0 <= min_length <= 3000:
        check.add(f"{path}/min_length", "must be an integer from 0 to 3000")
    elif min_length > max_length:
        check.add(f"{path}/min_length", "is greater than max_length")
    if "initial_value" in element:
        check.string(f"{path}/initial_value", element["initial_value"], max_length, minimum=0)


def _check_number_input(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    decimal_allowed = element.get("is_decimal_allowed")
    if not isinstance(decimal_allowed, bool):
        check.add(f"{path}/is_decimal_allowed", "is required and must be true or false")
    pattern = NUMBER_PATTERN if decimal_allowed else INTEGER_PATTERN
    for key in ("initial_value", "min_value", "max_value"):
        value = element.get(key)
        if value is not None and not (isinstance(value, str) and pattern.fullmatch(value)):
            check.add(f"{path}/{key}", f"{value!r} is not a valid number for this input")


def _check_dates(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    if "initial_date" in element:
        value = element["initial_date"]
        try:
            valid = isinstance(value, str) and DATE_PATTERN.fullmatch(value) is not None
            valid = valid and date.fromisoformat(value) is not None
        except ValueError:
            valid = False
        if not valid:
            check.add(f"{path}/initial_date", f"{value!r} is not a YYYY-MM-DD date")
    if "initial_date_time" in element:
        value = element["initial_date_time"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            check.add(f"{path}/initial_date_time", "must be epoch seconds as an integer")


def _check_button(check: _Checker, path: str, element: Mapping[str, Any]) -> None:
    check.text(f"{path}/text", element.get("text"), 75, plain_only=True)
    if "value" in element:
        check.string(f"{path}/value", element["value"], 2000)
    if "url" in element:
        check.string(f"{path}/url", element["url"], 3000)
    if "accessibility_label" in element:
        check.string(f"{path}/accessibility_label", element["accessibility_label"], 75)
    if element.get("style", "primary") not in ("primary", "danger"):
        check.add(f"{path}/style", "must be primary or danger")


def _check_element(check: _Checker, path: str, element: Any, allowed: frozenset[str]) -> None:
    if not isinstance(element, Mapping):
        check.add(path, "expected an element object")
        return
    kind = element.get("type")
    if kind not in allowed:
        check.add(f"{path}/type", f"element type {kind!r} is not allowed here")
        return
    if "action_id" in element:
        check.string(f"{path}/action_id", element["action_id"], 255)
    if kind in OTHER_ELEMENT_TYPES or kind == "image":
        return

    check.keys(path, element, ELEMENT_KEYS[kind])
    check.optional_text(path, element, "placeholder", 150)
    if "confirm" in element:
        check.confirm(f"{path}/confirm", element["confirm"])
    if kind == "button":
        _check_button(check, path, element)
    elif kind == "plain_text_input":
        _check_text_input(check, path, element)
    elif kind == "number_input":
        _check_number_input(check, path, element)
    elif kind in ("datepicker", "datetimepicker"):
        _check_dates(check, path, element)
    elif kind in ("external_select", "multi_external_select"):
        query_length = element.get("min_query_length", 3)
        if isinstance(query_length, bool) or not isinstance(query_length, int) or query_length < 0:
            check.add(f"{path}/min_query_length", "must be a non-negative integer")
    if kind in OPTION_LIMITS or kind in ("external_select", "multi_external_select"):
        _check_select_options(check, path, element)


def _check_unique_action_ids(check: _Checker, path: str, elements: list[Any]) -> None:
    seen: set[str] = set()
    for index, element in enumerate(elements):
        action_id = element.get("action_id") if isinstance(element, Mapping) else None
        if action_id is None:
            continue
        if action_id in seen:
            check.add(f"{path}/{index}/action_id", f"duplicate action_id {action_id!r} in block")
        seen.add(action_id)


# Blocks --------------------------------------------------------------------------------


def _check_section(check: _Checker, path: str, block: Mapping[str, Any]) -> None:
    if "text" not in block and "fields" not in block:
        check.add(path, "a section needs text or fields")
    if "text" in block:
        check.text(f"{path}/text", block["text"], 3000)
    if "fields" in block:
        fields = block["fields"]
        if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
            check.add(f"{path}/fields", "expected a list of 1 to 10 text objects")
            fields = fields if isinstance(fields, list) else []
        for index, item in enumerate(fields):
            check.text(f"{path}/fields/{index}", item, 2000)
    if "accessory" in block:
        _check_element(check, f"{path}/accessory", block["accessory"], ACCESSORY_TYPES)


def _check_context(check: _Checker, path: str, block: Mapping[str, Any]) -> None:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
        check.add(f"{path}/elements", "expected a list of 1 to 10 elements")
        return
    for index, element in enumerate(elements):
        element_path = f"{path}/elements/{index}"
        if isinstance(element, Mapping) and element.get("type") == "image":
            continue
        check.text(element_path, element, 3000)


def _check_actions(check: _Checker, path: str, block: Mapping[str, Any]) -> None:
    elements = block.get("elements")
    if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
        check.add(f"{path}/elements", "expected a list of 1 to 25 elements")
        return
    for index, element in enumerate(elements):
        _check_element(check, f"{path}/elements/{index}", element, ACTIONS_ELEMENT_TYPES)
    _check_unique_action_ids(check, f"{path}/elements", elements)


def _check_input(check: _Checker, path: str, block: Mapping[str, Any]) -> None:
    check.text(f"{path}/label", block.get("label"), 2000, plain_only=True)
    check.optional_text(path, block, "hint", 2000)
    if "element" not in block:
        check.add(f"{path}/element", "is missing")
    else:
        _check_element(check, f"{path}/element", block["element"], INPUT_ELEMENT_TYPES)
    for key in ("optional", "dispatch_action"):
        if key in block and not isinstance(block[key], bool):
            check.add(f"{path}/{key}", "must be true or false")


def _check_header(check: _Checker, path: str, block: Mapping[str, Any]) -> None:
    check.text(f"{path}/text", block.get("text"), 150, plain_only=True)


def _check_markdown(check: _Checker, path: str, block: Mapping[str, Any]) -> None:
    check.string(f"{path}/text", block.get("text"), 12_000)
    if isinstance(block.get("text"), str):
        check.broadcasts(f"{path}/text", block["text"])


def _check_image(check: _Checker, path: str, block: Mapping[str, Any]) -> None:
    if "image_url" in block:
        check.string(f"{path}/image_url", block["image_url"], 3000)
    check.string(f"{path}/alt_text", block.get("alt_text"), 2000)
    check.optional_text(path, block, "title", 2000)


BLOCK_CHECKS: dict[str, Callable[[_Checker, str, Mapping[str, Any]], None]] = {
    "section": _check_section,
    "header": _check_header,
    "context": _check_context,
    "actions": _check_actions,
    "divider": lambda check, path, block: None,
    "input": _check_input,
    "image": _check_image,
    "markdown": _check_markdown,
}


def _check_blocks(check: _Checker, path: str, blocks: Any, maximum: int) -> None:
    if not isinstance(blocks, list):
        check.add(path, "expected a list of blocks")
        return
    if len(blocks) > maximum:
        check.add(path, f"has {len(blocks)} blocks, more than the maximum of {maximum}")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        block_path = f"{path}/{index}"
        if not isinstance(block, Mapping):
            check.add(block_path, "expected a block object")
            continue
        kind = block.get("type")
        if kind in OPAQUE_BLOCK_TYPES:
            continue
        if kind not in BLOCK_CHECKS:
            check.add(f"{block_path}/type", f"unknown block type {kind!r}")
            continue
        check.keys(block_path, block, BLOCK_KEYS[kind])
        if "block_id" in block:
            block_id = block["block_id"]
            check.string(f"{block_path}/block_id", block_id, 255)
            if block_id in block_ids:
                check.add(f"{block_path}/block_id", f"duplicate block_id {block_id!r}")
            if isinstance(block_id, str):
                block_ids.add(block_id)
        BLOCK_CHECKS[kind](check, block_path, block)


# slack_sdk layer -----------------------------------------------------------------------


_SDK_ERRORS = (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError)


def _sdk_blocks(check: _Checker, path: str, blocks: list[Any]) -> None:
    for index, block in enumerate(blocks):
        if not isinstance(block, Mapping):
            continue
        try:
            parsed = Block.parse(dict(block))
            if parsed is None:
                check.add(f"{path}/{index}", "slack_sdk does not know this block type")
            else:
                parsed.to_dict()
        except _SDK_ERRORS as error:
            check.add(f"{path}/{index}", f"slack_sdk: {error}")


def _sdk_view(check: _Checker, view: Mapping[str, Any]) -> None:
    # Blocks are checked one by one first so that a problem carries the block's path. The
    # whole view is parsed only when they pass, so no problem is reported twice.
    found = len(check.problems)
    _sdk_blocks(check, "/blocks", view.get("blocks") or [])
    if len(check.problems) > found:
        return
    try:
        View(**view).to_dict()
    except _SDK_ERRORS as error:
        check.add("/", f"slack_sdk: {error}")


# Public checks -------------------------------------------------------------------------


def _decoded(value: Any) -> Any:
    """Decode a JSON string, as form-encoded Web API calls carry ``blocks`` and ``view``."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _finish(check: _Checker) -> None:
    if check.problems:
        raise BlockKitError(check.problems)


def validate_message(payload: Mapping[str, Any], *, check_lengths_utf16: bool = False,
                     allow_broadcasts: bool = False) -> None:
    """Check a message body (chat.postMessage, chat.update, a response_url body ...).

    Raises ``BlockKitError`` listing every problem found. A body that only deletes the
    original message (``delete_original``) needs no ``text``.
    """
    check = _Checker(check_lengths_utf16, allow_broadcasts)
    if not isinstance(payload, Mapping):
        raise BlockKitError(["/: expected a message object"])
    if not payload.get("delete_original"):
        check.string("/text", payload.get("text"), MAX_MESSAGE_TEXT)
        if isinstance(payload.get("text"), str):
            if not payload["text"].strip():
                check.add("/text", "is blank; a message needs a text fallback")
            check.broadcasts("/text", payload["text"])
    if "blocks" in payload:
        blocks = _decoded(payload["blocks"])
        _check_blocks(check, "/blocks", blocks, MAX_MESSAGE_BLOCKS)
        if isinstance(blocks, list):
            _sdk_blocks(check, "/blocks", blocks)
    _finish(check)


def validate_view(view: Mapping[str, Any], *, check_lengths_utf16: bool = False,
                  allow_broadcasts: bool = False) -> None:
    """Check a modal or Home tab view as sent to views.open, views.update or views.push."""
    check = _Checker(check_lengths_utf16, allow_broadcasts)
    view = _decoded(view)
    if not isinstance(view, Mapping):
        raise BlockKitError(["/: expected a view object"])
    kind = view.get("type")
    if kind not in ("modal", "home"):
        check.add("/type", f"expected modal or home, got {kind!r}")
    check.keys("", view, VIEW_KEYS)
    if kind == "modal":
        check.text("/title", view.get("title"), 24, plain_only=True)
    check.optional_text("", view, "submit", 24)
    check.optional_text("", view, "close", 24)
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        if key in view:
            check.string(f"/{key}", view[key], limit, minimum=0)

    blocks = view.get("blocks")
    _check_blocks(check, "/blocks", blocks, MAX_VIEW_BLOCKS)
    has_inputs = isinstance(blocks, list) and any(
        isinstance(block, Mapping) and block.get("type") == "input" for block in blocks
    )
    if kind == "modal" and has_inputs and "submit" not in view:
        check.add("/submit", "a modal with input blocks needs a submit button")
    if isinstance(blocks, list):
        _sdk_view(check, view)
    _finish(check)


def validate_options(response: Mapping[str, Any], *, check_lengths_utf16: bool = False) -> None:
    """Check the response to a block_suggestion request (``options`` or ``option_groups``)."""
    check = _Checker(check_lengths_utf16)
    if not isinstance(response, Mapping):
        raise BlockKitError(["/: expected an object with options or option_groups"])
    if ("options" in response) == ("option_groups" in response):
        check.add("/", "needs exactly one of options and option_groups")
    check.keys("", response, frozenset({"options", "option_groups"}))
    if "options" in response:
        # An empty list is a valid response, and the menu then shows that nothing matched.
        check.option_list("/options", response["options"], 0, MAX_OPTIONS)
    if "option_groups" in response:
        check.option_groups("/option_groups", response["option_groups"])
    _finish(check)


def _check_view_submission_response(body: Mapping[str, Any]) -> None:
    action = body.get("response_action")
    if action in ("update", "push"):
        validate_view(body.get("view") or {})
    elif action == "errors":
        errors = body.get("errors")
        if not isinstance(errors, Mapping) or not errors:
            raise BlockKitError(["/errors: expected a non-empty object of block_id to message"])
        bad = [key for key, text in errors.items() if not isinstance(text, str) or not text]
        if bad:
            raise BlockKitError([f"/errors/{key}: expected a non-empty message" for key in bad])
    elif action not in (None, "clear"):
        raise BlockKitError([f"/response_action: unknown action {action!r}"])


def validate_payload(method: str, body: Mapping[str, Any]) -> None:
    """Run the check that fits a Web API call or an HTTP response to Slack.

    ``method`` is a Web API method name such as ``chat.postMessage`` or ``views.open``, or a
    URL path ending in one. It may also be ``response_url`` for a body posted to a response
    URL, ``block_suggestion`` for an options response, or ``view_submission`` for a
    ``response_action`` response. Other methods carry no Block Kit and pass unchecked.
    """
    name = method.rstrip("/").rsplit("/", 1)[-1]
    if name in MESSAGE_METHODS:
        validate_message(body)
    elif name in VIEW_METHODS:
        validate_view(body.get("view") or {})
    elif name in OPTIONS_METHODS:
        validate_options(body)
    elif name == "view_submission":
        _check_view_submission_response(body)
