"""Modules, fields, records and list queries of the custom-module API.

A record arrives in one of two shapes: custom fields under a ``cm_fields`` holder with
type-prefixed names (``sline_author``), or flat beside ``title`` with user-chosen names
(SupportCenter Plus builds that follow ServiceDesk Plus 15200). ``Field.holder`` gives the
shape of each field of a ``Module``, and ``Record`` reads either shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

CUSTOM_FIELD_HOLDER = "cm_fields"
RECORD_ID_PATTERN = re.compile(r"^[0-9]{1,19}$")

# Keys every record carries beside its custom fields; none of them is a custom field.
STANDARD_KEYS = frozenset(
    {
        "id", "title", "description", "cm_fields", "created_time", "created_by", "updated_time",
        "updated_by", "last_updated_time", "last_updated_by", "is_trashed", "deleted_time",
        "deleted_by", "deleted_on", "attachments", "module", "custom_module", "display_id",
    }
)


class FieldKind(StrEnum):
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

    @property
    def has_allowed_values(self) -> bool:
        return self in (FieldKind.PICK_LIST, FieldKind.MULTI_SELECT, FieldKind.LOOKUP)

    @property
    def is_number(self) -> bool:
        return self in (
            FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.PERCENTAGE, FieldKind.CURRENCY
        )

    @property
    def is_text(self) -> bool:
        return self in (
            FieldKind.SINGLE_LINE, FieldKind.MULTI_LINE, FieldKind.HTML, FieldKind.EMAIL,
            FieldKind.PHONE, FieldKind.URL,
        )


# API-name prefixes of fields under ``cm_fields``. Only ``sline_``, ``pick_`` and ``per_`` are
# confirmed by the vendor's pages; the rest follow the naming seen in ServiceDesk Plus clients.
PREFIX_KINDS: tuple[tuple[str, FieldKind], ...] = (
    ("sline_", FieldKind.SINGLE_LINE),
    ("mline_", FieldKind.MULTI_LINE),
    ("html_", FieldKind.HTML),
    ("pick_", FieldKind.PICK_LIST),
    ("multi_", FieldKind.MULTI_SELECT),
    ("mpick_", FieldKind.MULTI_SELECT),
    ("num_", FieldKind.INTEGER),
    ("int_", FieldKind.INTEGER),
    ("dec_", FieldKind.DECIMAL),
    ("double_", FieldKind.DECIMAL),
    ("dbl_", FieldKind.DECIMAL),
    ("per_", FieldKind.PERCENTAGE),
    ("currency_", FieldKind.CURRENCY),
    ("cur_", FieldKind.CURRENCY),
    ("datetime_", FieldKind.DATE_TIME),
    ("dt_", FieldKind.DATE_TIME),
    ("date_", FieldKind.DATE),
    ("bool_", FieldKind.BOOLEAN),
    ("email_", FieldKind.EMAIL),
    ("phone_", FieldKind.PHONE),
    ("url_", FieldKind.URL),
    ("ref_", FieldKind.LOOKUP),
    ("user_", FieldKind.LOOKUP),
)


def kind_from_name(name: str) -> FieldKind | None:
    """Return the kind a type-prefixed API name implies, or None for an unprefixed name."""
    for prefix, kind in PREFIX_KINDS:
        if name.startswith(prefix):
            return kind
    return None


def label_from_name(name: str) -> str:
    """Make a label from an API name: ``sline_owner_email`` becomes ``Owner email``."""
    stem = name
    kind_prefix = next((p for p, _ in PREFIX_KINDS if name.startswith(p)), "")
    if kind_prefix:
        stem = name[len(kind_prefix):]
    words = stem.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def validate_record_id(record_id: object) -> str:
    """Return the id as a string of ASCII digits without leading zeros, or raise
    ``InvalidRecordId``. Only such an id is ever put into a URL."""
    from bot.scp._errors import InvalidRecordId

    text = str(record_id).strip() if isinstance(record_id, (str, int)) else ""
    if isinstance(record_id, bool) or not RECORD_ID_PATTERN.fullmatch(text):
        raise InvalidRecordId(record_id)
    return str(int(text))


@dataclass(frozen=True)
class Option:
    """One allowed value of a pick list, multi-select or lookup field."""

    id: str
    name: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Option:
        return cls(id=str(data.get("id", "")), name=str(data.get("name") or data.get("id") or ""))


@dataclass(frozen=True)
class Field:
    """A field of a module: API name, label, kind, and where it sits in a record."""

    name: str
    label: str
    kind: FieldKind
    required: bool = False
    holder: str | None = None
    options: tuple[Option, ...] | None = None
    lookup_entity: str | None = None
    read_only: bool = False

    @property
    def path(self) -> str:
        """The field's path in ``search_criteria`` and ``sort_field``."""
        return f"{self.holder}.{self.name}" if self.holder else self.name

    @property
    def is_custom(self) -> bool:
        return self.name not in ("title", "description")

    def with_overrides(self, **changes: Any) -> Field:
        return replace(self, **changes)


TITLE_FIELD = Field("title", "Title", FieldKind.SINGLE_LINE, required=True)
DESCRIPTION_FIELD = Field("description", "Description", FieldKind.HTML)


