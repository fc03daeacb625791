"""Delivery: pacing, bursts, 429 retries, and exactly one post across a crash and restart."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select, update

from bot.notify import Notifier
from bot.notify.models import events
from bot.notify.outbox import Outbox
from tests.notify.support import (
    ALICE,
    Env,
    parents,
    posts,
    subscribe,
    the_parent,
    thread_texts,
)


def unreachable_web_client() -> AsyncWebClient:
    """Return a Web API client aimed at a local port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/api/"
    return AsyncWebClient(token="xoxb-test", base_url=base_url, retry_handlers=[])


async def outbox_rows(notifier: Notifier) -> list[dict[str, Any]]:
    query = select(events).order_by(events.c.id)
    return await notifier.store.run(lambda c: [dict(r) for r in c.execute(query).mappings()])


async def set_rows(notifier: Notifier, row_ids: list[int], **values: Any) -> None:
    statement = update(events).where(events.c.id.in_(row_ids)).values(**values)
    await notifier.store.run(lambda c: c.execute(statement))


async def wait_for_attempt(notifier: Notifier) -> None:
    """Wait until a worker has tried to post a row (the database has no change event)."""
    async with asyncio.timeout(5):
        while not any(row["attempts"] for row in await outbox_rows(notifier)):  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_burst_lands_whole_and_in_order(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)

    records = []
    for number in range(20):
        record = await env.add_book(f"Book number {number}")
        await notifier.record_written(env.books, record, event="created", actor_user_id=ALICE)
        records.append(record)
    for round_number in range(4):
        for record in records:
            changed = await env.edit_book(record.id, author=f"Author {round_number}")
            await notifier.record_written(env.books, changed, event="edited", actor_user_id=ALICE)
    await notifier.join(timeout=20)

    cards = parents(env.fake)
    assert len(cards) == 20
    assert len(posts(env.fake)) == 100
    for card in cards:
        lines = thread_texts(env.fake, card["ts"])
        authors = [line.split("Author: ")[1].split(" · ")[0] for line in lines]
        assert authors == ["Anon → Author 0", "Author 0 → Author 1", "Author 1 → Author 2",
                           "Author 2 → Author 3"]



async def test_calls_to_one_channel_are_paced(env: Env) -> None:
    pace = 0.1
    notifier = await env.start_notifier(pace_seconds=pace)
    await subscribe(env, notifier)

    record = await env.add_book("Hard Times")
    await notifier.record_written(env.books, record, event="created", actor_user_id=ALICE)
    record = await env.edit_book(record.id, author="Charles Dickens")
    await notifier.record_written(env.books, record, event="edited", actor_user_id=ALICE)
    await notifier.join(timeout=5)

    times = [call.time for call in env.fake.calls]
    assert len(times) == 3
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    # The fake stamps a call when it arrives, which may be a little after it was sent.
    assert min(gaps) >= pace * 0.8


