"""A local stand-in for the Slack Web API and for response URLs.

``FakeSlack`` serves the Web API methods the bot uses and keeps the state they change
(messages, threads, ephemeral messages, modal views). It records every call, so the terminal
shell can show what the bot sent and tests can assert on it.

``LocalServer`` serves any ASGI app with uvicorn on 127.0.0.1 inside the running event loop.
The shell also uses it for the SupportCenter Plus emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.blockkit import BlockKitError, validate_payload

logger = logging.getLogger(__name__)

TEAM_ID = "T0001"
TEAM_DOMAIN = "fake-workspace"
APP_ID = "A0001"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
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
MAX_VIEW_STACK = 3
FIRST_TS_SECONDS = 1_700_000_000


# A Web API response body and the message or view the call created or changed.
_HandlerResult = tuple[dict[str, Any], dict[str, Any] | None]


class ApiError(Exception):
    """A Slack error code to return as ``{"ok": false, "error": code}``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class ApiCall:
    """One request the fake received: a Web API method or a post to a response URL."""

    method: str
    body: dict[str, Any]
    time: float
    status: int = 200
    response: dict[str, Any] | str = field(default_factory=dict)
    # What the Block Kit check found wrong; a call with problems changed nothing.
    problems: list[str] = field(default_factory=list)
    # The response URL posted to, for ``RESPONSE_URL_METHOD`` calls.
    url: str | None = None
    # A copy of the message or view the call created or changed, as it was right after.
    result: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        if isinstance(self.response, dict):
            return self.status == 200 and bool(self.response.get("ok"))
        return self.status == 200

    @property
    def invalid(self) -> bool:
        return bool(self.problems)

    @property
    def error(self) -> str | None:
        if isinstance(self.response, dict):
            return self.response.get("error")
        return None if self.status == 200 else self.response


@dataclass
class _ResponseUrl:
    channel_id: str | None = None
    message_ts: str | None = None
    ephemeral: bool = False
    uses: int = 0


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server for use inside a running program: no signals, a quick stop.

    ``uvicorn.Server.serve`` replaces the SIGINT and SIGTERM handlers while it runs (uvicorn
    0.55 has no switch for it), which would swallow Ctrl+C in the shell and in tests. Its
    main loop polls for the exit flag every 0.1 s and its shutdown sleeps another 0.1 s,
    which adds up over a test suite that starts a server per test, so both are replaced.
    NOTE: the overrides rely on uvicorn 0.55 internals (``servers``, ``server_state``).
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._exit_requested = asyncio.Event()

    def request_exit(self) -> None:
        self.should_exit = True
        self._exit_requested.set()

    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        return contextlib.nullcontext()

    async def main_loop(self) -> None:
        # on_tick refreshes the Date header when its counter is a multiple of 10.
        while not await self.on_tick(0):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exit_requested.wait(), timeout=1.0)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()

        # Idle keep-alive connections close at once; busy ones finish their response first.
        # uvicorn sets no event when the last one closes, hence the polling.
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                while self.server_state.connections or self.server_state.tasks:  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
        except TimeoutError:
            logger.warning("local_server.shutdown.timeout connections=%d",
                           len(self.server_state.connections))
        for server in self.servers:
            await server.wait_closed()
        await self.lifespan.shutdown()


