"""The optional admin config file (``BOT_CONFIG``, TOML) and how it changes discovered modules.

Example::

    [modules.cm_books]
    display_name = "Library books"          # plural shown in lists and help
    display_singular = "Library book"
    record_url = "https://help.example.com/ui/cm_books/{id}"
    field_order = ["title", "pick_category", "sline_author", "description"]
    card_fields = ["sline_author", "pick_category"]   # fields shown on a card
    list_fields = ["sline_author"]                    # fields shown in list rows
    form_fields = ["title", "sline_author", "pick_category", "description"]

    [modules.cm_books.fields.sline_author]
    label = "Writer"
    required = true

Every key is optional. Field names are the API names the server uses (``sline_author`` in the
``cm_fields`` format, the user-chosen name in the flat format).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.scp import Module

_MODULE_KEYS = {
    "display_name", "display_singular", "record_url", "field_order", "card_fields",
    "list_fields", "form_fields", "fields",
}
_FIELD_KEYS = {"label", "required", "hidden"}


class ConfigError(ValueError):
    """The config file is unreadable or names something that does not exist."""


@dataclass
class ModuleOverrides:
    values: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class BotConfig:
    modules: dict[str, ModuleOverrides] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> BotConfig:
        if path is None:
            return cls()
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"cannot read config file {path}: {error}") from error
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "config") -> BotConfig:
        config = cls()
        for api_name, entry in (data.get("modules") or {}).items():
            if not isinstance(entry, dict):
                raise ConfigError(f"{source}: [modules.{api_name}] must be a table")
            unknown = set(entry) - _MODULE_KEYS
            if unknown:
                raise ConfigError(
                    f"{source}: unknown keys in [modules.{api_name}]: {', '.join(sorted(unknown))}"
                )
            overrides = ModuleOverrides(values={k: v for k, v in entry.items() if k != "fields"})
            for field_name, field_entry in (entry.get("fields") or {}).items():
                bad = set(field_entry) - _FIELD_KEYS
                if bad:
                    raise ConfigError(
                        f"{source}: unknown keys for field {field_name} of {api_name}: "
                        f"{', '.join(sorted(bad))}"
                    )
                overrides.fields[field_name] = dict(field_entry)
            config.modules[api_name] = overrides
        return config


def apply_overrides(module: Module, overrides: ModuleOverrides | None) -> list[str]:
    """Change ``module`` in place; returns one line per override applied, for ``scp-bot check``."""
    if overrides is None:
        return []
    applied: list[str] = []
    values = overrides.values

    for key in ("display_name", "display_singular", "record_url"):
        if key in values:
            setattr(module, key, str(values[key]))
            applied.append(f"{key} = {values[key]!r}")

    hidden: set[str] = set()
    for name, changes in overrides.fields.items():
        spec = module.field(name)
        if spec is None:
            raise ConfigError(f"{module.api_name} has no field {name!r} (config [fields.{name}])")
        if changes.get("hidden"):
            hidden.add(name)
        updated = spec.with_overrides(
            label=str(changes.get("label", spec.label)),
            required=bool(changes.get("required", spec.required)),
        )
        module.fields[module.fields.index(spec)] = updated
        applied.append(f"field {name}: " + ", ".join(f"{k}={v!r}" for k, v in changes.items()))

    if "field_order" in values:
        order = _known_names(module, values["field_order"], "field_order")
        ranked = {name: i for i, name in enumerate(order)}
        module.fields.sort(key=lambda f: ranked.get(f.name, len(ranked)))
        applied.append(f"field_order = {order}")

    for key in ("card_fields", "list_fields", "form_fields"):
        if key in values:
            names = _known_names(module, values[key], key)
            setattr(module, key, [n for n in names if n not in hidden])
            applied.append(f"{key} = {names}")
        elif hidden:
            default = {
                "card_fields": module.fields_for_card,
                "list_fields": module.fields_for_list,
                "form_fields": module.fields_for_form,
            }[key]()
            setattr(module, key, [f.name for f in default if f.name not in hidden])
    return applied


def _known_names(module: Module, names: Any, key: str) -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConfigError(f"{module.api_name}: {key} must be a list of field names")
    missing = [n for n in names if module.field(n) is None]
    if missing:
        known = ", ".join(f.name for f in module.fields)
        raise ConfigError(
            f"{module.api_name}: {key} names unknown fields {missing}; known fields: {known}"
        )
    return list(names)
