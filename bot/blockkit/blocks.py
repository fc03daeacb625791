"""Checks of each block type and of a list of blocks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.blockkit.checker import _Checker
from bot.blockkit.elements import _check_element, _check_unique_action_ids
from bot.blockkit.limits import (
    ACCESSORY_TYPES,
    ACTIONS_ELEMENT_TYPES,
    BLOCK_KEYS,
    INPUT_ELEMENT_TYPES,
    OPAQUE_BLOCK_TYPES,
)


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
