import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.fakeslack.requests import SignedRequest, SlackRequests
from bot.fakeslack.server import FakeSlack

SECRET = "test-signing-secret"
BUTTON = {
    "type": "button", "action_id": "record_edit",
    "text": {"type": "plain_text", "text": "Edit"}, "value": '{"m":"cm_books","id":"301"}',
}
MESSAGE = {
    "type": "message", "channel": "C0001", "ts": "1700000000.000100", "text": "card",
    "blocks": [{"type": "actions", "block_id": "card_actions", "elements": [BUTTON]}],
}
VIEW = {
    "id": "V0000000001", "type": "modal", "callback_id": "record_form", "hash": "1.abc",
    "private_metadata": '{"m":"cm_books"}', "title": {"type": "plain_text", "text": "Edit"},
    "blocks": [],
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@pytest.fixture
def requests(fake: FakeSlack) -> SlackRequests:
    return SlackRequests(SECRET, response_url_factory=fake.new_response_url)


async def authorize(**kwargs: Any) -> AuthorizeResult:
    # A fixed result means Bolt makes no auth.test call before dispatching.
    return AuthorizeResult(enterprise_id=None, team_id="T0001", bot_token="xoxb-test",
                           bot_user_id="U0BOT", bot_id="B0BOT")


def capturing_app(fake: FakeSlack, seen: list[dict[str, Any]]) -> AsyncApp:
    app = AsyncApp(
        signing_secret=SECRET, authorize=authorize,
        client=AsyncWebClient(token="xoxb-test", base_url=fake.api_url),
    )

    @app.command("/scp")
    async def on_command(ack, body) -> None:
        seen.append(body)
        await ack(f"got {body['text']}")

    @app.action("record_edit")
    async def on_edit(ack, body) -> None:
        seen.append(body)
        await ack()

    @app.view("record_form")
    async def on_submit(ack, body) -> None:
        seen.append(body)
        await ack(response_action="errors", errors={"field:title": "Title is required"})

    @app.options("author")
    async def on_options(ack, body) -> None:
        seen.append(body)
        option = {"text": {"type": "plain_text", "text": body["value"].title()}, "value": "7"}
        await ack(options=[option])

    return app


async def dispatch(app: AsyncApp, request: SignedRequest) -> BoltResponse:
    return await app.async_dispatch(AsyncBoltRequest(body=request.body, headers=request.headers))


def test_signature_is_valid(requests: SlackRequests) -> None:
    request = requests.slash_command("books")
    verifier = SignatureVerifier(SECRET)

    assert verifier.is_valid(
        body=request.body,
        timestamp=request.headers["X-Slack-Request-Timestamp"],
        signature=request.headers["X-Slack-Signature"],
    )
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_signature_wrong_secret(requests: SlackRequests) -> None:
    request = requests.slash_command("books")

    assert not SignatureVerifier("other-secret").is_valid(
        body=request.body,
        timestamp=request.headers["X-Slack-Request-Timestamp"],
        signature=request.headers["X-Slack-Signature"],
    )


def test_slash_command_fields(fake: FakeSlack, requests: SlackRequests) -> None:
    first = requests.slash_command("books search rowling").payload()
    second = requests.slash_command("books", channel_id="C0002").payload()

    assert first["command"] == "/scp"
    assert first["text"] == "books search rowling"
    assert first["user_id"] == "U0001"
    assert first["team_id"] == "T0001"
    assert first["channel_id"] == "C0001"
    assert first["response_url"].startswith(f"{fake.base_url}/response/")
    assert first["trigger_id"] != second["trigger_id"]
    assert first["response_url"] != second["response_url"]
    assert second["channel_id"] == "C0002"


def test_block_actions_message_container(requests: SlackRequests) -> None:
    action = {"action_id": "record_edit", "block_id": "card_actions", "type": "button",
              "value": "v"}

    payload = requests.block_actions(action, message=MESSAGE).payload()

    assert payload["type"] == "block_actions"
    assert payload["container"] == {"type": "message", "message_ts": MESSAGE["ts"],
                                    "channel_id": "C0001", "is_ephemeral": False}
    assert payload["message"]["ts"] == MESSAGE["ts"]
    assert payload["channel"]["id"] == "C0001"
    assert payload["actions"][0]["action_ts"]
    assert payload["response_url"]


def test_block_actions_view_container(requests: SlackRequests) -> None:
    action = {"action_id": "record_edit", "block_id": "b", "type": "button"}

    payload = requests.block_actions(action, view=VIEW).payload()

    assert payload["container"] == {"type": "view", "view_id": VIEW["id"]}
    assert payload["view"]["id"] == VIEW["id"]
    assert "response_url" not in payload


async def test_command_reaches_listener(fake: FakeSlack, requests: SlackRequests) -> None:
    seen: list[dict[str, Any]] = []
    app = capturing_app(fake, seen)

    response = await dispatch(app, requests.slash_command("books 301"))

    assert response.status == 200
    assert response.body == "got books 301"
    assert seen[0]["command"] == "/scp"
    assert seen[0]["user_id"] == "U0001"


async def test_block_actions_reach_listener(fake: FakeSlack, requests: SlackRequests) -> None:
    seen: list[dict[str, Any]] = []
    app = capturing_app(fake, seen)
    action = {"action_id": "record_edit", "block_id": "card_actions", "type": "button",
              "value": BUTTON["value"]}

    response = await dispatch(app, requests.block_actions(action, message=MESSAGE))

    assert response.status == 200
    assert seen[0]["actions"][0]["value"] == BUTTON["value"]
    assert seen[0]["container"]["message_ts"] == MESSAGE["ts"]


async def test_view_submission_reaches_listener(
    fake: FakeSlack, requests: SlackRequests
) -> None:
    seen: list[dict[str, Any]] = []
    app = capturing_app(fake, seen)
    values = {"field:title": {"value": {"type": "plain_text_input", "value": None}}}

    response = await dispatch(app, requests.view_submission(VIEW, values))

    assert response.status == 200
    assert '"response_action": "errors"' in response.body
    assert seen[0]["view"]["callback_id"] == "record_form"
    assert seen[0]["view"]["hash"] == VIEW["hash"]
    assert seen[0]["view"]["private_metadata"] == VIEW["private_metadata"]
    assert seen[0]["view"]["state"]["values"] == values
    assert seen[0]["response_urls"] == []


async def test_block_suggestion_reaches_listener(
    fake: FakeSlack, requests: SlackRequests
) -> None:
    seen: list[dict[str, Any]] = []
    app = capturing_app(fake, seen)

    response = await dispatch(app, requests.block_suggestion(VIEW, "field:author", "author", "row"))

    assert response.status == 200
    assert '"text": "Row"' in response.body
    assert seen[0]["value"] == "row"
    assert seen[0]["block_id"] == "field:author"
    assert seen[0]["container"]["view_id"] == VIEW["id"]


async def test_stale_timestamp_rejected(fake: FakeSlack, requests: SlackRequests) -> None:
    seen: list[dict[str, Any]] = []
    app = capturing_app(fake, seen)
    six_minutes_ago = int(time.time()) - 360

    response = await dispatch(app, requests.slash_command("books", timestamp=six_minutes_ago))

    assert response.status == 401
    assert seen == []


async def test_bad_signature_rejected(fake: FakeSlack, requests: SlackRequests) -> None:
    seen: list[dict[str, Any]] = []
    app = capturing_app(fake, seen)
    request = requests.slash_command("books")
    tampered = SignedRequest(request.body.replace("books", "admin"), request.headers)

    response = await dispatch(app, tampered)

    assert response.status == 401
    assert seen == []
