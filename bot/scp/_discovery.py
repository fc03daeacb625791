"""Learn a module's names and fields from the server.

The module's ``_metainfo`` endpoint is tried first. Its shape is known only from the web UI's
own calls (fields under ``metainfo.fields``, custom ones inside a ``udf`` container), so every
key is read leniently. When it fails, the fields come from one record's shape: type-prefixed
names under ``cm_fields`` give their kind by prefix, and flat keys by their JSON value.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bot.scp._client import ScpClient
from bot.scp._errors import AuthenticationError, PermissionDenied, RecordNotFound, ScpResponseError
from bot.scp._models import (
    CUSTOM_FIELD_HOLDER,
    DESCRIPTION_FIELD,
    STANDARD_KEYS,
    TITLE_FIELD,
    Field,
    FieldKind,
    Module,
    Option,
    kind_from_name,
    label_from_name,
)

logger = logging.getLogger(__name__)

# Type names a metainfo entry may carry, mapped to field kinds.
_TYPE_KINDS: dict[str, FieldKind] = {
    **{kind.value: kind for kind in FieldKind},
    "string": FieldKind.SINGLE_LINE,
    "text": FieldKind.SINGLE_LINE,
    "singleline": FieldKind.SINGLE_LINE,
    "multiline": FieldKind.MULTI_LINE,
    "textarea": FieldKind.MULTI_LINE,
    "picklist": FieldKind.PICK_LIST,
    "multiselect": FieldKind.MULTI_SELECT,
    "numeric": FieldKind.INTEGER,
    "long": FieldKind.INTEGER,
    "double": FieldKind.DECIMAL,
    "datetime": FieldKind.DATE_TIME,
    "bool": FieldKind.BOOLEAN,
    "reference": FieldKind.LOOKUP,
}


async def discover_module(client: ScpClient, api_name: str) -> tuple[Module, str]:
    """Build a ``Module`` for ``api_name``; returns it and where its fields came from."""
    try:
        metainfo = await client.metainfo(api_name)
    except (AuthenticationError, PermissionDenied):
        raise
    except ScpResponseError as error:
        logger.info("scp.discovery.no_metainfo module=%s error=%s", api_name, error)
        metainfo = {}

    if metainfo.get("fields"):
        return module_from_metainfo(api_name, metainfo), "metainfo"

    try:
        sample = await client.sample_record(api_name)
    except RecordNotFound as error:
        raise UnknownModuleName(api_name) from error
    return module_from_record(api_name, sample), "record" if sample else "names"


class UnknownModuleName(ScpResponseError):
    """The server has no module with this API name."""

    def __init__(self, api_name: str) -> None:
        self.api_name = api_name
        super().__init__(http_status=404, status_code=4007)

    def __str__(self) -> str:
        return (
            f"SupportCenter Plus has no module with the API name {self.api_name!r}. "
            "SCP_MODULES takes plural API names such as cm_books."
        )


def module_from_metainfo(api_name: str, metainfo: Mapping[str, Any]) -> Module:
    details = metainfo.get("module") or {}
    module = _bare_module(api_name, details)

    custom: list[Field] = []
    for name, entry in (metainfo.get("fields") or {}).items():
        if not isinstance(entry, Mapping):
            continue
        if str(entry.get("type", "")).lower() == "udf" and isinstance(entry.get("fields"), Mapping):
            holder = name
            for inner_name, inner in entry["fields"].items():
                if isinstance(inner, Mapping):
                    custom.append(_field_from_meta(inner_name, inner, holder))
        elif name in ("title", "description"):
            base = TITLE_FIELD if name == "title" else DESCRIPTION_FIELD
            module.fields[0 if name == "title" else 1] = base.with_overrides(
                label=str(entry.get("display_name") or base.label),
                required=bool(entry.get("mandatory", base.required)),
            )
        elif name not in STANDARD_KEYS and not entry.get("read_only"):
            custom.append(_field_from_meta(name, entry, None))

    module.fields.extend(custom)
    return module


def module_from_record(api_name: str, record: Mapping[str, Any] | None) -> Module:
    module = _bare_module(api_name, {})
    if not record:
        return module

    holder = record.get(CUSTOM_FIELD_HOLDER)
    if isinstance(holder, Mapping):
        for name, value in holder.items():
            kind = kind_from_name(name) or _kind_from_value(value)
            spec = Field(name, label_from_name(name), kind, holder=CUSTOM_FIELD_HOLDER)
            module.fields.append(spec)
    for name, value in record.items():
        if name not in STANDARD_KEYS:
            module.fields.append(Field(name, label_from_name(name), _kind_from_value(value)))
    return module


def _bare_module(api_name: str, details: Mapping[str, Any]) -> Module:
    singular = str(details.get("api_name") or _singular(api_name))
    short = api_name.removeprefix("cm_").replace("_", " ")
    display = str(details.get("display_name") or short.title())
    display_singular = str(
        details.get("display_name_singular") or _singular(display) or display
    )
    return Module(
        api_name=api_name,
        singular=singular,
        display_name=display,
        display_singular=display_singular,
        fields=[TITLE_FIELD, DESCRIPTION_FIELD],
    )


def _field_from_meta(name: str, entry: Mapping[str, Any], holder: str | None) -> Field:
    type_name = str(entry.get("field_type") or entry.get("type") or "").lower().replace(" ", "_")
    kind = _TYPE_KINDS.get(type_name) or kind_from_name(name) or FieldKind.SINGLE_LINE
    if type_name == "lookup" and entry.get("lookup_entity") is None and kind_from_name(name):
        kind = kind_from_name(name) or kind

    allowed = entry.get("allowed_values")
    options = None
    if isinstance(allowed, list) and allowed:
        options = tuple(
            Option.from_json(v) if isinstance(v, Mapping) else Option(str(v), str(v))
            for v in allowed
        )
    return Field(
        name=name,
        label=str(entry.get("display_name") or label_from_name(name)),
        kind=kind,
        required=bool(entry.get("mandatory")),
        holder=holder,
        options=options,
        lookup_entity=entry.get("lookup_entity"),
        read_only=bool(entry.get("read_only")),
    )


def _kind_from_value(value: Any) -> FieldKind:
    if isinstance(value, bool):
        return FieldKind.BOOLEAN
    if isinstance(value, list):
        return FieldKind.MULTI_SELECT
    if isinstance(value, Mapping):
        if "value" in value:
            return FieldKind.DATE_TIME
        if "name" in value or "id" in value:
            return FieldKind.PICK_LIST
    return FieldKind.SINGLE_LINE


def _singular(plural: str) -> str:
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    if plural.endswith("ses") or plural.endswith("xes"):
        return plural[:-2]
    if plural.endswith("s") and not plural.endswith("ss"):
        return plural[:-1]
    return plural
