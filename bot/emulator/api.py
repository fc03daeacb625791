"""Handlers of the ``/api/v3/`` routes for records, allowed values and metainfo."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.emulator.list_info import ListRequest, parse_list_info, run_list
from bot.emulator.metainfo import build_metainfo
from bot.emulator.modules import is_record_id
from bot.emulator.protocol import (
    SUCCESS,
    ScpJSONResponse,
    check_accept,
    check_auth,
    decode_input_data,
    error_response,
    fault_response,
    log_entry,
    read_form,
    success,
)
from bot.emulator.search import criteria_fields
from bot.emulator.search_fields import choice_resolver, record_resolver
from bot.emulator.state import EmulatorState
from bot.emulator.store import ModuleStore, Record
from bot.emulator.values import ApiError, extra_key, failure_message, invalid_url
from bot.emulator.webhook import WebhookNotifier

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v3/"
USER_HEADER = "x-emulator-user"
ALLOWED_VALUES_PAGE_SIZE = 100
TRASH_FILTER = "trash"


@dataclass
class ApiCall:
    """One routed API request: the request, its form fields, the module store and the
    path segments after the module name."""

    request: Request
    form: dict[str, str]
    store: ModuleStore
    rest: list[str]

    @property
    def record_id(self) -> str:
        return self.rest[0]

    @property
    def user_name(self) -> str | None:
        return self.request.headers.get(USER_HEADER)


Handler = Callable[[ApiCall], Response]


class Api:
    """Handlers of the ``/api/v3/`` routes, bound to one emulator state."""

    def __init__(self, state: EmulatorState, notifier: WebhookNotifier) -> None:
        self.state = state
        self.notifier = notifier

    async def handle(self, request: Request) -> Response:
        form = await read_form(request)
        self.state.requests.append(log_entry(request, form))

        try:
            check_auth(request, self.state)
            check_accept(request)

            fault = self.state.take_fault(request.method, request.url.path)
            if fault is not None and fault.hang_ms > 0:
                await asyncio.sleep(fault.hang_ms / 1000)
            if fault is not None and fault.status is not None:
                logger.info(
                    "Injected HTTP %d into %s %s", fault.status, request.method, request.url.path
                )
                return fault_response(fault.status, fault.body)

            if self.state.latency_ms > 0:
                await asyncio.sleep(self.state.latency_ms / 1000)
            return self.dispatch(request, form)
        except ApiError as error:
            # Client errors are the expected output of many tests, so they log at debug level.
            logger.debug(
                "%s %s failed with HTTP %d: %s",
                request.method,
                request.url.path,
                error.http_status,
                error.messages,
            )
            return error_response(error)

    def dispatch(self, request: Request, form: dict[str, str]) -> Response:
        """Route a request by its path segments after ``/api/v3/``."""
        path = request.url.path.removeprefix(API_PREFIX).strip("/")
        segments = path.split("/") if path else []
        if not segments or segments[0] not in self.state.stores:
            raise invalid_url()

        call = ApiCall(request, form, self.state.store(segments[0]), segments[1:])
        handlers = self._route(call)
        method = request.method.upper()
        if method not in handlers:
            raise ApiError(405, [failure_message(4021, "Invalid HTTP method", field=method)])
        return handlers[method](call)

    def _route(self, call: ApiCall) -> dict[str, Handler]:
        """Return the handlers of the route by HTTP method, or raise 404 for an unknown route."""
        rest = call.rest
        module = call.store.module
        if not rest:
            return {"GET": self.list_records, "POST": self.add_record}
        if len(rest) == 1 and rest[0] == "_metainfo":
            return {"GET": self.metainfo}
        if len(rest) == 1 and is_record_id(rest[0]):
            return {"GET": self.get_record, "PUT": self.edit_record, "DELETE": self.delete_record}
        if len(rest) == 1 and module.find_field(rest[0]) is not None:
            return {"GET": self.allowed_values}
        if len(rest) == 2 and rest[0] == "cm_fields" and module.find_field(rest[1]) is not None:
            return {"GET": self.allowed_values}
        if len(rest) == 2 and is_record_id(rest[0]):
            actions: dict[str, dict[str, Handler]] = {
                "_move_to_trash": {"DELETE": self.trash_record},
                "_restore_from_trash": {"PUT": self.restore_record},
                "_metainfo": {"GET": self.metainfo},
            }
            if rest[1] in actions:
                return actions[rest[1]]
        raise invalid_url()

    # Reads ----------------------------------------------------------------------------

    def list_records(self, call: ApiCall) -> Response:
        store = call.store
        input_data = self._query_input(call.request)
        list_request = parse_list_info(input_data.get("list_info"))
        records = self._visible_records(store, list_request)

        resolver = record_resolver(store.module, flat=self.state.flat)
        page, list_info = run_list(records, list_request, resolver)
        rendered = [store.render(record, flat=self.state.flat) for record in page]
        return ScpJSONResponse(
            {
                "response_status": [dict(SUCCESS)],
                store.module.api_plural_name: rendered,
                "list_info": list_info,
            }
        )

    @staticmethod
    def _query_input(request: Request) -> dict[str, Any]:
        input_data = decode_input_data(request.query_params.get("input_data"))
        if input_data is None:
            return {}
        if not isinstance(input_data, dict):
            raise ApiError.single(400, 4000, "input_data must be a JSON object")
        for key in input_data:
            if key != "list_info":
                raise ApiError(400, [extra_key(key)])
        return input_data

    @staticmethod
    def _visible_records(store: ModuleStore, list_request: ListRequest) -> list[Record]:
        """Apply the trash view: ``filter_by`` trash shows only trashed records.

        Otherwise trashed records are hidden, unless the criteria test ``is_trashed``.
        """
        filter_by = list_request.raw.get("filter_by")
        if filter_by is not None:
            name = filter_by.get("name") if isinstance(filter_by, dict) else None
            if not isinstance(name, str) or name.strip().lower() != TRASH_FILTER:
                # NOTE: view names other than the trash view are unknown for custom modules.
                raise ApiError.single(
                    400,
                    4000,
                    f"Invalid filter_by {filter_by!r}. The only view is 'trash'",
                    field="filter_by",
                )
            return [record for record in store.records() if record.is_trashed]

        criteria = list_request.raw.get("search_criteria")
        if criteria is not None and "is_trashed" in criteria_fields(criteria):
            return store.records()
        return [record for record in store.records() if not record.is_trashed]

    def get_record(self, call: ApiCall) -> Response:
        return self._record_response(call.store, call.store.get(call.record_id))

    def allowed_values(self, call: ApiCall) -> Response:
        field_name = call.rest[-1]
        definition = call.store.module.find_field(field_name)
        if definition is None or not definition.has_choices:
            raise ApiError.single(
                400,
                4000,
                f"Field {field_name} is not a pick list, multi-select or lookup",
                field=field_name,
            )

        input_data = self._query_input(call.request)
        list_request = parse_list_info(
            input_data.get("list_info"), default_row_count=ALLOWED_VALUES_PAGE_SIZE
        )
        values = list(definition.allowed_values)
        page, list_info = run_list(values, list_request, choice_resolver)
        list_info.setdefault("sort_order", "asc")
        rendered = [value.to_json() for value in page]
        return success(**{field_name: rendered}, list_info=list_info)

    def metainfo(self, call: ApiCall) -> Response:
        if call.rest and is_record_id(call.rest[0]):
            call.store.get(call.record_id)
        return success(metainfo=build_metainfo(call.store.module, flat=self.state.flat))

    # Writes ---------------------------------------------------------------------------

    @staticmethod
    def _record_body(call: ApiCall) -> Any:
        """Return the record object of ``input_data`` (under the singular or plural key)."""
        module = call.store.module
        raw = call.form.get("input_data", call.request.query_params.get("input_data"))
        if raw is None:
            raise ApiError.single(
                400,
                4000,
                "input_data is missing. Send it as a form field of an "
                "application/x-www-form-urlencoded body",
            )

        input_data = decode_input_data(raw)
        if not isinstance(input_data, dict):
            raise ApiError.single(400, 4000, "input_data must be a JSON object")

        keys = (module.api_name, module.api_plural_name)
        extras = [extra_key(key) for key in input_data if key not in keys]
        if extras:
            raise ApiError(400, extras)
        present = [key for key in keys if key in input_data]
        if len(present) != 1:
            raise ApiError.single(
                400,
                4000,
                f"input_data needs exactly one of the keys {module.api_name} "
                f"or {module.api_plural_name}",
            )
        return input_data[present[0]]

    @staticmethod
    def _reject_input(call: ApiCall) -> None:
        if "input_data" in call.form or "input_data" in call.request.query_params:
            raise ApiError.single(400, 4000, "Extra parameter(s) not allowed", field="input_data")

    def _changed(self, call: ApiCall, record_id: str, event: str) -> None:
        if self.state.webhook_url:
            module = call.store.module.api_plural_name
            self.notifier.notify(
                self.state.webhook_url, self.state.webhook_token, module, record_id, event
            )

    def _record_response(self, store: ModuleStore, record: Record) -> Response:
        return success(**{store.module.api_name: store.render(record, flat=self.state.flat)})

    def add_record(self, call: ApiCall) -> Response:
        body = self._record_body(call)
        record = call.store.add(body, call.user_name, flat=self.state.flat)
        self._changed(call, str(record.id), "created")
        return self._record_response(call.store, record)

    def edit_record(self, call: ApiCall) -> Response:
        call.store.get(call.record_id)
        body = self._record_body(call)
        record = call.store.edit(call.record_id, body, call.user_name, flat=self.state.flat)
        self._changed(call, call.record_id, "edited")
        return self._record_response(call.store, record)

    def trash_record(self, call: ApiCall) -> Response:
        call.store.get(call.record_id)
        self._reject_input(call)
        record = call.store.trash(call.record_id, call.user_name)
        self._changed(call, call.record_id, "trashed")
        return self._record_response(call.store, record)

    def restore_record(self, call: ApiCall) -> Response:
        call.store.get(call.record_id)
        self._reject_input(call)
        record = call.store.restore(call.record_id, call.user_name)
        self._changed(call, call.record_id, "restored")
        return self._record_response(call.store, record)

    def delete_record(self, call: ApiCall) -> Response:
        call.store.delete(call.record_id)
        self._changed(call, call.record_id, "deleted")
        return success()
