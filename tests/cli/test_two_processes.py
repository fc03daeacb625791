"""Two ``scp-bot run`` processes on one PostgreSQL database post each change once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import FakeSlack
from tests.cli.test_notify_restart import bot_env, start_bot, start_emulator
from tests.cli.test_run_http import SECRET, TOKEN, free_port, stop

RECORDS = 4
EDITS_PER_RECORD = 2


def posts(fake: FakeSlack, *, in_thread: bool) -> list:
    return [
        call for call in fake.calls_to("chat.postMessage")
        if call.ok and bool(call.body.get("thread_ts")) == in_thread
    ]


async def test_two_processes_post_each_change_once(postgres_url: str, tmp_path: Path):
    ports = [free_port(), free_port()]
    # The emulator calls the webhook of the first process; both processes poll.
    emulator, emulator_url = await start_emulator(ports[0], tmp_path)

    async with FakeSlack() as fake:
        env = bot_env(emulator_url, fake, postgres_url, SCP_POLL_SECONDS="0.5")
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
