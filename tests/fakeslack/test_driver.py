import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from bot.background import BackgroundTasks
from bot.fakeslack.driver import SlackDriver, element_state, find_element
from bot.fakeslack.local_server import LocalServer
from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import FakeSlack

SECRET = "driver-test-secret"
AUTHORS = ["Rowling", "Tolkien", "Pratchett"]


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def card(title: str) -> list[dict[str, Any]]:
    return [
        {"type": "header", "text": plain(title)},
        {"type": "actions", "block_id": "card", "elements": [
            {"type": "button", "action_id": "record_edit", "text": plain("Edit"), "value": "301"},
            {"type": "button", "action_id": "record_trash", "text": plain("Move to trash"),
             "value": "301", "style": "danger"},
        ]},
    ]


FORM = {
    "type": "modal", "callback_id": "record_form", "title": plain("Edit book"),
    "submit": plain("Save"),
    "blocks": [
        {"type": "input", "block_id": "field:title", "label": plain("Title"),
         "element": {"type": "plain_text_input", "action_id": "value"}},
        {"type": "input", "block_id": "field:author", "label": plain("Author"), "optional": True,
         "element": {"type": "external_select", "action_id": "author", "min_query_length": 1}},
    ],
}


async def authorize(**kwargs: Any) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=None, team_id="T0001", bot_token="xoxb-test",
                           bot_user_id="U0BOT", bot_id="B0BOT")


