"""Parse the search terms people type after ``/scp <module> search`` into list criteria.

The grammar, terms separated by spaces:

- ``field=value`` (is), ``field!=value`` (is not), ``field~value`` (contains),
  ``field!~value`` (not contains), ``field>value``, ``field<value``, ``field>=value`` and
  ``field<=value``. On a date field, ``=`` or ``!=`` and a date without a time test the
  whole day in UTC (``between`` or ``not between`` its first and last millisecond);
- ``sort:field``, and ``asc`` or ``desc`` (either alone sorts by creation time);
- any other word is free text. All free words form one phrase, searched with ``contains`` on
  the title and the module's other plain-text fields.

A search has at most 20 terms and 500 characters.

Double quotes keep spaces and operator characters inside one part of a term:
``author="J.K Rowling"``, ``"due date">2024-01-01``, ``"harry potter"``. A quoted ``"desc"``
is free text, not the sort keyword. Single quotes are ordinary characters, so ``O'Brien``
needs no quoting.

A field is named by its label (case-insensitive, with ``_`` or quotes for spaces), its API
name, its name without the type prefix, or its path, or is one of the standard fields
``title``, ``description``, ``id``, ``created`` and ``updated``.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.scp import Criterion, Field, FieldKind, ListQuery, Module, Record
from bot.scp._models import DESCRIPTION_FIELD, PREFIX_KINDS, TITLE_FIELD

ERROR_MAX_LENGTH = 300
# A pasted paragraph as one term would leave no room for the reason in the message.
TERM_MAX_LENGTH = 80
MAX_SUGGESTIONS = 5
# Each term becomes a criterion in the request URL, and the free words are repeated once
# per text field, so a long search makes a long URL.
SEARCH_MAX_TERMS = 20
SEARCH_MAX_LENGTH = 500
NARROW_HINT = "Narrow the search to fewer, more specific terms."

# Each operator with its condition. Two-character operators come first so that
# ">=" is not read as ">" followed by a value starting with "=".
OPERATORS: tuple[tuple[str, str], ...] = (
    ("!=", "is not"),
    ("!~", "not contains"),
    (">=", "greater or equal"),
    ("<=", "lesser or equal"),
    ("=", "is"),
    ("~", "contains"),
    (">", "greater than"),
    ("<", "lesser than"),
)
OPERATOR_CHARACTERS = frozenset("=!~<>")
TEXT_CONDITIONS = frozenset({"contains", "not contains"})
ORDER_CONDITIONS = frozenset(
    {"greater than", "lesser than", "greater or equal", "lesser or equal"}
)
NEGATED_CONDITIONS = {"is not": "is", "not contains": "contains", "not between": "between"}
# A date alone after = or != means the whole day (UTC), not its first millisecond.
DAY_CONDITIONS = {"is": "between", "is not": "not between"}
DAY_FORMAT = "%Y-%m-%d"
DAY_MS = 24 * 60 * 60 * 1000

# Kinds searched by free text. HTML (the description) is left out because a contains search
# on it is slow on the server.
FREE_TEXT_KINDS = frozenset(
    {FieldKind.SINGLE_LINE, FieldKind.MULTI_LINE, FieldKind.EMAIL, FieldKind.PHONE, FieldKind.URL}
)
DATE_KINDS = frozenset({FieldKind.DATE, FieldKind.DATE_TIME})

ID_FIELD = Field("id", "ID", FieldKind.INTEGER, read_only=True)
CREATED_FIELD = Field("created_time", "Created", FieldKind.DATE_TIME, read_only=True)
UPDATED_FIELD = Field("updated_time", "Updated", FieldKind.DATE_TIME, read_only=True)
STANDARD_ALIASES = {
    "id": ID_FIELD,
    "created": CREATED_FIELD,
    "created_time": CREATED_FIELD,
    "updated": UPDATED_FIELD,
    "updated_time": UPDATED_FIELD,
}

DEFAULT_SORT_FIELD = CREATED_FIELD.path
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
NUMBER_PATTERN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
BOOLEAN_WORDS = {"yes": "true", "true": "true", "no": "false", "false": "false"}
# Phones turn straight quotes into curly ones as people type, so all of them count as quotes.
CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"'})
HTML_TAG_PATTERN = re.compile(r"<[^>]*>")


class SearchSyntaxError(ValueError):
    """A search term that cannot be parsed. ``str()`` names the term and the reason."""

    def __init__(self, term: str, reason: str) -> None:
        self.term = term
        self.reason = reason
        display_term = _clip(term, TERM_MAX_LENGTH)
        super().__init__(_clip(f"`{display_term}`: {reason}", ERROR_MAX_LENGTH))


@dataclass(frozen=True)
class SearchSpec:
    """Parsed search terms: the criteria to send, the sort, and the text they came from."""

    criteria: tuple[Criterion, ...]
    sort_field: str | None
    sort_order: str | None
    text: str

    def to_query(self, row_count: int = 10, start_index: int = 1, trash: bool = False) -> ListQuery:
        return ListQuery(
            row_count=row_count,
            start_index=start_index,
            sort_field=self.sort_field,
            sort_order=self.sort_order,
            criteria=self.criteria,
            trash=trash,
        )


@dataclass(frozen=True)
class _Term:
    """One space-separated term without its quotes. ``quoted`` flags each quoted character."""

    raw: str
    chars: str
    quoted: tuple[bool, ...]

    def unquoted_at(self, index: int, text: str) -> bool:
        end = index + len(text)
        return self.chars[index:end] == text and not any(self.quoted[index:end])


def parse_search(module: Module, text: str) -> SearchSpec:
    """Parse search terms for ``module``, raising ``SearchSyntaxError`` that names a bad term."""
    free_words: list[str] = []
    field_criteria: list[Criterion] = []
    sort_field: str | None = None
    sort_order: str | None = None

    for term in _limited_terms(text):
        keyword = term.chars.lower() if not any(term.quoted) else ""
        if keyword in ("asc", "desc"):
            if sort_order is not None and sort_order != keyword:
                raise SearchSyntaxError(term.raw, "use either asc or desc, not both.")
            sort_order = keyword
        elif term.chars[:5].lower() == "sort:" and not any(term.quoted[:5]):
            if sort_field is not None:
                raise SearchSyntaxError(term.raw, "give only one sort: term.")
            sort_field = _sort_path(module, term)
        elif _find_operator(term) is None:
            free_words.append(term.chars)
        else:
            field_criteria.append(_field_criterion(module, term))

    if sort_order is not None and sort_field is None:
        sort_field = DEFAULT_SORT_FIELD
    if sort_field is not None and sort_order is None:
        sort_order = "asc"

    criteria = _free_text_criteria(module, " ".join(free_words)) + field_criteria
    return SearchSpec(_join_criteria(criteria), sort_field, sort_order, text)


def record_matches(module: Module, record: Record, spec: SearchSpec) -> bool:
    """Evaluate ``spec``'s criteria on ``record`` the way the server joins them.

    Criteria join left to right, each to the result so far, with its own logical operator.
    Text compares without regard to case, numbers and dates compare as numbers, choices
    compare by name, and a multi-select matches when any of its values does.
    """
    result = True
    for index, criterion in enumerate(spec.criteria):
        matched = _criterion_matches(module, record, criterion)
        if index == 0:
            result = matched
        elif (criterion.logical_operator or "AND").upper() == "OR":
            result = result or matched
        else:
            result = result and matched
    return result


# Terms ---------------------------------------------------------------------------------


def _limited_terms(text: str) -> list[_Term]:
    """Split the search into terms, or raise if it is too long or has too many terms."""
    if len(text.strip()) > SEARCH_MAX_LENGTH:
        raise SearchSyntaxError(
            text.strip(),
            f"a search can be at most {SEARCH_MAX_LENGTH} characters long, and this one "
            f"has {len(text.strip())}. {NARROW_HINT}",
        )

    terms = _split_terms(text)
    if len(terms) > SEARCH_MAX_TERMS:
        raise SearchSyntaxError(
            terms[SEARCH_MAX_TERMS].raw,
            f"a search can have at most {SEARCH_MAX_TERMS} terms, and this one has "
            f"{len(terms)}. {NARROW_HINT}",
        )
    return terms


def _split_terms(text: str) -> list[_Term]:
    """Split on spaces outside double quotes, remembering which characters were quoted.

    ``shlex`` is not used because it drops the quotes without saying where they were, and the
    parser needs that to tell ``"a=b"`` (free text) from ``a=b`` (a field term).
    """
    source = text.translate(CURLY_QUOTES)
    terms: list[_Term] = []
    chars: list[str] = []
    quoted: list[bool] = []
    in_quotes = False
    start: int | None = None

    for index, char in enumerate(source):
        if char.isspace() and not in_quotes:
            if start is not None:
                terms.append(_Term(source[start:index], "".join(chars), tuple(quoted)))
                chars, quoted, start = [], [], None
            continue

        if start is None:
            start = index
        if char == '"':
            in_quotes = not in_quotes
        else:
            chars.append(char)
            quoted.append(in_quotes)

    if in_quotes:
        raise SearchSyntaxError(source[start:], 'the closing double quote (") is missing.')
    if start is not None:
        terms.append(_Term(source[start:], "".join(chars), tuple(quoted)))
    return terms


def _find_operator(term: _Term) -> tuple[int, str, str] | None:
    """Return the position, operator and condition of the first unquoted operator."""
    for index, char in enumerate(term.chars):
        if char not in OPERATOR_CHARACTERS or term.quoted[index]:
            continue
        for operator, condition in OPERATORS:
            if term.unquoted_at(index, operator):
                return index, operator, condition
    return None


def _field_criterion(module: Module, term: _Term) -> Criterion:
    found = _find_operator(term)
    assert found is not None
    index, operator, condition = found

    name = term.chars[:index].strip()
    value = term.chars[index + len(operator):].strip()
    if not name:
        raise SearchSyntaxError(
            term.raw,
            f"a field name is missing before {operator}. Write a term without spaces, "
            f"such as author{operator}Tolkien.",
        )
    if not value:
        raise SearchSyntaxError(
            term.raw, f"a value is missing after {operator}. Quote values that contain spaces."
        )

    spec = _resolve_field(module, name, term.raw)
    _check_condition(spec, operator, condition, term.raw)
    day = _day_range(spec, condition, value)
    if day is not None:
        return Criterion(field=spec.path, condition=DAY_CONDITIONS[condition], values=day)

    converted = _convert_value(spec, condition, value, term.raw)
    return Criterion(field=spec.path, condition=condition, value=converted)


def _sort_path(module: Module, term: _Term) -> str:
    name = term.chars[len("sort:"):].strip()
    if not name:
        raise SearchSyntaxError(term.raw, "name a field after sort:, for example sort:title.")
    return _resolve_field(module, name, term.raw).path


def _free_text_criteria(module: Module, phrase: str) -> list[Criterion]:
    if not phrase:
        return []

    paths = [TITLE_FIELD.path]
    for spec in module.custom_fields():
        if spec.kind in FREE_TEXT_KINDS and spec.path not in paths:
            paths.append(spec.path)
    return [
        Criterion(field=path, condition="contains", value=phrase, logical_operator="OR")
        for path in paths
    ]


def _join_criteria(criteria: list[Criterion]) -> tuple[Criterion, ...]:
    """Give the first criterion no logical operator and each field term AND.

    The server joins criteria left to right, so with the free-text OR group first the list
    means (free text) AND term AND term. Putting a field term first would make it
    (term AND text1) OR text2.
    """
    joined: list[Criterion] = []
    for index, criterion in enumerate(criteria):
        if index == 0:
            operator = None
        elif criterion.logical_operator == "OR":
            operator = "OR"
        else:
            operator = "AND"
        joined.append(replace(criterion, logical_operator=operator))
    return tuple(joined)


# Fields --------------------------------------------------------------------------------


def _short_name(api_name: str) -> str:
    for prefix, _ in PREFIX_KINDS:
        if api_name.startswith(prefix):
            return api_name[len(prefix):]
    return api_name


def _searchable_fields(module: Module) -> list[Field]:
    """Return the module's fields, with title and description even when it does not list them."""
    fields = list(module.fields)
    names = {spec.name for spec in fields}
    for standard in (TITLE_FIELD, DESCRIPTION_FIELD):
        if standard.name not in names:
            fields.append(standard)
    return fields


