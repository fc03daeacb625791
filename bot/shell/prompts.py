"""Asking for the value of one form field, with a prompt per element type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.fakeslack.driver import SlackDriver, element_options
from bot.shell.calls import CallPrinter
from bot.shell.choices import is_number_list, parse_numbers, parse_picks
from bot.shell.console import FIELD_PROMPT, Console
from bot.shell.fields import EXTERNAL_KINDS, ID_KINDS, SINGLE_CHOICE_KINDS, TEXT_KINDS, FormField
from bot.shell.render import option_lines, text_of
from bot.shell.values import (
    display_value,
    is_empty,
    number_parser,
    parse_date,
    parse_datetime,
    parse_time,
    text_parser,
)

# Slack sends no block_suggestion request for fewer typed characters unless the element
# sets min_query_length.
DEFAULT_MIN_QUERY_LENGTH = 3

# Texts of a single checkbox that only mean true, so the field label makes a better question.
LONE_BOX_TEXTS = frozenset({"yes", "true", "on"})

# The prompt for the second and later lines of a multi-line answer.
MORE_LINES_PROMPT = "  | "

# A marker from FieldPrompts.keep_or_clear: ask the same question again.
_RETRY = object()


class FieldPrompts:
    """Reads a value for each kind of input element, checking it as Slack would."""

    def __init__(
        self, console: Console, driver: SlackDriver, calls: CallPrinter, *, busy_message: str
    ) -> None:
        self.console = console
        self.say = console.say
        self.driver = driver
        self.calls = calls
        # Shown when the user types a slash command at one of these prompts.
        self.busy_message = busy_message

    def read(self, prompt: str = FIELD_PROMPT) -> str:
        """Read one answer. ``cancel`` raises FormCancelled, and a slash command is rejected."""
        return self.console.read_answer(prompt, busy_message=self.busy_message)

    async def ask_field(
        self, view: dict[str, Any], field: FormField, current: Any, error: str | None = None
    ) -> Any:
        self.say(field.label + (" (optional)" if field.optional else ""))
        if error:
            self.say(f"  ! {error}")
        if field.hint:
            self.say(f"  Hint: {field.hint}")
        if not is_empty(current):
            self.say(f"  Current: {display_value(field, current)}{_keep_hint(field)}")
        return await self._ask_by_kind(view, field, current)

    async def _ask_by_kind(self, view: dict[str, Any], field: FormField, current: Any) -> Any:
        kind = field.kind
        element = field.element
        if kind == "plain_text_input" and element.get("multiline"):
            return self._read_multiline(field, current)
        if kind in TEXT_KINDS:
            return self.read_value(field, current, text_parser(element))
        if kind == "number_input":
            return self.read_value(field, current, number_parser(element))
        if kind == "datepicker":
            self.say("  Format: YYYY-MM-DD")
            return self.read_value(field, current, parse_date)
        if kind == "datetimepicker":
            self.say("  Format: YYYY-MM-DD HH:MM (UTC)")
            return self.read_value(field, current, parse_datetime)
        if kind == "timepicker":
            self.say("  Format: HH:MM")
            return self.read_value(field, current, parse_time)
        if kind == "checkboxes":
            return self._read_checkboxes(field, current)
        if kind in SINGLE_CHOICE_KINDS or kind == "multi_static_select":
            return self._read_choice(field, current)
        if kind in EXTERNAL_KINDS:
            return await self._read_search(view, field, current)
        if kind in ID_KINDS:
            self.say("  Type an id (for example U0001 or C0001).")
            return self.read_value(field, current, str)
        self.say(f"  (the shell cannot edit a {kind} field; its value is kept)")
        return current

    def read_value(
        self, field: FormField, current: Any, parse: Callable[[str], Any]
    ) -> Any:
        """Read until the input parses. Enter keeps ``current``, and - clears an optional field."""
        while True:
            answer = self.read().strip()
            if answer in ("", "-"):
                kept = self.keep_or_clear(field, current, answer)
                if kept is _RETRY:
                    continue
                return kept
            try:
                return parse(answer)
            except ValueError as error:
                self.say(f"  {error}")

    def keep_or_clear(self, field: FormField, current: Any, answer: str) -> Any:
        """Handle Enter (keep) and ``-`` (clear); return _RETRY when the field needs a value."""
        if answer == "":
            if not is_empty(current) or field.optional:
                return current
            self.say("  This field is required.")
            return _RETRY
        if field.optional:
            return field.empty_value()
        keep = " Press Enter to keep the current value." if not is_empty(current) else ""
        self.say(f"  This field is required, so it cannot be cleared.{keep}")
        return _RETRY

    def _read_multiline(self, field: FormField, current: Any) -> Any:
        self.say(_multiline_help(field, current))
        while True:
            first = self.read()
            if first.strip() in ("", "-"):
                kept = self.keep_or_clear(field, current, first.strip())
                if kept is _RETRY:
                    continue
                return kept

            lines = [first.rstrip("\n")]
            while (line := self.read(MORE_LINES_PROMPT)).strip() != ".":
                lines.append(line.rstrip("\n"))
            try:
                return text_parser(field.element)("\n".join(lines))
            except ValueError as error:
                self.say(f"  {error}")

    def _read_checkboxes(self, field: FormField, current: Any) -> list[dict[str, Any]]:
        """Ask y/n for each box; Enter keeps a box as it is."""
        chosen_values = {option.get("value") for option in current or []}
        options = element_options(field.element)
        selected = []
        for option in options:
            ticked = option.get("value") in chosen_values
            if self._ask_yes_no(_box_question(field, option, options), ticked):
                selected.append(option)

        if not selected and not field.optional:
            self.say("  This field is required: tick at least one box.")
            return self._read_checkboxes(field, current)
        return selected

    def _ask_yes_no(self, question: str, now: bool) -> bool:
        now_word = "yes" if now else "no"
        while True:
            answer = self.read(f"  {question}? (y/n, currently {now_word}) ").strip().lower()
            if not answer:
                return now
            if answer in ("y", "yes", "n", "no"):
                return answer.startswith("y")
            self.say("  Answer y or n.")

    def _read_choice(self, field: FormField, current: Any) -> Any:
        multiple = field.kind == "multi_static_select"
        options = element_options(field.element)
        for line in option_lines(field.element):
            self.say(line)
        if multiple:
            self.say("  Choose one or more: numbers or the start of each choice's text, "
                     "separated by commas.")
        else:
            self.say("  Choose a number or type the start of a choice's text.")
        return self.read_value(
            field, current, lambda answer: parse_picks(answer, options, multiple)
        )

    def pick_options(self, options: list[dict[str, Any]], *, multiple: bool) -> Any:
        for line in option_lines({}, options):
            self.say(line)
        while True:
            answer = self.read("  Choose numbers or texts> " if multiple else "  Choose> ")
            try:
                return parse_picks(answer.strip(), options, multiple)
            except ValueError as error:
                self.say(f"  {error}")

    async def _read_search(self, view: dict[str, Any], field: FormField, current: Any) -> Any:
        """Search with the typed text and pick from the results; other text searches again."""
        multiple = field.kind.startswith("multi_")
        minimum = int(field.element.get("min_query_length", DEFAULT_MIN_QUERY_LENGTH))
        query: str | None = None
        while True:
            if query is None:
                query = self.read("  Type to search> ").strip()

            if query in ("", "-"):
                kept = self.keep_or_clear(field, current, query)
                if kept is not _RETRY:
                    return kept
                query = None
                continue
            if len(query) < minimum:
                self.say(f"  Type at least {minimum} characters.")
                query = None
                continue

            options = await self._suggest(view, field, query)
            if not options:
                self._say_no_matches(query, minimum)
                query = None
                continue
            picked, query = self._pick_from_results(options, multiple)
            if picked is not None:
                return picked

    def _say_no_matches(self, query: str, minimum: int) -> None:
        if len(query) > minimum:
            self.say(f"  No matches for {query!r}. Type fewer letters to find more.")
        else:
            self.say(f"  No matches for {query!r}. Try other letters.")

    async def _suggest(
        self, view: dict[str, Any], field: FormField, query: str
    ) -> list[dict[str, Any]]:
        answer = await self.driver.suggest(view, field.block_id, field.action_id, query)
        if self.driver.last_result is not None:
            self.calls.warn_about_ack(self.driver.last_result)
        return element_options(answer)

    def _pick_from_results(
        self, options: list[dict[str, Any]], multiple: bool
    ) -> tuple[Any, str | None]:
        """Return ``(picked, None)`` for numbers, or ``(None, text)`` to search for ``text``.

        The text is empty when the user pressed Enter to go back to the search prompt.
        """
        for line in option_lines({}, options):
            self.say(line)
        prompt = "  Choose numbers" if multiple else "  Choose a number"
        while True:
            answer = self.read(f"{prompt}, or type to search again> ").strip()
            if not answer:
                return None, None
            if not is_number_list(answer):
                return None, answer
            try:
                return parse_numbers(answer, options, multiple), None
            except ValueError as error:
                self.say(f"  {error}")


def _box_question(
    field: FormField, option: dict[str, Any], options: list[dict[str, Any]]
) -> str:
    """Return the question for one checkbox, such as "Under Warranty" for a lone "Yes" box."""
    text = text_of(option.get("text"))
    # The bot shows a boolean field as a single box labelled "Yes", which does not name the field.
    if len(options) == 1 and text.strip().casefold() in LONE_BOX_TEXTS:
        return field.label
    return text


def _multiline_help(field: FormField, current: Any) -> str:
    """Return what ends a multi-line text and what an empty first line does instead."""
    ending = ("  Type the text, then a line with only a dot (.) to end it. "
              "Empty lines after the first stay in the text.")
    if not is_empty(current) and field.optional:
        return f"{ending}\n  An empty first line keeps the current text, and - clears it."
    if not is_empty(current):
        return f"{ending}\n  An empty first line keeps the current text."
    if field.optional:
        return f"{ending}\n  An empty first line leaves the field empty."
    return ending


def _keep_hint(field: FormField) -> str:
    """Return how to keep or clear the current value, for the line that shows it."""
    # Each box gets its own y/n question, which shows whether it is ticked now.
    if field.kind == "checkboxes":
        return ""
    # Multi-line fields explain keeping and clearing with their other instructions.
    if field.element.get("multiline"):
        return ""
    # Slack rejects a form with an empty required field, so - is offered only when optional.
    return "  (Enter keeps it, - clears it)" if field.optional else "  (Enter keeps it)"
