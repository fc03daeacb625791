"""Searchable fields of the items that ``list_info`` filters and sorts.

A resolver maps a field path such as ``cm_fields.sline_author`` to a ``FieldAccessor``,
which reads a comparable value from an item and names its comparison type.
``record_resolver`` serves the record lists and ``choice_resolver`` serves the
allowed-values lists of pick-list fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.emulator.modules import (
    DATE_KINDS,
    NUMBER_KINDS,
    TEXT_KINDS,
    FieldDef,
    FieldKind,
    ModuleDef,
)
from bot.emulator.store import Record
from bot.emulator.values import ApiError, failure_message


def search_failure(message: str, field: str | None = None) -> ApiError:
    return ApiError(400, [failure_message(4000, message, field=field)])


class ValueType(StrEnum):
    """Comparison type of the values of a field."""

    TEXT = "text"
    NUMBER = "number"
    TIME = "time"
    BOOLEAN = "boolean"
    # A list of names or ids, which matches when any element matches.
    MULTI = "multi"


@dataclass(frozen=True)
class FieldAccessor:
    """Searchable field of the items: its path, comparison type and value reader."""

    path: str
    value_type: ValueType
    read: Callable[[Any], Any]


Resolver = Callable[[str], FieldAccessor | None]
Predicate = Callable[[Any], bool]


# Resolvers ---------------------------------------------------------------------------


def _as_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _user_accessor(path: str, key: str, part: str) -> FieldAccessor:
    def read(record: Record) -> Any:
        user = getattr(record, key)
        if user is None:
            return None
        return Decimal(user["id"]) if part == "id" else user["name"]

    return FieldAccessor(path, ValueType.NUMBER if part == "id" else ValueType.TEXT, read)


def _standard_accessor(path: str) -> FieldAccessor | None:
    head, _, part = path.partition(".")
    times = {
        "created_time": "created_ms",
        "updated_time": "updated_ms",
        "deleted_time": "deleted_ms",
    }

    if path == "id":
        return FieldAccessor(path, ValueType.NUMBER, lambda record: Decimal(record.id))
    if path in ("title", "description"):
        return FieldAccessor(path, ValueType.TEXT, lambda record: getattr(record, path))
    if path == "is_trashed":
        return FieldAccessor(path, ValueType.BOOLEAN, lambda record: record.is_trashed)
    if head in times and part in ("", "value"):
        attribute = times[head]
        return FieldAccessor(path, ValueType.TIME, lambda record: getattr(record, attribute))
    if head in ("created_by", "updated_by") and part in ("", "name", "id"):
        return _user_accessor(path, head, part or "name")
    return None


def _custom_accessor(path: str, definition: FieldDef, part: str) -> FieldAccessor | None:
    name = definition.api_name
    kind = definition.kind

    def value_of(record: Record) -> Any:
        return record.values.get(name)

    if kind == FieldKind.MULTI_SELECT and part in ("", "name", "id"):
        attribute = part or "name"
        return FieldAccessor(
            path,
            ValueType.MULTI,
            lambda record: tuple(getattr(item, attribute) for item in value_of(record) or ()),
        )
    if definition.has_choices and part in ("", "name"):
        return FieldAccessor(
            path, ValueType.TEXT, lambda record: getattr(value_of(record), "name", None)
        )
    if definition.has_choices and part == "id":
        return FieldAccessor(
            path,
            ValueType.NUMBER,
            lambda record: _as_decimal(getattr(value_of(record), "id", None)),
        )
    if part:
        if kind in DATE_KINDS and part == "value":
            return FieldAccessor(path, ValueType.TIME, value_of)
        return None

    if kind in TEXT_KINDS:
        return FieldAccessor(path, ValueType.TEXT, value_of)
    if kind in NUMBER_KINDS:
        return FieldAccessor(path, ValueType.NUMBER, lambda record: _as_decimal(value_of(record)))
    if kind in DATE_KINDS:
        return FieldAccessor(path, ValueType.TIME, value_of)
    return FieldAccessor(path, ValueType.BOOLEAN, value_of)


def record_resolver(module: ModuleDef, *, flat: bool) -> Resolver:
    """Resolve record field paths: standard fields, ``cm_fields.<name>`` and, when flat,
    ``<flat name>``. Pick lists and lookups also take ``.name`` and ``.id``, dates ``.value``.
    """

    def resolve(path: str) -> FieldAccessor | None:
        standard = _standard_accessor(path)
        if standard is not None:
            return standard

        if path.startswith("cm_fields."):
            name, _, part = path.removeprefix("cm_fields.").partition(".")
            definition = module.fields_by_api_name.get(name)
        elif flat:
            name, _, part = path.partition(".")
            definition = module.fields_by_flat_name.get(name)
        else:
            return None
        return None if definition is None else _custom_accessor(path, definition, part)

    return resolve


def choice_resolver(path: str) -> FieldAccessor | None:
    """Resolve the fields of an allowed value: ``name`` (text) and ``id`` (number)."""
    if path == "name":
        return FieldAccessor(path, ValueType.TEXT, lambda value: value.name)
    if path == "id":
        return FieldAccessor(path, ValueType.NUMBER, lambda value: Decimal(value.id))
    return None


def resolve_or_fail(resolver: Resolver, path: Any, role: str) -> FieldAccessor:
    accessor = resolver(path) if isinstance(path, str) else None
    if accessor is None:
        raise search_failure(
            f"Invalid {role} field: {path!r} is not a field of this module", field=str(path)
        )
    return accessor


def _normalized(accessor: FieldAccessor, value: Any) -> Any:
    """Return the item's value in comparable form: case-folded text, a tuple for multi."""
    if value is None:
        return None
    if accessor.value_type == ValueType.TEXT:
        return value.casefold()
    if accessor.value_type == ValueType.MULTI:
        return tuple(item.casefold() for item in value)
    return value
