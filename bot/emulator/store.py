"""In-memory state of the emulator: records, id sequences, trash flags and timestamps.

``ModuleStore`` keeps the records of one custom module and applies the write rules of the
API (mandatory fields, read-only fields, extra keys, value types). ``EmulatorState``
keeps one store per module plus the test knobs: injected faults, latency, the request log
and the webhook target. Everything lives in memory and ``reset()`` restores the seed
records.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.modules import DefinitionError, FieldDef, ModuleDef, is_record_id
from bot.emulator.samples import BUILTIN_USERS, DEMO_USER_NAME, builtin_modules, make_user
from bot.emulator.values import (
    MAX_LINE_LENGTH,
    MAX_TEXT_LENGTH,
    ApiError,
    InvalidValue,
    check_length,
    extra_key,
    failure_message,
    invalid_url,
    is_empty,
    parse_milliseconds,
    parse_value,
    render_value,
    time_json,
)

READ_ONLY_FIELDS = frozenset(
    {"id", "created_time", "created_by", "updated_time", "updated_by", "is_trashed", "deleted_time"}
)
REQUEST_LOG_SIZE = 1000
# Injected statuses stay within the error range: 1xx and 204 break the HTTP exchange,
# and values above 599 are not statuses at all. The one exception is 200 with a body,
# which emulates a proxy page that answers a write with HTML.
FAULT_STATUSES = range(400, 600)
PAGE_STATUS = 200
# Uvicorn lets requests in flight finish before it stops on SIGTERM, so a longer sleep
# would hold up shutdown for as long.
MAX_DELAY_MS = 60_000
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


@dataclass
class _ParsedInput:
    """Changes that a write requests, keyed by "title", "description" or an API field name."""

    changes: dict[str, Any] = field(default_factory=dict)
    # The key the client used for each change, so that errors name the field as sent.
    labels: dict[str, str] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)


class ModuleStore:
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

    # Input validation -----------------------------------------------------------------

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


# Test knobs ---------------------------------------------------------------------------


@dataclass
class Fault:
    """Injected failure for the next ``count`` requests that match method and path.

    With ``status`` set, the request fails with that HTTP status and an error envelope
    (or ``body`` as text/html). With only ``hang_ms``, the request is delayed and then
    served normally.
    """

    status: int | None = None
    count: int = 1
    path_contains: str | None = None
    method: str | None = None
    hang_ms: int = 0
    body: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.count <= 0:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "count": self.count,
            "path_contains": self.path_contains,
            "method": self.method,
            "hang_ms": self.hang_ms,
            "body": self.body,
        }


def _fault_status_allowed(status: int, body: str | None) -> bool:
    return status in FAULT_STATUSES or (status == PAGE_STATUS and body is not None)


def check_delay(name: str, ms: int) -> None:
    """Raise ValueError unless ``ms`` is a delay from 0 to ``MAX_DELAY_MS`` milliseconds."""
    if not 0 <= ms <= MAX_DELAY_MS:
        raise ValueError(f"{name} must be from 0 to {MAX_DELAY_MS} ms, got {ms}")


class EmulatorState:
    """Everything the emulator keeps in memory, plus the controls that tests use.

    Tests that run the app in-process may call the control methods directly instead
    of the ``/_emulator/`` endpoints. The methods are not thread-safe, so call them
    from the event loop that serves the app or while no request is in flight.
    """

    def __init__(
        self,
        modules: Iterable[ModuleDef] | None = None,
        *,
        authtoken: str = "emulator-token",
        latency_ms: int = 0,
        flat: bool = False,
        webhook_url: str | None = None,
        webhook_token: str | None = None,
    ) -> None:
        check_delay("latency", latency_ms)
        self.modules = tuple(modules) if modules is not None else builtin_modules()
        self.authtoken = authtoken
        self.flat = flat
        self.webhook_url = webhook_url
        self.webhook_token = webhook_token
        self.initial_latency_ms = latency_ms
        self.latency_ms = latency_ms
        self.clock = Clock()
        self.users = UserDirectory()
        self.faults: list[Fault] = []
        self.requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
        self.stores: dict[str, ModuleStore] = {
            module.api_plural_name: ModuleStore(module, self.clock, self.users)
            for module in self.modules
        }

    def store(self, plural_name: str) -> ModuleStore:
        """Return the store of a module by plural API name, or raise KeyError if unknown."""
        return self.stores[plural_name]

    def reset(self) -> None:
        """Restore the seed records and users, and clear faults, request log and latency changes."""
        self.users.reset()
        for store in self.stores.values():
            store.reset()
        self.faults.clear()
        self.requests.clear()
        self.latency_ms = self.initial_latency_ms

    def add_fault(
        self,
        status: int | None = None,
        count: int = 1,
        path_contains: str | None = None,
        method: str | None = None,
        hang_ms: int = 0,
        body: str | None = None,
    ) -> Fault:
        """Make the next ``count`` matching API requests fail or hang (see ``Fault``).

        Raises ValueError unless ``status`` is 400 to 599 (or 200 with a ``body``) and
        ``hang_ms`` 0 to 60,000.
        """
        if status is None and hang_ms <= 0:
            raise ValueError("a fault needs a status, a hang_ms above 0, or both")
        if status is not None and not _fault_status_allowed(status, body):
            raise ValueError(
                f"status must be an HTTP error status from 400 to 599 (or 200 with a body), "
                f"got {status}"
            )
        check_delay("hang_ms", hang_ms)
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")

        fault = Fault(status, count, path_contains, method, hang_ms, body)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        """Return the first fault that matches this request and use up one of its counts."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def set_latency(self, ms: int) -> None:
        """Delay every later API request by ``ms`` (0 to 60,000), or raise ValueError."""
        check_delay("latency", ms)
        self.latency_ms = ms

    def clear_requests(self) -> None:
        self.requests.clear()

    def request_log(self) -> list[dict[str, Any]]:
        """Return a copy of the request log, oldest first (at most the last 1000 requests)."""
        return copy.deepcopy(list(self.requests))
