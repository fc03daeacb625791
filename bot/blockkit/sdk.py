"""The slack_sdk layer, which parses blocks and views with slack_sdk's models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blockkit.checker import _Checker

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
