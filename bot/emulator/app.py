"""Starlette app that speaks the SupportCenter Plus custom-module REST API v3.

Routes under ``/api/v3/`` (``<plural>`` is a module's plural API name, e.g. ``cm_books``):

- ``GET <plural>``: list records; ``input_data={"list_info": {...}}`` in the query string.
- ``POST <plural>``: add a record; form field ``input_data={"cm_book": {...}}``.
- ``GET|PUT|DELETE <plural>/<id>``: get, edit (partial update) or delete from trash.
- ``DELETE <plural>/<id>/_move_to_trash`` and ``PUT <plural>/<id>/_restore_from_trash``.
- ``GET <plural>/cm_fields/<field>`` and ``GET <plural>/<field>``: allowed values of a
  pick-list, multi-select or lookup field, paged with ``list_info``.
- ``GET <plural>/_metainfo`` and ``GET <plural>/<id>/_metainfo``: field metadata.

Authentication takes the ``authtoken`` header, the legacy ``TECHNICIAN_KEY`` header or
``Authorization: Zoho-oauthtoken <token>``. The optional header ``X-Emulator-User: <name>``
is an emulator extension that attributes a write to that user (default "Demo").

Test controls under ``/_emulator/`` need the same token: ``POST|GET|DELETE faults``,
``POST reset``, ``GET|DELETE requests`` and ``POST|GET latency``. Only ``/api/v3/``
requests are logged, delayed and subject to faults.

The metainfo body comes from ``bot.emulator.metainfo``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from bot.emulator.metainfo import build_metainfo
from bot.emulator.modules import ModuleDef, is_record_id
from bot.emulator.search import (
    ListRequest,
    choice_resolver,
    criteria_fields,
    parse_list_info,
    record_resolver,
    run_list,
)
from bot.emulator.store import EmulatorState, ModuleStore, Record
from bot.emulator.values import ApiError, extra_key, failure_message, invalid_url
from bot.emulator.webhook import WebhookNotifier

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v3/"
SUCCESS = {"status_code": 2000, "status": "success"}
USER_HEADER = "x-emulator-user"
AUTH_HEADERS = ("authtoken", "technician_key", "authorization")
ACCEPTED_MEDIA_TYPES = frozenset(
    {
        "application/vnd.manageengine.sdp.v3+json",
        "application/v3+json",
        "application/json",
        "application/*",
        "*/*",
    }
)
ALLOWED_VALUES_PAGE_SIZE = 100
TRASH_FILTER = "trash"


class ScpJSONResponse(JSONResponse):
    """JSON response with the content type that the v3 API sends."""

    media_type = "application/json;charset=UTF-8"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_response(error: ApiError) -> ScpJSONResponse:
    """Return a failure envelope, whose ``response_status`` is always an object.

    NOTE: successful list calls carry a list there. The shape of list failures on the real
    server is not documented, so clients should accept both.
    """
    return ScpJSONResponse(error.envelope(), status_code=error.http_status)


def success(**body: Any) -> ScpJSONResponse:
    return ScpJSONResponse({"response_status": dict(SUCCESS), **body})


# Request parsing ---------------------------------------------------------------------


def decode_input_data(raw: str | None) -> Any:
    """Parse an ``input_data`` JSON string, or raise a 4000 failure if it is not JSON."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ApiError.single(400, 4000, f"input_data is not valid JSON: {error}") from None


