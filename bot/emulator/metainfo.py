"""Metainfo of a custom module, as ``GET api/v3/<plural>/_metainfo`` returns it.

The whole response is [inferred], because the vendor does not document metainfo for
SupportCenter Plus. Its shape (``metainfo.fields`` with a ``udf`` container under
``cm_fields``, and ``type`` and ``display_name`` per field) follows what the ServiceDesk
Plus web UI reads. The keys ``mandatory``, ``read_only``, ``allowed_values`` (only for up
to 100 values), ``lookup_entity``, ``field_type`` and the ``module`` object are emulator
choices. In the flat dialect the custom fields sit directly under ``fields``.
"""

from __future__ import annotations

from typing import Any

from bot.emulator.modules import FieldDef, FieldKind, ModuleDef

METAINFO_VALUE_LIMIT = 100

# [inferred] JSON type names for the metainfo "type" key. The "field_type" key contains the kind.
METAINFO_TYPES = {
    FieldKind.SINGLE_LINE: "string",
    FieldKind.MULTI_LINE: "string",
    FieldKind.HTML: "html",
    FieldKind.PICK_LIST: "object",
    FieldKind.MULTI_SELECT: "array",
    FieldKind.INTEGER: "long",
    FieldKind.DECIMAL: "double",
    FieldKind.PERCENTAGE: "double",
    FieldKind.CURRENCY: "double",
    FieldKind.DATE: "datetime",
    FieldKind.DATE_TIME: "datetime",
    FieldKind.BOOLEAN: "boolean",
    FieldKind.EMAIL: "string",
    FieldKind.PHONE: "string",
    FieldKind.URL: "string",
    FieldKind.LOOKUP: "lookup",
}


def _custom_field_meta(definition: FieldDef) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "type": METAINFO_TYPES[definition.kind],
        "display_name": definition.display_name,
        "mandatory": definition.mandatory,
        "read_only": False,
        "field_type": definition.kind.value,
    }
    if definition.has_choices and len(definition.allowed_values) <= METAINFO_VALUE_LIMIT:
        meta["allowed_values"] = [value.to_json() for value in definition.allowed_values]
    if definition.lookup_entity is not None:
        meta["lookup_entity"] = definition.lookup_entity
    return meta


def _read_only(type_name: str, display_name: str, field_type: str, **extra: Any) -> dict:
    return {
        "type": type_name,
        "display_name": display_name,
        "mandatory": False,
        "read_only": True,
        "field_type": field_type,
        **extra,
    }


def _standard_fields_meta(module: ModuleDef) -> dict[str, Any]:
    return {
        "id": _read_only("long", "ID", "integer"),
        "title": {
            "type": "string",
            "display_name": "Title",
            "mandatory": module.title_mandatory,
            "read_only": False,
            "field_type": "single_line",
        },
        "description": {
            "type": "html",
            "display_name": "Description",
            "mandatory": False,
            "read_only": False,
            "field_type": "html",
        },
    }


def _system_fields_meta() -> dict[str, Any]:
    return {
        "created_time": _read_only("datetime", "Created Time", "date_time"),
        "updated_time": _read_only("datetime", "Updated Time", "date_time"),
        "deleted_time": _read_only("datetime", "Deleted Time", "date_time"),
        "created_by": _read_only("lookup", "Created By", "lookup", lookup_entity="user"),
        "updated_by": _read_only("lookup", "Updated By", "lookup", lookup_entity="user"),
        "is_trashed": _read_only("boolean", "Is Trashed", "boolean"),
        "attachments": _read_only("array", "Attachments", "attachments"),
    }


def build_metainfo(module: ModuleDef, *, flat: bool) -> dict[str, Any]:
    """Describe the module's fields, with custom fields in a ``udf`` container unless flat."""
    custom = {
        (item.flat_name if flat else item.api_name): _custom_field_meta(item)
        for item in module.fields
    }

    fields = _standard_fields_meta(module)
    if flat:
        fields.update(custom)
    else:
        fields["cm_fields"] = {"type": "udf", "display_name": "Custom Fields", "fields": custom}
    fields.update(_system_fields_meta())

    return {
        "fields": fields,
        "module": {
            "api_plural_name": module.api_plural_name,
            "api_name": module.api_name,
            "display_name": module.display_name,
            "display_name_singular": module.display_name_singular,
        },
    }