def resolve_field(module: Module, name: str) -> Field | None:
    """Find the field a person names, the way search terms name fields; None when none fits."""
    try:
        return _resolve_field(module, name.strip(), name)
    except SearchSyntaxError:
        return None


def _resolve_field(module: Module, name: str, term: str) -> Field:
    """Find the field a term names. Labels, names and paths compare without regard to case."""
    key = name.casefold()
    fields = _searchable_fields(module)
    matchers: tuple[Callable[[Field], bool], ...] = (
        lambda spec: spec.name.casefold() == key,
        lambda spec: spec.path.casefold() == key,
        lambda spec: spec.label.casefold() in (key, key.replace("_", " ")),
    )

    for matches in matchers:
        found = _single_match(term, name, [spec for spec in fields if matches(spec)])
        if found is not None:
            return found

    if key in STANDARD_ALIASES:
        return STANDARD_ALIASES[key]

    by_short_name = [spec for spec in fields if _short_name(spec.name).casefold() == key]
    found = _single_match(term, name, by_short_name)
    if found is not None:
        return found

    raise SearchSyntaxError(term, f'unknown field "{name}". Fields: {_field_list(module)}')


def _single_match(term: str, name: str, matches: list[Field]) -> Field | None:
    if len(matches) > 1:
        names = ", ".join(spec.name for spec in matches)
        raise SearchSyntaxError(
            term, f'"{name}" could be any of {names}. Use one of these API names.'
        )
    return matches[0] if matches else None