@dataclass
class Module:
    """A custom module: its API names, display names and fields.

    ``api_name`` is the plural API name used in URLs and list envelopes (``cm_books``);
    ``singular`` wraps single records (``cm_book``).
    """

    api_name: str
    singular: str
    display_name: str
    display_singular: str
    fields: list[Field] = field(default_factory=list)
    record_url: str | None = None
    list_fields: list[str] | None = None
    card_fields: list[str] | None = None
    form_fields: list[str] | None = None

    @property
    def short_name(self) -> str:
        """The plural API name without its ``cm_`` prefix: ``books``."""
        return self.api_name.removeprefix("cm_")

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def custom_fields(self) -> list[Field]:
        return [f for f in self.fields if f.is_custom]

    def _select(self, names: list[str] | None, default: Iterable[Field]) -> list[Field]:
        if names is None:
            return list(default)
        return [f for f in (self.field(n) for n in names) if f is not None]

    def fields_for_card(self) -> list[Field]:
        return self._select(self.card_fields, self.custom_fields())

    def fields_for_list(self) -> list[Field]:
        return self._select(self.list_fields, self.custom_fields()[:2])

    def fields_for_form(self) -> list[Field]:
        return self._select(
            self.form_fields, [f for f in self.fields if not f.read_only]
        )

    def link_for(self, record_id: str) -> str | None:
        """Return the record's web UI address from the ``record_url`` template, if set.

        NOTE: the web UI's record URL is not part of the documented API and differs between
        builds, so there is no default. Without ``record_url``, cards carry no link.
        """
        if not self.record_url:
            return None
        return self.record_url.replace("{id}", record_id).replace("{module}", self.api_name)

    def record_body(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Wrap field values, keyed by field name, as ``input_data`` for an add or edit."""
        record: dict[str, Any] = {}
        for name, value in values.items():
            spec = self.field(name)
            holder = spec.holder if spec else None
            if holder:
                record.setdefault(holder, {})[name] = value
            else:
                record[name] = value
        return {self.singular: record}


def _time_ms(value: Any) -> int | None:
    if isinstance(value, Mapping):
        value = value.get("value")
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _as_flag(value: Any) -> bool:
    """Read a boolean the server may send as a JSON boolean or as the string "true"."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def _user_name(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return value.get("name") or value.get("email_id") or None
    return str(value) if value else None


@dataclass
class Record:
    """A record as read from the server, in either record format."""

    id: str
    title: str
    description: str | None
    values: dict[str, Any]
    created_by: str | None = None
    created_time: int | None = None
    updated_by: str | None = None
    updated_time: int | None = None
    is_trashed: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        values: dict[str, Any] = {}
        holder = data.get(CUSTOM_FIELD_HOLDER)
        if isinstance(holder, Mapping):
            values.update(holder)
        for key, value in data.items():
            if key not in STANDARD_KEYS:
                values[key] = value

        return cls(
            id=str(data.get("id", "")),
            title=str(data.get("title") or ""),
            description=data.get("description"),
            values=values,
            created_by=_user_name(data.get("created_by")),
            created_time=_time_ms(data.get("created_time")),
            updated_by=_user_name(data.get("updated_by") or data.get("last_updated_by")),
            updated_time=_time_ms(data.get("updated_time") or data.get("last_updated_time")),
            is_trashed=_as_flag(data.get("is_trashed")),
            raw=dict(data),
        )

    def value(self, field_name: str) -> Any:
        if field_name == "title":
            return self.title
        if field_name == "description":
            return self.description
        return self.values.get(field_name)


@dataclass(frozen=True)
class Criterion:
    """One ``search_criteria`` entry; ``values`` is used for ``between`` and multi-value tests."""

    field: str
    condition: str
    value: str | None = None
    values: tuple[str, ...] | None = None
    logical_operator: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "condition": self.condition}
        if self.values is not None:
            data["values"] = list(self.values)
        else:
            data["value"] = self.value
        if self.logical_operator:
            data["logical_operator"] = self.logical_operator
        return data


@dataclass(frozen=True)
class ListQuery:
    """The ``list_info`` of a list call. ``row_count`` is at most 100 on the server."""

    row_count: int = 10
    start_index: int = 1
    sort_field: str | None = None
    sort_order: str | None = None
    criteria: tuple[Criterion, ...] = ()
    trash: bool = False
    get_total_count: bool = True

    def to_list_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "row_count": max(1, min(self.row_count, 100)),
            "start_index": max(1, self.start_index),
            "get_total_count": self.get_total_count,
        }
        if self.sort_field:
            info["sort_field"] = self.sort_field
            info["sort_order"] = self.sort_order or "asc"
        if len(self.criteria) == 1:
            info["search_criteria"] = self.criteria[0].to_json()
        elif self.criteria:
            info["search_criteria"] = [c.to_json() for c in self.criteria]
        if self.trash:
            info["filter_by"] = {"name": "trash"}
        return info


@dataclass
class Page:
    """One page of a list call."""

    records: list[Record]
    start_index: int
    has_more_rows: bool
    total_count: int | None = None

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.records) - 1
