"""Every field kind through the modal and the card, in both record formats."""

from __future__ import annotations

from bot.ids import ActionId, field_block_id
from tests.e2e.conftest import fill_form, input_block
from tests.e2e.test_vendor_operations import texts

MARCH_1_2024_UTC_MS = "1709251200000"
MARCH_1_2024_11_00_UTC_S = 1709290800


async def open_new_asset(bot) -> dict:
    await bot.driver.command("/scp assets new")
    return bot.driver.latest_view()


def every_kind_values(model_id: str, owner_id: str) -> dict:
    return {
        "title": "Laptop 7",
        "sline_serial": "SN-7",
        "mline_notes": "first line\nsecond line",
        "html_specs": "CPU <fast> & RAM",
        "pick_model": model_id,
        "pick_location": "7001",
        "multi_tags": ["7101", "7102"],
        "num_quantity": "3",
        "dec_weight": "1.5",
        "per_utilization": "40",
        "currency_price": "999.99",
        "date_purchased": "2024-03-01",
        "datetime_last_seen": MARCH_1_2024_11_00_UTC_S,
        "bool_under_warranty": ["true"],
        "email_owner_email": "ops@example.com",
        "phone_owner_phone": "+1 555 0100",
        "url_manual": "https://example.com/manual",
        "ref_owner": owner_id,
    }


async def test_form_has_right_element_per_kind(start_bot):
    bot = await start_bot(modules="cm_assets")
    form = await open_new_asset(bot)

    kinds = {
        name: input_block(form, name)["element"]["type"]
        for name in every_kind_values("", "")
    }
    assert kinds == {
        "title": "plain_text_input", "sline_serial": "plain_text_input",
        "mline_notes": "plain_text_input", "html_specs": "plain_text_input",
        "pick_model": "external_select", "pick_location": "static_select",
        "multi_tags": "multi_static_select", "num_quantity": "number_input",
        "dec_weight": "number_input", "per_utilization": "number_input",
        "currency_price": "number_input", "date_purchased": "datepicker",
        "datetime_last_seen": "datetimepicker", "bool_under_warranty": "checkboxes",
        "email_owner_email": "email_text_input", "phone_owner_phone": "plain_text_input",
        "url_manual": "url_text_input", "ref_owner": "static_select",
    }
    assert input_block(form, "num_quantity")["optional"] is False


async def test_type_ahead_on_1500_values(start_bot):
    bot = await start_bot(modules="cm_assets")
    form = await open_new_asset(bot)

    answer = await bot.driver.suggest(form, field_block_id("pick_model"), "value", "fan")

    options = answer.get("options") or [
        option for group in answer["option_groups"] for option in group["options"]
    ]
    names = [option["text"]["text"] for option in options]
    assert names[:4] == ["Fanless 1U", "Fanless 2U Edge", "Fantom X", "Fantom X2"]
    assert set(names) == {
        "Fanless 1U", "Fanless 2U Edge", "Fantom X", "Fantom X2", "Cooling Fan Module",
        "Infante Workstation",
    }
    assert bot.driver.last_result.problems == []


async def test_type_ahead_with_too_many_matches_asks_for_more(start_bot):
    bot = await start_bot(modules="cm_assets")
    form = await open_new_asset(bot)

    answer = await bot.driver.suggest(form, field_block_id("pick_model"), "value", "e")

    groups = answer["option_groups"]
    assert sum(len(group["options"]) for group in groups) <= 100
    assert "Type more" in groups[0]["label"]["text"]
    assert bot.driver.last_result.problems == []


async def test_add_every_kind_reaches_server_in_api_shapes(start_bot):
    bot = await start_bot(modules="cm_assets")
    form = await open_new_asset(bot)
    answer = await bot.driver.suggest(form, field_block_id("pick_model"), "value", "Fantom X2")
    model = (answer.get("options") or answer["option_groups"][0]["options"])[0]
    owner = input_block(form, "ref_owner")["element"]["options"][0]

    result = await bot.driver.submit(
        form, fill_form(form, every_kind_values(model, owner["value"]))
    )

    assert result.ack == {}
    sent = bot.sent("POST", "/api/v3/cm_assets")[-1]["cm_asset"]
    assert sent["title"] == "Laptop 7"
    assert sent["description"] if "description" in sent else True
    fields = sent["cm_fields"]
    assert fields["sline_serial"] == "SN-7"
    assert fields["mline_notes"] == "first line\nsecond line"
    assert fields["html_specs"] == "<div>CPU &lt;fast&gt; &amp; RAM</div>"
    assert fields["pick_model"] == {"id": model["value"]}
    assert fields["pick_location"] == {"id": "7001"}
    assert fields["multi_tags"] == [{"id": "7101"}, {"id": "7102"}]
    assert fields["num_quantity"] == "3"
    assert fields["dec_weight"] == "1.50"
    assert fields["per_utilization"] == "40"
    assert fields["currency_price"] == "999.99"
    assert fields["date_purchased"] == {"value": MARCH_1_2024_UTC_MS}
    assert fields["datetime_last_seen"] == {"value": str(MARCH_1_2024_11_00_UTC_S * 1000)}
    assert fields["bool_under_warranty"] is True
    assert fields["email_owner_email"] == "ops@example.com"
    assert fields["phone_owner_phone"] == "+1 555 0100"
    assert fields["url_manual"] == "https://example.com/manual"
    assert fields["ref_owner"] == {"id": owner["value"]}

    stored = bot.record("cm_assets", "604")["cm_fields"]
    assert stored["pick_model"]["name"] == "Fantom X2"
    assert stored["dec_weight"] == "1.50"


