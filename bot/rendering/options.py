"""Type-ahead surface: the options response to a ``block_suggestion`` request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blockkit import validate_options
from bot.rendering.form_inputs import choice_from_option
from bot.rendering.render import _render
from bot.scp import Option

MAX_OPTIONS = 100


def option_list(
    options: Sequence[Option], *, hint: str | None = None, has_more: bool = False
) -> dict[str, Any]:
    """Render the response to a block_suggestion request, at most 100 options.

    When ``hint`` is given and more values match than are shown (more than 100 options, or
    ``has_more``), the options sit in one group labelled with the hint.
    """
    choices = [choice_from_option(option) for option in options[:MAX_OPTIONS]]
    more = has_more or len(options) > MAX_OPTIONS
    group_label = hint if hint and more and choices else None
    response = _render("options.j2", choices=choices, group_label=group_label)
    validate_options(response, check_lengths_utf16=True)
    return response