async def read_form(request: Request) -> dict[str, str]:
    """Read an x-www-form-urlencoded body (or one sent without a content type).

    NOTE: multipart bodies are not parsed, because the API documents form-encoded writes
    and the emulator avoids the python-multipart dependency.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if not body or content_type not in ("", "application/x-www-form-urlencoded"):
        return {}

    parsed = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


def _decoded_for_log(raw: str | None) -> Any:
    try:
        return decode_input_data(raw)
    except ApiError:
        return raw


def log_entry(request: Request, form: dict[str, str]) -> dict[str, Any]:
    """Describe a request for the request log, with authentication values redacted."""
    headers = {
        key: ("[redacted]" if key.lower() in AUTH_HEADERS else value)
        for key, value in request.headers.items()
    }
    query = dict(request.query_params)
    return {
        "time_ms": int(time.time() * 1000),
        "method": request.method,
        "path": request.url.path,
        "query": query,
        "input_data": _decoded_for_log(query.get("input_data")),
        "form_input_data": _decoded_for_log(form.get("input_data")),
        "headers": headers,
    }


# Authentication, Accept header, faults -----------------------------------------------


def presented_token(request: Request) -> str | None:
    headers = request.headers
    if "authtoken" in headers:
        return headers["authtoken"]
    if "technician_key" in headers:
        return headers["technician_key"]

    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "zoho-oauthtoken":
        return token.strip()
    return None


def check_auth(request: Request, state: EmulatorState) -> None:
    token = presented_token(request)
    if token is None or not hmac.compare_digest(token.encode(), state.authtoken.encode()):
        raise ApiError.single(401, 4022, "Invalid API key or token")


def check_accept(request: Request) -> None:
    accept = request.headers.get("accept", "").strip()
    if not accept:
        return

    media_types = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    if not media_types & ACCEPTED_MEDIA_TYPES:
        raise ApiError.single(
            406,
            4000,
            f"Unsupported Accept header {accept!r}. Use application/vnd.manageengine.sdp.v3+json",
        )


def fault_response(status: int, body: str | None) -> Response:
    if body is not None:
        return HTMLResponse(body, status_code=status)
    if status == 429:
        return error_response(ApiError.single(429, 4015, "API Rate Limit reached"))
    if status == 401:
        return error_response(ApiError.single(401, 4022, "Invalid API key or token"))
    return error_response(ApiError.single(status, 4004, "Internal Error"))


# Record routes -----------------------------------------------------------------------


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


# Control routes ----------------------------------------------------------------------


def control_error(message: str, status_code: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code)


async def _json_body(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError as error:
        raise ValueError(f"the body is not valid JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ValueError("the body must be a JSON object")
    return parsed


def _int_or_none(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer, got {value!r}")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string, got {value!r}")
    return value


class Controls:
    """Handlers of the ``/_emulator/`` test controls."""

    FAULT_KEYS = frozenset({"status", "count", "path_contains", "method", "hang_ms", "body"})

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def _authorized(self, request: Request) -> Response | None:
        try:
            check_auth(request, self.state)
        except ApiError as error:
            return error_response(error)
        return None

    async def faults(self, request: Request) -> Response:
        denied = self._authorized(request)
        if denied is not None:
            return denied

        if request.method == "DELETE":
            self.state.clear_faults()
        elif request.method == "POST":
            try:
                self._add_fault(await _json_body(request))
            except ValueError as error:
                return control_error(f"Invalid fault: {error}")
        return JSONResponse({"faults": [fault.to_json() for fault in self.state.faults]})

    def _add_fault(self, data: dict[str, Any]) -> None:
        unknown = sorted(set(data) - self.FAULT_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}. Use {sorted(self.FAULT_KEYS)}")

        count = _int_or_none(data, "count")
        self.state.add_fault(
            status=_int_or_none(data, "status"),
            count=1 if count is None else count,
            path_contains=_optional_text(data, "path_contains"),
            method=_optional_text(data, "method"),
            hang_ms=_int_or_none(data, "hang_ms") or 0,
            body=_optional_text(data, "body"),
        )

    async def reset(self, request: Request) -> Response:
        denied = self._authorized(request)
        if denied is not None:
            return denied
        self.state.reset()
        return JSONResponse({"status": "reset"})

    async def requests(self, request: Request) -> Response:
        denied = self._authorized(request)
        if denied is not None:
            return denied
        if request.method == "DELETE":
            self.state.clear_requests()
        return JSONResponse({"requests": self.state.request_log()})

    async def latency(self, request: Request) -> Response:
        denied = self._authorized(request)
        if denied is not None:
            return denied

        if request.method == "POST":
            try:
                milliseconds = _int_or_none(await _json_body(request), "ms")
                if milliseconds is None:
                    raise ValueError('the body needs {"ms": <milliseconds>}')
                self.state.set_latency(milliseconds)
            except ValueError as error:
                return control_error(f"Invalid latency: {error}")
        return JSONResponse({"latency_ms": self.state.latency_ms})


# App ---------------------------------------------------------------------------------


async def _http_error(request: Request, exc: Exception) -> Response:
    """Return Starlette's routing errors in the API's envelope."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        error = ApiError(405, [failure_message(4021, "Invalid HTTP method", field=request.method)])
    elif status == 404:
        error = invalid_url()
    else:
        error = ApiError.single(status, 4004, "Internal Error")
    return error_response(error)


def create_app(
    state: EmulatorState | None = None,
    *,
    authtoken: str = "emulator-token",
    latency_ms: int = 0,
    flat: bool = False,
    modules: Iterable[ModuleDef] | None = None,
    webhook_url: str | None = None,
    webhook_token: str | None = None,
) -> Starlette:
    """Build the emulator app, with the EmulatorState as ``app.state.emulator``.

    With ``state`` given, the keyword arguments are ignored and the state is used as is.
    """
    if state is None:
        state = EmulatorState(
            modules,
            authtoken=authtoken,
            latency_ms=latency_ms,
            flat=flat,
            webhook_url=webhook_url,
            webhook_token=webhook_token,
        )
    notifier = WebhookNotifier()
    api = Api(state, notifier)
    controls = Controls(state)
    all_methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]

    routes = [
        Route("/_emulator/faults", controls.faults, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/reset", controls.reset, methods=["POST"]),
        Route("/_emulator/requests", controls.requests, methods=["GET", "DELETE"]),
        Route("/_emulator/latency", controls.latency, methods=["GET", "POST"]),
        Route("/api/v3/{path:path}", api.handle, methods=all_methods),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await notifier.aclose()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: _http_error, 405: _http_error},
    )
    # A redirect from /api/v3 to /api/v3/ would hide the "Invalid URL" failure.
    app.router.redirect_slashes = False
    app.state.emulator = state
    app.state.webhook_notifier = notifier
    return app
