import asyncio
import io
from typing import Any, cast

from bot.fakeslack.driver import SlackDriver
from bot.shell.calls import CallPrinter
from bot.shell.console import Console
from bot.shell.fields import FormField
from bot.shell.prompts import FieldPrompts


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def yes_box(label: str, *, optional: bool = True) -> FormField:
    element = {"type": "checkboxes", "action_id": "value",
               "options": [{"text": plain("Yes"), "value": "true"}]}
    return FormField("field:flag", element, label, optional, "")


def ask(field: FormField, current: Any, answers: list[str]) -> tuple[Any, str, list[str]]:
    """Ask ``field`` with ``answers`` typed, and return the value, the output and the prompts."""
    queue = list(answers)
    prompts: list[str] = []

    def input_fn(prompt: str) -> str:
        prompts.append(prompt)
        return queue.pop(0)

    output = io.StringIO()
    console = Console(input_fn, output)
    # Only type-ahead fields reach the driver or print calls, and these tests have none.
    field_prompts = FieldPrompts(console, cast(SlackDriver, None), cast(CallPrinter, None),
                                 busy_message="Finish the form or type cancel first.")

    value = asyncio.run(field_prompts.ask_field({}, field, current))

    return value, output.getvalue(), prompts


def test_boolean_asks_with_field_label() -> None:
    value, _, prompts = ask(yes_box("Under Warranty"), [], ["y"])

    assert prompts == ["  Under Warranty? (y/n, currently no) "]
    assert [option["value"] for option in value] == ["true"]


def test_boolean_enter_keeps_current() -> None:
    ticked = [{"text": plain("Yes"), "value": "true"}]

    value, _, prompts = ask(yes_box("Under Warranty"), ticked, [""])

    assert prompts == ["  Under Warranty? (y/n, currently yes) "]
    assert value == ticked


def test_checkbox_group_asks_option_texts() -> None:
    element = {"type": "checkboxes", "action_id": "value", "options": [
        {"text": plain("Signed"), "value": "signed"},
        {"text": plain("First edition"), "value": "first"}]}
    field = FormField("field:flags", element, "Flags", True, "")

    value, output, prompts = ask(field, [], ["n", "maybe", "yes"])

    assert prompts == ["  Signed? (y/n, currently no) ", "  First edition? (y/n, currently no) ",
                       "  First edition? (y/n, currently no) "]
    assert "  Answer y or n." in output
    assert [option["value"] for option in value] == ["first"]


def multiline(*, optional: bool) -> FormField:
    element = {"type": "plain_text_input", "action_id": "value", "multiline": True}
    return FormField("field:notes", element, "Notes", optional, "")


def test_multiline_help_says_what_ends_it() -> None:
    _, output, _ = ask(multiline(optional=True), "Old text", [""])

    assert "Notes (optional)\n  Current: Old text\n" in output
    assert ("  Type the text, then a line with only a dot (.) to end it. "
            "Empty lines after the first stay in the text.") in output
    assert "  An empty first line keeps the current text, and - clears it." in output


def test_multiline_empty_first_line_keeps() -> None:
    value, _, _ = ask(multiline(optional=True), "Old text", [""])

    assert value == "Old text"


def test_multiline_keeps_inner_empty_lines() -> None:
    value, _, prompts = ask(multiline(optional=True), None, ["Line one", "", "Line three", "."])

    assert value == "Line one\n\nLine three"
    assert prompts == ["  > ", "  | ", "  | ", "  | "]


def test_multiline_help_per_case() -> None:
    _, required_kept, _ = ask(multiline(optional=False), "Old text", [""])
    _, optional_empty, _ = ask(multiline(optional=True), None, [""])

    assert "  An empty first line keeps the current text.\n" in required_kept
    assert "- clears" not in required_kept
    assert "  An empty first line leaves the field empty." in optional_empty


def test_multiline_required_needs_text() -> None:
    value, output, _ = ask(multiline(optional=False), None, ["", "Some text", "."])

    assert "An empty first line" not in output
    assert "  This field is required." in output
    assert value == "Some text"
