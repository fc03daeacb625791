"""Threads for the bot's own writes: one card per record, lines in order, a current card."""

from __future__ import annotations

from bot.notify import Notifier
from tests.notify.support import (
    ALICE,
    Env,
    assert_card_is_current,
    message_text,
    parents,
    posts,
    subscribe,
    the_parent,
    thread_texts,
)


async def write_and_wait(notifier: Notifier, env: Env, record, event: str) -> None:  # noqa: ANN001
    await notifier.record_written(env.books, record, event=event, actor_user_id=ALICE)
    await notifier.join(timeout=5)


async def test_record_life_in_one_thread(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)

    record = await env.add_book("Dune")
    await write_and_wait(notifier, env, record, "created")
    parent = the_parent(env.fake)
    assert f"*Created* by <@{ALICE}>" in message_text(parent)

    writes = [
        ("edited", lambda: env.edit_book(record.id, category="Classics")),
        ("trashed", lambda: env.scp.move_to_trash(env.books, record.id)),
        ("restored", lambda: env.scp.restore(env.books, record.id)),
        ("trashed", lambda: env.scp.move_to_trash(env.books, record.id)),
    ]
    for event, write in writes:
        await write_and_wait(notifier, env, await write(), event)
        await assert_card_is_current(env, the_parent(env.fake), record.id)

    await env.scp.delete(env.books, record.id)
    await notifier.record_deleted(env.books, record.id, actor_user_id=ALICE)
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    lines = thread_texts(env.fake, parent["ts"])
    assert len(lines) == 5
    assert lines[0].startswith(f"*Edited* by <@{ALICE}> · Category: Novel → Classics")
    assert lines[1].startswith("*Moved to trash*")
    assert lines[2].startswith("*Restored*")
    assert lines[3].startswith("*Moved to trash*")
    assert lines[4].startswith(f"*Deleted* by <@{ALICE}>")
    assert "was deleted" in message_text(parent)
    assert all(block["type"] != "actions" for block in parent["blocks"])
    assert not any(call.body.get("reply_broadcast") for call in posts(env.fake))


async def test_edit_in_and_out_of_filter(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "books category=Fantasy")

    record = await env.add_book("The Hobbit", "Novel")
    await write_and_wait(notifier, env, record, "created")
    assert parents(env.fake) == []

    record = await env.edit_book(record.id, category="Fantasy")
    await write_and_wait(notifier, env, record, "edited")
    parent = the_parent(env.fake)
    assert "now matches this channel's filter" in message_text(parent)

    record = await env.edit_book(record.id, title="The Hobbit, or There and Back Again")
    await write_and_wait(notifier, env, record, "edited")
    record = await env.edit_book(record.id, category="Novel")
    await write_and_wait(notifier, env, record, "edited")
    record = await env.edit_book(record.id, author="J. R. R. Tolkien")
    await write_and_wait(notifier, env, record, "edited")
    await assert_card_is_current(env, the_parent(env.fake), record.id)
    record = await env.edit_book(record.id, category="Fantasy")
    await write_and_wait(notifier, env, record, "edited")

    lines = thread_texts(env.fake, the_parent(env.fake)["ts"])
    assert len(lines) == 3
    assert lines[0].startswith("*Edited*")
    assert "Title: The Hobbit → The Hobbit, or There and Back Again" in lines[0]
    assert lines[1].startswith("*No longer matches this channel's filter*")
    assert "Category: Fantasy → Novel" in lines[1]
    assert lines[2].startswith("*Now matches this channel's filter*")
    assert "Category: Novel → Fantasy" in lines[2]
    await assert_card_is_current(env, the_parent(env.fake), record.id)


async def test_unsubscribed_events_only_refresh_card(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "books created")

    record = await env.add_book("Emma")
    await write_and_wait(notifier, env, record, "created")
    record = await env.edit_book(record.id, author="Jane Austen")
    await write_and_wait(notifier, env, record, "edited")

    parent = the_parent(env.fake)
    assert thread_texts(env.fake, parent["ts"]) == []
    await assert_card_is_current(env, parent, record.id)


async def test_same_write_twice_is_one_event(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Persuasion")
    await write_and_wait(notifier, env, record, "created")

    record = await env.edit_book(record.id, category="Classics")
    await write_and_wait(notifier, env, record, "edited")
    await write_and_wait(notifier, env, record, "edited")
    await notifier.handle_change(env.books, record.id, event_hint="edited")
    await notifier.join(timeout=5)

    assert len(thread_texts(env.fake, the_parent(env.fake)["ts"])) == 1
    assert len(posts(env.fake)) == 2


async def test_edit_without_visible_change_is_silent(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Walden")
    await write_and_wait(notifier, env, record, "created")

    record = await env.edit_book(record.id, title="Walden")
    await write_and_wait(notifier, env, record, "edited")

    assert thread_texts(env.fake, the_parent(env.fake)["ts"]) == []


async def test_unsubscribed_channel_hears_nothing(env: Env) -> None:
    notifier = await env.start_notifier()

    record = await env.add_book("Ulysses")
    await write_and_wait(notifier, env, record, "created")

    assert env.fake.calls == []


async def test_save_without_changes_refreshes_card(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Same", other=True)
    await notifier.poll_once()
    await notifier.join(timeout=5)

    await env.edit_book(record.id, title="Same")
    await notifier.poll_once()
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    await assert_card_is_current(env, parent, record.id)
    assert thread_texts(env.fake, parent["ts"]) == []
