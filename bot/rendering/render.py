"""Template rendering shared by the surface modules of ``bot.rendering``.

Every surface returns plain JSON data for the Web API that has already passed
``bot.blockkit``. A ``BlockKitError`` from here is a bug in a template, not a user error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.blockkit import BlockKitError, validate_message, validate_view
from bot.ids import ActionId
from bot.rendering import text
from bot.rendering.environment import environment

# Room for the lines of a values or help section, below the 3000-character section limit.
SECTION_BUDGET = 2900


def _render(template_name: str, **context: Any) -> Any:
    rendered = environment().get_template(template_name).render(
        action_ids=ActionId, **context
    )
    try:
        return json.loads(rendered)
    except json.JSONDecodeError as error:
        problem = f"{template_name}: the template wrote invalid JSON: {error}"
        raise BlockKitError([problem]) from None


def _message(template_name: str, **context: Any) -> dict[str, Any]:
    payload = _render(template_name, **context)
    validate_message(payload, check_lengths_utf16=True)
    return payload


def _view(template_name: str, **context: Any) -> dict[str, Any]:
    view = _render(template_name, **context)
    validate_view(view, check_lengths_utf16=True)
    return view


def _chunks(lines: Iterable[str], budget: int, max_chunks: int) -> tuple[list[list[str]], int]:
    """Group lines into chunks of at most ``budget`` characters; return them and the rest."""
    chunks: list[list[str]] = []
    size = budget + 1
    left_out = 0
    for line in lines:
        length = text.utf16_length(line) + 1
        if size + length > budget:
            if len(chunks) == max_chunks:
                left_out += 1
                continue
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += length
    return chunks, left_out
