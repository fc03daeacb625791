"""The one async client for the SupportCenter Plus custom-module API (v3).

Every call goes through ``ScpClient._request``, which adds authentication and the vendor
Accept header, sends ``input_data`` in the query (GET) or as a form field (POST/PUT), and turns
any failure ``response_status`` into a typed error, including failures under HTTP 200.

Reads are retried with exponential back-off on transport errors, 429 and 5xx. Writes are
retried only when the connection could not be opened, because then the server never saw
the request. A write that timed out raises ``ScpTransportError`` with ``indeterminate=True``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Mapping
from typing import Any

import httpx

from bot.scp._errors import (
    ScpMessage,
    ScpResponseError,
    ScpTransportError,
    UnexpectedResponse,
    error_class_for,
)
from bot.scp._models import (
    CUSTOM_FIELD_HOLDER,
    ListQuery,
    Module,
    Option,
    Page,
    Record,
    validate_record_id,
)

logger = logging.getLogger(__name__)

ACCEPT = "application/vnd.manageengine.sdp.v3+json"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Retry-After values above this are not waited for: the caller gets RateLimited instead.
MAX_RETRY_AFTER_SECONDS = 10.0


class ScpClient:
    """Async client for one SupportCenter Plus server, over one pooled ``httpx.AsyncClient``.

    ``base_url`` is the server root (``https://help.example.com``), or the portal root on cloud
    (``https://sdpondemand.manageengine.com/app/itdesk``); ``/api/v3/`` is appended.
    """

    def __init__(
        self,
        base_url: str,
        *,
        authtoken: str | None = None,
        oauth_token: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        read_retries: int = 3,
        backoff_seconds: float = 0.25,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Accept": ACCEPT}
        if oauth_token:
            headers["Authorization"] = f"Zoho-oauthtoken {oauth_token}"
        elif authtoken:
            headers["authtoken"] = authtoken

        root = base_url.rstrip("/")
        if root.endswith("/api/v3"):
            # A common setup slip: SCP_URL given as the API address instead of the root.
            logger.warning("scp.client.base_url_has_api_suffix url_ends_with=/api/v3")
            root = root.removesuffix("/api/v3")
        self._http = httpx.AsyncClient(
            base_url=root + "/api/v3/",
            headers=headers,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )
        self._read_retries = read_retries
        self._backoff_seconds = backoff_seconds

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ScpClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # Records

    async def list_records(self, module: Module, query: ListQuery | None = None) -> Page:
        query = query or ListQuery()
        data = await self._request(
            "GET", module.api_name, input_data={"list_info": query.to_list_info()}
        )
        rows = data.get(module.api_name) or data.get(module.singular) or []
        if not isinstance(rows, list):
            raise _unexpected_shape("GET", module.api_name, f"{module.api_name} is not a list")
        info = data.get("list_info")
        info = info if isinstance(info, Mapping) else {}
        total = info.get("total_count")
        return Page(
            records=[Record.from_json(row) for row in rows if _has_valid_id(row)],
            start_index=max(1, _as_int(info.get("start_index"), query.start_index)),
            has_more_rows=_as_bool(info.get("has_more_rows")),
            total_count=max(0, _as_int(total, 0)) if total is not None else None,
        )

    async def get_record(self, module: Module, record_id: str) -> Record:
        record_id = validate_record_id(record_id)
        data = await self._request("GET", f"{module.api_name}/{record_id}")
        return _record_from(module, data)

    async def add_record(self, module: Module, values: Mapping[str, Any]) -> Record:
        """Add a record. ``values`` maps field names to values already in the API's shape."""
        data = await self._request(
            "POST", module.api_name, input_data=module.record_body(values)
        )
        return _record_from(module, data)

    async def edit_record(
        self, module: Module, record_id: str, values: Mapping[str, Any]
    ) -> Record:
        record_id = validate_record_id(record_id)
        data = await self._request(
            "PUT", f"{module.api_name}/{record_id}", input_data=module.record_body(values)
        )
        return _record_from(module, data)

    async def move_to_trash(self, module: Module, record_id: str) -> Record:
        record_id = validate_record_id(record_id)
        data = await self._request("DELETE", f"{module.api_name}/{record_id}/_move_to_trash")
        return _record_from(module, data)

    async def restore(self, module: Module, record_id: str) -> Record:
        # The restore action rejects any input_data, so the PUT carries no body.
        record_id = validate_record_id(record_id)
        data = await self._request("PUT", f"{module.api_name}/{record_id}/_restore_from_trash")
        return _record_from(module, data)

    async def delete(self, module: Module, record_id: str) -> None:
        """Delete a record for good. The server accepts this only for a record in the trash."""
        record_id = validate_record_id(record_id)
        await self._request("DELETE", f"{module.api_name}/{record_id}")

    # Metadata

    async def allowed_values(
        self,
        module: Module,
        field_name: str,
        *,
        holder: str | None = CUSTOM_FIELD_HOLDER,
        start_index: int = 1,
        row_count: int = 100,
    ) -> tuple[list[Option], bool]:
        """Read one page of a pick list's allowed values; returns them and ``has_more_rows``."""
        path = f"{module.api_name}/{holder}/{field_name}" if holder else (
            f"{module.api_name}/{field_name}"
        )
        list_info = {"row_count": row_count, "start_index": start_index}
        data = await self._request("GET", path, input_data={"list_info": list_info})
        rows = data.get(field_name) or []
        info = data.get("list_info") or {}
        options = [Option.from_json(row) for row in rows if isinstance(row, Mapping)]
        return options, _as_bool(info.get("has_more_rows"))

    async def all_allowed_values(
        self, module: Module, field_name: str, *, holder: str | None = CUSTOM_FIELD_HOLDER,
        max_values: int = 10_000,
    ) -> list[Option]:
        """Read every allowed value, paging while ``has_more_rows``, up to ``max_values``."""
        options: list[Option] = []
        start = 1
        while len(options) < max_values:
            page, more = await self.allowed_values(
                module, field_name, holder=holder, start_index=start
            )
            options.extend(page)
            if not more or not page:
                break
            start += len(page)
        return options[:max_values]

    async def metainfo(self, module_api_name: str) -> dict[str, Any]:
        data = await self._request("GET", f"{module_api_name}/_metainfo")
        return data.get("metainfo") or {}

    async def sample_record(self, module_api_name: str) -> dict[str, Any] | None:
        """Read the raw JSON of one record, trashed ones included, to learn the record shape."""
        for trash in (False, True):
            query = ListQuery(row_count=1, trash=trash, get_total_count=False)
            data = await self._request(
                "GET", module_api_name, input_data={"list_info": query.to_list_info()}
            )
            rows = data.get(module_api_name) or []
            if rows:
                return rows[0]
        return None

    # Transport

    async def _request(
        self, method: str, path: str, *, input_data: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        params: dict[str, str] | None = None
        form: dict[str, str] | None = None
        if input_data is not None:
            encoded = json.dumps(input_data, separators=(",", ":"))
            if method == "GET":
                params = {"input_data": encoded}
            else:
                form = {"input_data": encoded}

        is_read = method == "GET"
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._http.request(method, path, params=params, data=form)
            except httpx.ConnectError as error:
                # The connection never opened, so even a write is safe to send again.
                if attempt <= self._read_retries:
                    await self._sleep_before_retry(method, path, attempt, repr(error))
                    continue
                raise ScpTransportError(
                    f"could not connect to SupportCenter Plus: {error}",
                    method=method, url=path,
                ) from error
            except httpx.TransportError as error:
                if is_read and attempt <= self._read_retries:
                    await self._sleep_before_retry(method, path, attempt, repr(error))
                    continue
                raise ScpTransportError(
                    f"SupportCenter Plus sent no response: {type(error).__name__}",
                    method=method, url=path, indeterminate=not is_read,
                ) from error

            if is_read and response.status_code in RETRY_STATUSES and attempt <= self._read_retries:
                delay = _retry_after(response)
                if delay is None or delay <= MAX_RETRY_AFTER_SECONDS:
                    await self._sleep_before_retry(
                        method, path, attempt, f"HTTP {response.status_code}", delay
                    )
                    continue

            return _parse(response, method, path)

    async def _sleep_before_retry(
        self, method: str, path: str, attempt: int, reason: str, delay: float | None = None
    ) -> None:
        if delay is None:
            delay = self._backoff_seconds * (2 ** (attempt - 1)) * (1 + random.random() / 2)
        logger.warning(
            "scp.request.retry method=%s path=%s attempt=%d reason=%s delay=%.2fs",
            method, path, attempt, reason, delay,
        )
        await asyncio.sleep(delay)


def _parse(response: httpx.Response, method: str, path: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = None

    if not isinstance(data, dict):
        # The body (often a proxy's HTML error page) is logged, never shown to users.
        logger.warning(
            "scp.request.unexpected_body method=%s path=%s http=%d body=%r",
            method, path, response.status_code, response.text[:200],
        )
        cls = error_class_for(response.status_code, set(), names_fields=False)
        if cls is ScpResponseError or response.is_success:
            cls = UnexpectedResponse
        raise cls(
            http_status=response.status_code,
            status_code=None,
            messages=[ScpMessage(None, "the server sent a response that is not the API's JSON")],
            method=method,
            url=path,
        )

    status = data.get("response_status")
    if isinstance(status, list):
        status = status[0] if status else {}
    status = status if isinstance(status, Mapping) else {}
    status_code = _as_int(status.get("status_code"), 0) or None
    succeeded = (
        response.is_success
        and (status_code is None or status_code < 4000)
        and str(status.get("status", "success")).lower() == "success"
    )
    if succeeded:
        return data

    raw_messages = status.get("messages") or []
    if not isinstance(raw_messages, list):
        raw_messages = [raw_messages]
    messages = [_message_from(entry) for entry in raw_messages]
    codes = {m.status_code for m in messages if m.status_code is not None}
    if status_code:
        codes.add(status_code)
    names_fields = any(m.field_names for m in messages)
    cls = error_class_for(response.status_code, codes, names_fields)
    logger.info(
        "scp.request.failed method=%s path=%s http=%d codes=%s",
        method, path, response.status_code, sorted(codes),
    )
    raise cls(
        http_status=response.status_code,
        status_code=status_code,
        messages=messages,
        method=method,
        url=path,
    )


def _message_from(entry: Any) -> ScpMessage:
    if not isinstance(entry, Mapping):
        return ScpMessage(None, str(entry))
    fields = entry.get("fields") or ()
    return ScpMessage(
        status_code=_as_int(entry.get("status_code"), 0) or None,
        message=entry.get("message") or None,
        field=entry.get("field") or None,
        fields=tuple(str(f) for f in fields) if isinstance(fields, list) else (),
    )


def _record_from(module: Module, data: Mapping[str, Any]) -> Record:
    body = data.get(module.singular) or data.get(module.api_name)
    if isinstance(body, list):
        body = body[0] if body else None
    if not isinstance(body, Mapping):
        raise _unexpected_shape("", module.api_name, f"the response has no {module.singular}")
    if not _has_valid_id(body):
        raise _unexpected_shape("", module.api_name, "the record has no valid id")
    return Record.from_json(body)


def _has_valid_id(row: Any) -> bool:
    if not isinstance(row, Mapping):
        return False
    try:
        validate_record_id(row.get("id"))
    except ValueError:
        logger.warning("scp.record.invalid_id id=%r", str(row.get("id"))[:40])
        return False
    return True


def _unexpected_shape(method: str, path: str, problem: str) -> UnexpectedResponse:
    logger.warning("scp.response.unexpected_shape path=%s problem=%s", path, problem)
    return UnexpectedResponse(
        http_status=200, status_code=None, messages=[ScpMessage(None, problem)],
        method=method, url=path,
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _as_int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)
