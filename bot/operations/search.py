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

The term scanner is in ``bot.operations.search_terms``, field names are resolved in
``bot.operations.search_fields``, values are converted in ``bot.operations.search_values``,
and ``bot.operations.search_matching`` evaluates criteria on a record locally.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.operations.search_fields import CREATED_FIELD, _resolve_field, resolve_field
from bot.operations.search_matching import record_matches
from bot.operations.search_terms import (
    SEARCH_MAX_LENGTH,
    SearchSyntaxError,
    _find_operator,
    _limited_terms,
    _Term,
)
from bot.operations.search_values import (
    DAY_CONDITIONS,
    _check_condition,
    _convert_value,
    _day_range,
)
from bot.scp import Criterion, FieldKind, ListQuery, Module
from bot.scp._models import TITLE_FIELD

# Kinds searched by free text. HTML (the description) is left out because a contains search
# on it is slow on the server.
FREE_TEXT_KINDS = frozenset(
    {FieldKind.SINGLE_LINE, FieldKind.MULTI_LINE, FieldKind.EMAIL, FieldKind.PHONE, FieldKind.URL}
)

DEFAULT_SORT_FIELD = CREATED_FIELD.path


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


__all__ = [
    "SEARCH_MAX_LENGTH",
    "SearchSpec",
    "SearchSyntaxError",
    "parse_search",
    "record_matches",
    "resolve_field",
]