def _field_list(module: Module) -> str:
    """List the labels people filter on. The HTML description is left out to keep it short."""
    fields = [TITLE_FIELD] + [s for s in module.custom_fields() if s.kind != FieldKind.HTML]
    return ", ".join(spec.label for spec in fields)


# Values --------------------------------------------------------------------------------


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


# Matching records ----------------------------------------------------------------------


def _field_for_path(module: Module, path: str) -> Field | None:
    for spec in _searchable_fields(module):
        if spec.path == path:
            return spec
    standard = STANDARD_ALIASES.get(path)
    return standard if standard is not None and standard.path == path else None


def _record_value(record: Record, spec: Field) -> Any:
    if spec is ID_FIELD:
        return record.id
    if spec is CREATED_FIELD:
        return record.created_time
    if spec is UPDATED_FIELD:
        return record.updated_time
    return record.value(spec.name)


def _atoms(value: Any) -> list[str]:
    """Flatten a record value to strings: a choice to its name, a date to its milliseconds."""
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, dict):
        return _atoms(value.get("name", value.get("value")))
    if isinstance(value, list | tuple):
        return [atom for item in value for atom in _atoms(item)]
    return [str(value)]


def _criterion_matches(module: Module, record: Record, criterion: Criterion) -> bool:
    spec = _field_for_path(module, criterion.field)
    if spec is None:
        # A criterion on a field this module does not define cannot match locally.
        return False

    atoms = _atoms(_record_value(record, spec))
    if spec.kind == FieldKind.HTML:
        atoms = [html.unescape(HTML_TAG_PATTERN.sub("", atom)) for atom in atoms]

    if criterion.condition in ("between", "not between"):
        return _range_matches(criterion, atoms)

    positive = NEGATED_CONDITIONS.get(criterion.condition, criterion.condition)
    matched = _any_atom_matches(spec, positive, atoms, criterion.value or "")
    return not matched if criterion.condition in NEGATED_CONDITIONS else matched