async def test_card_formats_every_kind(start_bot):
    bot = await start_bot(modules="cm_assets")

    await bot.driver.command("/scp assets 601")

    shown = texts(bot.response())
    assert "<!date^" in shown
    assert "Yes" in shown or "No" in shown
    assert "<mailto:" in shown
    assert "%" in shown


async def test_bad_number_and_email_rejected_on_their_fields(start_bot):
    bot = await start_bot(modules="cm_assets")
    form = await open_new_asset(bot)
    bot.emulator.clear_requests()

    result = await bot.driver.submit(form, fill_form(form, {
        "title": "Kept title", "num_quantity": "three", "email_owner_email": "not-an-email",
        "sline_serial": "Kept serial",
    }))

    assert result.ack["response_action"] == "errors"
    assert set(result.ack["errors"]) == {
        field_block_id("num_quantity"), field_block_id("email_owner_email")
    }
    assert bot.sent("POST", "/api/v3/cm_assets") == []
    # Slack keeps the view and what was typed when the ack carries errors.
    assert bot.driver.latest_view()["id"] == form["id"]


async def test_missing_required_quantity_rejected_on_field(start_bot):
    bot = await start_bot(modules="cm_assets")
    form = await open_new_asset(bot)

    result = await bot.driver.submit(form, fill_form(form, {"title": "No quantity"}))

    assert result.ack["response_action"] == "errors"
    assert list(result.ack["errors"]) == [field_block_id("num_quantity")]


async def test_edit_every_kind_keeps_values(start_bot):
    bot = await start_bot(modules="cm_assets")
    await bot.driver.command("/scp assets 601")
    before = bot.record("cm_assets", "601")["cm_fields"]

    await bot.driver.click(bot.response(), ActionId.EDIT)
    form = bot.driver.latest_view()
    await bot.driver.submit(form, fill_form(form, {"num_quantity": "9"}))

    after = bot.record("cm_assets", "601")["cm_fields"]
    assert after["num_quantity"] == "9"
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"num_quantity"}


async def test_flat_format_add_and_edit(start_bot):
    bot = await start_bot(flat=True)
    await bot.driver.command("/scp books new")
    form = bot.driver.latest_view()

    await bot.driver.submit(form, fill_form(form, {
        "title": "Harry Potter", "author": "J.K Rowling", "category": "3636",
    }))

    assert bot.sent("POST", "/api/v3/cm_books")[-1] == {"cm_book": {
        "title": "Harry Potter", "author": "J.K Rowling", "category": {"id": "3636"},
    }}
    stored = bot.record("cm_books", "302")
    assert stored["author"] == "J.K Rowling"
    assert stored["category"]["name"] == "Fantasy"

    await bot.driver.command("/scp books search author~rowling sort:author")
    sent = bot.sent("GET", "/api/v3/cm_books")[-1]["list_info"]
    assert sent["search_criteria"]["field"] == "author"
    assert sent["sort_field"] == "author"
    assert "Harry Potter" in texts(bot.response())


async def test_two_modules_at_once(start_bot):
    bot = await start_bot(modules="cm_books,cm_assets")

    await bot.driver.command("/scp Asset 601")
    asset = bot.response()
    await bot.driver.command("/scp BOOK 301")
    book = bot.response()

    assert "Asset 601" in texts(asset)
    assert "Book 301" in texts(book)


async def test_values_of_long_pick_list_are_capped_and_filterable(start_bot):
    bot = await start_bot(modules="cm_assets")

    await bot.driver.command("/scp assets values model")
    capped = texts(bot.response())
    await bot.driver.command("/scp assets values model fan")
    matching = texts(bot.response())

    assert "1,500 values in all" in capped
    assert "values model &lt;text&gt;" in capped
    assert capped.count("•") == 100
    assert matching.index("Fanless 1U") < matching.index("Cooling Fan Module")
    assert "6 matches" in matching
