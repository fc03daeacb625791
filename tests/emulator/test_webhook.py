"""Webhook notifications after writes, sent to a small receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .conftest import StartEmulator, serve


@dataclass
class Receiver:
    """Webhook receiver that records every delivery."""

    url: str
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, count: int) -> list[dict[str, Any]]:
        """Wait up to 5 s until ``count`` deliveries have arrived."""
        async with asyncio.timeout(5):
            while len(self.deliveries) < count:
                await self.arrived.wait()
                self.arrived.clear()
        return self.deliveries


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver(url="")

    async def hook(request: Request) -> JSONResponse:
        delivery = {"body": await request.json(), "headers": dict(request.headers)}
        receiver.deliveries.append(delivery)
        receiver.arrived.set()
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    async with serve(app) as url:
        receiver.url = f"{url}/hook"
        yield receiver


async def test_webhook_reports_every_change(
    start_emulator: StartEmulator, receiver: Receiver
) -> None:
    running = await start_emulator(webhook_url=receiver.url, webhook_token="hook-secret")

    created = await running.write("POST", "cm_books", {"cm_book": {"title": "x"}})
    record_id = created.json()["cm_book"]["id"]
    await running.write("PUT", f"cm_books/{record_id}", {"cm_book": {"title": "y"}})
    await running.client.delete(f"/api/v3/cm_books/{record_id}/_move_to_trash")
    await running.client.put(f"/api/v3/cm_books/{record_id}/_restore_from_trash")
    await running.client.delete(f"/api/v3/cm_books/{record_id}/_move_to_trash")
    await running.client.delete(f"/api/v3/cm_books/{record_id}")

    deliveries = await receiver.wait_for(6)
    events = sorted(delivery["body"]["event"] for delivery in deliveries)
    assert events == sorted(["created", "edited", "trashed", "restored", "trashed", "deleted"])
    for delivery in deliveries:
        assert delivery["body"]["module"] == "cm_books"
        assert delivery["body"]["id"] == record_id
        assert delivery["headers"]["x-scp-webhook-token"] == "hook-secret"


async def test_webhook_skips_failed_writes(
    start_emulator: StartEmulator, receiver: Receiver
) -> None:
    running = await start_emulator(webhook_url=receiver.url)

    rejected = await running.write("POST", "cm_books", {"cm_book": {}})
    await running.client.get("/api/v3/cm_books/301")
    await running.write("PUT", "cm_books/301", {"cm_book": {"title": "z"}})

    await running.app.state.webhook_notifier.drain()
    deliveries = receiver.deliveries
    assert rejected.status_code == 400
    assert [delivery["body"] for delivery in deliveries] == [
        {"module": "cm_books", "id": "301", "event": "edited"}
    ]
    assert "x-scp-webhook-token" not in deliveries[0]["headers"]


async def test_unreachable_webhook_is_logged(
    start_emulator: StartEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    # A port that was free a moment ago refuses connections.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = await start_emulator(webhook_url=f"http://127.0.0.1:{port}/hook")
    notifier = running.app.state.webhook_notifier

    with caplog.at_level(logging.WARNING, logger="bot.emulator.webhook"):
        response = await running.write("POST", "cm_books", {"cm_book": {"title": "x"}})
        await notifier.drain()

    assert response.status_code == 200
    assert notifier.failures == 1
    assert "Webhook POST to" in caplog.text
    assert "cm_books 302 (created)" in caplog.text
