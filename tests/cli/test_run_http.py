"""``scp-bot emulator`` and ``scp-bot run --http`` as real processes, driven over HTTP."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import FakeSlack

SECRET = "cli-test-signing-secret"
TOKEN = "cli-test-authtoken"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early: {process.stdout.read()}")
        try:
            httpx.get(url, headers={"authtoken": TOKEN}, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args], env=env, cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


@pytest.fixture
def emulator_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = start(
        ["emulator", "--port", str(port), "--authtoken", TOKEN, "--latency-ms", "300"],
        dict(os.environ), tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/v3/cm_books", process)
    yield url
    stop(process)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def bot_url(emulator_url: str, fake_slack: FakeSlack, tmp_path: Path):
    port = free_port()
    env = {
        **os.environ,
        "SCP_URL": emulator_url, "SCP_AUTHTOKEN": TOKEN, "SCP_MODULES": "cm_books",
        "SLACK_API_URL": fake_slack.api_url, "SLACK_BOT_TOKEN": "xoxb-cli-test",
        "SLACK_SIGNING_SECRET": SECRET, "DATABASE_URL": f"sqlite:///{tmp_path}/state.db",
    }
    process = await asyncio.to_thread(
        start, ["run", "--http", "--host", "127.0.0.1", "--port", str(port), "--no-poll"],
        env, tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    await asyncio.to_thread(wait_until_up, f"{url}/healthz", process)
    yield url
    output = await asyncio.to_thread(stop, process)
    assert SECRET not in output
    assert TOKEN not in output
    assert "xoxb-cli-test" not in output


async def post(url: str, request) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.post(f"{url}/slack/events", content=request.body,
                               headers=request.headers)


async def test_healthz(bot_url):
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{bot_url}/healthz")

    assert response.status_code == 200
    assert response.json()["modules"] == ["cm_books"]


async def test_signed_command_acks_at_once_then_card_arrives(bot_url, fake_slack):
    requests = SlackRequests(SECRET, response_url_factory=fake_slack.new_response_url)

    response = await post(bot_url, requests.slash_command("books 301"))
    # The emulator responds to each request after 300 ms; the ack did not wait for it.
    replies_at_ack = len(fake_slack.responses)
    await fake_slack.wait_for("response_url", timeout=10)

    assert response.status_code == 200
    assert replies_at_ack == 0
    card = fake_slack.responses[-1]
    assert card["blocks"][0]["text"]["text"] == "test"
    assert fake_slack.invalid_calls == []


async def test_signed_command_opens_modal(bot_url, fake_slack):
    requests = SlackRequests(SECRET, response_url_factory=fake_slack.new_response_url)

    response = await post(bot_url, requests.slash_command("books new"))
    await fake_slack.wait_for("views.update", timeout=10)

    assert response.status_code == 200
    opened = fake_slack.calls_to("views.open")[0].body["view"]
    assert opened["title"]["text"] == "New Book"
    form = fake_slack.calls_to("views.update")[-1].body["view"]
    assert form["submit"]["text"] == "Add"
    assert fake_slack.invalid_calls == []


async def test_unsigned_request_is_rejected(bot_url):
    requests = SlackRequests(SECRET)
    signed = requests.slash_command("books")
    headers = {k: v for k, v in signed.headers.items() if k.lower() != "x-slack-signature"}

    async with httpx.AsyncClient() as http:
        response = await http.post(f"{bot_url}/slack/events", content=signed.body,
                                   headers=headers)

    assert response.status_code == 401


async def test_wrongly_signed_request_is_rejected(bot_url):
    signed = SlackRequests("another-secret").slash_command("books")

    response = await post(bot_url, signed)

    assert response.status_code == 401


async def test_stale_request_is_rejected(bot_url):
    requests = SlackRequests(SECRET)
    stale = requests.slash_command("books", timestamp=int(time.time()) - 6 * 60)

    response = await post(bot_url, stale)

    assert response.status_code == 401


def test_check_prints_modules(emulator_url, tmp_path):
    env = {**os.environ, "SCP_URL": emulator_url, "SCP_AUTHTOKEN": TOKEN,
           "SCP_MODULES": "cm_books,cm_assets"}

    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"], env=env, cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Books (cm_books" in result.stdout
    assert "cm_fields.pick_category" in result.stdout
    assert "OK: 2 module(s) ready." in result.stdout
    assert TOKEN not in result.stdout + result.stderr


def test_check_fails_clearly_on_bad_key(emulator_url, tmp_path):
    env = {**os.environ, "SCP_URL": emulator_url, "SCP_AUTHTOKEN": "wrong"}

    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"], env=env, cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 1
    assert "FAILED" in result.stdout


def test_check_reports_every_module(emulator_url, tmp_path):
    env = {**os.environ, "SCP_URL": emulator_url, "SCP_AUTHTOKEN": TOKEN,
           "SCP_MODULES": "cm_books,books,cm_assets"}

    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"], env=env, cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 1
    assert "Books (cm_books" in result.stdout
    assert "Assets (cm_assets" in result.stdout
    assert "books: FAILED" in result.stdout
    assert "plural API names such as cm_books" in result.stdout
    assert "FAILED: 1 of 3 module(s) need fixing." in result.stdout
    assert "INFO" not in result.stdout + result.stderr


def test_socket_mode_without_app_token_explains(emulator_url, tmp_path):
    env = {**os.environ, "SCP_URL": emulator_url, "SCP_AUTHTOKEN": TOKEN,
           "SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"}
    env.pop("SLACK_APP_TOKEN", None)

    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 2
    assert "SLACK_APP_TOKEN is not set" in result.stderr
    assert "--http" in result.stderr
