"""A local stand-in for the Slack Web API and for response URLs.

``FakeSlack`` serves the Web API methods the bot uses and keeps the state they change
(messages, threads, ephemeral messages, modal views). It records every call, so the terminal
shell can show what the bot sent and tests can assert on it.

The handlers of the Web API methods are in ``bot.fakeslack.web_api``, the recorded state in
``bot.fakeslack.records``, and the uvicorn server in ``bot.fakeslack.local_server``.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.blockkit import BlockKitError, validate_payload
from bot.fakeslack.local_server import LocalServer
from bot.fakeslack.records import ApiCall, _ResponseUrl
from bot.fakeslack.web_api import (
    ApiError,
    WebApiMethods,
    _flag,
    _HandlerResult,
    _require_content,
    _update_content,
)

# Where posts to a response URL go when the URL was not bound to a channel.
DEFAULT_CHANNEL_ID = "C0001"

# The method name under which posts to a response URL appear in ``FakeSlack.calls``.
RESPONSE_URL_METHOD = "response_url"

MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push"})
VALIDATED_METHODS = MESSAGE_METHODS | VIEW_METHODS

# Form-encoded bodies carry these fields as JSON strings (slack_sdk sends them so when it
# cannot use a JSON body), so they are decoded before anything looks at them.
JSON_STRING_FIELDS = ("blocks", "attachments", "view", "metadata")

# Slack accepts at most this many posts to one response URL (30 minutes also apply there,
# but the fake does not expire URLs).
RESPONSE_URL_MAX_USES = 5


class FakeSlack(WebApiMethods):
    """Slack Web API stand-in served on 127.0.0.1; see the module docstring."""

    def __init__(self, *, validate: bool = True) -> None:
        self.validate = validate
        self.users: dict[str, dict[str, Any]] = {}
        self._server = LocalServer(self._build_app())
        self._changed = asyncio.Condition()
        self._handlers: dict[str, Callable[[dict[str, Any]], _HandlerResult]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
        }
        self.clear()

    # ----- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        await self._server.start()

    async def stop(self) -> None:
        await self._server.stop()

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return self._server.url

    @property
    def api_url(self) -> str:
        """Web API base URL for ``AsyncWebClient(base_url=...)`` and ``SLACK_API_URL``."""
        return f"{self._server.url}/api/"

    # ----- response URLs ---------------------------------------------------------------

    def new_response_url(self, channel_id: str | None = None) -> str:
        token = secrets.token_urlsafe(12)
        self._response_urls[token] = _ResponseUrl(channel_id=channel_id)
        return f"{self._server.url}/response/{token}"

    def bind_response_url(
        self, url: str, channel_id: str | None, message_ts: str | None = None,
        ephemeral: bool = False,
    ) -> None:
        """Tie a response URL to the channel and message the interaction came from.

        Then ``replace_original`` and ``delete_original`` posts change that message, and
        other posts go to that channel.
        """
        binding = self._response_urls.get(url.rsplit("/", 1)[-1])
        if binding is None:
            return
        binding.channel_id = channel_id or binding.channel_id
        binding.message_ts = message_ts
        binding.ephemeral = ephemeral

    # ----- HTTP layer ------------------------------------------------------------------

    def _build_app(self) -> Starlette:
        routes = [
            Route("/api/{method}", self._api_endpoint, methods=["GET", "POST"]),
            Route("/response/{token}", self._response_endpoint, methods=["POST"]),
        ]
        return Starlette(routes=routes)

    async def _api_endpoint(self, request: Request) -> Response:
        return await self._track(self._answer_api(request))

    async def _response_endpoint(self, request: Request) -> Response:
        return await self._track(self._answer_response_url(request))

    async def _track(self, work: Awaitable[Response]) -> Response:
        self._in_flight += 1
        self._last_activity = time.monotonic()
        try:
            return await work
        finally:
            self._in_flight -= 1
            self._last_activity = time.monotonic()

    async def _answer_api(self, request: Request) -> Response:
        method = request.path_params["method"]
        try:
            body = await _read_body(request)
        except json.JSONDecodeError:
            body = {}
            call = ApiCall(method=method, body=body, time=time.time())
            call.response = {"ok": False, "error": "invalid_json"}
            return await self._finish(call)
        call = ApiCall(method=method, body=body, time=time.time())

        try:
            self._check_request(method, request, body)
            self._check_rate_limit(method, call)
            if call.status == 429:
                return await self._finish(call, {"Retry-After": str(call.response["retry_after"])})
            call.response = self._handle(method, body, call)
        except ApiError as error:
            call.response = {"ok": False, "error": error.code}
            if call.problems:
                call.response["errors"] = call.problems

        return await self._finish(call)

    async def _finish(self, call: ApiCall, headers: dict[str, str] | None = None) -> Response:
        await self._record(call)
        if isinstance(call.response, dict):
            body = dict(call.response)
            body.pop("retry_after", None)
            return JSONResponse(body, status_code=call.status, headers=headers)
        return PlainTextResponse(call.response, status_code=call.status, headers=headers)

    async def _record(self, call: ApiCall) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    def _check_request(self, method: str, request: Request, body: dict[str, Any]) -> None:
        if method not in self._handlers:
            raise ApiError("unknown_method")

        authorization = request.headers.get("authorization", "")
        token = authorization.removeprefix("Bearer ").strip() or str(body.get("token", ""))
        if not token.startswith("xoxb-"):
            raise ApiError("invalid_auth")

    def _check_rate_limit(self, method: str, call: ApiCall) -> None:
        times, retry_after = self._rate_limits.get(method, (0, 0))
        if times <= 0:
            return
        self._rate_limits[method] = (times - 1, retry_after)
        call.status = 429
        call.response = {"ok": False, "error": "ratelimited", "retry_after": retry_after}

    def _handle(self, method: str, body: dict[str, Any], call: ApiCall) -> dict[str, Any]:
        # Slack reports a message without any content as no_text before it checks blocks.
        if method in ("chat.postMessage", "chat.postEphemeral"):
            _require_content(body)
        if self.validate and method in VALIDATED_METHODS:
            call.problems = _block_kit_problems(method, body)
            if call.problems:
                raise ApiError("invalid_blocks")

        response, result = self._handlers[method](body)
        call.result = copy.deepcopy(result)
        return response

    async def _answer_response_url(self, request: Request) -> Response:
        token = request.path_params["token"]
        url = f"{self._server.url}/response/{token}"
        try:
            body = json.loads(await request.body() or b"{}")
        except json.JSONDecodeError:
            body = {}
        call = ApiCall(method=RESPONSE_URL_METHOD, body=body, time=time.time(), url=url)

        call.status, call.response = self._post_to_response_url(token, body, call)
        await self._record(call)
        return PlainTextResponse(call.response, status_code=call.status)

    def _post_to_response_url(
        self, token: str, body: dict[str, Any], call: ApiCall
    ) -> tuple[int, str]:
        binding = self._response_urls.get(token)
        if binding is None:
            return 404, "expired_url"
        if binding.uses >= RESPONSE_URL_MAX_USES:
            return 404, "used_url"
        if not isinstance(body, dict) or not body:
            return 400, "invalid_payload"

        if self.validate:
            call.problems = _block_kit_problems(RESPONSE_URL_METHOD, body)
            if call.problems:
                return 400, "invalid_blocks"

        binding.uses += 1
        self.responses.append(body)
        call.result = copy.deepcopy(self._apply_response(binding, body))
        return 200, "ok"
    def _apply_response(self, binding: _ResponseUrl, body: dict[str, Any]) -> dict[str, Any] | None:
        """Change the messages the way Slack does for a post to a response URL."""
        channel = binding.channel_id or DEFAULT_CHANNEL_ID
        original = None
        if binding.message_ts is not None:
            original = self.find_message(channel, binding.message_ts, binding.ephemeral)

        if _flag(body.get("delete_original")):
            self._delete_message(original)
            return None

        if _flag(body.get("replace_original")) and original is not None:
            _update_content(original, body)
            self._message_log.append((channel, original["ts"], bool(original.get("is_ephemeral"))))
            return original

        message = self._new_message(body, channel, self._next_ts())
        message["response_url"] = True
        if body.get("response_type") == "in_channel":
            self.messages[(channel, message["ts"])] = message
            self._attach_to_thread(message)
            self._message_log.append((channel, message["ts"], False))
        else:
            message["is_ephemeral"] = True
            self.ephemerals.append(message)
            self._message_log.append((channel, message["ts"], True))
        return message

    def _delete_message(self, message: dict[str, Any] | None) -> None:
        if message is None:
            return
        if message.get("is_ephemeral"):
            self.ephemerals.remove(message)
        else:
            self.messages.pop((message["channel"], message["ts"]), None)


def _block_kit_problems(method: str, body: dict[str, Any]) -> list[str]:
    try:
        validate_payload(method, body)
    except BlockKitError as error:
        return list(error.problems) or [str(error)]
    return []


async def _read_body(request: Request) -> dict[str, Any]:
    """Merge the query string and the form or JSON body into one dict."""
    body: dict[str, Any] = dict(request.query_params)
    raw = await request.body()
    if raw:
        if request.headers.get("content-type", "").startswith("application/json"):
            body.update(json.loads(raw))
        else:
            body.update(parse_qsl(raw.decode(), keep_blank_values=True))

    for name in JSON_STRING_FIELDS:
        if isinstance(body.get(name), str) and body[name].strip()[:1] in ("[", "{"):
            body[name] = json.loads(body[name])
    return body
