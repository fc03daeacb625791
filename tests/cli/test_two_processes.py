"""Two ``scp-bot run`` processes on one PostgreSQL database post each change once."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import httpx
import pytest

from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import FakeSlack
from tests.cli.test_notify_restart import WEBHOOK_SECRET, start_bot
from tests.cli.test_run_http import SECRET, TOKEN, free_port, start, stop, wait_until_up

RECORDS = 4
EDITS_PER_RECORD = 2


def posts(fake: FakeSlack, *, in_thread: bool) -> list:
    return [
        call for call in fake.calls_to("chat.postMessage")
        if call.ok and bool(call.body.get("thread_ts")) == in_thread
    ]


async def test_two_processes_post_each_change_once(postgres_url: str, tmp_path: Path):
    ports = [free_port(), free_port()]
    emulator_port = free_port()
    # The emulator calls the webhook of the first process; both processes poll.
    emulator = await asyncio.to_thread(start, [
        "emulator", "--port", str(emulator_port), "--authtoken", TOKEN,
        "--webhook-url", f"http://127.0.0.1:{ports[0]}/scp/events",
        "--webhook-token", WEBHOOK_SECRET,
    ], dict(os.environ), tmp_path)
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    await asyncio.to_thread(wait_until_up, f"{emulator_url}/api/v3/cm_books", emulator)

    async with FakeSlack() as fake:
        env = {
            **os.environ,
            "SCP_URL": emulator_url, "SCP_AUTHTOKEN": TOKEN, "SCP_MODULES": "cm_books",
            "SLACK_API_URL": fake.api_url, "SLACK_BOT_TOKEN": "xoxb-two-processes",
            "SLACK_SIGNING_SECRET": SECRET, "DATABASE_URL": postgres_url,
            "SCP_WEBHOOK_SECRET": WEBHOOK_SECRET, "SCP_POLL_SECONDS": "0.5",
            "NOTIFY_PACE_SECONDS": "0.01", "NOTIFY_WEBHOOK_DELAY_SECONDS": "0",
        }
        bots = []
        try:
            for port in ports:
                bots.append(await start_bot(port, env, tmp_path, poll=True))
            requests = SlackRequests(SECRET, response_url_factory=fake.new_response_url)
            subscribe = requests.slash_command("subscribe books")
            async with httpx.AsyncClient(timeout=10) as http:
                await http.post(f"http://127.0.0.1:{ports[1]}/slack/events",
                                content=subscribe.body, headers=subscribe.headers)
            await fake.wait_for("response_url", timeout=10)
            # Let a poll pass set the cursor, so the seed record is history, not news.
            await asyncio.sleep(1.5)

            async with httpx.AsyncClient(base_url=emulator_url, headers={"authtoken": TOKEN},
                                         timeout=10) as scp:
                for number in range(RECORDS):
                    body = {"cm_book": {"title": f"Shared {number}"}}
                    created = await scp.post("/api/v3/cm_books",
                                             data={"input_data": json.dumps(body)})
                    record_id = created.json()["cm_book"]["id"]
                    for edit in range(EDITS_PER_RECORD):
                        change = {"cm_book": {"title": f"Shared {number} v{edit + 2}"}}
                        await scp.put(f"/api/v3/cm_books/{record_id}",
                                      data={"input_data": json.dumps(change)})
                        await asyncio.sleep(0.05)

            for _ in range(100):
                await asyncio.sleep(0.1)
                if len(posts(fake, in_thread=False)) >= RECORDS:
                    break
            # Give both pollers time to see everything again.
            await asyncio.sleep(2.0)
        finally:
            for bot in bots:
                await asyncio.to_thread(stop, bot)
            await asyncio.to_thread(stop, emulator)

    parents = posts(fake, in_thread=False)
    parent_titles = sorted(call.body["text"] for call in parents)
    assert len(parents) == RECORDS, parent_titles
    lines = posts(fake, in_thread=True)
    # The fallback text ("Edited by Demo") is the same for every edit; the blocks differ.
    keys = [(call.body["thread_ts"], json.dumps(call.body["blocks"])) for call in lines]
    assert len(keys) == len(set(keys)), keys
    # The webhook and the poller can merge edits that land together, never double them.
    assert RECORDS <= len(lines) <= RECORDS * EDITS_PER_RECORD


@pytest.fixture(autouse=True)
def _needs_postgres(postgres_url: str) -> None:
    """Skip without PostgreSQL (``postgres_url`` skips) before any process is started."""
