"""Handlers of the ``/_emulator/`` test controls for faults, reset, the request log and latency."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.emulator.protocol import check_auth, error_response
from bot.emulator.state import EmulatorState
from bot.emulator.values import ApiError


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
