"""Hostile requests and odd server answers: rejected or answered clearly, never run twice."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.fakeslack.driver import SlackDriver
from bot.fakeslack.local_server import LocalServer
from bot.ids import ActionId, CallbackId
from bot.server import MAX_SLACK_BODY_BYTES, create_http_app
from tests.e2e.conftest import fill_form
from tests.e2e.test_vendor_operations import texts


@pytest.fixture
async def served(bot):
    """The bot behind its real HTTP front, as ``scp-bot run --http`` serves it."""
    server = LocalServer(create_http_app(bot.driver.app, bot.services, poll=False))
    await server.start()
    yield bot, f"{server.url}/slack/events"
    await server.stop()


async def test_huge_body_is_refused_unread(served):
    _, url = served
    async with httpx.AsyncClient() as http:
        response = await http.post(url, content=b"x" * (MAX_SLACK_BODY_BYTES + 1))

    assert response.status_code == 413


@pytest.mark.parametrize("body", [b"[1, 2]", b"{broken", b"payload=%7Bnot-json", b"\xff\xfe\xfd"])
@pytest.mark.parametrize("timestamp", ["", "abc", "9" * 400, "1700000000"])
async def test_unsigned_malformed_requests_get_401(served, body, timestamp):
    _, url = served
    headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=00"}
    async with httpx.AsyncClient() as http:
        response = await http.post(url, content=body, headers=headers)

    assert response.status_code == 401


async def test_replayed_request_is_refused(served):
    bot, url = served
    await bot.driver.command("/scp books new")
    form = bot.driver.latest_view()
    request = bot.driver.requests.view_submission(form, fill_form(form, {"title": "Once"}))

    async with httpx.AsyncClient(timeout=10) as http:
        first = await http.post(url, content=request.body, headers=request.headers)
        second = await http.post(url, content=request.body, headers=request.headers)
    await bot.services.background.join(timeout=10)

    assert first.status_code == 200
    assert second.status_code == 401
    assert len(bot.sent("POST", "/api/v3/cm_books")) == 1


async def test_signed_request_over_http_works(served):
    bot, url = served
    driver = SlackDriver(None, bot.driver.requests, bot.slack, events_url=url)

    result = await driver.command("/scp books 301")
    await driver.aclose()

    assert result.status == 200
    assert bot.response()["blocks"][0]["text"]["text"] == "test"


async def test_result_never_goes_to_untrusted_url(bot):
    await bot.driver.command("/scp books new")
    form = bot.driver.latest_view()
    metadata = json.loads(form["private_metadata"])
    metadata["r"] = "https://evil.example/collect"
    forged = json.dumps(metadata)
    form["private_metadata"] = bot.slack.views[form["id"]]["private_metadata"] = forged

    await bot.driver.submit(form, fill_form(form, {"title": "Private"}))

    assert bot.record("cm_books", "302")["title"] == "Private"
    assert all("evil" not in str(call.url) for call in bot.slack.calls)
    ephemeral = bot.slack.calls_to("chat.postEphemeral")
    assert ephemeral[-1].body["user"] == "U0001"


async def test_expired_response_url_falls_back_to_ephemeral(bot):
    await bot.driver.command("/scp books new")
    form = bot.driver.latest_view()
    metadata = json.loads(form["private_metadata"])
    metadata["r"] = bot.slack.base_url + "/response/expired-long-ago"
    forged = json.dumps(metadata)
    form["private_metadata"] = bot.slack.views[form["id"]]["private_metadata"] = forged

    await bot.driver.submit(form, fill_form(form, {"title": "Late save"}))

    posted = bot.slack.calls_to("chat.postEphemeral")
    assert posted
    assert "Late save" in posted[-1].body["text"]


@pytest.mark.parametrize("value", ['{"m":"cm_books"}', '{"m":"cm_books","id":"../1"}',
                                   "not json", '{"m":"cm_films","id":"1"}', ""])
async def test_forged_button_values_get_clear_message(bot, value):
    await bot.driver.command("/scp books 301")
    card = bot.response()
    bot.emulator.clear_requests()

    await bot.driver.click(card, ActionId.EDIT, value=value)

    assert "This button no longer works" in texts(bot.response())
    assert bot.emulator.request_log() == []


async def test_forged_page_start_falls_back_to_first_page(bot):
    await bot.driver.command("/scp books")
    listing = bot.response()
    forged = '{"m":"cm_books","s":"1e3"}'

    await bot.driver.send(bot.driver.requests.block_actions(
        {"action_id": ActionId.PAGE_NEXT, "block_id": "x", "type": "button", "value": forged},
        message=listing,
    ))

    assert "Showing 1–1 of 1" in texts(bot.response())


async def test_forged_view_shapes_get_no_500(bot):
    for view in [
        {"id": "V1", "type": "modal", "callback_id": CallbackId.RECORD_FORM,
         "private_metadata": {"m": 1},
         "state": {"values": []}},
        {"id": "V1", "type": "modal", "callback_id": CallbackId.RECORD_FORM,
         "private_metadata": "[]",
         "state": "nope"},
    ]:
        result = await bot.driver.send(bot.driver.requests.view_submission(view, {}))
        assert result.status == 200


async def test_unreadable_answer_to_write_is_indeterminate(bot):
    await bot.driver.command("/scp books new")
    form = bot.driver.latest_view()
    bot.emulator.add_fault(status=200, count=1, path_contains="/cm_books", method="POST",
                           body="<html>proxy</html>")

    result = await bot.driver.submit(form, fill_form(form, {"title": "Maybe saved"}))

    shown = texts(result.ack["view"])
    assert "may or may not have been done" in shown
    assert "proxy" not in shown


async def test_html_error_page_is_not_echoed(bot):
    bot.emulator.add_fault(status=502, count=5, path_contains="/cm_books",
                           body="<html><b>Bad gateway</b> secret-host-name</html>")

    await bot.driver.command("/scp books")

    shown = texts(bot.response())
    assert "internal error" in shown
    assert "secret-host-name" not in shown


async def test_comparison_typed_in_slack_reaches_search(bot):
    await bot.driver.command("/scp books search created>2023-01-01")

    sent = bot.sent("GET", "/api/v3/cm_books")[-1]["list_info"]["search_criteria"]
    assert sent["condition"] == "greater than"
    assert "test" in texts(bot.response())


async def test_leading_zeros_are_dropped_from_ids(bot):
    bot.emulator.clear_requests()

    await bot.driver.command("/scp books 000301")

    assert [entry["path"] for entry in bot.emulator.request_log()] == ["/api/v3/cm_books/301"]


async def test_repeated_type_ahead_is_answered(start_bot):
    bot = await start_bot(modules="cm_assets")
    await bot.driver.command("/scp assets new")
    form = bot.driver.latest_view()
    request = bot.driver.requests.block_suggestion(form, "field:pick_model", "value", "fan")

    first = await bot.driver.send(request)
    second = await bot.driver.send(request)

    assert first.status == 200
    assert second.status == 200
    assert second.ack["options"]
