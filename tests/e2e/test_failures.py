"""Bad input and server failures: a clear answer, and nothing the user typed is lost."""

from __future__ import annotations

from bot.ids import ActionId, field_block_id
from tests.e2e.conftest import fill_form, input_block
from tests.e2e.test_vendor_operations import texts


async def test_unknown_subcommand_shows_usage(bot):
    await bot.driver.command("/scp books frobnicate 3")

    reply = bot.response()
    assert reply["response_type"] == "ephemeral"
    assert "Unknown command" in texts(reply)
    assert "/scp help" in texts(reply)


async def test_help_lists_modules_and_grammar(bot):
    await bot.driver.command("/scp help")

    shown = texts(bot.response())
    assert "cm_books" in shown
    assert "search" in shown


async def test_unknown_module_lists_choices(bot):
    await bot.driver.command("/scp films")

    assert "There is no module called “films”" in texts(bot.response())


async def test_invalid_record_id_is_rejected_before_the_server(bot):
    bot.emulator.clear_requests()

    await bot.driver.command("/scp books edit 30a")

    assert "A record id is a number" in texts(bot.response())
    assert bot.slack.calls_to("views.open") == []
    assert bot.emulator.request_log() == []


async def test_unknown_record_says_not_found(bot):
    await bot.driver.command("/scp books 999")

    assert "Book 999 was not found" in texts(bot.response())


async def test_bad_search_term_names_the_term(bot):
    await bot.driver.command("/scp books search colour=red")

    shown = texts(bot.response())
    assert "colour=red" in shown
    assert "unknown field" in shown


async def test_server_down_tells_user_what_to_do(bot):
    bot.emulator.add_fault(status=503, count=10, path_contains="/cm_books")

    await bot.driver.command("/scp books")

    shown = texts(bot.response())
    assert "SupportCenter Plus had an internal error" in shown
    assert "Try again" in shown


async def test_modal_opens_before_slow_server_is_asked(start_bot):
    bot = await start_bot(latency_ms=1000)
    bot.emulator.clear_requests()

    await bot.driver.command("/scp books edit 301")

    # The trigger_id is used before SupportCenter Plus, 1 s slow here, gets any request.
    opened_ms = bot.slack.calls_to("views.open")[0].time * 1000
    first_scp_request_ms = bot.emulator.request_log()[0]["time_ms"]
    assert opened_ms <= first_scp_request_ms
    assert bot.driver.latest_view()["title"]["text"] == "Edit Book 301"
    assert input_block(bot.driver.latest_view(), "title")["element"]["initial_value"] == "test"


async def test_missing_title_keeps_modal_open(bot):
    await bot.driver.command("/scp books new")
    form = bot.driver.latest_view()
    bot.emulator.clear_requests()

    result = await bot.driver.submit(
        form, fill_form(form, {"title": "", "sline_author": "Kept Author"})
    )

    assert result.ack["response_action"] == "errors"
    assert list(result.ack["errors"]) == [field_block_id("title")]
    assert bot.sent("POST", "/api/v3/cm_books") == []
    assert bot.driver.latest_view()["id"] == form["id"]


async def test_server_rejection_lands_on_the_field(start_bot):
    # The admin marked quantity optional, but the server requires it.
    config = '[modules.cm_assets.fields.num_quantity]\nrequired = false\n'
    bot = await start_bot(modules="cm_assets", config=config)
    await bot.driver.command("/scp assets new")
    form = bot.driver.latest_view()

    result = await bot.driver.submit(form, fill_form(form, {"title": "Laptop"}))

    assert result.ack["response_action"] == "errors"
    assert field_block_id("num_quantity") in result.ack["errors"]


async def test_server_rejection_of_hidden_field_keeps_values(start_bot):
    config = (
        '[modules.cm_assets]\nform_fields = ["title", "sline_serial"]\n'
        '[modules.cm_assets.fields.num_quantity]\nrequired = false\n'
    )
    bot = await start_bot(modules="cm_assets", config=config)
    await bot.driver.command("/scp assets new")
    form = bot.driver.latest_view()

    result = await bot.driver.submit(
        form, fill_form(form, {"title": "Laptop", "sline_serial": "SN-1"})
    )

    assert result.ack["response_action"] == "update"
    view = result.ack["view"]
    assert "Quantity" in texts(view)
    assert input_block(view, "title")["element"]["initial_value"] == "Laptop"
    assert input_block(view, "sline_serial")["element"]["initial_value"] == "SN-1"


async def test_slow_save_is_never_sent_twice(bot):
    await bot.driver.command("/scp books new")
    form = bot.driver.latest_view()
    bot.emulator.add_fault(hang_ms=2600, count=1, path_contains="/cm_books", method="POST")

    result = await bot.driver.submit(form, fill_form(form, {"title": "Slow book"}))

    assert result.ack["response_action"] == "update"
    assert len(bot.sent("POST", "/api/v3/cm_books")) == 1
    assert bot.record("cm_books", "302")["title"] == "Slow book"
    final = bot.slack.calls_to("views.update")[-1].body["view"]
    assert "Saved Book 302" in texts(final)
    assert bot.response()["blocks"][0]["text"]["text"] == "Slow book"


async def test_trash_failure_leaves_card_and_explains(bot):
    await bot.driver.command("/scp books 301")
    card = bot.response()
    bot.emulator.add_fault(status=500, count=1, path_contains="_move_to_trash")

    await bot.driver.click(card, ActionId.TRASH)

    reply = bot.response()
    assert reply.get("replace_original") is not True
    assert "Could not move Book 301 to the trash" in texts(reply)
    assert bot.record("cm_books", "301")["is_trashed"] is False


async def test_forged_button_value_is_rejected(bot):
    await bot.driver.command("/scp books 301")
    card = bot.response()
    bot.emulator.clear_requests()

    await bot.driver.click(card, ActionId.TRASH, value='{"m":"cm_books","id":"../301"}')

    assert "This button no longer works" in texts(bot.response())
    assert bot.emulator.request_log() == []


async def test_edit_of_trashed_record_refused_before_form(bot):
    await bot.driver.command("/scp books trash 301")

    await bot.driver.command("/scp books edit 301")

    view = bot.driver.latest_view()
    assert "Book 301 is in the trash, so it cannot be edited" in texts(view)
    assert all(block["type"] != "input" for block in view["blocks"])


async def test_restore_of_live_record_says_nothing_to_restore(bot):
    await bot.driver.command("/scp books restore 301")

    shown = texts(bot.response())
    assert "Book 301 is not in the trash, so there is nothing to restore" in shown


async def test_trash_of_trashed_record_says_already(bot):
    await bot.driver.command("/scp books trash 301")

    await bot.driver.command("/scp books trash 301")

    assert "Book 301 is already in the trash" in texts(bot.response())


async def test_not_found_names_the_list_command(bot):
    await bot.driver.command("/scp books 999")

    assert "`/scp books` lists the records" in texts(bot.response())


async def test_list_word_lists(bot):
    await bot.driver.command("/scp books list")

    assert "Showing 1–1 of 1" in texts(bot.response())
