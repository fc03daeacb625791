"""Two notifiers on one database, as two bot processes: each event posted once, one poller.

Runs on a shared SQLite file and, when ``DATABASE_URL`` names one, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.notify.models import POLL_LOCK
from tests.notify.support import ALICE, Env, parents, posts, subscribe, the_parent, thread_texts


@pytest.fixture(params=["sqlite", "postgresql"])
async def shared_url(request: pytest.FixtureRequest, env: Env) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield env.database_url
        return

    yield request.getfixturevalue("postgres_url")
    # The notifiers must close their connections before the test schema is dropped.
    for notifier in env.notifiers:
        await notifier.stop(timeout=1)


async def test_two_processes_post_each_event_once(env: Env, shared_url: str) -> None:
    first = await env.start_notifier(database_url=shared_url, owner="process-a", start=False)
    second = await env.start_notifier(database_url=shared_url, owner="process-b", start=False)
    await asyncio.gather(first.start(), second.start())
    await subscribe(env, first)

    record = await env.add_book("Vanity Fair", other=True)
    await asyncio.gather(
        first.handle_change(env.books, record.id), second.handle_change(env.books, record.id),
        first.poll_once(), second.poll_once(),
    )
    for number in range(5):
        record = await env.edit_book(record.id, author=f"Author {number}")
        await asyncio.gather(
            first.record_written(env.books, record, event="edited", actor_user_id=ALICE),
            second.handle_change(env.books, record.id),
            first.handle_change(env.books, record.id),
            second.poll_once(),
        )
    await asyncio.gather(first.join(timeout=10), second.join(timeout=10))

    parent = the_parent(env.fake)
    lines = thread_texts(env.fake, parent["ts"])
    assert len(posts(env.fake)) == 6
    assert len(lines) == 5
    for number, line in enumerate(lines):
        assert f"→ Author {number}" in line


async def test_two_processes_same_millisecond_save(
    env: Env, shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await env.start_notifier(database_url=shared_url, owner="process-a")
    second = await env.start_notifier(database_url=shared_url, owner="process-b")
    await subscribe(env, first)
    record = await env.add_book("Vanity Fair", other=True)
    await first.handle_change(env.books, record.id)
    frozen_ms = int(time.time() * 1000) + 10_000
    monkeypatch.setattr(env.emulator_app.state.emulator.clock, "now_ms", lambda: frozen_ms)

    for title in ("First", "Second"):
        await env.edit_book(record.id, title=title, other=True)
        await asyncio.gather(
            first.handle_change(env.books, record.id), second.handle_change(env.books, record.id)
        )
    await asyncio.gather(first.join(timeout=10), second.join(timeout=10))

    lines = thread_texts(env.fake, the_parent(env.fake)["ts"])
    assert len(lines) == 2
    assert "Title: Vanity Fair → First" in lines[0]
    assert "Title: First → Second" in lines[1]


async def test_one_process_holds_poll_lock(env: Env, shared_url: str) -> None:
    first = await env.start_notifier(database_url=shared_url, owner="process-a")
    second = await env.start_notifier(database_url=shared_url, owner="process-b")
    await subscribe(env, first)
    assert await first.poll_once() == 0

    record = await env.add_book("Shirley", other=True)
    assert await second.poll_once() == 0
    assert await first.poll_once() == 1

    await first.stop(timeout=1)
    await env.edit_book(record.id, category="Classics", other=True)
    assert await second.poll_once() == 1
    await second.join(timeout=5)

    assert len(parents(env.fake)) == 1
    assert len(thread_texts(env.fake, the_parent(env.fake)["ts"])) == 1


async def test_poll_lock_expires(env: Env, shared_url: str) -> None:
    notifier = await env.start_notifier(database_url=shared_url)
    store = notifier.store

    assert await store.acquire_lock(POLL_LOCK, "process-a", now_ms=1_000, ttl_ms=500)
    assert not await store.acquire_lock(POLL_LOCK, "process-b", now_ms=1_200, ttl_ms=500)
    assert await store.acquire_lock(POLL_LOCK, "process-a", now_ms=1_300, ttl_ms=500)
    assert not await store.acquire_lock(POLL_LOCK, "process-b", now_ms=1_700, ttl_ms=500)
    assert await store.acquire_lock(POLL_LOCK, "process-b", now_ms=1_801, ttl_ms=500)
