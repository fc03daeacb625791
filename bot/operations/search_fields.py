"""Find the field a search term names: by label, API name, path, short name or standard alias."""

from __future__ import annotations

from collections.abc import Callable

from bot.operations.search_terms import SearchSyntaxError
from bot.scp import Field, FieldKind, Module
from bot.scp._models import DESCRIPTION_FIELD, PREFIX_KINDS, TITLE_FIELD

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
