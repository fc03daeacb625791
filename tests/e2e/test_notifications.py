"""Notification threads driven through the real app: slash commands, modals and buttons."""

from __future__ import annotations

import json

import httpx

from bot.ids import ActionId
from tests.e2e.conftest import AUTHTOKEN, fill_form
from tests.e2e.test_vendor_operations import texts
from tests.notify.support import card_blocks, thread_texts, without_block_ids

CHANNEL = "C0001"
FAST = {"notify_pace_seconds": 0.01, "notify_webhook_delay_seconds": 0.0}


def channel_cards(bot) -> list[dict]:
    """Return the parent messages the notifier posted in the channel, in their current state."""
    posted = {
        call.result["ts"] for call in bot.slack.calls_to("chat.postMessage")
        if call.ok and not call.body.get("thread_ts")
    }
    return [bot.slack.messages[(CHANNEL, ts)] for ts in sorted(posted, key=float)]


async def settle(bot) -> None:
    await bot.services.background.join(timeout=10)
    await bot.services.notifier.join(timeout=10)


def without_notes(blocks: list[dict]) -> list[dict]:
    """Drop context blocks: the first card carries a "Created by" note the server lacks."""
    return [block for block in without_block_ids(blocks) if block["type"] != "context"]


async def assert_parent_matches_server(bot, parent: dict, record_id: str) -> None:
    module = bot.services.catalog.get("cm_books")
    record = await bot.services.scp.get_record(module, record_id)
    assert without_notes(parent["blocks"]) == without_notes(card_blocks(module, record))


async def test_record_life_through_slack(start_bot):
    bot = await start_bot(notifications=True, **FAST)
    await bot.driver.command("/scp subscribe books")
    assert "books" in texts(bot.response()).lower()

    await bot.driver.command("/scp books new")
    form = bot.driver.latest_view()
    await bot.driver.submit(form, fill_form(form, {
        "title": "Harry Potter", "sline_author": "J.K Rowling", "pick_category": "3636",
    }))
    await settle(bot)
    [parent] = channel_cards(bot)
    assert parent["blocks"][0]["text"]["text"] == "Harry Potter"
    await assert_parent_matches_server(bot, parent, "302")

    await bot.driver.click(parent, ActionId.EDIT)
    form = bot.driver.latest_view()
    await bot.driver.submit(form, fill_form(form, {"pick_category": "3635"}))
    await settle(bot)
    await bot.driver.click(channel_cards(bot)[0], ActionId.TRASH)
    await settle(bot)
    await bot.driver.click(channel_cards(bot)[0], ActionId.RESTORE)
    await settle(bot)
    await assert_parent_matches_server(bot, channel_cards(bot)[0], "302")
    await bot.driver.command("/scp books trash 302")
    await settle(bot)
    await bot.driver.click(channel_cards(bot)[0], ActionId.DELETE)
    await settle(bot)

    [parent] = channel_cards(bot)
    lines = thread_texts(bot.slack, parent["ts"], CHANNEL)
    assert [line.split("*")[1] for line in lines] == [
        "Edited", "Moved to trash", "Restored", "Moved to trash", "Deleted"
    ]
    assert "Category: Fantasy → Classics" in lines[0]
    assert all("<@U0001>" in line for line in lines)
    assert "was deleted" in texts(parent)
    assert not any(call.body.get("reply_broadcast") for call in bot.slack.calls_to(
        "chat.postMessage"))


async def test_outside_changes_reach_the_thread(start_bot):
    bot = await start_bot(notifications=True, **FAST)
    notifier = bot.services.notifier
    await bot.driver.command("/scp subscribe books category=Novel")
    await notifier.poll_once()

    async with httpx.AsyncClient(base_url=bot.emulator_url, headers={"authtoken": AUTHTOKEN},
                                 timeout=10) as scp:
        edit = {"cm_book": {"title": "test, edited on the web"}}
        await scp.put("/api/v3/cm_books/301", data={"input_data": json.dumps(edit)},
                      headers={"X-Emulator-User": "Priya Raman"})
        await notifier.poll_once()
        await settle(bot)
        [parent] = channel_cards(bot)
        await assert_parent_matches_server(bot, parent, "301")
        assert parent["blocks"][0]["text"]["text"] == "test, edited on the web"

        out_of_filter = {"cm_book": {"cm_fields": {"pick_category": {"id": "3635"}}}}
        await scp.put("/api/v3/cm_books/301", data={"input_data": json.dumps(out_of_filter)})
        await notifier.poll_once()
        await settle(bot)

    [parent] = channel_cards(bot)
    lines = thread_texts(bot.slack, parent["ts"], CHANNEL)
    assert "No longer matches this channel's filter" in lines[-1]
    await assert_parent_matches_server(bot, parent, "301")
