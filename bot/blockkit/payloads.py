"""The public checks of message bodies, views, options responses and Web API payloads."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.blockkit.blocks import _check_blocks
from bot.blockkit.checker import BlockKitError, _Checker
from bot.blockkit.limits import (
    MAX_MESSAGE_BLOCKS,
    MAX_MESSAGE_TEXT,
    MAX_OPTIONS,
    MAX_VIEW_BLOCKS,
    MESSAGE_METHODS,
    OPTIONS_METHODS,
    VIEW_KEYS,
    VIEW_METHODS,
)
from bot.blockkit.sdk import _sdk_blocks, _sdk_view


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
