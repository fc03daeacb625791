"""In-memory records of the emulator: id sequences, trash flags and timestamps.

``ModuleStore`` keeps the records of one custom module and applies the write rules of the
API (mandatory fields, read-only fields, extra keys, value types), which it inherits from
``RecordInputParser`` in ``bot.emulator.record_input``. ``reset()`` restores the seed
records.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.emulator.modules import DefinitionError, ModuleDef, is_record_id
from bot.emulator.record_input import RecordInputParser
from bot.emulator.samples import BUILTIN_USERS, DEMO_USER_NAME, make_user
from bot.emulator.values import (
    ApiError,
    invalid_url,
    parse_milliseconds,
    render_value,
    time_json,
)

FIRST_AD_HOC_USER_ID = 1000


class Clock:
    """Epoch-millisecond clock whose readings strictly increase.

    Two writes within the same millisecond still get different ``updated_time`` values,
    so a client that polls for "updated after T" never misses one.
    """

    def __init__(self) -> None:
        self._last = 0

    def now_ms(self) -> int:
        self._last = max(int(time.time() * 1000), self._last + 1)
        return self._last


class UserDirectory:
    """Users by name: the built-in users plus any name a request attributes a write to."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every user except the built-in ones."""
        self._users = {user["name"].casefold(): user for user in BUILTIN_USERS}
        self._next_id = itertools.count(FIRST_AD_HOC_USER_ID)

    def resolve(self, name: str | None) -> dict[str, Any]:
        """Return the user with this name, creating one with a fresh id for an unknown name."""
        name = (name or "").strip() or DEMO_USER_NAME
        user = self._users.get(name.casefold())
        if user is None:
            user = make_user(str(next(self._next_id)), name)
            self._users[name.casefold()] = user
        return copy.deepcopy(user)


@dataclass
class Record:
    """One custom-module record; ``values`` maps API field names to internal values."""

    id: int
    title: str | None
    description: str | None
    values: dict[str, Any]
    created_ms: int
    created_by: dict[str, Any]
    updated_ms: int
    updated_by: dict[str, Any] | None = None
    is_trashed: bool = False
    deleted_ms: int | None = None


