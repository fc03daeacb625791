"""Matching what the user types at a pick list to its options: numbers or option text."""

from __future__ import annotations

import difflib
from typing import Any

from bot.shell.render import text_of

# The most choices an error message lists, so that the message stays readable.
MAX_LISTED_CHOICES = 8
# difflib's similarity ratio from which an unknown text counts as close to an option.
CLOSE_MATCH_RATIO = 0.6


def parse_picks(answer: str, options: list[dict[str, Any]], multiple: bool) -> Any:
    """Return the options that ``answer`` names, by number from 1 or by text.

    Text matches an option's text case-insensitively, exactly or as the start of
    exactly one option. A multiple choice separates its picks with commas.
    """
    text = answer.strip()

    # An option's text may contain a comma, so a whole-answer match comes first.
    whole = _exact_matches(text, options)
    if len(whole) == 1:
        return whole if multiple else whole[0]

    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ValueError(_how_to_choose(options, multiple))
    if len(parts) > 1 and not multiple:
        raise ValueError(f"Choose only one. {_how_to_choose(options, multiple)}")

    picked = [_pick_one(part, options) for part in parts]
    return picked if multiple else picked[0]


def is_number_list(answer: str) -> bool:
    """Return whether ``answer`` is a number or comma-separated numbers, as "2" or "1,3"."""
    return all(part.strip().isdigit() for part in answer.split(","))


def parse_numbers(answer: str, options: list[dict[str, Any]], multiple: bool) -> Any:
    """Return the options with the numbers in ``answer``, counting from 1."""
    parts = [part.strip() for part in answer.split(",")]
    if len(parts) > 1 and not multiple:
        raise ValueError(f"Choose only one number from 1 to {len(options)}.")

    picked = []
    for part in parts:
        if not 1 <= int(part) <= len(options):
            raise ValueError(f"Invalid choice {part!r}; type a number from 1 to "
                             f"{len(options)}, or text to search again.")
        picked.append(options[int(part) - 1])
    return picked if multiple else picked[0]


def _pick_one(part: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    if part.isdigit() and 1 <= int(part) <= len(options):
        return options[int(part) - 1]

    # Digits out of range may still be an option's text, such as a year.
    matches = _exact_matches(part, options) or _prefix_matches(part, options)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValueError(f"{part!r} matches several choices: {_listing(matches, options)}. "
                         "Type more of the text or its number.")

    close = _close_matches(part, options)
    hint = f" Close choices: {_listing(close, options)}." if close else ""
    raise ValueError(f"Invalid choice {part!r}.{hint} {_how_to_choose(options, False)}")


def _exact_matches(text: str, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wanted = text.casefold()
    return [option for option in options if _folded_text(option) == wanted]


def _prefix_matches(text: str, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wanted = text.casefold()
    return [option for option in options if _folded_text(option).startswith(wanted)]


def _close_matches(text: str, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the options whose text contains ``text`` or is spelled much like it."""
    wanted = text.casefold()
    close = []
    for option in options:
        folded = _folded_text(option)
        similarity = difflib.SequenceMatcher(None, wanted, folded).ratio()
        if wanted in folded or similarity >= CLOSE_MATCH_RATIO:
            close.append(option)
    return close


def _folded_text(option: dict[str, Any]) -> str:
    return text_of(option.get("text")).strip().casefold()


def _listing(matches: list[dict[str, Any]], options: list[dict[str, Any]]) -> str:
    """List matches with their numbers, as "2) Fantasy, 5) Fairy tales"."""
    numbered = [
        f"{options.index(option) + 1}) {text_of(option.get('text'))}"
        for option in matches[:MAX_LISTED_CHOICES]
    ]
    more = len(matches) - MAX_LISTED_CHOICES
    if more > 0:
        numbered.append(f"and {more} more")
    return ", ".join(numbered)


def _how_to_choose(options: list[dict[str, Any]], multiple: bool) -> str:
    if multiple:
        return (f"Type numbers from 1 to {len(options)} or the start of the choices' text, "
                "separated by commas.")
    return f"Type a number from 1 to {len(options)} or the start of a choice's text."
