"""Baseline snapshots stored when a channel subscribes, so first cards can list changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.notify import Notifier
from bot.notify import notifier as notifier_module
from bot.notify.models import events
from tests.notify.support import (
    ALICE,
    CHANNEL,
    OTHER_USER,
    Env,
    message_text,
    parents,
    posts,
    subscribe,
    the_parent,
    thread_texts,
)


async def outbox_rows(notifier: Notifier) -> int:
    count = select(func.count()).select_from(events)
    return await notifier.store.run(lambda c: c.execute(count).scalar())


async def test_subscribing_posts_nothing(env: Env) -> None:
    books = [await env.add_book(title, other=True) for title in ("Dune", "Emma", "Ulysses")]
    notifier = await env.start_notifier()

    await subscribe(env, notifier)

    assert posts(env.fake) == []
    assert await outbox_rows(notifier) == 0
    for book in books:
        thread = await notifier.store.thread(CHANNEL, "cm_books", book.id)
        assert thread is not None
        assert thread.parent_ts is None
        assert not thread.announced
        assert thread.snapshot is not None
        assert thread.snapshot["title"] == book.title
        assert thread.updated_ms == book.updated_time


async def test_first_card_lists_own_changes(env: Env) -> None:
    book = await env.add_book("Dune", other=True)
    notifier = await env.start_notifier()
    await subscribe(env, notifier)

    edited = await env.edit_book(book.id, category="Classics")
    await notifier.record_written(env.books, edited, event="edited", actor_user_id=ALICE)
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    assert f"*Edited* by <@{ALICE}> · Category: Novel → Classics" in message_text(parent)
    assert thread_texts(env.fake, parent["ts"]) == []


async def test_first_card_lists_external_changes(env: Env) -> None:
    book = await env.add_book("Dune", other=True)
    notifier = await env.start_notifier()
    await subscribe(env, notifier)

    await env.edit_book(book.id, other=True, category="Classics")
    await notifier.handle_change(env.books, book.id)
    await notifier.join(timeout=5)

    note = message_text(the_parent(env.fake))
    assert f"*Edited* by {OTHER_USER} · Category: Novel → Classics" in note


async def test_record_edited_into_filter_starts_thread(env: Env) -> None:
    book = await env.add_book("Dune", other=True)
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "books category=Fantasy")
    thread = await notifier.store.thread(CHANNEL, "cm_books", book.id)
    assert thread is not None
    assert not thread.matches

    # An edit that keeps it outside the filter posts nothing, as before.
    edited = await env.edit_book(book.id, title="Dune Messiah")
    await notifier.record_written(env.books, edited, event="edited", actor_user_id=ALICE)
    await notifier.join(timeout=5)
    assert posts(env.fake) == []

    edited = await env.edit_book(book.id, category="Fantasy")
    await notifier.record_written(env.books, edited, event="edited", actor_user_id=ALICE)
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    note = message_text(parent)
    assert "Category: Novel → Fantasy" in note
    assert "now matches this channel's filter" in note
    assert thread_texts(env.fake, parent["ts"]) == []


async def test_older_record_posts_without_changes(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notifier_module, "BASELINE_RECORDS", 1)
    older = await env.add_book("Dune", other=True)
    newer = await env.add_book("Emma", other=True)
    notifier = await env.start_notifier()
    await subscribe(env, notifier)

    assert await notifier.store.thread(CHANNEL, "cm_books", older.id) is None
    assert await notifier.store.thread(CHANNEL, "cm_books", newer.id) is not None
    edited = await env.edit_book(older.id, category="Classics")
    await notifier.record_written(env.books, edited, event="edited", actor_user_id=ALICE)
    await notifier.join(timeout=5)

    note = message_text(the_parent(env.fake))
    assert f"*Edited* by <@{ALICE}>" in note
    assert "→" not in note


async def test_resumed_subscription_records_baselines(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    await notifier.store.pause_subscription(CHANNEL, "cm_books", "not_in_channel")
    book = await env.add_book("Dune", other=True)
    assert await notifier.store.thread(CHANNEL, "cm_books", book.id) is None

    await subscribe(env, notifier)
    assert await notifier.store.thread(CHANNEL, "cm_books", book.id) is not None
    assert posts(env.fake) == []

    edited = await env.edit_book(book.id, category="Classics")
    await notifier.record_written(env.books, edited, event="edited", actor_user_id=ALICE)
    await notifier.join(timeout=5)

    assert "Category: Novel → Classics" in message_text(the_parent(env.fake))
    assert len(parents(env.fake)) == 1
