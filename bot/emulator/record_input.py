"""Parsing and validation of the record object that an add or edit request writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.modules import FieldDef, ModuleDef
from bot.emulator.values import (
    MAX_LINE_LENGTH,
    MAX_TEXT_LENGTH,
    ApiError,
    InvalidValue,
    check_length,
    extra_key,
    failure_message,
    is_empty,
    parse_value,
)

READ_ONLY_FIELDS = frozenset(
    {"id", "created_time", "created_by", "updated_time", "updated_by", "is_trashed", "deleted_time"}
)


@dataclass
class _ParsedInput:
    """Changes that a write requests, keyed by "title", "description" or an API field name."""

    changes: dict[str, Any] = field(default_factory=dict)
    # The key the client used for each change, so that errors name the field as sent.
    labels: dict[str, str] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)


class RecordInputParser:
    """Mixin of ``ModuleStore`` that checks a written record object against ``self.module``."""

    module: ModuleDef

    def _parse_body(self, body: Any, *, flat: bool) -> _ParsedInput:
        if not isinstance(body, Mapping):
            raise ApiError.single(
                400, 4000, f"The value of {self.module.api_name} must be a JSON object"
            )
        return self._parse_input(body, flat=flat)

    def _parse_input(self, body: Mapping[str, Any], *, flat: bool) -> _ParsedInput:
        parsed = _ParsedInput()
        for key, raw in body.items():
            if key in READ_ONLY_FIELDS:
                parsed.messages.append(
                    failure_message(4009, "Given field is not editable", field=key)
                )
            elif key in ("title", "description"):
                self._parse_standard(parsed, key, raw)
            elif key == "attachments":
                # NOTE: attachments are accepted so that the vendor's sample body works, but
                # the emulator stores none and always returns an empty list.
                if not isinstance(raw, list):
                    parsed.messages.append(
                        failure_message(4001, "Invalid value for field: expected a list", field=key)
                    )
            elif key == "cm_fields":
                self._parse_holder(parsed, raw)
            elif flat and key in self.module.fields_by_flat_name:
                self._parse_custom(parsed, self.module.fields_by_flat_name[key], key, raw)
            else:
                parsed.messages.append(extra_key(key))
        return parsed

    @staticmethod
    def _parse_standard(parsed: _ParsedInput, key: str, raw: Any) -> None:
        if raw is not None and not isinstance(raw, str):
            parsed.messages.append(
                failure_message(4001, "Invalid value for field: expected a string", field=key)
            )
            return
        maximum = MAX_LINE_LENGTH if key == "title" else MAX_TEXT_LENGTH
        try:
            check_length(raw or "", maximum)
        except InvalidValue as error:
            parsed.messages.append(
                failure_message(4001, f"Invalid value for field {key}: {error}", field=key)
            )
            return
        parsed.changes[key] = raw or None
        parsed.labels[key] = key

    def _parse_holder(self, parsed: _ParsedInput, raw: Any) -> None:
        if not isinstance(raw, Mapping):
            parsed.messages.append(
                failure_message(
                    4001, "Invalid value for field: expected an object", field="cm_fields"
                )
            )
            return

        for key, value in raw.items():
            definition = self.module.fields_by_api_name.get(key)
            if definition is None:
                parsed.messages.append(extra_key(key))
            else:
                self._parse_custom(parsed, definition, key, value)

    @staticmethod
    def _parse_custom(parsed: _ParsedInput, definition: FieldDef, label: str, raw: Any) -> None:
        try:
            parsed.changes[definition.api_name] = parse_value(definition, raw)
        except InvalidValue as error:
            parsed.messages.append(
                failure_message(4001, f"Invalid value for field {label}: {error}", field=label)
            )
            return
        parsed.labels[definition.api_name] = label

    def _check_mandatory(self, parsed: _ParsedInput, *, creating: bool) -> None:
        """Add a 4012 message naming every mandatory field that is missing or empty.

        A new record needs all of them. An edit only fails for mandatory fields that it
        sets to an empty value.
        """
        required = [("title", "title")] if self.module.title_mandatory else []
        required += [
            (item.api_name, item.api_name) for item in self.module.fields if item.mandatory
        ]

        missing = []
        for key, default_label in required:
            given = key in parsed.changes
            if (creating and not given) or (given and is_empty(parsed.changes[key])):
                missing.append(parsed.labels.get(key, default_label))
        if missing:
            parsed.messages.append({"status_code": 4012, "type": "failed", "fields": missing})

    @staticmethod
    def _raise_on_errors(parsed: _ParsedInput) -> None:
        if parsed.messages:
            raise ApiError(400, parsed.messages)
