"""Button values: compact JSON with a module, record id, search text, start index and trash flag."""

from __future__ import annotations

import json

from bot.rendering import text

MAX_BUTTON_VALUE = 2000


def encode_value(**items: str | int | bool | None) -> str:
    """Encode a button value as compact JSON; items that are None are left out.

    Keys in use: ``m`` module API name, ``id`` record id, ``q`` search text, ``s`` start index
    and ``t`` trash flag (1). Raises ValueError when the result exceeds Slack's 2000-character
    button value limit.
    """
    data = {key: value for key, value in items.items() if value is not None}
    encoded = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if text.utf16_length(encoded) > MAX_BUTTON_VALUE:
        raise ValueError(f"button value has more than {MAX_BUTTON_VALUE} characters")
    return encoded


def decode_value(value: str) -> dict[str, str | int | bool]:
    """Decode a value made by ``encode_value``.

    Raises ValueError for anything else: text that is not JSON, JSON that is not an object,
    or an object holding lists, objects or null.
    """
    if not isinstance(value, str) or text.utf16_length(value) > MAX_BUTTON_VALUE:
        raise ValueError("button value is not a string of at most 2000 characters")
    try:
        data = json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(f"button value is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise ValueError("button value is not a JSON object")
    for key, item in data.items():
        if not isinstance(item, str | int | bool) or isinstance(item, float):
            raise ValueError(f"button value item {key!r} is not a string, number or boolean")
    return data