async def test_rate_limited_calls_are_retried(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    env.fake.rate_limit("chat.postMessage", times=1, retry_after=1)

    record = await env.add_book("Nostromo")
    await notifier.record_written(env.books, record, event="created", actor_user_id=ALICE)
    await notifier.join(timeout=5)

    calls = env.fake.calls_to("chat.postMessage")
    assert [call.status for call in calls] == [429, 200]
    assert calls[1].time - calls[0].time >= 1.0
    assert len(parents(env.fake)) == 1


async def test_restart_after_failed_post_posts_once(env: Env) -> None:
    crashed = await env.start_notifier(web=unreachable_web_client())
    await subscribe(env, crashed)
    record = await env.add_book("Lolita")
    await crashed.record_written(env.books, record, event="created", actor_user_id=ALICE)
    await wait_for_attempt(crashed)
    await crashed.stop(timeout=0.1)

    restarted = await env.start_notifier()
    await restarted.join(timeout=5)
    await restarted.record_written(env.books, record, event="created", actor_user_id=ALICE)
    await restarted.handle_change(env.books, record.id)
    await restarted.join(timeout=5)

    assert len(posts(env.fake)) == 1
    assert [row["status"] for row in await outbox_rows(restarted)] == ["done"]


async def test_row_of_dead_process_waits_for_lease(env: Env) -> None:
    crashed = await env.start_notifier(web=unreachable_web_client())
    await subscribe(env, crashed)
    record = await env.add_book("Ivanhoe")
    await crashed.record_written(env.books, record, event="created", actor_user_id=ALICE)
    await wait_for_attempt(crashed)
    await crashed.stop(timeout=0.1)

    # A process that died while holding the row leaves it claimed until its lease runs out.
    restarted = await env.start_notifier(start=False)
    await restarted.store.migrate()
    row_ids = [row["id"] for row in await outbox_rows(restarted)]
    lease_end = int(time.time() * 1000) + 400
    await set_rows(
        restarted, row_ids, status="posting", claimed_by="dead", claimed_until_ms=lease_end
    )
    await restarted.start()
    await restarted.handle_change(env.books, record.id)
    await asyncio.sleep(0.2)
    assert posts(env.fake) == []

    await restarted.join(timeout=5)
    assert len(posts(env.fake)) == 1


async def test_posted_line_is_not_posted_again(env: Env) -> None:
    first = await env.start_notifier()
    await subscribe(env, first)
    record = await env.add_book("Candide")
    await first.record_written(env.books, record, event="created", actor_user_id=ALICE)
    record = await env.edit_book(record.id, category="Classics")
    await first.record_written(env.books, record, event="edited", actor_user_id=ALICE)
    await first.join(timeout=5)
    updates_before = len(env.fake.calls_to("chat.update"))

    # As if the process died after posting the line but before refreshing the card.
    line_row = (await outbox_rows(first))[-1]
    assert line_row["message_ts"] is not None
    await set_rows(first, [line_row["id"]], status="posting", claimed_by="dead", claimed_until_ms=0)
    await first.stop(timeout=0.1)

    restarted = await env.start_notifier()
    await restarted.join(timeout=5)

    assert len(posts(env.fake)) == 2
    assert len(env.fake.calls_to("chat.update")) == updates_before + 1
    assert len(thread_texts(env.fake, the_parent(env.fake)["ts"])) == 1
    assert [row["status"] for row in await outbox_rows(restarted)] == ["done", "done"]


async def test_unsubscribe_cancels_queued_posts(env: Env) -> None:
    stalled = await env.start_notifier(web=unreachable_web_client())
    await subscribe(env, stalled)
    record = await env.add_book("Germinal")
    await stalled.record_written(env.books, record, event="created", actor_user_id=ALICE)
    await wait_for_attempt(stalled)

    assert await stalled.unsubscribe("C0NOTIFY", env.books)

    assert [row["status"] for row in await outbox_rows(stalled)] == ["cancelled"]


async def test_unsubscribe_during_reread_posts_nothing(env: Env, monkeypatch: Any) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Nana", other=True)
    read = env.scp.get_record

    async def read_while_unsubscribing(module: Any, record_id: str) -> Any:
        await notifier.unsubscribe("C0NOTIFY", env.books)
        return await read(module, record_id)

    monkeypatch.setattr(env.scp, "get_record", read_while_unsubscribing)
    await notifier.handle_change(env.books, record.id)
    await notifier.join(timeout=5)

    assert posts(env.fake) == []
    assert await outbox_rows(notifier) == []


async def test_cancelled_row_stays_cancelled(env: Env) -> None:
    stalled = await env.start_notifier(web=unreachable_web_client())
    await subscribe(env, stalled)
    record = await env.add_book("Thérèse Raquin")
    await stalled.record_written(env.books, record, event="created", actor_user_id=ALICE)
    await wait_for_attempt(stalled)
    outbox = Outbox(stalled.store)
    [row] = await outbox.undelivered("C0NOTIFY", limit=10)
    await set_rows(stalled, [row.id], status="posting")

    await stalled.unsubscribe("C0NOTIFY", env.books)
    await outbox.save_parent(row, "1700000000.000001")
    await outbox.finish(row.id)

    assert [row["status"] for row in await outbox_rows(stalled)] == ["cancelled"]
    thread = await stalled.store.thread("C0NOTIFY", "cm_books", record.id)
    assert thread is not None
    assert thread.parent_ts is None
