"""Custom-module definitions for the SupportCenter Plus emulator.

A module definition names a custom module the way the v3 API does: the plural API name
(``cm_books``) appears in URLs and as the key of a list response, and the singular API
name (``cm_book``) wraps one record. Each module has the standard fields ``title`` and
``description`` plus its own custom fields. The default dialect puts custom fields under
``cm_fields`` with type-prefixed names (``sline_author``). The flat dialect puts them at
the top level of the record under a user-chosen name (``author``).

Two modules are built in:

- "Books" (``cm_books``): the sample module of the vendor's Custom Module API page, with
  record 301 exactly as the page shows it.
- "Assets" (``cm_assets``): one custom field of every kind, including a pick list with
  1,500 values, for tests of paging, search and value conversion.

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
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
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


# Users -------------------------------------------------------------------------------


def make_user(user_id: str, name: str, email: str = "", department: str = "Engineering") -> dict:
    """Build a user object in the shape of the vendor's ``created_by`` sample."""
    return {
        "email_id": email,
        "phone": "987654321",
        "name": name,
        "mobile": "987654321",
        "profile_pic": {"content-url": "/images/default-profile-pic2.svg"},
        "is_vipuser": False,
        "id": user_id,
        # The vendor sample has a numeric department id although every other id is a string.
        "department": {"site": None, "name": department, "id": 2},
    }


DEMO_USER_NAME = "Demo"

BUILTIN_USERS: tuple[dict, ...] = (
    make_user("10", DEMO_USER_NAME),
    make_user("11", "Priya Raman", "priya.raman@example.com"),
    make_user("12", "Jonas Berg", "jonas.berg@example.com", "Facilities"),
    make_user("13", "Maria Lopez", "maria.lopez@example.com", "Finance"),
)

USER_VALUES = tuple(AllowedValue(user["name"], user["id"]) for user in BUILTIN_USERS)


# Built-in modules --------------------------------------------------------------------


def _numbered_values(names: Iterable[str], first_id: int) -> tuple[AllowedValue, ...]:
    return tuple(AllowedValue(name, str(first_id + index)) for index, name in enumerate(names))


def _model_names(count: int = 1500) -> list[str]:
    """Generate ``count`` distinct asset model names, of which exactly six contain "fan".

    Four of the six start with "Fan" and two contain it inside a word, so tests can tell
    "contains" from "starts with". No generated brand or series contains "fan".
    """
    names = [
        "Fanless 1U",
        "Fanless 2U Edge",
        "Fantom X",
        "Fantom X2",
        "Cooling Fan Module",
        "Infante Workstation",
    ]
    brands = (
        "Apex Boreal Cobalt Delta Ember Falcon Granite Helix Ion Juniper "
        "Krypton Lumen Meridian Nimbus Orion Pulsar Quasar Raven Sierra Titan"
    ).split()
    series = "Edge Core Pro Max Mini Rack Tower Blade".split()
    generation = 1
    while len(names) < count:
        for brand in brands:
            for line in series:
                if len(names) < count:
                    names.append(f"{brand} {line} {generation}")
        generation += 1
    return names


def _books() -> ModuleDef:
    categories = _numbered_values(["Novel", "Classics", "Fantasy", "Humor and satire."], 3634)
    fields = (
        FieldDef("sline_author", "Author", FieldKind.SINGLE_LINE, "author"),
        FieldDef(
            "pick_category",
            "Category",
            FieldKind.PICK_LIST,
            "category",
            allowed_values=categories,
        ),
    )
    seed = {
        "id": "301",
        "title": "test",
        "description": "<div>test description</div>",
        "cm_fields": {"sline_author": "test author", "pick_category": {"id": "3634"}},
        "created_time": "1681729003728",
        "created_by": DEMO_USER_NAME,
    }
    return ModuleDef("cm_books", "cm_book", "Books", "Book", fields, (seed,), next_id=302)


ASSET_LOCATIONS = (
    "Berlin Office",
    "Chennai Office",
    "Data Center A",
    "Data Center B",
    "London Office",
    "Remote",
    "Storage Room",
    "Warehouse",
)
ASSET_TAGS = ("critical", "leased", "loaner", "spare", "refurbished")


