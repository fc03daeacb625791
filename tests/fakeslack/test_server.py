import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.fakeslack.server import RESPONSE_URL_METHOD, FakeSlack

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}
MODAL = {
    "type": "modal", "title": {"type": "plain_text", "text": "Edit book"},
    "blocks": [SECTION],
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.api_url)


async def error_of(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value


async def test_auth_test(client: AsyncWebClient) -> None:
    response = await client.auth_test()

    assert response["ok"] is True
    assert response["team_id"] == "T0001"
    assert response["user_id"].startswith("U")


async def test_post_message_ts_increases(fake: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.chat_postMessage(channel="C0001", text="one", blocks=[SECTION])
    second = await client.chat_postMessage(channel="C0001", text="two")

    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["channel"] == "C0001"
    stored = fake.messages[("C0001", first["ts"])]
    assert stored["text"] == "one"
    assert stored["blocks"][0]["text"]["text"] == "hello"
    # Slack gives every block a block_id when the app sets none.
    assert stored["blocks"][0]["block_id"]


async def test_post_message_thread_replies(fake: FakeSlack, client: AsyncWebClient) -> None:
    parent = await client.chat_postMessage(channel="C0001", text="card")
    reply = await client.chat_postMessage(
        channel="C0001", text="changed", thread_ts=parent["ts"], reply_broadcast=True
    )

    replies = fake.thread("C0001", parent["ts"])
    assert [message["ts"] for message in replies] == [reply["ts"]]
    assert replies[0]["thread_ts"] == parent["ts"]
    assert replies[0]["reply_broadcast"] is True
    assert fake.messages[("C0001", parent["ts"])]["reply_count"] == 1


async def test_post_message_needs_content(client: AsyncWebClient) -> None:
    error = await error_of(client.api_call("chat.postMessage", json={"channel": "C0001"}))

    assert error.response["error"] == "no_text"


async def test_update_changes_message(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0001", text="old", blocks=[SECTION])

    updated = await client.chat_update(channel="C0001", ts=posted["ts"], text="new")

    assert updated["ts"] == posted["ts"]
    message = fake.messages[("C0001", posted["ts"])]
    assert message["text"] == "new"
    # Blocks left out of chat.update stay as they were.
    assert message["blocks"][0]["text"]["text"] == "hello"
    assert fake.latest_message() is message


async def test_update_unknown_ts(client: AsyncWebClient) -> None:
    error = await error_of(client.chat_update(channel="C0001", ts="1.000001", text="x"))

    assert error.response["error"] == "message_not_found"


async def test_post_ephemeral(fake: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.chat_postEphemeral(channel="C0001", user="U0001", text="psst")

    assert response["message_ts"]
    assert "message" not in response.data
    assert fake.ephemerals[0]["text"] == "psst"
    assert fake.ephemerals[0]["user_id"] == "U0001"
    assert fake.latest_message()["ts"] == response["message_ts"]


async def test_delete_message(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0001", text="bye")

    await client.chat_delete(channel="C0001", ts=posted["ts"])
    error = await error_of(client.chat_delete(channel="C0001", ts=posted["ts"]))

    assert ("C0001", posted["ts"]) not in fake.messages
    assert error.response["error"] == "message_not_found"


async def test_views_open_assigns_id(fake: FakeSlack, client: AsyncWebClient) -> None:
    response = await client.views_open(trigger_id="1.2.abc", view=MODAL)

    view = response["view"]
    assert view["id"].startswith("V")
    assert view["hash"]
    assert view["root_view_id"] == view["id"]
    assert fake.views[view["id"]]["title"]["text"] == "Edit book"
    assert fake.top_view()["id"] == view["id"]


async def test_trigger_id_single_use(client: AsyncWebClient) -> None:
    await client.views_open(trigger_id="1.2.abc", view=MODAL)

    error = await error_of(client.views_open(trigger_id="1.2.abc", view=MODAL))

    assert error.response["error"] == "exchanged_trigger_id"


async def test_views_update_by_id_and_external_id(client: AsyncWebClient) -> None:
    opened = await client.views_open(trigger_id="t1", view={**MODAL, "external_id": "ext-1"})
    view_id = opened["view"]["id"]
    renamed = {**MODAL, "title": {"type": "plain_text", "text": "Renamed"}}

    by_id = await client.views_update(view_id=view_id, hash=opened["view"]["hash"], view=renamed)
    by_external = await client.views_update(external_id="ext-1", view=renamed)

    assert by_id["view"]["id"] == view_id
    assert by_id["view"]["title"]["text"] == "Renamed"
    assert by_id["view"]["hash"] != opened["view"]["hash"]
    assert by_external["view"]["id"] == view_id


async def test_views_update_hash_conflict(client: AsyncWebClient) -> None:
    opened = await client.views_open(trigger_id="t1", view=MODAL)
    view_id = opened["view"]["id"]
    await client.views_update(view_id=view_id, hash=opened["view"]["hash"], view=MODAL)

    error = await error_of(
        client.views_update(view_id=view_id, hash=opened["view"]["hash"], view=MODAL)
    )

    assert error.response["error"] == "hash_conflict"


async def test_views_update_unknown_view(client: AsyncWebClient) -> None:
    error = await error_of(client.views_update(view_id="V404", view=MODAL))

    assert error.response["error"] == "not_found"


async def test_views_push_stack(fake: FakeSlack, client: AsyncWebClient) -> None:
    root = await client.views_open(trigger_id="t1", view=MODAL)
    pushed = await client.views_push(trigger_id="t2", view=MODAL)
    await client.views_push(trigger_id="t3", view=MODAL)

    error = await error_of(client.views_push(trigger_id="t4", view=MODAL))

    assert pushed["view"]["previous_view_id"] == root["view"]["id"]
    assert pushed["view"]["root_view_id"] == root["view"]["id"]
    assert len(fake.view_stack) == 3
    assert error.response["error"] == "push_limit_reached"


async def test_users_info(client: AsyncWebClient) -> None:
    response = await client.users_info(user="U0001")

    assert response["user"]["id"] == "U0001"
    assert response["user"]["real_name"] == "User U0001"


async def test_conversations_info(client: AsyncWebClient) -> None:
    response = await client.conversations_info(channel="C0001")

    assert response["channel"]["id"] == "C0001"
    assert response["channel"]["is_channel"] is True


async def test_unknown_method(client: AsyncWebClient) -> None:
    error = await error_of(client.api_call("pins.add", json={"channel": "C0001"}))

    assert error.response["error"] == "unknown_method"


async def test_invalid_token(fake: FakeSlack) -> None:
    client = AsyncWebClient(token="not-a-bot-token", base_url=fake.api_url)

    error = await error_of(client.chat_postMessage(channel="C0001", text="x"))

    assert error.response["error"] == "invalid_auth"
    assert fake.messages == {}


async def test_rate_limit_answers_429(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=7)

    error = await error_of(client.chat_postMessage(channel="C0001", text="x"))
    retried = await client.chat_postMessage(channel="C0001", text="x")

    assert error.response.status_code == 429
    assert error.response["error"] == "ratelimited"
    assert error.response.headers["Retry-After"] == "7"
    assert retried["ok"] is True
    assert [call.status for call in fake.calls_to("chat.postMessage")] == [429, 200]


async def test_form_body_json_fields(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.api_call(
        "chat.postMessage",
        data={"channel": "C0001", "text": "form", "blocks": '[{"type": "divider"}]'},
    )

    body = fake.calls_to("chat.postMessage")[0].body
    assert body["blocks"] == [{"type": "divider"}]
    assert fake.latest_message()["blocks"][0]["type"] == "divider"


async def test_invalid_blocks_rejected(fake: FakeSlack, client: AsyncWebClient) -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}

    error = await error_of(client.chat_postMessage(channel="C0001", text="t", blocks=[header]))

    assert error.response["error"] == "invalid_blocks"
    assert error.response["errors"]
    assert len(fake.invalid_calls) == 1
    assert fake.invalid_calls[0].method == "chat.postMessage"
    assert fake.messages == {}


async def test_validation_can_be_off(client: AsyncWebClient) -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    async with FakeSlack(validate=False) as lenient:
        lenient_client = AsyncWebClient(token="xoxb-test", base_url=lenient.api_url)
        response = await lenient_client.chat_postMessage(
            channel="C0001", text="t", blocks=[header]
        )

    assert response["ok"] is True


async def test_response_url_records_body(fake: FakeSlack) -> None:
    url = fake.new_response_url()
    body = {"response_type": "ephemeral", "text": "Found 3 books", "blocks": [SECTION]}

    async with httpx.AsyncClient() as http:
        response = await http.post(url, json=body)

    assert url.startswith(f"{fake.base_url}/response/")
    assert response.status_code == 200
    assert response.text == "ok"
    assert fake.responses == [body]
    assert fake.calls[-1].method == RESPONSE_URL_METHOD
    assert fake.ephemerals[-1]["text"] == "Found 3 books"


async def test_response_url_replaces_original(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0001", text="old card")
    url = fake.new_response_url()
    fake.bind_response_url(url, "C0001", message_ts=posted["ts"])

    async with httpx.AsyncClient() as http:
        await http.post(url, json={"replace_original": True, "text": "new card"})
        await http.post(url, json={"delete_original": True})

    assert fake.calls[-2].result["text"] == "new card"
    assert ("C0001", posted["ts"]) not in fake.messages


async def test_response_url_rejects_invalid(fake: FakeSlack) -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}

    async with httpx.AsyncClient() as http:
        invalid = await http.post(fake.new_response_url(), json={"text": "t", "blocks": [header]})
        unknown = await http.post(f"{fake.base_url}/response/nope", json={"text": "t"})

    assert invalid.status_code == 400
    assert invalid.text == "invalid_blocks"
    assert fake.invalid_calls[0].method == RESPONSE_URL_METHOD
    assert fake.responses == []
    assert unknown.status_code == 404


async def test_response_url_use_limit(fake: FakeSlack) -> None:
    url = fake.new_response_url()

    async with httpx.AsyncClient() as http:
        statuses = [(await http.post(url, json={"text": "t"})).status_code for _ in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 404]


async def test_wait_for_later_call(fake: FakeSlack, client: AsyncWebClient) -> None:
    async def post_later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel="C0001", text="late")

    task = asyncio.create_task(post_later())
    calls = await fake.wait_for("chat.postMessage", timeout=2)
    await task

    assert calls[0].body["text"] == "late"


async def test_wait_for_times_out(fake: FakeSlack) -> None:
    with pytest.raises(TimeoutError, match="chat.postMessage"):
        await fake.wait_for("chat.postMessage", timeout=0.05)


async def test_clear_forgets_everything(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="C0001", text="x")
    await client.views_open(trigger_id="t1", view=MODAL)

    fake.clear()

    assert fake.calls == []
    assert fake.messages == {}
    assert fake.views == {}
    assert fake.latest_message() is None
    assert fake.latest_view() is None


async def test_invalid_json_body(fake: FakeSlack) -> None:
    headers = {"Authorization": "Bearer xoxb-test", "Content-Type": "application/json"}

    async with httpx.AsyncClient() as http:
        response = await http.post(f"{fake.api_url}chat.postMessage", content=b"{not json",
                                   headers=headers)

    assert response.json() == {"ok": False, "error": "invalid_json"}
    assert fake.calls[0].error == "invalid_json"
