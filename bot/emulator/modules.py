"""Custom-module definitions for the SupportCenter Plus emulator.

A module definition names a custom module the way the v3 API does: the plural API name
(``cm_books``) appears in URLs and as the key of a list response, and the singular API
name (``cm_book``) wraps one record. Each module has the standard fields ``title`` and
``description`` plus its own custom fields. The default dialect puts custom fields under
``cm_fields`` with type-prefixed names (``sline_author``). The flat dialect puts them at
the top level of the record under a user-chosen name (``author``).

The built-in users and modules are in ``bot.emulator.samples``, and
``bot.emulator.definitions_file`` reads module definitions from a file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

STANDARD_FIELD_NAMES = frozenset(
    {
        "id",
        "title",
        "description",
        "cm_fields",
        "created_time",
        "created_by",
        "updated_time",
        "updated_by",
        "is_trashed",
        "deleted_time",
        "attachments",
    }
)

FIRST_GENERATED_VALUE_ID = 10000
# ASCII only: str.isdigit() and \d also accept superscripts and other scripts' digits,
# which int() rejects or silently maps to another record.
RECORD_ID_PATTERN = re.compile(r"[0-9]+")


def is_record_id(text: str) -> bool:
    """Tell whether a path segment or definition value is a record id (ASCII digits)."""
    return RECORD_ID_PATTERN.fullmatch(text) is not None


class FieldKind(StrEnum):
    """Kind of a custom field, which decides how its value is written, read and compared."""

    SINGLE_LINE = "single_line"
    MULTI_LINE = "multi_line"
    HTML = "html"
    PICK_LIST = "pick_list"
    MULTI_SELECT = "multi_select"
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENTAGE = "percentage"
    CURRENCY = "currency"
    DATE = "date"
    DATE_TIME = "date_time"
    BOOLEAN = "boolean"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    LOOKUP = "lookup"


# Longer prefixes come first so that "datetime_" wins over "date_".
KIND_BY_PREFIX: dict[str, FieldKind] = {
    "datetime_": FieldKind.DATE_TIME,
    "currency_": FieldKind.CURRENCY,
    "sline_": FieldKind.SINGLE_LINE,
    "mline_": FieldKind.MULTI_LINE,
    "html_": FieldKind.HTML,
    "pick_": FieldKind.PICK_LIST,
    "multi_": FieldKind.MULTI_SELECT,
    "num_": FieldKind.INTEGER,
    "dec_": FieldKind.DECIMAL,
    "per_": FieldKind.PERCENTAGE,
    "date_": FieldKind.DATE,
    "bool_": FieldKind.BOOLEAN,
    "email_": FieldKind.EMAIL,
    "phone_": FieldKind.PHONE,
    "url_": FieldKind.URL,
    "ref_": FieldKind.LOOKUP,
}

TEXT_KINDS = frozenset(
    {
        FieldKind.SINGLE_LINE,
        FieldKind.MULTI_LINE,
        FieldKind.HTML,
        FieldKind.EMAIL,
        FieldKind.PHONE,
        FieldKind.URL,
    }
)
NUMBER_KINDS = frozenset(
    {FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.PERCENTAGE, FieldKind.CURRENCY}
)
DATE_KINDS = frozenset({FieldKind.DATE, FieldKind.DATE_TIME})
CHOICE_KINDS = frozenset({FieldKind.PICK_LIST, FieldKind.MULTI_SELECT, FieldKind.LOOKUP})


class DefinitionError(ValueError):
    """Invalid module definition, raised with the module and field it concerns."""


@dataclass(frozen=True)
class AllowedValue:
    """One value of a pick list, multi-select or lookup field."""

    name: str
    id: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "id": self.id}


@dataclass(frozen=True)
class FieldDef:
    """Custom field of a module."""

    api_name: str
    display_name: str
    kind: FieldKind
    flat_name: str
    mandatory: bool = False
    allowed_values: tuple[AllowedValue, ...] = ()
    lookup_entity: str | None = None

    @cached_property
    def values_by_id(self) -> dict[str, AllowedValue]:
        return {value.id: value for value in self.allowed_values}

    @cached_property
    def values_by_name(self) -> dict[str, AllowedValue]:
        """Allowed values keyed by case-folded name, so that name matching ignores case."""
        return {value.name.casefold(): value for value in self.allowed_values}

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS


@dataclass(frozen=True)
class ModuleDef:
    """Custom module: its API names, display names, custom fields and seed records."""

    api_plural_name: str
    api_name: str
    display_name: str
    display_name_singular: str
    fields: tuple[FieldDef, ...]
    seed_records: tuple[Mapping[str, Any], ...] = ()
    title_mandatory: bool = True
    next_id: int | None = None

    @cached_property
    def fields_by_api_name(self) -> dict[str, FieldDef]:
        return {item.api_name: item for item in self.fields}

    @cached_property
    def fields_by_flat_name(self) -> dict[str, FieldDef]:
        return {item.flat_name: item for item in self.fields}

    def find_field(self, name: str) -> FieldDef | None:
        """Return the custom field with this API name or flat name, or None."""
        return self.fields_by_api_name.get(name) or self.fields_by_flat_name.get(name)

    @property
    def first_id(self) -> int:
        """Id of the first record added through the API after a reset."""
        if self.next_id is not None:
            return self.next_id

        seeded = [int(record["id"]) for record in self.seed_records if "id" in record]
        return max(seeded, default=0) + 1


__all__ = [
    "AllowedValue",
    "DefinitionError",
    "FieldDef",
    "FieldKind",
    "ModuleDef",
]