class LocalServer:
    """Serve an ASGI app on 127.0.0.1 and a free port, inside the running event loop."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = 0
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """Root URL without a trailing slash, e.g. ``http://127.0.0.1:50123``."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        # Binding port 0 before uvicorn starts lets the OS pick a free port without a race.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]

        # log_config=None keeps uvicorn from reconfiguring the logging of the whole process.
        config = uvicorn.Config(
            self.app, log_config=None, access_log=False, lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = _EmbeddedServer(config)
        self._task = asyncio.get_running_loop().create_task(
            self._server.serve(sockets=[sock]), name=f"local-server-{self.port}"
        )

        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError(f"Local server on port {self.port} stopped while starting")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.request_exit()
        await self._task
        self._server = None
        self._task = None


class FakeSlack:
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

    # ----- records and controls --------------------------------------------------------

    def clear(self) -> None:
        """Forget every call, message, view, response URL and pending rate limit."""
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.view_stack: list[str] = []
        self._used_triggers: set[str] = set()
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._rate_limits: dict[str, tuple[int, int]] = {}
        self._ts_counter = 0
        self._view_counter = 0
        self._in_flight = 0
        self._last_activity = time.monotonic()
        # Keys of messages and views in the order the bot last showed them.
        self._message_log: list[tuple[str, str, bool]] = []
        self._view_log: list[str] = []

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    @property
    def invalid_calls(self) -> list[ApiCall]:
        return [call for call in self.calls if call.invalid]

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Make the next ``times`` calls to ``method`` fail with HTTP 429 and ``Retry-After``."""
        self._rate_limits[method] = (times, retry_after)

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Return the replies in a thread, oldest first (the parent is not included)."""
        replies = [
            message for (msg_channel, ts), message in self.messages.items()
            if msg_channel == channel and message.get("thread_ts") == thread_ts and ts != thread_ts
        ]
        return sorted(replies, key=lambda message: float(message["ts"]))

    def latest_message(self) -> dict[str, Any] | None:
        """Return the message the bot last posted or changed, in its current state.

        Ephemeral messages and messages sent through response URLs count too; deleted
        messages are skipped.
        """
        for channel, ts, ephemeral in reversed(self._message_log):
            message = self.find_message(channel, ts, ephemeral)
            if message is not None:
                return message
        return None

    def latest_view(self) -> dict[str, Any] | None:
        """Return the view the bot last opened, pushed or updated, in its current state."""
        for view_id in reversed(self._view_log):
            if view_id in self.views:
                return self.views[view_id]
        return None

    def top_view(self) -> dict[str, Any] | None:
        """Return the view the user would see now: the top of the open modal stack."""
        return self.views[self.view_stack[-1]] if self.view_stack else None

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

    # The timeout argument is part of the API the end-to-end tests use.
    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 5.0  # noqa: ASYNC109
    ) -> list[ApiCall]:
        """Wait until ``method`` has been called ``count`` times; return those calls.

        Raises TimeoutError with the calls seen so far when the count is not reached.
        """
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: len(self.calls_to(method)) >= count)
        except TimeoutError:
            seen = [call.method for call in self.calls]
            raise TimeoutError(
                f"Expected {count} call(s) to {method} within {timeout} s; calls so far: {seen}"
            ) from None
        return self.calls_to(method)

    async def wait_quiet(
        self, quiet: float = 0.3, timeout: float = 10.0  # noqa: ASYNC109
    ) -> bool:
        """Wait until no request has been in progress or arrived for ``quiet`` seconds.

        Returns False when ``timeout`` passed first.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            idle_for = time.monotonic() - self._last_activity
            if self._in_flight == 0 and idle_for >= quiet:
                return True
            await asyncio.sleep(min(quiet - idle_for, 0.05) if idle_for < quiet else 0.02)
        return False

    # ----- view state changed by acks (not by Web API calls) ---------------------------

    def close_view(self, view_id: str) -> None:
        """Close a modal view and every view pushed above it, as submitting it does."""
        if view_id in self.view_stack:
            del self.view_stack[self.view_stack.index(view_id):]

    def close_all_views(self) -> None:
        self.view_stack.clear()

    def replace_view(self, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
        """Apply ``response_action: update`` from a view_submission ack."""
        old = self.views[view_id]
        new = self._build_view(view, view_id, old["root_view_id"], old["previous_view_id"])
        self.views[view_id] = new
        self._view_log.append(view_id)
        return new

    def push_view(self, view: dict[str, Any]) -> dict[str, Any]:
        """Apply ``response_action: push`` from a view_submission ack."""
        return self._push(view)

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

    # ----- Web API methods -------------------------------------------------------------

    def _auth_test(self, body: dict[str, Any]) -> _HandlerResult:
        return {
            "ok": True, "url": f"{self._server.url}/", "team": "Fake Workspace",
            "user": "scp-bot", "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }, None

    def _chat_post_message(self, body: dict[str, Any]) -> _HandlerResult:
        channel = _required(body, "channel", "channel_not_found")
        _require_content(body)

        message = self._new_message(body, channel, self._next_ts())
        self.messages[(channel, message["ts"])] = message
        self._attach_to_thread(message)
        self._message_log.append((channel, message["ts"], False))
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}, message

    def _chat_update(self, body: dict[str, Any]) -> _HandlerResult:
        channel = _required(body, "channel", "channel_not_found")
        ts = _required(body, "ts", "message_not_found")
        message = self.messages.get((channel, ts))
        if message is None:
            raise ApiError("message_not_found")

        _update_content(message, body)
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        self._message_log.append((channel, ts, False))
        answer = {"ok": True, "channel": channel, "ts": ts, "text": message["text"],
                  "message": message}
        return answer, message

    def _chat_post_ephemeral(self, body: dict[str, Any]) -> _HandlerResult:
        channel = _required(body, "channel", "channel_not_found")
        user = _required(body, "user", "user_not_in_channel")
        _require_content(body)

        message = self._new_message(body, channel, self._next_ts())
        message.update({"is_ephemeral": True, "user_id": user})
        self.ephemerals.append(message)
        self._message_log.append((channel, message["ts"], True))
        return {"ok": True, "message_ts": message["ts"]}, message

    def _chat_delete(self, body: dict[str, Any]) -> _HandlerResult:
        channel = _required(body, "channel", "channel_not_found")
        ts = _required(body, "ts", "message_not_found")
        if self.messages.pop((channel, ts), None) is None:
            raise ApiError("message_not_found")
        return {"ok": True, "channel": channel, "ts": ts}, None

    def _views_open(self, body: dict[str, Any]) -> _HandlerResult:
        self._use_trigger(body)
        spec = _view_spec(body)
        self._check_external_id(spec.get("external_id"))

        view_id = self._next_view_id()
        view = self._build_view(spec, view_id, root_view_id=view_id, previous_view_id=None)
        self.views[view_id] = view
        self.view_stack = [view_id]
        self._view_log.append(view_id)
        return {"ok": True, "view": view}, view

    def _views_update(self, body: dict[str, Any]) -> _HandlerResult:
        spec = _view_spec(body)
        view_id = self._find_view_id(body)
        old = self.views[view_id]
        if body.get("hash") and body["hash"] != old["hash"]:
            raise ApiError("hash_conflict")
        if spec.get("external_id") and spec["external_id"] != old.get("external_id"):
            self._check_external_id(spec["external_id"])

        # NOTE: an update that names no external_id keeps the old one here; whether Slack
        # drops it instead is not verified.
        spec = {"external_id": old.get("external_id"), **spec}
        view = self._build_view(spec, view_id, old["root_view_id"], old["previous_view_id"])
        self.views[view_id] = view
        self._view_log.append(view_id)
        return {"ok": True, "view": view}, view

    def _views_push(self, body: dict[str, Any]) -> _HandlerResult:
        self._use_trigger(body)
        spec = _view_spec(body)
        if len(self.view_stack) >= MAX_VIEW_STACK:
            raise ApiError("push_limit_reached")
        self._check_external_id(spec.get("external_id"))
        view = self._push(spec)
        return {"ok": True, "view": view}, view

    def _users_info(self, body: dict[str, Any]) -> _HandlerResult:
        user_id = _required(body, "user", "user_not_found")
        if user_id in self.users:
            return {"ok": True, "user": self.users[user_id]}, None

        name = f"User {user_id}"
        return {"ok": True, "user": {
            "id": user_id, "team_id": TEAM_ID, "name": f"user.{user_id.lower()}",
            "real_name": name, "tz": "UTC", "tz_offset": 0, "is_bot": False,
            "deleted": False,
            "profile": {"real_name": name, "display_name": name,
                        "email": f"{user_id.lower()}@example.com"},
        }}, None

    def _conversations_info(self, body: dict[str, Any]) -> _HandlerResult:
        channel_id = _required(body, "channel", "channel_not_found")
        is_im = channel_id.startswith("D")
        return {"ok": True, "channel": {
            "id": channel_id, "name": f"channel-{channel_id.lower()}", "is_channel": not is_im,
            "is_im": is_im, "is_private": False, "is_member": True, "is_archived": False,
        }}, None

    # ----- helpers ---------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Increasing by 100 microseconds keeps each ts unique and sortable, like Slack's.
        self._ts_counter += 1
        seconds, fraction = divmod(self._ts_counter, 10_000)
        return f"{FIRST_TS_SECONDS + seconds}.{fraction * 100:06d}"

    def _next_view_id(self) -> str:
        self._view_counter += 1
        return f"V{self._view_counter:010d}"

    def _new_message(self, body: dict[str, Any], channel: str, ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message", "channel": channel, "ts": ts, "user": BOT_USER_ID,
            "bot_id": BOT_ID, "app_id": APP_ID, "text": body.get("text") or "",
            "blocks": _with_ids(body.get("blocks") or []),
        }
        if body.get("thread_ts"):
            message["thread_ts"] = str(body["thread_ts"])
            if _flag(body.get("reply_broadcast")):
                message["reply_broadcast"] = True
        return message

    def _attach_to_thread(self, message: dict[str, Any]) -> None:
        parent = self.messages.get((message["channel"], message.get("thread_ts", "")))
        if parent is None or parent is message:
            return
        parent["thread_ts"] = parent["ts"]
        parent["reply_count"] = parent.get("reply_count", 0) + 1
        parent.setdefault("replies", []).append({"user": BOT_USER_ID, "ts": message["ts"]})
        parent["latest_reply"] = message["ts"]

    def find_message(
        self, channel: str, ts: str, ephemeral: bool = False
    ) -> dict[str, Any] | None:
        """Return the stored message (or ephemeral message) at ``ts``, or None."""
        if not ephemeral:
            return self.messages.get((channel, ts))
        for message in self.ephemerals:
            if message["channel"] == channel and message["ts"] == ts:
                return message
        return None

    def _use_trigger(self, body: dict[str, Any]) -> None:
        # NOTE: Slack also expires a trigger_id about 3 seconds after the interaction. The
        # fake only enforces single use, because it cannot tell when an id was issued.
        trigger_id = body.get("trigger_id") or body.get("interactivity_pointer")
        if not trigger_id:
            raise ApiError("invalid_arguments")
        if trigger_id in self._used_triggers:
            raise ApiError("exchanged_trigger_id")
        self._used_triggers.add(trigger_id)

    def _check_external_id(self, external_id: str | None) -> None:
        if external_id and any(v.get("external_id") == external_id for v in self.views.values()):
            raise ApiError("duplicate_external_id")

    def _find_view_id(self, body: dict[str, Any]) -> str:
        view_id = body.get("view_id")
        if view_id:
            if view_id not in self.views:
                raise ApiError("not_found")
            return view_id

        external_id = body.get("external_id")
        for candidate in self.views.values():
            if external_id and candidate.get("external_id") == external_id:
                return candidate["id"]
        raise ApiError("not_found")

    def _push(self, spec: dict[str, Any]) -> dict[str, Any]:
        # NOTE: Slack pushes onto the stack of the modal that the trigger_id came from. The
        # fake models one user with at most one modal stack, so it pushes onto that stack.
        view_id = self._next_view_id()
        previous = self.view_stack[-1] if self.view_stack else None
        root = self.views[self.view_stack[0]]["id"] if self.view_stack else view_id
        view = self._build_view(spec, view_id, root_view_id=root, previous_view_id=previous)
        self.views[view_id] = view
        self.view_stack.append(view_id)
        self._view_log.append(view_id)
        return view

    def _build_view(
        self, spec: dict[str, Any], view_id: str, root_view_id: str, previous_view_id: str | None
    ) -> dict[str, Any]:
        return {
            "id": view_id, "team_id": TEAM_ID, "type": spec.get("type", "modal"),
            "title": spec.get("title"), "submit": spec.get("submit"),
            "close": spec.get("close"), "blocks": _with_ids(spec.get("blocks") or []),
            "private_metadata": spec.get("private_metadata") or "",
            "callback_id": spec.get("callback_id") or "",
            "external_id": spec.get("external_id") or "",
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(spec.get("clear_on_close")),
            "notify_on_close": bool(spec.get("notify_on_close")),
            "root_view_id": root_view_id, "previous_view_id": previous_view_id,
            "app_id": APP_ID, "app_installed_team_id": TEAM_ID, "bot_id": BOT_ID,
        }

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


def _required(body: dict[str, Any], name: str, error: str) -> str:
    value = body.get(name)
    if not value:
        raise ApiError(error)
    return str(value)


def _require_content(body: dict[str, Any]) -> None:
    if not (body.get("text") or body.get("blocks") or body.get("attachments")):
        raise ApiError("no_text")


def _update_content(message: dict[str, Any], body: dict[str, Any]) -> None:
    # Like chat.update, fields left out keep their old value.
    if "text" in body:
        message["text"] = body.get("text") or ""
    if "blocks" in body:
        message["blocks"] = _with_ids(body.get("blocks") or [])


def _view_spec(body: dict[str, Any]) -> dict[str, Any]:
    view = body.get("view")
    if not isinstance(view, dict):
        raise ApiError("invalid_arguments")
    return view


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _with_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copy blocks, giving a random block_id and action_id where the app set none, as Slack does."""
    copied = copy.deepcopy(blocks)
    for block in copied:
        if not isinstance(block, dict):
            continue
        block.setdefault("block_id", secrets.token_urlsafe(4))
        for element in _interactive_elements(block):
            element.setdefault("action_id", secrets.token_urlsafe(4))
    return copied


def _interactive_elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if block.get("type") == "actions":
        yield from (e for e in block.get("elements", []) if isinstance(e, dict))
    for key in ("accessory", "element"):
        element = block.get(key)
        if isinstance(element, dict) and element.get("type") != "image":
            yield element
