"""``POST /scp/events``: SupportCenter Plus (a custom trigger) reports that a record changed.

The request carries the header ``X-SCP-Webhook-Token`` with the shared secret
``SCP_WEBHOOK_SECRET`` and a JSON body ``{"module": "cm_books", "id": "302"}``; an optional
``"event"`` is only a hint. The endpoint answers 202 at once and the bot re-reads the record
in the background, so a slow SupportCenter Plus never holds up the trigger.

Answers: 202 accepted; 400 for a body that is not that JSON object, an unknown module or a
non-numeric id; 401 for a missing or wrong token; 404 while no secret is configured, because
the endpoint is off then; 413 for a body over 16 KB, which is rejected by its
``Content-Length`` before any of it is read, or as soon as the bytes read pass the limit.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.notify.state import EVENTS
from bot.scp import InvalidRecordId, validate_record_id
from bot.settings import Settings, secret

if TYPE_CHECKING:
    from bot.notify.notifier import Notifier

logger = logging.getLogger(__name__)

PATH = "/scp/events"
TOKEN_HEADER = "X-SCP-Webhook-Token"
MAX_BODY_BYTES = 16_384


class _Rejected(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def webhook_route(notifier: Notifier, settings: Settings) -> Route:
    """Build the route for ``POST /scp/events``."""
    missing_secret_logged = False

    async def endpoint(request: Request) -> Response:
        nonlocal missing_secret_logged
        expected = secret(settings.scp_webhook_secret)
        if not expected:
            if not missing_secret_logged:
                logger.warning("notify.webhook.disabled reason=SCP_WEBHOOK_SECRET_not_set")
                missing_secret_logged = True
            return _error(404, "change events are off: SCP_WEBHOOK_SECRET is not set")

        given = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            logger.warning("notify.webhook.unauthorized client=%s", _client(request))
            return _error(401, f"missing or wrong {TOKEN_HEADER} header")

        try:
            module, record_id, hint = _parse(await _read_body(request), notifier)
        except _Rejected as error:
            logger.info(
                "notify.webhook.rejected status=%d reason=%s client=%s",
                error.status, error.message, _client(request),
            )
            return _error(error.status, error.message)

        notifier.submit_change(module, record_id, event_hint=hint)
        logger.info(
            "notify.webhook.accepted module=%s record=%s hint=%s",
            module.api_name, record_id, hint,
        )
        return JSONResponse({"ok": True, "module": module.api_name, "id": record_id}, 202)

    return Route(PATH, endpoint, methods=["POST"])


async def _read_body(request: Request) -> bytes:
    """Read the body, or raise a 413 _Rejected once it is known to pass MAX_BODY_BYTES.

    The declared length is checked first, and the stream is read only up to the limit,
    because a missing or false Content-Length must not make the bot buffer a huge body.
    """
    if _declared_too_large(request.headers.get("content-length", "")):
        raise _too_large()

    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _declared_too_large(declared: str) -> bool:
    if not (declared.isascii() and declared.isdigit()):
        # A malformed header is left to the HTTP server, and the streamed size still caps it.
        return False
    digits = declared.lstrip("0")
    # Compared by length first, because int() raises ValueError past 4,300 digits.
    return len(digits) > len(str(MAX_BODY_BYTES)) or int(digits or "0") > MAX_BODY_BYTES


def _too_large() -> _Rejected:
    return _Rejected(f"body is larger than {MAX_BODY_BYTES} bytes", status=413)


def _parse(body: bytes, notifier: Notifier) -> tuple[Any, str, str | None]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise _Rejected(f"body is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise _Rejected('body must be a JSON object such as {"module": "cm_books", "id": "302"}')

    name = data.get("module")
    module = notifier.module(name) if isinstance(name, str) else None
    if module is None:
        raise _Rejected(f"module {str(name)[:80]!r} is not one of the bot's modules")

    raw_id = data.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        raise _Rejected("id must be the record id, a string of digits")
    try:
        record_id = validate_record_id(raw_id)
    except InvalidRecordId as error:
        raise _Rejected(str(error)) from error

    hint = data.get("event")
    if hint not in EVENTS:
        # The event is only a hint; an unknown or missing one is worked out from the record.
        hint = None
    return module, record_id, hint


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
