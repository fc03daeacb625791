"""Helpers shared by the notification tests: the test environment and Slack inspection."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette

from bot.background import BackgroundTasks
from bot.catalog import ModuleCatalog
from bot.fakeslack.local_server import LocalServer
from bot.fakeslack.server import ApiCall, FakeSlack
from bot.listeners.subscriptions import handle_subscription_command
from bot.notify import Notifier
from bot.notify.webhook import webhook_route
from bot.rendering import record_card
from bot.scp import Module, Record, ScpClient
from bot.settings import Settings

AUTHTOKEN = "emulator-token"
WEBHOOK_SECRET = "test-webhook-secret"
USER_HEADER = "x-emulator-user"
CHANNEL = "C0NOTIFY"
OTHER_USER = "Jane Librarian"
ALICE = "U0ALICE"
TEST_PACE_SECONDS = 0.01
# Long enough for a test's own write to reach record_written before the webhook re-reads.
TEST_WEBHOOK_DELAY_SECONDS = 0.2
TEST_MISSING_RECHECK_SECONDS = 0.05


class OtherUserTransport(httpx.AsyncHTTPTransport):
    """Sends every request as the emulator user ``OTHER_USER``."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers[USER_HEADER] = OTHER_USER
        return await super().handle_async_request(request)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "scp_webhook_secret": WEBHOOK_SECRET,
        "scp_poll_seconds": 60.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class Env:
    """One emulator, one fake Slack, a catalog, and the notifiers a test started."""

    emulator_app: Starlette
    scp: ScpClient
    # Writes "made elsewhere" go through this client, under the name OTHER_USER.
    other_scp: ScpClient
    catalog: ModuleCatalog
    fake: FakeSlack
    web: AsyncWebClient
    database_url: str
    stack: AsyncExitStack
    notifiers: list[Notifier] = field(default_factory=list)

    @property
    def books(self) -> Module:
        module = self.catalog.get("cm_books")
        assert module is not None
        return module

    async def start_notifier(
        self, *, web: AsyncWebClient | None = None, database_url: str | None = None,
        start: bool = True, settings: Settings | None = None, **options: Any,
    ) -> Notifier:
        """Start a notifier on the test's database; it is stopped at the end of the test."""
        options.setdefault("pace_seconds", TEST_PACE_SECONDS)
        options.setdefault("webhook_delay_seconds", TEST_WEBHOOK_DELAY_SECONDS)
        options.setdefault("missing_recheck_seconds", TEST_MISSING_RECHECK_SECONDS)
        settings = settings or make_settings(database_url or self.database_url)
        notifier = Notifier(
            settings, self.scp, self.catalog, web or self.web, BackgroundTasks(), **options
        )
        self.notifiers.append(notifier)
        if start:
            await notifier.start()
        return notifier

    async def serve_webhook(self, notifier: Notifier) -> str:
        """Serve ``POST /scp/events`` for ``notifier``; return the webhook's URL."""
        app = Starlette(routes=[webhook_route(notifier, notifier.settings)])
        server = LocalServer(app)
        await server.start()
        self.stack.push_async_callback(server.stop)
        return f"{server.url}/scp/events"

    def send_webhooks_to(self, url: str | None) -> None:
        state = self.emulator_app.state.emulator
        state.webhook_url = url
        state.webhook_token = WEBHOOK_SECRET if url else None

    async def flush_webhooks(self) -> None:
        """Wait until the emulator has sent every pending webhook request."""
        await self.emulator_app.state.webhook_notifier.aclose()

    async def add_book(self, title: str, category: str = "Novel", *, other: bool = False) -> Record:
        client = self.other_scp if other else self.scp
        custom = {"sline_author": "Anon", "pick_category": {"name": category}}
        values = {"title": title, "cm_fields": custom}
        return await client.add_record(self.books, values)

    async def edit_book(self, record_id: str, *, other: bool = False, **fields: Any) -> Record:
        client = self.other_scp if other else self.scp
        values: dict[str, Any] = {}
        if "title" in fields:
            values["title"] = fields.pop("title")
        if "category" in fields:
            values.setdefault("cm_fields", {})["pick_category"] = {"name": fields.pop("category")}
        if "author" in fields:
            values.setdefault("cm_fields", {})["sline_author"] = fields.pop("author")
        assert not fields, f"unknown fields {fields}"
        return await client.edit_record(self.books, record_id, values)


async def subscribe(
    env: Env, notifier: Notifier, args: str = "books", *, channel_id: str = CHANNEL
) -> dict[str, Any]:
    """Run ``/scp subscribe <args>`` in a channel and wait for its background work."""
    message = await run_channel_command(
        notifier, env.catalog, "subscribe", args, channel_id=channel_id
    )
    await notifier.join(timeout=5)
    return message


async def run_channel_command(
    notifier: Notifier | None, catalog: ModuleCatalog, subcommand: str, args: str = "", *,
    channel_id: str = CHANNEL,
) -> dict[str, Any]:
    services = SimpleNamespace(notifier=notifier, catalog=catalog)
    return await handle_subscription_command(
        services, subcommand=subcommand, args=args, team_id="T0001", channel_id=channel_id,
        user_id=ALICE,
    )


def message_text(message: dict[str, Any]) -> str:
    """Return every mrkdwn and plain text of a message's blocks, one per line."""
    texts: list[str] = []
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            texts.append(block["text"]["text"])
        for item in block.get("fields", []) + block.get("elements", []):
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                texts.append(item["text"])
    return "\n".join(texts)


def parents(fake: FakeSlack, channel: str = CHANNEL) -> list[dict[str, Any]]:
    """Return the channel's top-level messages, oldest first."""
    found = [
        message for (message_channel, ts), message in fake.messages.items()
        if message_channel == channel and message.get("thread_ts", ts) == ts
    ]
    return sorted(found, key=lambda message: float(message["ts"]))


def the_parent(fake: FakeSlack) -> dict[str, Any]:
    found = parents(fake)
    assert len(found) == 1, [message["text"] for message in found]
    return found[0]


def thread_texts(fake: FakeSlack, parent_ts: str, channel: str = CHANNEL) -> list[str]:
    """Return the mrkdwn of each line in a thread, oldest first."""
    return [message["blocks"][0]["text"]["text"] for message in fake.thread(channel, parent_ts)]


def without_block_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in block.items() if key != "block_id"} for block in blocks]


def card_blocks(module: Module, record: Record) -> list[dict[str, Any]]:
    """Return the blocks of the card the bot should show for ``record`` now."""
    card = record_card(module, record, link=module.link_for(record.id))
    return without_block_ids(card["blocks"])


async def assert_card_is_current(env: Env, parent: dict[str, Any], record_id: str) -> None:
    record = await env.scp.get_record(env.books, record_id)
    assert without_block_ids(parent["blocks"]) == card_blocks(env.books, record)


def posts(fake: FakeSlack) -> list[ApiCall]:
    return [call for call in fake.calls_to("chat.postMessage") if call.ok]
