"""Check a search term's condition against its field and convert the typed value for the server.

Dates become epoch milliseconds (UTC), numbers become plain decimal strings, yes and no
become true and false, and a pick-list value becomes the option's own spelling of its name.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, datetime
from decimal import Decimal

from bot.operations.search_fields import ID_FIELD
from bot.operations.search_terms import SearchSyntaxError
from bot.scp import Field, FieldKind

MAX_SUGGESTIONS = 5
TEXT_CONDITIONS = frozenset({"contains", "not contains"})
ORDER_CONDITIONS = frozenset(
    {"greater than", "lesser than", "greater or equal", "lesser or equal"}
)
# A date alone after = or != means the whole day (UTC), not its first millisecond.
DAY_CONDITIONS = {"is": "between", "is not": "not between"}
DAY_FORMAT = "%Y-%m-%d"
DAY_MS = 24 * 60 * 60 * 1000
DATE_KINDS = frozenset({FieldKind.DATE, FieldKind.DATE_TIME})
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
NUMBER_PATTERN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
BOOLEAN_WORDS = {"yes": "true", "true": "true", "no": "false", "false": "false"}


def _check_condition(spec: Field, operator: str, condition: str, term: str) -> None:
    ordered = spec.kind.is_number or spec.kind in DATE_KINDS
    if condition in ORDER_CONDITIONS and not ordered:
        raise SearchSyntaxError(
            term, f"{operator} compares numbers and dates, and {spec.label} is neither."
        )
    if condition in TEXT_CONDITIONS and (ordered or spec.kind == FieldKind.BOOLEAN):
        raise SearchSyntaxError(
            term, f"{operator} searches text, so use = or a comparison for {spec.label}."
        )
    if spec.kind == FieldKind.BOOLEAN and condition not in ("is", "is not"):
        raise SearchSyntaxError(term, f"{spec.label} is yes or no, so use = or !=.")


def _convert_value(spec: Field, condition: str, value: str, term: str) -> str:
    """Convert a typed value to the string the server compares for ``spec``'s kind."""
    if spec.kind in DATE_KINDS:
        return _date_value(spec, value, term)
    if spec.kind.is_number:
        return _number_value(spec, value, term)
    if spec.kind == FieldKind.BOOLEAN:
        return _boolean_value(spec, value, term)
    if spec.kind.has_allowed_values and spec.options and condition not in TEXT_CONDITIONS:
        return _option_name(spec, value, term)
    return value


def _day_range(spec: Field, condition: str, value: str) -> tuple[str, str] | None:
    """Return the first and last millisecond (UTC) of a date typed after = or !=.

    Returns None unless ``spec`` is a date field, the condition is ``is`` or ``is not``
    and ``value`` is a date without a time.
    """
    if spec.kind not in DATE_KINDS or condition not in DAY_CONDITIONS:
        return None
    try:
        day = datetime.strptime(value, DAY_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None

    start = int(day.timestamp()) * 1000
    return str(start), str(start + DAY_MS - 1)


def _date_value(spec: Field, value: str, term: str) -> str:
    """Return epoch milliseconds (UTC) of a date or date and time, as a string."""
    for pattern in DATE_FORMATS:
        try:
            moment = datetime.strptime(value, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
        return str(int(moment.timestamp()) * 1000)

    raise SearchSyntaxError(
        term, f"{spec.label} needs a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)."
    )


def _number_value(spec: Field, value: str, term: str) -> str:
    if spec is ID_FIELD:
        if not (value.isascii() and value.isdigit()):
            raise SearchSyntaxError(term, "an ID is digits only, such as 301.")
        return value

    if not NUMBER_PATTERN.fullmatch(value):
        example = "12" if spec.kind == FieldKind.INTEGER else "12.50"
        raise SearchSyntaxError(term, f"{spec.label} needs a number, such as {example}.")
    return format(Decimal(value), "f")


def _boolean_value(spec: Field, value: str, term: str) -> str:
    word = BOOLEAN_WORDS.get(value.lower())
    if word is None:
        raise SearchSyntaxError(term, f"{spec.label} takes yes, no, true or false.")
    return word


def _option_name(spec: Field, value: str, term: str) -> str:
    """Return the option's own spelling of ``value``, or raise listing close option names."""
    names = [option.name for option in spec.options or ()]
    for name in names:
        if name.casefold() == value.casefold():
            return name

    by_folded = {name.casefold(): name for name in names}
    close = difflib.get_close_matches(value.casefold(), list(by_folded), n=MAX_SUGGESTIONS)
    choices = [by_folded[name] for name in close] or names[:MAX_SUGGESTIONS]
    heading = "Close options" if close else "Options include"
    raise SearchSyntaxError(
        term, f'{spec.label} has no option "{value}". {heading}: {", ".join(choices)}'
    )
