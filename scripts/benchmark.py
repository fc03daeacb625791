"""Measure how fast the bot answers Slack, against the emulator and the fake Slack Web API.

Usage: .venv/bin/python scripts/benchmark.py [--runs N]

Prints a Markdown table (the one in docs/benchmarks.md). Everything runs in one process on
127.0.0.1: the emulator, the fake Slack Web API and the real Bolt app, with signed requests.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable

from bot.app import build_services, create_bolt_app
from bot.emulator import create_app
from bot.fakeslack.driver import SlackDriver
from bot.fakeslack.local_server import LocalServer
from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import FakeSlack
from bot.ids import field_block_id
from bot.rendering import record_card
from bot.scp import Record
from bot.server import create_http_app
from bot.settings import Settings

SECRET = "benchmark-secret"


async def measure(runs: int, step: Callable[[], Awaitable[float]]) -> list[float]:
    return [await step() for _ in range(runs)]


def row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"| {name} | {len(samples)} | {statistics.median(samples) * 1000:.1f} | "
        f"{p95 * 1000:.1f} | {max(samples) * 1000:.1f} |"
    )


async def start_bot(latency_ms: int, modules: str, state_dir: str):
    emulator = LocalServer(create_app(latency_ms=latency_ms))
    await emulator.start()
    slack = FakeSlack()
    await slack.start()
    settings = Settings(
        _env_file=None, scp_url=emulator.url, scp_authtoken="emulator-token",
        scp_modules=modules, slack_api_url=slack.api_url, slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET, database_url=f"sqlite:///{state_dir}/state.db",
    )
    services = await build_services(settings, notifications=False)
    app = create_bolt_app(services)
    requests = SlackRequests(SECRET, response_url_factory=slack.new_response_url)
    return emulator, slack, services, app, requests


async def bench_acks(runs: int, state_dir: str) -> list[str]:
    emulator, slack, services, app, requests = await start_bot(2000, "cm_books", state_dir)
    driver = SlackDriver(app, requests, slack)
    rows = []

    async def ack_only(text: str) -> float:
        request = requests.slash_command(text)
        started = time.perf_counter()
        await driver._deliver(request)
        return time.perf_counter() - started

    await ack_only("books 301")
    rows.append(row("ack of `/scp books 301`, server 2 s slow, in process",
                    await measure(runs, lambda: ack_only("books 301"))))

    async def until_modal_opens() -> float:
        before = len(slack.calls_to("views.open"))
        request = requests.slash_command("books edit 301")
        started = time.perf_counter()
        await driver._deliver(request)
        await slack.wait_for("views.open", count=before + 1)
        return time.perf_counter() - started

    rows.append(row("`/scp books edit 301` to `views.open`, server 2 s slow",
                    await measure(max(3, runs // 5), until_modal_opens)))

    http = LocalServer(create_http_app(app, services, poll=False))
    await http.start()
    http_driver = SlackDriver(None, requests, slack, events_url=f"{http.url}/slack/events")

    async def http_ack() -> float:
        request = requests.slash_command("books 301")
        started = time.perf_counter()
        await http_driver._deliver(request)
        return time.perf_counter() - started

    await http_ack()
    rows.append(row("ack of `/scp books 301` over HTTP (uvicorn), server 2 s slow",
                    await measure(runs, http_ack)))

    await asyncio.sleep(2.5)
    await services.background.join(timeout=30)
    await http_driver.aclose()
    await http.stop()
    await services.aclose()
    await slack.stop()
    await emulator.stop()
    return rows


async def bench_type_ahead(runs: int, state_dir: str) -> list[str]:
    emulator, slack, services, app, requests = await start_bot(0, "cm_assets", state_dir)
    driver = SlackDriver(app, requests, slack, services.background)
    await driver.command("/scp assets new")
    form = driver.latest_view()
    block_id = field_block_id("pick_model")

    async def suggest(query: str) -> float:
        request = requests.block_suggestion(form, block_id, "value", query)
        started = time.perf_counter()
        await driver._deliver(request)
        return time.perf_counter() - started

    queries = ["fan", "e", "model 1", "zzz"]
    samples = [await suggest(queries[i % len(queries)]) for i in range(runs)]
    rows = [row("type-ahead answer over 1,500 values (cache warm)", samples)]

    services.picklists.invalidate()

    async def cold() -> float:
        services.picklists.invalidate()
        return await suggest("fan")

    rows.append(row("type-ahead answer, cache cold (15 pages read first)",
                    await measure(max(3, runs // 5), cold)))

    await services.aclose()
    await slack.stop()
    await emulator.stop()
    return rows


def bench_render(runs: int) -> list[str]:
    from bot.scp import DESCRIPTION_FIELD, TITLE_FIELD, Module

    module = Module("cm_books", "cm_book", "Books", "Book", [TITLE_FIELD, DESCRIPTION_FIELD])
    record = Record.from_json({
        "id": "301", "title": "<!channel> " * 30,
        "description": "<div>" + "Ünïcödé & <b>bold</b> text 😀 " * 400 + "</div>",
    })
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        record_card(module, record)
        samples.append(time.perf_counter() - started)
    return [row("render and validate a card with a 10,000-character description", samples)]


async def main(runs: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as state_dir:
        rows = await bench_acks(runs, state_dir)
        rows += await bench_type_ahead(runs, state_dir)
    rows += bench_render(runs)
    print("| measurement | runs | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="samples per measurement")
    asyncio.run(main(parser.parse_args().runs))
