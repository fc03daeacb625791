"""Snapshots of a record's visible values, and the field-by-field changes between two of them.

A snapshot keeps title, description and custom field values in a form that compares well and
survives JSON: pick lists and lookups become their names, multi-selects a sorted list of
names, dates epoch milliseconds, and empty values None. Two reads of an unchanged record give
equal snapshots whatever record format the server used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from bot.rendering.text import choice_name, epoch_ms
from bot.scp import DESCRIPTION_FIELD, TITLE_FIELD, Field, FieldKind, Module, Record

DATE_KINDS = frozenset({FieldKind.DATE, FieldKind.DATE_TIME})
CHOICE_KINDS = frozenset({FieldKind.PICK_LIST, FieldKind.LOOKUP})


def tracked_fields(module: Module) -> list[Field]:
    """Return the fields whose changes are reported: title, description, then custom fields."""
    title = module.field("title") or TITLE_FIELD
    description = module.field("description") or DESCRIPTION_FIELD
    return [title, description, *module.custom_fields()]


def snapshot_of(module: Module, record: Record) -> dict[str, Any]:
    fields = tracked_fields(module)
    return {field.name: normalize(field, record.value(field.name)) for field in fields}


def version_of(snapshot: Mapping[str, Any], is_trashed: bool) -> str:
    """Return a short hash of a record's visible state, equal for equal snapshots.

    Two saves within one millisecond share an ``updated_time``, so this hash keeps them
    apart in the outbox key and in the poller's cursor.
    """
    state = json.dumps([snapshot, is_trashed], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def normalize(field: Field, value: Any) -> Any:
    """Return ``value`` in the comparable form described in the module docstring."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if field.kind in CHOICE_KINDS:
        return choice_name(value) or None
    if field.kind == FieldKind.MULTI_SELECT:
        items = value if isinstance(value, list | tuple) else [value]
        return sorted(choice_name(item) for item in items) or None
    if field.kind in DATE_KINDS:
        return epoch_ms(value)
    if field.kind == FieldKind.BOOLEAN:
        return value if isinstance(value, bool) else str(value).strip().lower() == "true"
    if isinstance(value, Mapping):
        # Numbers may arrive as {"value": ..., "display_value": ...}.
        return value.get("value", value.get("display_value"))
    return value


def changes_between(
    module: Module, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """List the fields whose values differ, in field order, with label and old and new value."""
    changes = []
    for field in tracked_fields(module):
        old = before.get(field.name)
        new = after.get(field.name)
        if old != new:
            changes.append({"field": field.name, "label": field.label, "old": old, "new": new})
    return changes


def field_for(module: Module, name: str | None) -> Field | None:
    """Return the tracked field called ``name``, for formatting a stored change."""
    return next((field for field in tracked_fields(module) if field.name == name), None)
