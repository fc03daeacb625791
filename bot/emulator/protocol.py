"""Response envelopes, request parsing, authentication and Accept checks of the v3 API.

Fault responses, which the test controls inject, are built here too.
"""

from __future__ import annotations

import hmac
import json
import time
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from bot.emulator.state import EmulatorState
from bot.emulator.values import ApiError

SUCCESS = {"status_code": 2000, "status": "success"}
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
