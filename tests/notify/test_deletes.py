"""Webhook re-reads: a 404 that is not one, records deleted without a card, and floods."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.notify import Notifier
from bot.notify.models import threads
from tests.notify.support import (
    Env,
    assert_card_is_current,
    message_text,
    parents,
    posts,
    subscribe,
    the_parent,
    thread_texts,
)


def fail_reads(env: Env, record_id: str, count: int) -> None:
    """Make the next ``count`` reads of the record fail with 404."""
    env.emulator_app.state.emulator.add_fault(
        status=404, count=count, path_contains=f"/cm_books/{record_id}", method="GET"
    )


async def delete_outside(env: Env, notifier: Notifier, record_id: str) -> None:
    await env.other_scp.move_to_trash(env.books, record_id)
    await env.other_scp.delete(env.books, record_id)
    await notifier.handle_change(env.books, record_id, event_hint="deleted")
    await notifier.join(timeout=5)


async def test_single_404_keeps_thread(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Alive", other=True)
    await notifier.poll_once()
    await notifier.join(timeout=5)

    fail_reads(env, record.id, 1)
    await notifier.handle_change(env.books, record.id, event_hint="edited")
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    assert "was deleted" not in message_text(parent)
    assert thread_texts(env.fake, parent["ts"]) == []


async def test_newer_read_revives_deleted_thread(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Alive", other=True)
    await notifier.poll_once()
    await notifier.join(timeout=5)
    fail_reads(env, record.id, 2)
    await notifier.handle_change(env.books, record.id)
    await notifier.join(timeout=5)
    assert "was deleted" in message_text(the_parent(env.fake))

    await env.edit_book(record.id, title="Still alive", other=True)
    await notifier.poll_once()
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    await assert_card_is_current(env, parent, record.id)
    lines = thread_texts(env.fake, parent["ts"])
    assert len(lines) == 2
    assert lines[0].startswith("*Deleted*")
    assert lines[1].startswith("*Edited*")
    assert "Title: Alive → Still alive" in lines[1]
    thread = await notifier.store.thread("C0NOTIFY", "cm_books", record.id)
    assert thread is not None
    assert not thread.is_deleted


async def test_delete_only_subscription_posts_notice(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "books deleted")
    record = await env.add_book("Doomed", other=True)
    await notifier.poll_once()
    await notifier.join(timeout=5)
    assert posts(env.fake) == []

    await delete_outside(env, notifier, record.id)

    [post] = posts(env.fake)
    assert "thread_ts" not in post.body
    text = message_text(post.body)
    assert text.startswith(f"*Deleted* Book {record.id} “Doomed”")


async def test_delete_of_unseen_record_posts_notice(env: Env) -> None:
    record = await env.add_book("Old record", other=True)
    notifier = await env.start_notifier()
    await subscribe(env, notifier)

    await delete_outside(env, notifier, record.id)

    [post] = posts(env.fake)
    assert message_text(post.body).startswith(f"*Deleted* Book {record.id}")


async def test_delete_outside_filter_posts_nothing(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "books category=Fantasy")
    record = await env.add_book("Not fantasy", "Novel", other=True)
    await notifier.poll_once()
    await notifier.join(timeout=5)

    await delete_outside(env, notifier, record.id)

    assert posts(env.fake) == []


async def test_own_delete_without_card_posts_notice(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier, "books deleted")
    record = await env.add_book("Mine")
    await notifier.record_written(env.books, record, event="created", actor_user_id="U0ALICE")
    await env.scp.move_to_trash(env.books, record.id)
    await env.scp.delete(env.books, record.id)

    await notifier.record_deleted(env.books, record.id, actor_user_id="U0ALICE")
    await notifier.join(timeout=5)

    assert len(parents(env.fake)) == 1
    assert "by <@U0ALICE>" in message_text(parents(env.fake)[0])


async def test_unknown_id_leaves_no_thread_row(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)

    unknown = ("900001", "900002")
    for record_id in unknown:
        await notifier.handle_change(env.books, record_id)
    await notifier.join(timeout=5)

    # The subscription's baselines may add rows for records that exist, but none for these.
    count = select(func.count()).select_from(threads).where(threads.c.record_id.in_(unknown))
    assert await notifier.store.run(lambda c: c.execute(count).scalar()) == 0
    assert posts(env.fake) == []


async def test_webhook_burst_reads_record_once(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    record = await env.add_book("Flood", other=True)
    emulator = env.emulator_app.state.emulator
    emulator.clear_requests()

    for _ in range(20):
        notifier.submit_change(env.books, record.id, event_hint="edited")
    await notifier.join(timeout=5)

    reads = [
        entry for entry in emulator.request_log()
        if entry["method"] == "GET" and entry["path"].endswith(f"/cm_books/{record.id}")
    ]
    assert len(reads) == 1
    assert len(parents(env.fake)) == 1