def _asset_fields() -> tuple[FieldDef, ...]:
    models = _numbered_values(_model_names(), 5001)
    locations = _numbered_values(ASSET_LOCATIONS, 7001)
    tags = _numbered_values(ASSET_TAGS, 7101)
    kind = FieldKind
    return (
        FieldDef("sline_serial", "Serial Number", kind.SINGLE_LINE, "serial"),
        FieldDef("mline_notes", "Notes", kind.MULTI_LINE, "notes"),
        FieldDef("html_specs", "Specifications", kind.HTML, "specs"),
        FieldDef("pick_model", "Model", kind.PICK_LIST, "model", allowed_values=models),
        FieldDef("pick_location", "Location", kind.PICK_LIST, "location", allowed_values=locations),
        FieldDef("multi_tags", "Tags", kind.MULTI_SELECT, "tags", allowed_values=tags),
        FieldDef("num_quantity", "Quantity", kind.INTEGER, "quantity", mandatory=True),
        FieldDef("dec_weight", "Weight (kg)", kind.DECIMAL, "weight"),
        FieldDef("per_utilization", "Utilization", kind.PERCENTAGE, "utilization"),
        FieldDef("currency_price", "Price", kind.CURRENCY, "price"),
        FieldDef("date_purchased", "Purchase Date", kind.DATE, "purchased"),
        FieldDef("datetime_last_seen", "Last Seen", kind.DATE_TIME, "last_seen"),
        FieldDef("bool_under_warranty", "Under Warranty", kind.BOOLEAN, "under_warranty"),
        FieldDef("email_owner_email", "Owner Email", kind.EMAIL, "owner_email"),
        FieldDef("phone_owner_phone", "Owner Phone", kind.PHONE, "owner_phone"),
        FieldDef("url_manual", "Manual", kind.URL, "manual"),
        FieldDef(
            "ref_owner",
            "Owner",
            kind.LOOKUP,
            "owner",
            allowed_values=USER_VALUES,
            lookup_entity="user",
        ),
    )


def _asset_seeds() -> tuple[dict, ...]:
    first = {
        "id": "601",
        "title": "Core switch",
        "description": "<div>Rack 4, top unit</div>",
        "cm_fields": {
            "sline_serial": "SN-0001",
            "mline_notes": "Replaced fan tray in 2024.\nFirmware 9.3.",
            "html_specs": "<ul><li>48 ports</li></ul>",
            "pick_model": {"name": "Fanless 1U"},
            "pick_location": {"name": "Data Center A"},
            "multi_tags": [{"name": "critical"}, {"name": "leased"}],
            "num_quantity": "1",
            "dec_weight": "7.5",
            "per_utilization": "64",
            "currency_price": "4999.99",
            "date_purchased": "1672531200000",
            "datetime_last_seen": "1700000000000",
            "bool_under_warranty": True,
            "email_owner_email": "priya.raman@example.com",
            "phone_owner_phone": "+91 44 1234 5678",
            "url_manual": "https://example.com/manuals/core-switch.pdf",
            "ref_owner": {"name": "Priya Raman"},
        },
        "created_time": "1690000000000",
        "created_by": DEMO_USER_NAME,
    }
    second = {
        "id": "602",
        "title": "Laptop for Jonas",
        "description": None,
        "cm_fields": {
            "sline_serial": "SN-0002",
            "pick_model": {"name": "Apex Pro 1"},
            "pick_location": {"name": "Remote"},
            "multi_tags": [{"name": "loaner"}],
            "num_quantity": "1",
            "dec_weight": "1.35",
            "per_utilization": "20",
            "currency_price": "1299",
            "date_purchased": "1685577600000",
            "bool_under_warranty": False,
            "email_owner_email": "jonas.berg@example.com",
            "ref_owner": {"id": "12"},
        },
        "created_time": "1695000000000",
        "created_by": "Jonas Berg",
    }
    third = {
        "id": "603",
        "title": "Spare monitors",
        "description": "<div>Boxed, in storage</div>",
        "cm_fields": {
            "pick_model": {"name": "Fantom X"},
            "pick_location": {"name": "Storage Room"},
            "multi_tags": [{"name": "spare"}],
            "num_quantity": "12",
            "currency_price": "189.5",
            "bool_under_warranty": True,
        },
        "created_time": "1699000000000",
        "created_by": DEMO_USER_NAME,
    }
    return (first, second, third)


def _assets() -> ModuleDef:
    return ModuleDef(
        "cm_assets", "cm_asset", "Assets", "Asset", _asset_fields(), _asset_seeds(), next_id=604
    )


def builtin_modules() -> tuple[ModuleDef, ...]:
    """Return the built-in "Books" and "Assets" modules."""
    return (_books(), _assets())


# Definitions file --------------------------------------------------------------------


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


__all__ = [
    "AllowedValue",
    "BUILTIN_USERS",
    "DEMO_USER_NAME",
    "DefinitionError",
    "FieldDef",
    "FieldKind",
    "ModuleDef",
    "builtin_modules",
    "load_modules",
    "make_user",
    "parse_modules",
]
