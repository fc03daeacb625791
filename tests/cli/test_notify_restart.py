"""A bot process killed between a change and its notification posts it once after a restart."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import httpx

from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import FakeSlack
from tests.cli.test_run_http import SECRET, TOKEN, free_port, start, stop, wait_until_up

WEBHOOK_SECRET = "restart-test-webhook-secret"


def bot_env(
    emulator_url: str, fake: FakeSlack, database_url: str, **overrides: str
) -> dict[str, str]:
    return {
        **os.environ,
        "SCP_URL": emulator_url, "SCP_AUTHTOKEN": TOKEN, "SCP_MODULES": "cm_books",
        "SLACK_API_URL": fake.api_url, "SLACK_BOT_TOKEN": "xoxb-notify-test",
        "SLACK_SIGNING_SECRET": SECRET, "DATABASE_URL": database_url,
        "SCP_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "NOTIFY_PACE_SECONDS": "0.01", "NOTIFY_LEASE_SECONDS": "1",
        "NOTIFY_WEBHOOK_DELAY_SECONDS": "0",
        **overrides,
    }


async def start_emulator(webhook_port: int, cwd: Path):
    """Start ``scp-bot emulator`` calling the webhook of the bot on ``webhook_port``."""
    port = free_port()
    process = await asyncio.to_thread(start, [
        "emulator", "--port", str(port), "--authtoken", TOKEN,
        "--webhook-url", f"http://127.0.0.1:{webhook_port}/scp/events",
        "--webhook-token", WEBHOOK_SECRET,
    ], dict(os.environ), cwd)
    url = f"http://127.0.0.1:{port}"
    await asyncio.to_thread(wait_until_up, f"{url}/api/v3/cm_books", process)
    return process, url


async def start_bot(port: int, env: dict[str, str], cwd: Path, *, poll: bool = False):
    args = ["run", "--http", "--host", "127.0.0.1", "--port", str(port)]
    if not poll:
        args.append("--no-poll")
    process = await asyncio.to_thread(start, args, env, cwd)
    await asyncio.to_thread(wait_until_up, f"http://127.0.0.1:{port}/healthz", process)
    return process


def successful_parent_posts(fake: FakeSlack) -> list:
    return [
        call for call in fake.calls_to("chat.postMessage")
        if call.ok and not call.body.get("thread_ts")
    ]


async def test_killed_bot_posts_pending_notification_once(tmp_path: Path):
    bot_port = free_port()
    emulator, emulator_url = await start_emulator(bot_port, tmp_path)

    async with FakeSlack() as fake:
        env = bot_env(emulator_url, fake, f"sqlite:///{tmp_path / 'state.db'}")
        first = await start_bot(bot_port, env, tmp_path)
        try:
            requests = SlackRequests(SECRET, response_url_factory=fake.new_response_url)
            subscribe = requests.slash_command("subscribe books")
            async with httpx.AsyncClient(timeout=10) as http:
                await http.post(f"http://127.0.0.1:{bot_port}/slack/events",
                                content=subscribe.body, headers=subscribe.headers)
            await fake.wait_for("response_url", timeout=10)

            # Slack keeps answering 429, so the notification waits in the outbox.
            fake.rate_limit("chat.postMessage", times=1000, retry_after=30)
            record = {"cm_book": {"title": "Written while the bot dies"}}
            async with httpx.AsyncClient(base_url=emulator_url, headers={"authtoken": TOKEN},
                                         timeout=10) as scp:
                created = await scp.post("/api/v3/cm_books",
                                         data={"input_data": json.dumps(record)})
            assert created.status_code == 200
            await fake.wait_for("chat.postMessage", timeout=15)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)

        assert successful_parent_posts(fake) == []
        fake.rate_limit("chat.postMessage", times=0)
        second = await start_bot(bot_port, env, tmp_path)
        try:
            for _ in range(100):
                if successful_parent_posts(fake):
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.5)
        finally:
            output = await asyncio.to_thread(stop, second)
            await asyncio.to_thread(stop, emulator)

    posted = successful_parent_posts(fake)
    assert len(posted) == 1, output
    assert "Written while the bot dies" in posted[0].body["text"]
