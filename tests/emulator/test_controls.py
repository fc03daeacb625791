"""Test controls: faults, latency, reset and the request log, over HTTP and in-process."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from bot.emulator import EmulatorState

from .conftest import Emulator, StartEmulator, failure_messages, make_client


async def test_fault_fails_next_matching_requests(emulator: Emulator) -> None:
    fault = {"status": 503, "count": 2, "path_contains": "cm_books", "method": "GET"}
    added = await emulator.client.post("/_emulator/faults", json=fault)
    assert added.status_code == 200
    assert added.json()["faults"][0]["count"] == 2

    post = await emulator.write("POST", "cm_books", {"cm_book": {"title": "x"}})
    other_module = await emulator.client.get("/api/v3/cm_assets")
    first = await emulator.client.get("/api/v3/cm_books")
    second = await emulator.client.get("/api/v3/cm_books/301")
    third = await emulator.client.get("/api/v3/cm_books")

    assert post.status_code == 200
    assert other_module.status_code == 200
    for failed in (first, second):
        assert failed.status_code == 503
        assert failure_messages(failed) == [
            {"status_code": 4004, "type": "failed", "message": "Internal Error"}
        ]
    assert third.status_code == 200
    remaining = await emulator.client.get("/_emulator/faults")
    assert remaining.json() == {"faults": []}


async def test_rate_limit_fault(emulator: Emulator) -> None:
    emulator.state.add_fault(status=429)

    limited = await emulator.client.get("/api/v3/cm_books")
    after = await emulator.client.get("/api/v3/cm_books")

    assert limited.status_code == 429
    assert failure_messages(limited)[0] == {
        "status_code": 4015,
        "type": "failed",
        "message": "API Rate Limit reached",
    }
    assert after.status_code == 200


async def test_html_fault_body(emulator: Emulator) -> None:
    emulator.state.add_fault(status=502, body="<html>Bad gateway</html>")

    response = await emulator.client.get("/api/v3/cm_books")

    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == "<html>Bad gateway</html>"


async def test_hang_fault_delays_request(emulator: Emulator) -> None:
    await emulator.client.post("/_emulator/faults", json={"hang_ms": 200})

    started = time.perf_counter()
    response = await emulator.client.get("/api/v3/cm_books")
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert elapsed >= 0.2


async def test_hang_fault_can_time_out_client(emulator: Emulator) -> None:
    emulator.state.add_fault(hang_ms=500, status=500)

    try:
        await emulator.client.get("/api/v3/cm_books", timeout=0.05)
    except httpx.ReadTimeout:
        timed_out = True
    else:
        timed_out = False

    assert timed_out


async def test_invalid_fault_rejected(emulator: Emulator) -> None:
    for fault in ({}, {"status": "503"}, {"status": 500, "count": 0}, {"status": 500, "x": 1}):
        response = await emulator.client.post("/_emulator/faults", json=fault)

        assert response.status_code == 400, fault
        assert response.json()["error"].startswith("Invalid fault")


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 100},
        {"status": 200},
        {"status": 204},
        {"status": 204, "body": "<html></html>"},
        {"status": 302},
        {"status": 399},
        {"status": 600},
        {"status": 99999},
        {"hang_ms": 60_001},
        {"hang_ms": 10**20},
        {"hang_ms": 1e20},
        {"status": 500, "hang_ms": -5},
    ],
)
async def test_fault_out_of_range_rejected(emulator: Emulator, fault: dict[str, Any]) -> None:
    response = await emulator.client.post("/_emulator/faults", json=fault)

    assert response.status_code == 400
    assert response.json()["error"].startswith("Invalid fault")
    assert emulator.state.faults == []


@pytest.mark.parametrize(
    "arguments", [{"status": 204}, {"status": 600}, {"status": 500, "hang_ms": 60_001}]
)
def test_add_fault_out_of_range_raises(arguments: dict[str, Any]) -> None:
    state = EmulatorState()

    with pytest.raises(ValueError, match="must be"):
        state.add_fault(**arguments)

    assert state.faults == []


async def test_fault_range_limits_accepted(emulator: Emulator) -> None:
    accepted = [
        {"status": 400},
        {"status": 599},
        {"hang_ms": 60_000},
        {"status": 200, "body": "<html>proxy</html>"},
    ]
    for fault in accepted:
        response = await emulator.client.post("/_emulator/faults", json=fault)

        assert response.status_code == 200, fault

    assert len(emulator.state.faults) == len(accepted)


async def test_clear_faults(emulator: Emulator) -> None:
    emulator.state.add_fault(status=500, count=5)

    cleared = await emulator.client.delete("/_emulator/faults")
    response = await emulator.client.get("/api/v3/cm_books")

    assert cleared.json() == {"faults": []}
    assert response.status_code == 200


async def test_latency_endpoint(emulator: Emulator) -> None:
    changed = await emulator.client.post("/_emulator/latency", json={"ms": 150})
    assert changed.json() == {"latency_ms": 150}

    started = time.perf_counter()
    await emulator.client.get("/api/v3/cm_books/301")
    assert time.perf_counter() - started >= 0.15

    await emulator.client.post("/_emulator/latency", json={"ms": 0})
    started = time.perf_counter()
    await emulator.client.get("/api/v3/cm_books/301")
    assert time.perf_counter() - started < 0.15


async def test_invalid_latency_rejected(emulator: Emulator) -> None:
    for body in ({}, {"ms": -1}, {"ms": "100"}, {"ms": 60_001}, {"ms": 10**20}, {"ms": 1e20}):
        response = await emulator.client.post("/_emulator/latency", json=body)

        assert response.status_code == 400, body
        assert response.json()["error"].startswith("Invalid latency")
    assert emulator.state.latency_ms == 0

    with pytest.raises(ValueError, match="60000"):
        emulator.state.set_latency(60_001)
    with pytest.raises(ValueError, match="60000"):
        EmulatorState(latency_ms=60_001)


async def test_latency_option(start_emulator: StartEmulator) -> None:
    running = await start_emulator(latency_ms=120)

    started = time.perf_counter()
    response = await running.client.get("/api/v3/cm_books/301")

    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.12


async def test_reset_restores_seed(emulator: Emulator) -> None:
    await emulator.write("POST", "cm_books", {"cm_book": {"title": "x"}})
    await emulator.client.delete("/api/v3/cm_books/301/_move_to_trash")
    await emulator.client.delete("/api/v3/cm_books/301")
    emulator.state.add_fault(status=500, path_contains="cm_assets")

    reset = await emulator.client.post("/_emulator/reset")
    assert reset.status_code == 200

    assert await emulator.ids() == ["301"]
    created = await emulator.write("POST", "cm_books", {"cm_book": {"title": "again"}})
    assert created.json()["cm_book"]["id"] == "302"
    assert (await emulator.client.get("/api/v3/cm_assets")).status_code == 200


async def test_request_log_endpoint(emulator: Emulator) -> None:
    list_info = {"list_info": {"row_count": 5}}
    await emulator.client.get("/api/v3/cm_books", params={"input_data": json.dumps(list_info)})
    await emulator.client.get("/api/v3/cm_books", headers={"TECHNICIAN_KEY": "emulator-token"})

    response = await emulator.client.get("/_emulator/requests")
    entries = response.json()["requests"]

    assert [entry["path"] for entry in entries] == ["/api/v3/cm_books", "/api/v3/cm_books"]
    assert entries[0]["input_data"] == list_info
    assert entries[0]["form_input_data"] is None
    assert entries[0]["headers"]["authtoken"] == "[redacted]"
    assert entries[1]["headers"]["technician_key"] == "[redacted]"
    assert "emulator-token" not in response.text

    cleared = await emulator.client.delete("/_emulator/requests")
    assert cleared.json() == {"requests": []}


async def test_request_log_keeps_undecodable_input(emulator: Emulator) -> None:
    await emulator.client.get("/api/v3/cm_books", params={"input_data": "{broken"})

    assert emulator.state.request_log()[-1]["input_data"] == "{broken"


async def test_controls_need_token(emulator: Emulator) -> None:
    async with make_client(emulator.url) as client:
        responses = [
            await client.post("/_emulator/reset"),
            await client.get("/_emulator/requests"),
            await client.post("/_emulator/faults", json={"status": 500}),
            await client.post("/_emulator/latency", json={"ms": 5}),
        ]

    for response in responses:
        assert response.status_code == 401
        assert failure_messages(response)[0]["status_code"] == 4022
    assert emulator.state.faults == []
    assert emulator.state.latency_ms == 0


async def test_custom_authtoken(start_emulator: StartEmulator) -> None:
    running = await start_emulator(authtoken="s3cret")

    default_token = await running.client.get("/api/v3/cm_books")
    custom_token = await running.client.get("/api/v3/cm_books", headers={"authtoken": "s3cret"})

    assert default_token.status_code == 401
    assert custom_token.status_code == 200