def build_app(fake: FakeSlack, background: BackgroundTasks) -> AsyncApp:
    """A small app shaped like the bot: ack at once, do the Web API work in the background."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
    app = AsyncApp(signing_secret=SECRET, authorize=authorize, client=client)

    @app.command("/scp")
    async def on_command(ack, body, respond) -> None:
        await ack()

        async def post_card() -> None:
            await asyncio.sleep(0.05)
            if body["text"] == "ephemeral":
                await respond(text="only you", blocks=card("Ephemeral card"))
            else:
                await client.chat_postMessage(channel=body["channel_id"], text="card",
                                              blocks=card("The Hobbit"))

        background.spawn(post_card())

    @app.action("record_edit")
    async def on_edit(ack, body) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=FORM)

    @app.action("record_trash")
    async def on_trash(ack, body, respond) -> None:
        await ack()
        background.spawn(respond(replace_original=True, text="trashed",
                                 blocks=card("In the trash")))

    @app.options("author")
    async def on_author(ack, body) -> None:
        matches = [name for name in AUTHORS if body["value"].lower() in name.lower()]
        await ack(options=[{"text": plain(name), "value": name} for name in matches])

    @app.view("record_form")
    async def on_submit(ack, view) -> None:
        title = view["state"]["values"]["field:title"]["value"]["value"]
        if not title:
            await ack(response_action="errors", errors={"field:title": "Title is required"})
            return
        author = view["state"]["values"]["field:author"]["author"]["selected_option"]
        await ack()
        background.spawn(client.chat_postMessage(
            channel="C0001", text=f"saved {title} by {author['value'] if author else '?'}"
        ))

    return app


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@pytest.fixture
def driver(fake: FakeSlack) -> SlackDriver:
    background = BackgroundTasks()
    requests = SlackRequests(SECRET, response_url_factory=fake.new_response_url)
    return SlackDriver(build_app(fake, background), requests, fake, background=background)


async def test_command_waits_for_background(driver: SlackDriver) -> None:
    result = await driver.command("/scp books")

    assert result.status == 200
    assert result.ack_seconds < 1
    assert [call.method for call in result.new_calls] == ["chat.postMessage"]
    assert driver.latest_message()["blocks"][0]["text"]["text"] == "The Hobbit"


async def test_click_opens_modal(driver: SlackDriver) -> None:
    await driver.command("/scp books")

    result = await driver.click(driver.latest_message(), "record_edit")

    assert [call.method for call in result.new_calls] == ["views.open"]
    assert driver.latest_view()["callback_id"] == "record_form"
    assert driver.fake.top_view() is driver.latest_view()


async def test_click_response_url_replaces(driver: SlackDriver, fake: FakeSlack) -> None:
    await driver.command("/scp books")
    message = driver.latest_message()

    result = await driver.click(message, "record_trash")

    assert [call.method for call in result.new_calls] == ["response_url"]
    updated = fake.messages[(message["channel"], message["ts"])]
    assert updated["blocks"][0]["text"]["text"] == "In the trash"
    assert driver.latest_message() is updated


async def test_click_on_ephemeral_response(driver: SlackDriver, fake: FakeSlack) -> None:
    await driver.command("/scp ephemeral")
    message = driver.latest_message()

    await driver.click(message, "record_trash")

    assert message["is_ephemeral"] is True
    assert fake.ephemerals[0]["blocks"][0]["text"]["text"] == "In the trash"


async def test_submit_errors_keep_view(driver: SlackDriver, fake: FakeSlack) -> None:
    await driver.command("/scp books")
    await driver.click(driver.latest_message(), "record_edit")
    view = driver.latest_view()
    values = {"field:title": {"value": {"type": "plain_text_input", "value": None}},
              "field:author": {"author": {"type": "external_select", "selected_option": None}}}

    result = await driver.submit(view, values)

    assert result.ack["response_action"] == "errors"
    assert result.ack["errors"] == {"field:title": "Title is required"}
    assert result.problems == []
    assert fake.top_view()["id"] == view["id"]


async def test_submit_closes_view(driver: SlackDriver, fake: FakeSlack) -> None:
    await driver.command("/scp books")
    await driver.click(driver.latest_message(), "record_edit")
    view = driver.latest_view()
    author = (await driver.suggest(view, "field:author", "author", "tolk"))["options"][0]
    values = {"field:title": {"value": {"type": "plain_text_input", "value": "Hobbit"}},
              "field:author": {"author": {"type": "external_select", "selected_option": author}}}

    result = await driver.submit(view, values)

    assert result.body == ""
    assert fake.top_view() is None
    assert driver.latest_message()["text"] == "saved Hobbit by Tolkien"


async def test_suggest_returns_options(driver: SlackDriver) -> None:
    await driver.command("/scp books")
    await driver.click(driver.latest_message(), "record_edit")

    answer = await driver.suggest(driver.latest_view(), "field:author", "author", "r")

    assert [option["value"] for option in answer["options"]] == ["Rowling", "Pratchett"]


async def test_click_unknown_action(driver: SlackDriver) -> None:
    await driver.command("/scp books")

    with pytest.raises(LookupError, match="record_edit"):
        await driver.click(driver.latest_message(), "no_such_action")


async def test_driver_over_http(fake: FakeSlack) -> None:
    background = BackgroundTasks()
    handler = AsyncSlackRequestHandler(build_app(fake, background))

    async def events(request: Request):
        return await handler.handle(request)

    server = LocalServer(Starlette(routes=[Route("/slack/events", events, methods=["POST"])]))
    await server.start()
    requests = SlackRequests(SECRET, response_url_factory=fake.new_response_url)
    try:
        async with SlackDriver(None, requests, fake,
                               events_url=f"{server.url}/slack/events") as driver:
            result = await driver.command("/scp books")
    finally:
        await server.stop()

    assert result.status == 200
    assert [call.method for call in result.new_calls] == ["chat.postMessage"]


def test_find_element_by_index() -> None:
    message = {"blocks": card("A") + card("B")}

    block_id, element = find_element(message, "record_edit", index=1)

    assert block_id == "card"
    assert element["value"] == "301"
    with pytest.raises(LookupError):
        find_element(message, "record_edit", index=2)


def test_element_state_shapes() -> None:
    option = {"text": plain("Open"), "value": "open"}
    select = {"type": "static_select", "action_id": "s", "options": [option]}
    multi = {"type": "multi_static_select", "action_id": "m", "options": [option]}

    assert element_state(select, "open") == {"type": "static_select", "selected_option": option}
    assert element_state(multi, ["open"])["selected_options"] == [option]
    assert element_state({"type": "datepicker"}, "2024-01-31")["selected_date"] == "2024-01-31"
    assert element_state({"type": "number_input"}, "12")["value"] == "12"
    with pytest.raises(LookupError):
        element_state(select, "closed")