def _range_matches(criterion: Criterion, atoms: list[str]) -> bool:
    """Evaluate ``between`` or ``not between``, which never match a record without a value.

    NOTE: the emulator treats an empty value this way. The real server's handling of it
    is not documented.
    """
    bounds = criterion.values or ()
    if len(bounds) != 2 or not atoms:
        return False

    low, high = bounds
    inside = any(
        _compare_numbers("greater or equal", atom, low)
        and _compare_numbers("lesser or equal", atom, high)
        for atom in atoms
    )
    return inside if criterion.condition == "between" else not inside


def _any_atom_matches(spec: Field, condition: str, atoms: Iterable[str], expected: str) -> bool:
    if spec.kind.is_number or spec.kind in DATE_KINDS:
        return any(_compare_numbers(condition, atom, expected) for atom in atoms)

    folded = expected.casefold()
    if condition == "is":
        return any(atom.casefold() == folded for atom in atoms)
    if condition == "contains":
        return any(folded in atom.casefold() for atom in atoms)
    if condition == "starts with":
        return any(atom.casefold().startswith(folded) for atom in atoms)
    if condition == "ends with":
        return any(atom.casefold().endswith(folded) for atom in atoms)
    raise ValueError(f"condition {condition!r} is not supported on {spec.label}")


def _compare_numbers(condition: str, atom: str, expected: str) -> bool:
    try:
        left, right = Decimal(atom), Decimal(expected)
    except InvalidOperation:
        return False

    comparisons: dict[str, Callable[[Decimal, Decimal], bool]] = {
        "is": lambda a, b: a == b,
        "greater than": lambda a, b: a > b,
        "lesser than": lambda a, b: a < b,
        "greater or equal": lambda a, b: a >= b,
        "lesser or equal": lambda a, b: a <= b,
    }
    if condition not in comparisons:
        raise ValueError(f"condition {condition!r} does not compare numbers")
    return comparisons[condition](left, right)


def _clip(message: str, limit: int) -> str:
    return message if len(message) <= limit else message[: limit - 1].rstrip() + "…"
