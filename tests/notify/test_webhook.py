"""``POST /scp/events`` called in-process: the body size limit and how much of a body is read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from starlette.applications import Starlette

from bot.notify.webhook import MAX_BODY_BYTES, TOKEN_HEADER, webhook_route
from tests.notify.support import WEBHOOK_SECRET, make_settings

CHUNK = b" " * 4096


@dataclass
class Outcome:
    """What one in-process call returned, and how many body chunks the endpoint read."""

    status: int = 0
    body: dict[str, Any] = field(default_factory=dict)
    chunks_read: int = 0


class _Notifier:
    """The parts of a Notifier that the endpoint calls, recording accepted changes."""

    def __init__(self) -> None:
        self.changes: list[tuple[str, str]] = []

    def module(self, name: str) -> Any:
        return SimpleNamespace(api_name=name) if name == "cm_books" else None

    def submit_change(self, module: Any, record_id: str, event_hint: str | None) -> None:
        self.changes.append((module.api_name, record_id))


def webhook_app(notifier: _Notifier) -> Starlette:
    settings = make_settings("sqlite://")
    return Starlette(routes=[webhook_route(notifier, settings)])  # type: ignore[arg-type]


async def post(app: Starlette, chunks: list[bytes], headers: dict[str, str]) -> Outcome:
    """Send a POST whose body arrives in ``chunks``, counting the chunks the app reads."""
    outcome = Outcome()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/scp/events", "raw_path": b"/scp/events",
        "root_path": "", "query_string": b"", "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
        "headers": [(key.lower().encode(), value.encode()) for key, value in headers.items()],
    }

    async def receive() -> dict[str, Any]:
        if outcome.chunks_read >= len(chunks):
            return {"type": "http.disconnect"}
        outcome.chunks_read += 1
        more = outcome.chunks_read < len(chunks)
        return {"type": "http.request", "body": chunks[outcome.chunks_read - 1], "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            outcome.status = message["status"]
        elif message["type"] == "http.response.body" and message.get("body"):
            outcome.body = json.loads(message["body"])

    await app(scope, receive, send)
    return outcome


def signed(length: str | None = None) -> dict[str, str]:
    """Return headers with the right token and, when given, this Content-Length."""
    headers = {TOKEN_HEADER: WEBHOOK_SECRET, "content-type": "application/json"}
    if length is not None:
        headers["content-length"] = length
    return headers


async def test_small_body_accepted() -> None:
    notifier = _Notifier()
    body = json.dumps({"module": "cm_books", "id": "302"}).encode()

    outcome = await post(webhook_app(notifier), [body], signed(str(len(body))))

    assert outcome.status == 202
    assert notifier.changes == [("cm_books", "302")]


async def test_declared_length_over_limit_not_read() -> None:
    notifier = _Notifier()
    chunks = [CHUNK] * 10

    outcome = await post(webhook_app(notifier), chunks, signed("40960"))

    assert outcome.status == 413
    assert outcome.body["error"] == f"body is larger than {MAX_BODY_BYTES} bytes"
    assert outcome.chunks_read == 0
    assert notifier.changes == []


async def test_huge_declared_length_rejected() -> None:
    outcome = await post(webhook_app(_Notifier()), [CHUNK], signed("9" * 5000))

    assert outcome.status == 413
    assert outcome.chunks_read == 0


async def test_missing_length_stops_reading_at_limit() -> None:
    chunks = [CHUNK] * 1000

    outcome = await post(webhook_app(_Notifier()), chunks, signed())

    assert outcome.status == 413
    # Four chunks fill the 16 KB limit exactly, and the fifth passes it.
    assert outcome.chunks_read == MAX_BODY_BYTES // len(CHUNK) + 1


async def test_false_length_stops_reading_at_limit() -> None:
    chunks = [CHUNK] * 1000

    outcome = await post(webhook_app(_Notifier()), chunks, signed("10"))

    assert outcome.status == 413
    assert outcome.chunks_read == MAX_BODY_BYTES // len(CHUNK) + 1


async def test_body_at_limit_is_parsed() -> None:
    body = json.dumps({"module": "cm_books", "id": "302"}).encode()
    padded = body + b" " * (MAX_BODY_BYTES - len(body))
    notifier = _Notifier()

    outcome = await post(webhook_app(notifier), [padded], signed())

    assert outcome.status == 202
    assert notifier.changes == [("cm_books", "302")]


async def test_wrong_token_reads_no_body() -> None:
    headers = {TOKEN_HEADER: "wrong", "content-type": "application/json"}

    outcome = await post(webhook_app(_Notifier()), [CHUNK] * 10, headers)

    assert outcome.status == 401
    assert outcome.chunks_read == 0
