"""``/scp subscribe``, ``unsubscribe`` and ``subscriptions`` against a real state store."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy import select

from bot.listeners.subscriptions import UnknownEventError, split_filter_and_events
from bot.notify import EVENTS, Subscription
from bot.notify.models import events
from tests.notify.support import (
    ALICE,
    CHANNEL,
    Env,
    message_text,
    parents,
    run_channel_command,
    subscribe,
)


async def test_subscribe_list_unsubscribe(env: Env) -> None:
    notifier = await env.start_notifier()

    reply = await subscribe(env, notifier, "books category=Fantasy created edited")
    expected = "follows Books records matching category=Fantasy (created, edited)"
    assert expected in message_text(reply)

    listing = message_text(await run_channel_command(notifier, env.catalog, "subscriptions"))
    assert "*Books* (`books`)" in listing
    assert "filter: `category=Fantasy`" in listing
    assert "events: created, edited" in listing
    assert f"set up by <@{ALICE}>" in listing

    reply = await run_channel_command(notifier, env.catalog, "unsubscribe", "books")
    assert "no longer follows Books" in message_text(reply)
    listing = message_text(await run_channel_command(notifier, env.catalog, "subscriptions"))
    assert "follows no module" in listing

    reply = await run_channel_command(notifier, env.catalog, "unsubscribe", "books")
    assert "does not follow Books" in message_text(reply)


async def test_subscribe_again_replaces(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "books")

    reply = await subscribe(env, notifier, "book title~dune deleted")

    assert "This channel's subscription now follows" in message_text(reply)
    subscriptions = await notifier.subscriptions("C0NOTIFY")
    assert len(subscriptions) == 1
    assert subscriptions[0].filter_text == "title~dune"
    assert subscriptions[0].events == ("deleted",)


async def test_subscribe_without_events_follows_all(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "Books")

    subscriptions = await notifier.subscriptions("C0NOTIFY")
    assert subscriptions[0].events == ("created", "edited", "trashed", "restored", "deleted")
    assert subscriptions[0].filter_text == ""


async def test_subscribe_rejects_invalid_filter(env: Env) -> None:
    notifier = await env.start_notifier()

    reply = await run_channel_command(notifier, env.catalog, "subscribe", "books nosuch=1")

    assert "Invalid filter" in message_text(reply)
    assert await notifier.subscriptions("C0NOTIFY") == []


async def test_subscribe_rejects_sorting_filter(env: Env) -> None:
    notifier = await env.start_notifier()

    reply = await run_channel_command(notifier, env.catalog, "subscribe", "books sort:title")

    assert "cannot sort" in message_text(reply)


async def test_subscribe_unknown_module(env: Env) -> None:
    notifier = await env.start_notifier()

    reply = await run_channel_command(notifier, env.catalog, "subscribe", "dragons")

    assert "no module called" in message_text(reply)


async def test_commands_without_notifier(env: Env) -> None:
    reply = await run_channel_command(None, env.catalog, "subscriptions")

    assert "Notification threads are off" in message_text(reply)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("category=Fantasy created edited", ("category=Fantasy", ("created", "edited"))),
        ("created,deleted", ("", ("created", "deleted"))),
        ("created, deleted", ("", ("created", "deleted"))),
        ("created , Deleted,", ("", ("created", "deleted"))),
        ("title~x created,,edited trashed", ("title~x", ("created", "edited", "trashed"))),
        ("zzz,yyy", ("zzz,yyy", ())),
        ("title~a,deleted", ("title~a,deleted", ())),
        ('title="created here" trashed', ('title="created here"', ("trashed",))),
        ("title~deleted created", ("title~deleted", ("created",))),
        ("author=Tolkien", ("author=Tolkien", ())),
        ("", ("", ())),
        ("  EDITED  ", ("", ("edited",))),
    ],
)
def test_split_filter_and_events(text: str, expected: tuple[str, tuple[str, ...]]) -> None:
    assert split_filter_and_events(text) == expected


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("created,zzz", ["zzz"]),
        ("created, deleted, zzz", ["zzz"]),
        ("title~x created,zzz,yyy edited", ["zzz", "yyy"]),
    ],
)
def test_split_rejects_unknown_event_in_list(text: str, unknown: list[str]) -> None:
    with pytest.raises(UnknownEventError) as caught:
        split_filter_and_events(text)

    assert caught.value.unknown == unknown
    assert str(caught.value).endswith("Events: created, edited, trashed, restored, deleted.")


async def test_subscribe_unknown_event_message(env: Env) -> None:
    notifier = await env.start_notifier()

    reply = await run_channel_command(
        notifier, env.catalog, "subscribe", "books created,deleted,zzz"
    )

    text = message_text(reply)
    assert "Unknown event “zzz” in “created,deleted,zzz”." in text
    assert "Events: created, edited, trashed, restored, deleted." in text
    assert await notifier.subscriptions("C0NOTIFY") == []


async def test_subscribe_comma_events(env: Env) -> None:
    notifier = await env.start_notifier()

    reply = await subscribe(env, notifier, "books created, deleted")

    assert "follows all Books records (created, deleted)" in message_text(reply)
    subscriptions = await notifier.subscriptions("C0NOTIFY")
    assert subscriptions[0].filter_text == ""
    assert subscriptions[0].events == ("created", "deleted")


async def test_subscribe_rejects_long_filter(env: Env) -> None:
    notifier = await env.start_notifier()

    reply = await run_channel_command(notifier, env.catalog, "subscribe", "books " + "x" * 3900)

    text = message_text(reply)
    assert "A filter can be at most 500 characters long, and this one has 3900." in text
    assert await notifier.subscriptions("C0NOTIFY") == []


async def test_subscribe_accepts_longest_filter(env: Env) -> None:
    notifier = await env.start_notifier()

    await subscribe(env, notifier, "books " + "x" * 500)

    subscriptions = await notifier.subscriptions("C0NOTIFY")
    assert subscriptions[0].filter_text == "x" * 500


@pytest.mark.parametrize(
    ("args", "shown"),
    [("books ,,,", ",,,"), ("books , , created", ", ,"), ("books \u200b", "U+200B")],
)
async def test_subscribe_rejects_filter_without_words(env: Env, args: str, shown: str) -> None:
    notifier = await env.start_notifier()

    reply = message_text(await run_channel_command(notifier, env.catalog, "subscribe", args))

    assert f"the text “{shown}” has no letter or digit" in reply
    assert await notifier.subscriptions("C0NOTIFY") == []


class ClosedChannelClient(AsyncWebClient):
    """A Web API client whose posts to ``closed`` fail with ``error``, as Slack's do."""

    def __init__(self, closed: str, error: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.closed = closed
        self.error = error

    async def chat_postMessage(self, **kwargs: Any) -> Any:  # noqa: N802
        if kwargs.get("channel") == self.closed:
            response = AsyncSlackResponse(
                client=self, http_verb="POST", api_url="chat.postMessage", req_args={},
                data={"ok": False, "error": self.error}, headers={}, status_code=200,
            )
            raise SlackApiError(self.error, response)
        return await super().chat_postMessage(**kwargs)


async def test_closed_channel_pauses_subscription(env: Env) -> None:
    web = ClosedChannelClient(
        CHANNEL, "not_in_channel", token="xoxb-test", base_url=env.fake.api_url
    )
    notifier = await env.start_notifier(web=web)
    await subscribe(env, notifier)
    other = Subscription(
        team_id="T0001", channel_id="C0OTHER", module="cm_books", filter_text="",
        events=EVENTS, created_by=ALICE,
    )
    await notifier.subscribe(other, env.books)
    await notifier.join(timeout=5)

    for title in ("First", "Second"):
        record = await env.add_book(title, other=True)
        await notifier.handle_change(env.books, record.id)
        await notifier.join(timeout=5)

    query = select(events.c.status).where(events.c.channel_id == CHANNEL)
    statuses = await notifier.store.run(lambda c: list(c.execute(query).scalars()))
    assert statuses == ["failed"]
    assert len(parents(env.fake, "C0OTHER")) == 2
    [paused] = await notifier.subscriptions(CHANNEL)
    assert paused.paused_error == "not_in_channel"
    listing = message_text(await run_channel_command(notifier, env.catalog, "subscriptions"))
    assert "paused: the bot is not in this channel" in listing
    assert "`/scp subscribe books` again" in listing

    await subscribe(env, notifier)
    [resumed] = await notifier.subscriptions(CHANNEL)
    assert resumed.paused_error is None