class ModuleStore(RecordInputParser):
    """Records of one module, with the add, edit, trash, restore and delete operations."""

    def __init__(self, module: ModuleDef, clock: Clock, users: UserDirectory) -> None:
        self.module = module
        self._clock = clock
        self._users = users
        self._records: dict[int, Record] = {}
        self._next_id = module.first_id
        self.reset()

    # Seeds ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Replace all records with the module's seed records and restart the id sequence."""
        self._records = {}
        self._next_id = self.module.first_id
        next_seed_id = (
            max((int(seed["id"]) for seed in self.module.seed_records if "id" in seed), default=0)
            + 1
        )

        for seed in self.module.seed_records:
            if "id" in seed:
                record_id = int(seed["id"])
            else:
                record_id = next_seed_id
                next_seed_id += 1
            self._records[record_id] = self._seed_record(record_id, seed)

        self._next_id = max(self._next_id, next_seed_id)

    def _seed_record(self, record_id: int, seed: Mapping[str, Any]) -> Record:
        body = {
            key: value
            for key, value in seed.items()
            if key not in ("id", "created_time", "created_by")
        }
        parsed = self._parse_input(body, flat=True)
        self._check_mandatory(parsed, creating=True)
        if parsed.messages:
            raise DefinitionError(
                f"seed record {record_id} of {self.module.api_plural_name} is invalid: "
                f"{parsed.messages}"
            )

        created_ms = (
            parse_milliseconds(seed["created_time"])
            if "created_time" in seed
            else self._clock.now_ms()
        )
        record = Record(
            id=record_id,
            title=None,
            description=None,
            values={item.api_name: None for item in self.module.fields},
            created_ms=created_ms,
            created_by=self._users.resolve(seed.get("created_by")),
            updated_ms=created_ms,
        )
        self._apply(record, parsed.changes)
        return record

    # Reads ----------------------------------------------------------------------------

    def records(self) -> list[Record]:
        """Return every record, trashed or not, in id order."""
        return [self._records[key] for key in sorted(self._records)]

    def get(self, record_id: str) -> Record:
        """Return the record with this id, or raise a 404 "Invalid URL" failure without one."""
        if not is_record_id(record_id) or int(record_id) not in self._records:
            raise invalid_url()
        return self._records[int(record_id)]

    # Writes ---------------------------------------------------------------------------

    def add(self, body: Any, user_name: str | None, *, flat: bool) -> Record:
        """Create a record from the written record object and return it."""
        parsed = self._parse_body(body, flat=flat)
        self._check_mandatory(parsed, creating=True)
        self._raise_on_errors(parsed)

        now = self._clock.now_ms()
        user = self._users.resolve(user_name)
        record = Record(
            id=self._next_id,
            title=None,
            description=None,
            values={item.api_name: None for item in self.module.fields},
            created_ms=now,
            created_by=user,
            updated_ms=now,
            updated_by=user,
        )
        self._apply(record, parsed.changes)
        self._records[record.id] = record
        self._next_id += 1
        return record

    def edit(self, record_id: str, body: Any, user_name: str | None, *, flat: bool) -> Record:
        """Apply a partial update: only the given fields change."""
        record = self.get(record_id)
        if record.is_trashed:
            raise ApiError.single(400, 4000, "Record is in trash. Restore it before editing it.")

        parsed = self._parse_body(body, flat=flat)
        self._check_mandatory(parsed, creating=False)
        self._raise_on_errors(parsed)

        self._apply(record, parsed.changes)
        self._touch(record, user_name)
        return record

    def trash(self, record_id: str, user_name: str | None) -> Record:
        record = self.get(record_id)
        if record.is_trashed:
            raise ApiError.single(400, 4000, "Record is already in trash")

        record.is_trashed = True
        self._touch(record, user_name)
        record.deleted_ms = record.updated_ms
        return record

    def restore(self, record_id: str, user_name: str | None) -> Record:
        record = self.get(record_id)
        if not record.is_trashed:
            raise ApiError.single(400, 4000, "Record is not in trash")

        record.is_trashed = False
        record.deleted_ms = None
        self._touch(record, user_name)
        return record

    def delete(self, record_id: str) -> None:
        """Delete a trashed record for good. Records outside the trash fail with 4017."""
        record = self.get(record_id)
        if not record.is_trashed:
            raise ApiError.single(400, 4017, "Not in trash")
        del self._records[record.id]

    def _touch(self, record: Record, user_name: str | None) -> None:
        record.updated_ms = self._clock.now_ms()
        record.updated_by = self._users.resolve(user_name)

    @staticmethod
    def _apply(record: Record, changes: Mapping[str, Any]) -> None:
        for key, value in changes.items():
            if key == "title":
                record.title = value
            elif key == "description":
                record.description = value
            else:
                record.values[key] = value

    # Rendering ------------------------------------------------------------------------

    def render(self, record: Record, *, flat: bool) -> dict[str, Any]:
        """Return the record as the API shows it, in the flat or the ``cm_fields`` dialect."""
        custom = {
            (item.flat_name if flat else item.api_name): render_value(
                item, record.values.get(item.api_name)
            )
            for item in self.module.fields
        }

        rendered: dict[str, Any] = {
            "id": str(record.id),
            "title": record.title,
            "description": record.description,
        }
        if flat:
            rendered.update(custom)
        else:
            rendered["cm_fields"] = custom

        rendered["created_time"] = time_json(record.created_ms)
        rendered["updated_time"] = time_json(record.updated_ms)
        rendered["created_by"] = copy.deepcopy(record.created_by)
        if record.updated_by is not None:
            rendered["updated_by"] = copy.deepcopy(record.updated_by)
        rendered["is_trashed"] = record.is_trashed
        if record.deleted_ms is not None:
            rendered["deleted_time"] = time_json(record.deleted_ms)
        rendered["attachments"] = []
        return rendered
