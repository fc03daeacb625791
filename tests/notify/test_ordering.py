"""Changes of one record that share a millisecond, arrive late, or move it across filters."""

from __future__ import annotations

import time

import pytest

from bot.notify import Notifier
from tests.notify.support import (
    ALICE,
    OTHER_USER,
    Env,
    assert_card_is_current,
    parents,
    subscribe,
    the_parent,
    thread_texts,
)

OTHER_CHANNEL = "C0OTHER"


def freeze_server_clock(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every later write on the emulator get the same updated_time."""
    frozen_ms = int(time.time() * 1000) + 10_000
    monkeypatch.setattr(env.emulator_app.state.emulator.clock, "now_ms", lambda: frozen_ms)


async def poll_and_wait(notifier: Notifier) -> int:
    handled = await notifier.poll_once()
    await notifier.join(timeout=5)
    return handled


async def test_poller_sees_same_millisecond_save(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Start", other=True)
    await poll_and_wait(notifier)
    freeze_server_clock(env, monkeypatch)

    first = await env.edit_book(record.id, title="First", other=True)
    assert await poll_and_wait(notifier) == 1
    second = await env.edit_book(record.id, title="Second", other=True)
    assert second.updated_time == first.updated_time
    assert await poll_and_wait(notifier) == 1
    assert await poll_and_wait(notifier) == 0

    parent = the_parent(env.fake)
    lines = thread_texts(env.fake, parent["ts"])
    assert len(lines) == 2
    assert "Title: Start → First" in lines[0]
    assert "Title: First → Second" in lines[1]
    await assert_card_is_current(env, parent, record.id)


async def test_webhook_sees_same_millisecond_save(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Start")
    await notifier.record_written(env.books, record, event="created", actor_user_id=ALICE)
    freeze_server_clock(env, monkeypatch)

    first = await env.edit_book(record.id, title="First")
    await notifier.record_written(env.books, first, event="edited", actor_user_id=ALICE)
    await env.edit_book(record.id, title="Second", other=True)
    await notifier.handle_change(env.books, record.id, event_hint="edited")
    await notifier.handle_change(env.books, record.id, event_hint="edited")
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    lines = thread_texts(env.fake, parent["ts"])
    assert len(lines) == 2
    assert lines[0].startswith(f"*Edited* by <@{ALICE}> · Title: Start → First")
    assert lines[1].startswith(f"*Edited* by {OTHER_USER} · Title: First → Second")
    await assert_card_is_current(env, parent, record.id)


async def test_late_same_millisecond_copy_dropped(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Start")
    await notifier.record_written(env.books, record, event="created", actor_user_id=ALICE)
    freeze_server_clock(env, monkeypatch)

    # The bot's own save returns, then another user saves in the same millisecond and the
    # webhook's read of that save is handled before the bot reports its own.
    first = await env.edit_book(record.id, title="First")
    await env.edit_book(record.id, title="Second", other=True)
    await notifier.handle_change(env.books, record.id, event_hint="edited")
    await notifier.record_written(env.books, first, event="edited", actor_user_id=ALICE)
    await notifier.join(timeout=5)
    assert await poll_and_wait(notifier) == 1

    parent = the_parent(env.fake)
    lines = thread_texts(env.fake, parent["ts"])
    assert len(lines) == 1
    assert "Title: Start → Second" in lines[0]
    await assert_card_is_current(env, parent, record.id)


async def test_toggle_across_two_filtered_channels(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "books category=Fantasy")
    await subscribe(env, notifier, "books category=Novel", channel_id=OTHER_CHANNEL)

    created = await env.add_book("Toggle", "Novel", other=True)
    to_fantasy = await env.edit_book(created.id, category="Fantasy", other=True)
    back_to_novel = await env.edit_book(created.id, category="Novel", other=True)
    fantasy_again = await env.edit_book(created.id, category="Fantasy", other=True)
    new_author = await env.edit_book(created.id, author="Ursula", other=True)

    # Reads of one record reach the bot out of order: the older read of a save is dropped.
    for record in (created, back_to_novel, to_fantasy, fantasy_again, to_fantasy, new_author):
        event = "created" if record is created else "edited"
        await notifier.record_written(env.books, record, event=event, actor_user_id=None)
    await notifier.join(timeout=5)
    # The poller reads the record once more and finds nothing new.
    await poll_and_wait(notifier)

    fantasy_parent = the_parent(env.fake)
    novel_parents = parents(env.fake, OTHER_CHANNEL)
    assert len(novel_parents) == 1
    novel_parent = novel_parents[0]
    fantasy_lines = thread_texts(env.fake, fantasy_parent["ts"])
    novel_lines = thread_texts(env.fake, novel_parent["ts"], OTHER_CHANNEL)
    assert len(fantasy_lines) == 1
    assert "Author: Anon → Ursula" in fantasy_lines[0]
    assert len(novel_lines) == 1
    assert novel_lines[0].startswith("*No longer matches this channel's filter*")
    # The Novel channel's card follows the author change silently, after the record left.
    await assert_card_is_current(env, novel_parent, created.id)
    await assert_card_is_current(env, fantasy_parent, created.id)

    await env.edit_book(created.id, category="Novel", other=True)
    assert await poll_and_wait(notifier) == 1

    fantasy_lines = thread_texts(env.fake, fantasy_parent["ts"])
    novel_lines = thread_texts(env.fake, novel_parent["ts"], OTHER_CHANNEL)
    assert fantasy_lines[-1].startswith("*No longer matches this channel's filter*")
    assert novel_lines[-1].startswith("*Now matches this channel's filter*")
    await assert_card_is_current(env, fantasy_parent, created.id)
    await assert_card_is_current(env, novel_parent, created.id)
