"""Read custom-module definitions for the SupportCenter Plus emulator from a file.

Definitions file (``--modules FILE``)
-------------------------------------
JSON, or TOML when the file name ends in ``.toml``. The JSON form::

    {
      "include_builtin": false,
      "modules": [
        {
          "api_plural_name": "cm_books",
          "api_name": "cm_book",
          "display_name": "Books",
          "display_name_singular": "Book",
          "title_mandatory": true,
          "next_id": 302,
          "fields": [
            {"api_name": "sline_author", "display_name": "Author", "flat_name": "author"},
            {"api_name": "pick_category", "display_name": "Category",
             "allowed_values": ["Novel", {"name": "Classics", "id": "3635"}]}
          ],
          "records": [
            {"id": "301", "title": "test", "description": "<div>test description</div>",
             "cm_fields": {"sline_author": "test author", "pick_category": {"name": "Novel"}},
             "created_time": "1681729003728", "created_by": "Demo"}
          ]
        }
      ]
    }

The same file in TOML uses ``[[modules]]``, ``[[modules.fields]]`` and
``[[modules.records]]`` tables.

Module keys: ``api_plural_name`` and ``api_name`` are required. ``display_name`` defaults
to the plural name and ``display_name_singular`` to the display name. ``title_mandatory``
defaults to true. ``next_id`` is the id of the next added record and defaults to one more
than the highest seeded id, or 1 without seeds.

Field keys: ``api_name`` is required and names the field under ``cm_fields``. ``kind`` is
one of the ``FieldKind`` values (``single_line``, ``pick_list``, ``date_time`` ...) and
defaults to the kind that the name's type prefix implies (``sline_`` single line,
``mline_`` multi line, ``html_`` HTML, ``pick_`` pick list, ``multi_`` multi-select,
``num_`` integer, ``dec_`` decimal, ``per_`` percentage, ``currency_`` currency,
``date_`` date, ``datetime_`` date-time, ``bool_`` boolean, ``email_`` email, ``phone_``
phone, ``url_`` URL, ``ref_`` user lookup). ``display_name`` defaults to the API name,
``flat_name`` to the API name without its prefix, ``mandatory`` to false.
``allowed_values`` lists the values of a pick list, multi-select or lookup field, each as
a name or as ``{"name", "id"}``. Values without an id are numbered in file order from
10000 upward, skipping ids that the file gives. A lookup field without allowed values
offers the built-in users, and ``lookup_entity`` defaults to ``"user"``.

Record keys: ``id`` (digit string, optional: records without one are numbered after the
highest given id), ``title``, ``description``, ``cm_fields`` (values in the write format
of the API; flat names at the top level work too), ``created_time`` (epoch milliseconds,
default: load time) and ``created_by`` (the name of a built-in user or any other name,
default "Demo").

Without ``"include_builtin": true`` the file's modules replace the built-in ones.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.emulator.modules import (
    CHOICE_KINDS,
    FIRST_GENERATED_VALUE_ID,
    KIND_BY_PREFIX,
    STANDARD_FIELD_NAMES,
    AllowedValue,
    DefinitionError,
    FieldDef,
    FieldKind,
    ModuleDef,
    is_record_id,
)
from bot.emulator.samples import USER_VALUES, builtin_modules


def kind_for_api_name(api_name: str) -> FieldKind | None:
    """Return the kind that the type prefix of an API name implies, or None."""
    for prefix, kind in KIND_BY_PREFIX.items():
        if api_name.startswith(prefix):
            return kind
    return None


def _strip_prefix(api_name: str) -> str:
    for prefix in KIND_BY_PREFIX:
        if api_name.startswith(prefix) and len(api_name) > len(prefix):
            return api_name[len(prefix) :]
    return api_name


class _ValueIdSequence:
    """Issue ids for allowed values that a definitions file gives without one."""

    def __init__(self, taken: set[str]) -> None:
        self._taken = taken
        self._next = FIRST_GENERATED_VALUE_ID

    def issue(self) -> str:
        while str(self._next) in self._taken:
            self._next += 1
        value_id = str(self._next)
        self._taken.add(value_id)
        return value_id


def _explicit_value_ids(raw_modules: list) -> set[str]:
    taken: set[str] = set()
    for raw_module in raw_modules:
        for raw_field in raw_module.get("fields", []):
            for value in raw_field.get("allowed_values", []):
                if isinstance(value, Mapping) and "id" in value:
                    taken.add(str(value["id"]))
    return taken


def _parse_allowed_values(
    raw_values: list, where: str, sequence: _ValueIdSequence
) -> tuple[AllowedValue, ...]:
    values = []
    for raw in raw_values:
        if isinstance(raw, str):
            values.append(AllowedValue(raw, sequence.issue()))
        elif isinstance(raw, Mapping) and isinstance(raw.get("name"), str):
            value_id = str(raw["id"]) if "id" in raw else sequence.issue()
            values.append(AllowedValue(raw["name"], value_id))
        else:
            raise DefinitionError(f"{where}: allowed value {raw!r} is neither a name nor an object")
    return tuple(values)


def _parse_field(raw: Mapping[str, Any], module_name: str, sequence: _ValueIdSequence) -> FieldDef:
    api_name = raw.get("api_name")
    if not isinstance(api_name, str) or not api_name:
        raise DefinitionError(f"module {module_name}: a field has no api_name")
    where = f"module {module_name}, field {api_name}"

    raw_kind = raw.get("kind")
    try:
        kind = FieldKind(raw_kind) if raw_kind else kind_for_api_name(api_name)
    except ValueError:
        known = ", ".join(kind.value for kind in FieldKind)
        raise DefinitionError(f"{where}: unknown kind {raw_kind!r}; use one of {known}") from None
    if kind is None:
        raise DefinitionError(f"{where}: give a kind, because the name has no known type prefix")

    allowed = _parse_allowed_values(raw.get("allowed_values", []), where, sequence)
    if kind == FieldKind.LOOKUP and not allowed:
        allowed = USER_VALUES
    if allowed and kind not in CHOICE_KINDS:
        raise DefinitionError(f"{where}: only pick lists, multi-selects and lookups have values")

    return FieldDef(
        api_name=api_name,
        display_name=str(raw.get("display_name", api_name)),
        kind=kind,
        flat_name=str(raw.get("flat_name", _strip_prefix(api_name))),
        mandatory=bool(raw.get("mandatory", False)),
        allowed_values=allowed,
        lookup_entity=raw.get("lookup_entity", "user") if kind == FieldKind.LOOKUP else None,
    )


def _check_field_names(module: ModuleDef) -> None:
    """Raise DefinitionError when two fields share a name or a flat name hides a standard field."""
    where = f"module {module.api_plural_name}"
    if len(module.fields_by_api_name) != len(module.fields):
        raise DefinitionError(f"{where}: two fields have the same api_name")
    if len(module.fields_by_flat_name) != len(module.fields):
        raise DefinitionError(f"{where}: two fields have the same flat_name")

    for item in module.fields:
        if item.flat_name in STANDARD_FIELD_NAMES or item.api_name in STANDARD_FIELD_NAMES:
            raise DefinitionError(f"{where}: field {item.api_name} uses a standard field name")
        other = module.fields_by_api_name.get(item.flat_name)
        if other is not None and other is not item:
            raise DefinitionError(
                f"{where}: flat_name {item.flat_name} is the api_name of another field"
            )


def _parse_module(raw: Mapping[str, Any], sequence: _ValueIdSequence) -> ModuleDef:
    plural = raw.get("api_plural_name")
    singular = raw.get("api_name")
    if not isinstance(plural, str) or not isinstance(singular, str) or plural == singular:
        raise DefinitionError(
            f"module {raw.get('display_name', '?')}: api_plural_name and api_name must be "
            "two different strings"
        )

    display_name = str(raw.get("display_name", plural))
    records = tuple(raw.get("records", []))
    for record in records:
        if "id" in record and not is_record_id(str(record["id"])):
            raise DefinitionError(f"module {plural}: record id {record['id']!r} is not digits")

    module = ModuleDef(
        api_plural_name=plural,
        api_name=singular,
        display_name=display_name,
        display_name_singular=str(raw.get("display_name_singular", display_name)),
        fields=tuple(_parse_field(item, plural, sequence) for item in raw.get("fields", [])),
        seed_records=records,
        title_mandatory=bool(raw.get("title_mandatory", True)),
        next_id=int(raw["next_id"]) if "next_id" in raw else None,
    )
    _check_field_names(module)
    return module


def parse_modules(document: Mapping[str, Any]) -> tuple[ModuleDef, ...]:
    """Build module definitions from a parsed definitions file (see the module docstring)."""
    raw_modules = document.get("modules")
    if not isinstance(raw_modules, list) or not raw_modules:
        raise DefinitionError("the definitions file needs a non-empty 'modules' list")

    sequence = _ValueIdSequence(_explicit_value_ids(raw_modules))
    modules = [_parse_module(raw, sequence) for raw in raw_modules]
    if document.get("include_builtin", False):
        modules = [*builtin_modules(), *modules]

    plural_names = [module.api_plural_name for module in modules]
    if len(set(plural_names)) != len(plural_names):
        raise DefinitionError(f"two modules share an api_plural_name: {plural_names}")
    return tuple(modules)


def load_modules(path: str | Path) -> tuple[ModuleDef, ...]:
    """Read module definitions from a JSON or TOML file (TOML when the name ends in .toml).

    Raises DefinitionError for a definition that breaks the rules of the module
    docstring, and OSError or a JSON/TOML decode error for an unreadable file.
    """
    path = Path(path)
    if path.suffix.lower() == ".toml":
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    else:
        document = json.loads(path.read_text(encoding="utf-8"))

    if not isinstance(document, dict):
        raise DefinitionError(f"{path}: the top level must be an object")
    return parse_modules(document)


__all__ = ["load_modules", "parse_modules"]
