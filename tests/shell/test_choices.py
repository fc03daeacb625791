from typing import Any

import pytest

from bot.shell.choices import is_number_list, parse_numbers, parse_picks


def option(text: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": text.lower()}


GENRES = [option(text) for text in
          ("Novel", "Fantasy", "Fairy tales", "Humor and satire.", "Smith, Jones", "1984")]


def picked_text(answer: str, multiple: bool = False) -> Any:
    picked = parse_picks(answer, GENRES, multiple)
    if multiple:
        return [choice["text"]["text"] for choice in picked]
    return picked["text"]["text"]


def test_number_picks_option() -> None:
    assert picked_text("2") == "Fantasy"


@pytest.mark.parametrize("answer", ["Fantasy", "fantasy", " FANTASY ", "fan", "Fant"])
def test_text_or_prefix_picks_option(answer: str) -> None:
    assert picked_text(answer) == "Fantasy"


def test_text_with_comma_picks_option() -> None:
    assert picked_text("smith, jones") == "Smith, Jones"
    assert picked_text("Smith, Jones", multiple=True) == ["Smith, Jones"]


def test_digits_out_of_range_match_text() -> None:
    assert picked_text("1984") == "1984"


def test_multiple_mixes_numbers_and_text() -> None:
    assert picked_text("1, fairy, hum", multiple=True) == [
        "Novel", "Fairy tales", "Humor and satire."]


def test_ambiguous_prefix_lists_matches() -> None:
    with pytest.raises(ValueError) as raised:
        parse_picks("fa", GENRES, False)

    message = str(raised.value)
    assert "'fa' matches several choices: 2) Fantasy, 3) Fairy tales." in message
    assert "Type more of the text or its number." in message


def test_unknown_text_lists_close_choices() -> None:
    with pytest.raises(ValueError) as raised:
        parse_picks("Fantsy", GENRES, False)

    message = str(raised.value)
    assert "Invalid choice 'Fantsy'." in message
    assert "Close choices: 2) Fantasy." in message
    assert "Type a number from 1 to 6 or the start of a choice's text." in message


def test_unknown_text_without_close_choices() -> None:
    with pytest.raises(ValueError) as raised:
        parse_picks("zzz", GENRES, False)

    assert "Close choices" not in str(raised.value)


def test_single_choice_rejects_two_picks() -> None:
    with pytest.raises(ValueError) as raised:
        parse_picks("1,2", GENRES, False)

    assert str(raised.value).startswith("Choose only one.")


@pytest.mark.parametrize(("answer", "expected"), [
    ("2", True), ("1, 3", True), ("1u", False), ("tol", False), ("1,", False),
])
def test_number_list_detected(answer: str, expected: bool) -> None:
    assert is_number_list(answer) is expected


def test_numbers_pick_search_results() -> None:
    assert parse_numbers("2", GENRES, False) is GENRES[1]
    assert parse_numbers("1,3", GENRES, True) == [GENRES[0], GENRES[2]]


def test_numbers_out_of_range_rejected() -> None:
    with pytest.raises(ValueError, match="Invalid choice '7'; type a number from 1 to 6"):
        parse_numbers("7", GENRES, False)
