"""Changes made outside the bot, seen by the poller and by the webhook."""

from __future__ import annotations

import httpx

from tests.notify.support import (
    OTHER_USER,
    WEBHOOK_SECRET,
    Env,
    assert_card_is_current,
    make_settings,
    message_text,
    parents,
    posts,
    run_channel_command,
    subscribe,
    the_parent,
    thread_texts,
)


async def test_poller_follows_outside_changes(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    assert await notifier.poll_once() == 0

    record = await env.add_book("Middlemarch", other=True)
    assert await notifier.poll_once() == 1
    await notifier.join(timeout=5)
    parent = the_parent(env.fake)
    assert f"*Created* by {OTHER_USER}" in message_text(parent)

    outside_writes = [
        lambda: env.edit_book(record.id, category="Classics", other=True),
        lambda: env.other_scp.move_to_trash(env.books, record.id),
        lambda: env.other_scp.restore(env.books, record.id),
    ]
    for write in outside_writes:
        await write()
        assert await notifier.poll_once() == 1
        await notifier.join(timeout=5)
        await assert_card_is_current(env, the_parent(env.fake), record.id)

    lines = thread_texts(env.fake, parent["ts"])
    assert len(lines) == 3
    assert lines[0].startswith(f"*Edited* by {OTHER_USER} · Category: Novel → Classics")
    assert lines[1].startswith(f"*Moved to trash* by {OTHER_USER}")
    assert lines[2].startswith(f"*Restored* by {OTHER_USER}")
    assert await notifier.poll_once() == 0


async def test_poller_ignores_history_before_subscribing(env: Env) -> None:
    await env.add_book("Old news", other=True)
    notifier = await env.start_notifier()
    await subscribe(env, notifier)

    await notifier.poll_once()
    await notifier.join(timeout=5)

    assert parents(env.fake) == []


async def test_resubscribe_skips_earlier_changes(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    await notifier.poll_once()
    await run_channel_command(notifier, env.catalog, "unsubscribe", "books")
    for number in range(3):
        await env.add_book(f"While away {number}", other=True)

    await subscribe(env, notifier)
    await notifier.poll_once()
    await notifier.join(timeout=5)

    assert parents(env.fake) == []
    await env.add_book("After", other=True)
    assert await notifier.poll_once() == 1


async def test_webhook_follows_outside_changes(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    env.send_webhooks_to(await env.serve_webhook(notifier))

    record = await env.add_book("Beloved", other=True)
    await env.flush_webhooks()
    await notifier.join(timeout=5)
    assert f"*Created* by {OTHER_USER}" in message_text(the_parent(env.fake))

    outside_writes = [
        lambda: env.edit_book(record.id, author="Toni Morrison", other=True),
        lambda: env.other_scp.move_to_trash(env.books, record.id),
    ]
    for write in outside_writes:
        await write()
        await env.flush_webhooks()
        await notifier.join(timeout=5)
        await assert_card_is_current(env, the_parent(env.fake), record.id)

    await env.other_scp.delete(env.books, record.id)
    await env.flush_webhooks()
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    lines = thread_texts(env.fake, parent["ts"])
    assert len(lines) == 3
    assert lines[0].startswith(f"*Edited* by {OTHER_USER} · Author: Anon → Toni Morrison")
    assert lines[1].startswith("*Moved to trash*")
    assert lines[2].startswith("*Deleted*")
    assert "Book " + record.id in message_text(parent)
    assert "was deleted" in message_text(parent)


async def test_webhook_and_poller_notify_once(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    env.send_webhooks_to(await env.serve_webhook(notifier))

    # The poller reads the creation first, then the webhook re-reads the same state.
    record = await env.add_book("Rebecca", other=True)
    await env.flush_webhooks()
    await notifier.poll_once()
    await notifier.join(timeout=5)

    # The webhook reports the edit first, then the poller reads the same state.
    await env.edit_book(record.id, category="Classics", other=True)
    await env.flush_webhooks()
    await notifier.join(timeout=5)
    await notifier.poll_once()
    await notifier.join(timeout=5)

    parent = the_parent(env.fake)
    assert len(thread_texts(env.fake, parent["ts"])) == 1
    assert len(posts(env.fake)) == 2


async def test_own_write_then_webhook_notifies_once(env: Env) -> None:
    notifier = await env.start_notifier()
    await subscribe(env, notifier)
    env.send_webhooks_to(await env.serve_webhook(notifier))

    record = await env.add_book("Kindred")
    await notifier.record_written(env.books, record, event="created", actor_user_id="U0ALICE")
    await env.flush_webhooks()
    await notifier.poll_once()
    await notifier.join(timeout=5)

    assert len(posts(env.fake)) == 1
    assert "<@U0ALICE>" in message_text(the_parent(env.fake))


async def test_webhook_answers(env: Env) -> None:
    notifier = await env.start_notifier()
    url = await env.serve_webhook(notifier)
    good = {"X-SCP-Webhook-Token": WEBHOOK_SECRET}
    cases = [
        ({}, {"module": "cm_books", "id": "301"}, 401),
        ({"X-SCP-Webhook-Token": "wrong"}, {"module": "cm_books", "id": "301"}, 401),
        (good, {"module": "cm_dragons", "id": "301"}, 400),
        (good, {"module": "cm_books", "id": "30x"}, 400),
        (good, {"module": "cm_books", "id": True}, 400),
        (good, ["cm_books", "301"], 400),
        (good, {"module": "cm_books", "id": "301", "event": "renamed"}, 202),
        (good, {"module": "cm_books", "id": 301}, 202),
    ]

    async with httpx.AsyncClient() as client:
        for headers, body, status in cases:
            response = await client.post(url, json=body, headers=headers)
            assert (body, response.status_code) == (body, status)
            if status == 400:
                assert response.json()["ok"] is False
        broken = await client.post(url, content=b"{not json", headers=good)
    await notifier.join(timeout=5)

    assert broken.status_code == 400
    assert "not valid JSON" in broken.json()["error"]


async def test_webhook_off_without_secret(env: Env) -> None:
    settings = make_settings(env.database_url, scp_webhook_secret=None)
    notifier = await env.start_notifier(settings=settings)
    url = await env.serve_webhook(notifier)

    async with httpx.AsyncClient() as client:
        response = await client.post(
            url, json={"module": "cm_books", "id": "301"},
            headers={"X-SCP-Webhook-Token": "anything"},
        )

    assert response.status_code == 404


async def test_poll_loop_runs_on_its_own(env: Env) -> None:
    settings = make_settings(env.database_url, scp_poll_seconds=0.05)
    notifier = await env.start_notifier(settings=settings, start=False)
    await notifier.start(poll=True)
    await subscribe(env, notifier)

    await env.add_book("Moby-Dick", other=True)

    await env.fake.wait_for("chat.postMessage", timeout=5)
    assert len(parents(env.fake)) == 1
