from bot.shell.fields import FormField
from bot.shell.values import MAX_SUMMARY_CHARACTERS, summary_value

TEXT_FIELD = FormField("field:notes", {"type": "plain_text_input"}, "Notes", True, "")


def test_summary_marks_empty_value() -> None:
    assert summary_value(TEXT_FIELD, None) == "(empty)"
    assert summary_value(TEXT_FIELD, "") == "(empty)"


def test_summary_shortens_long_value() -> None:
    shown = summary_value(TEXT_FIELD, "x" * 200)

    assert len(shown) == MAX_SUMMARY_CHARACTERS
    assert shown.endswith("…")


def test_summary_counts_more_lines() -> None:
    assert summary_value(TEXT_FIELD, "one\ntwo") == "one (+1 more line)"
    assert summary_value(TEXT_FIELD, "one\ntwo\nthree") == "one (+2 more lines)"
