"""Every operation of the vendor's custom-module page, done the way a Slack user does it."""

from __future__ import annotations

from bot.ids import ActionId
from tests.e2e.conftest import button, fill_form, input_block


def texts(message: dict) -> str:
    """Return every text of a message's blocks, joined, for content checks."""
    parts: list[str] = []
    for block in message.get("blocks", []):
        for key in ("text",):
            if isinstance(block.get(key), dict):
                parts.append(block[key]["text"])
        for item in block.get("fields", []) + block.get("elements", []):
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                parts.append(item["text"])
            elif isinstance(item, dict) and isinstance(item.get("text"), dict):
                parts.append(item["text"]["text"])
    return "\n".join(parts)


async def test_list_with_search_on_author_and_sort(bot):
    await bot.services.scp.add_record(
        bot.services.catalog.get("cm_books"), {"title": "Emma", "sline_author": "Jane Austen"}
    )

    result = await bot.driver.command("/scp books search author~a sort:author")

    assert result.status == 200
    listing = bot.response()
    shown = texts(listing)
    assert shown.index("Jane Austen") < shown.index("test author")
    sent = bot.sent("GET", "/api/v3/cm_books")[-1]["list_info"]
    assert sent["search_criteria"] == {
        "field": "cm_fields.sline_author", "condition": "contains", "value": "a"
    }
    assert sent["sort_field"] == "cm_fields.sline_author"


async def test_view_record_301(bot):
    await bot.driver.command("/scp books 301")

    card = bot.response()
    assert card["response_type"] == "ephemeral"
    assert card["blocks"][0]["text"]["text"] == "test"
    assert "test author" in texts(card)
    assert "Novel" in texts(card)
    assert "test description" in texts(card)
    assert button(card, ActionId.EDIT) is not None
    assert button(card, ActionId.TRASH) is not None
    assert button(card, ActionId.DELETE) is None


async def test_share_posts_card_for_channel(bot):
    await bot.driver.command("/scp books 301")

    await bot.driver.click(bot.response(), ActionId.SHARE)

    shared = bot.response()
    assert shared["response_type"] == "in_channel"
    assert shared.get("replace_original") is not True
    assert "Shared by <@U0001>" in texts(shared)
    assert button(shared, ActionId.SHARE) is None


async def test_add_harry_potter_in_fantasy_through_modal(bot):
    result = await bot.driver.command("/scp books new")

    methods = [call.method for call in result.new_calls if call.method != "auth.test"]
    assert methods[:2] == ["views.open", "views.update"]
    form = bot.driver.latest_view()
    category = input_block(form, "pick_category")["element"]
    assert category["type"] == "static_select"
    assert [o["text"]["text"] for o in category["options"]] == [
        "Novel", "Classics", "Fantasy", "Humor and satire."
    ]

    values = fill_form(form, {
        "title": "Harry Potter", "sline_author": "J.K Rowling", "pick_category": "3636",
        "description": "description about harry potter",
    })
    submitted = await bot.driver.submit(form, values)

    assert submitted.ack == {}
    stored = bot.record("cm_books", "302")
    assert stored["title"] == "Harry Potter"
    assert stored["cm_fields"]["sline_author"] == "J.K Rowling"
    assert stored["cm_fields"]["pick_category"] == {"name": "Fantasy", "id": "3636"}
    assert bot.sent("POST", "/api/v3/cm_books")[-1] == {"cm_book": {
        "title": "Harry Potter",
        "description": "<div>description about harry potter</div>",
        "cm_fields": {"sline_author": "J.K Rowling", "pick_category": {"id": "3636"}},
    }}
    card = bot.response()
    assert card["blocks"][0]["text"]["text"] == "Harry Potter"
    assert "Fantasy" in texts(card)


async def test_edit_301_to_classics_from_card(bot):
    await bot.driver.command("/scp books 301")
    card = bot.response()

    await bot.driver.click(card, ActionId.EDIT)
    form = bot.driver.latest_view()
    assert form["title"]["text"] == "Edit Book 301"
    assert input_block(form, "title")["element"]["initial_value"] == "test"
    category = input_block(form, "pick_category")["element"]
    assert category["initial_option"]["value"] == "3634"

    await bot.driver.submit(form, fill_form(form, {"pick_category": "3635"}))

    assert bot.record("cm_books", "301")["cm_fields"]["pick_category"]["name"] == "Classics"
    updated = bot.response()
    assert updated["replace_original"] is True
    assert "Classics" in texts(updated)


async def test_edit_command_opens_filled_form(bot):
    await bot.driver.command("/scp books edit 301")

    form = bot.driver.latest_view()
    assert input_block(form, "sline_author")["element"]["initial_value"] == "test author"


async def test_list_pick_values(bot):
    await bot.driver.command("/scp books values category")

    shown = texts(bot.response())
    for name in ["Novel", "Classics", "Fantasy", "Humor and satire."]:
        assert name in shown
    assert "4 values in all" in shown


async def test_trash_list_restore_and_delete(bot):
    await bot.driver.command("/scp books 301")

    await bot.driver.click(bot.response(), ActionId.TRASH)
    trashed_card = bot.response()
    assert bot.record("cm_books", "301")["is_trashed"] is True
    assert trashed_card["replace_original"] is True
    assert button(trashed_card, ActionId.RESTORE) is not None
    assert button(trashed_card, ActionId.DELETE)["confirm"]["title"]["text"]

    await bot.driver.command("/scp books trashed")
    trash_list = bot.response()
    assert "test" in texts(trash_list)

    await bot.driver.click(trash_list, ActionId.RESTORE)
    assert bot.record("cm_books", "301")["is_trashed"] is False
    assert "The trash is empty." in texts(bot.response())

    await bot.driver.command("/scp books trash 301")
    await bot.driver.command("/scp books delete 301")
    confirm_card = bot.response()
    assert "Press Delete" in texts(confirm_card)

    await bot.driver.click(confirm_card, ActionId.DELETE)
    assert bot.record("cm_books", "301") is None
    assert "deleted for good" in texts(bot.response())


async def test_delete_outside_trash_explains(bot):
    await bot.driver.command("/scp books delete 301")

    card = bot.response()
    assert "not in the trash" in texts(card)
    assert button(card, ActionId.DELETE) is None
    assert bot.record("cm_books", "301") is not None


async def test_paging_next_and_previous(bot):
    books = bot.services.catalog.get("cm_books")
    for number in range(12):
        await bot.services.scp.add_record(books, {"title": f"Volume {number:02}"})

    await bot.driver.command("/scp books search sort:title")
    first = bot.response()
    assert "of 13" in texts(first)

    await bot.driver.click(first, ActionId.PAGE_NEXT)
    second = bot.response()
    assert second["replace_original"] is True
    assert "Showing 11–13 of 13" in texts(second)
    assert button(second, ActionId.PAGE_NEXT) is None

    await bot.driver.click(second, ActionId.PAGE_PREVIOUS)
    assert "Showing 1–10 of 13" in texts(bot.response())


async def test_edit_without_changes_writes_nothing(bot):
    await bot.driver.command("/scp books edit 301")
    form = bot.driver.latest_view()

    result = await bot.driver.submit(form, fill_form(form, {}))

    assert result.ack == {}
    assert bot.sent("PUT", "/api/v3/cm_books") == []
    assert "Nothing changed." in texts(bot.response())
