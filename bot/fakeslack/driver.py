"""Drive a Bolt app the way a Slack user would: commands, clicks, form submissions.

``SlackDriver`` sends signed requests to the app, in process or over HTTP to its
``/slack/events`` URL. It waits until the work the request started has finished. Then it
returns the acknowledgement and the Web API calls that ``FakeSlack`` saw meanwhile.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.background import BackgroundTasks
from bot.blockkit import BlockKitError, validate_payload
from bot.fakeslack.requests import SignedRequest, SlackRequests
from bot.fakeslack.server import ApiCall, FakeSlack

logger = logging.getLogger(__name__)

# With a background tracker, join() covers the slow work, so a short quiet window only has
# to catch calls a listener makes right after its ack. Without one, the fake's silence is
# the only sign that the app has finished.
QUIET_WITH_TRACKER_SECONDS = 0.05
QUIET_SECONDS = 0.3
SETTLE_TIMEOUT_SECONDS = 10.0

TEXT_ELEMENTS = frozenset(
    {"plain_text_input", "email_text_input", "url_text_input", "number_input", "button"}
)
SINGLE_SELECTS = frozenset(
    {"static_select", "external_select", "radio_buttons", "overflow"}
)
MULTI_SELECTS = frozenset({"multi_static_select", "multi_external_select", "checkboxes"})
# Elements whose state contains one id chosen by the user (a user, a channel, ...).
ID_SELECTS = {
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
}
DATE_STATE_KEYS = {
    "datepicker": "selected_date",
    "datetimepicker": "selected_date_time",
    "timepicker": "selected_time",
}


@dataclass
class DriverResult:
    """The app's response to one request and the Web API calls it made until it went quiet."""

    status: int
    # The ack body: parsed JSON when it is JSON, else the text ("" for a plain ack).
    body: Any
    new_calls: list[ApiCall]
    ack_seconds: float
    # Block Kit problems in the ack body (options lists and response_action views).
    problems: list[str] = field(default_factory=list)

    @property
    def ack(self) -> dict[str, Any]:
        """Return the ack body when it is a JSON object, else an empty dict."""
        return self.body if isinstance(self.body, dict) else {}


class SlackDriver:
    def __init__(
        self,
        app: AsyncApp | None,
        requests: SlackRequests,
        fake: FakeSlack,
        background: BackgroundTasks | None = None,
        events_url: str | None = None,
    ) -> None:
        if app is None and events_url is None:
            raise ValueError("SlackDriver needs an app to call in process or an events_url")
        self.app = app
        self.requests = requests
        self.fake = fake
        self.background = background
        self.events_url = events_url
        self.last_result: DriverResult | None = None
        self._http: httpx.AsyncClient | None = None

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __aenter__(self) -> SlackDriver:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # ----- user actions ----------------------------------------------------------------

    async def command(self, line: str) -> DriverResult:
        """Send a slash command typed as in Slack, e.g. ``/scp books search rowling``."""
        command, _, text = line.strip().partition(" ")
        return await self.send(self.requests.slash_command(text.strip(), command=command))

    async def click(
        self, target: dict[str, Any], action_id: str, *, index: int = 0, value: Any = None,
    ) -> DriverResult:
        """Press the ``index``-th element with ``action_id`` in a message or a view.

        ``value`` overrides what the element sends: a button value, an option value (or
        option dict) for selects, a list of them for multi-selects, a date for pickers.
        Without it a button sends its own value and a select its initial or first option.
        """
        block_id, element = find_element(target, action_id, index)
        action = {"action_id": element["action_id"], "block_id": block_id,
                  **element_state(element, _default_choice(element) if value is None else value)}
        if element.get("type") == "button":
            action["text"] = element.get("text")
            if action.get("value") is None:
                action.pop("value")

        if is_view(target):
            view = self.fake.views.get(target.get("id", ""), target)
            request = self.requests.block_actions(action, view=view)
        else:
            request = self.requests.block_actions(action, message=target)
        return await self.send(request)

    async def submit(
        self, view: dict[str, Any], values: dict[str, dict[str, Any]]
    ) -> DriverResult:
        """Submit a modal with state ``values`` (block_id -> action_id -> element state).

        The ack is applied to the fake's open views as Slack would: a plain ack closes the
        view, ``update`` replaces it, ``push`` stacks a new one, ``clear`` closes them all,
        and ``errors`` leaves it open.
        """
        current = self.fake.views.get(view.get("id", ""), view)
        request = self.requests.view_submission(current, values)
        return await self.send(
            request, ack_check="view_submission",
            on_ack=lambda status, body: self._apply_submission_ack(current, status, body),
        )

    async def suggest(
        self, view: dict[str, Any], block_id: str, action_id: str, query: str
    ) -> dict[str, Any]:
        """Type ``query`` into an external select and return the app's ack body (its options)."""
        current = self.fake.views.get(view.get("id", ""), view)
        request = self.requests.block_suggestion(current, block_id, action_id, query)
        result = await self.send(request, ack_check="block_suggestion")
        return result.ack

    def latest_message(self) -> dict[str, Any] | None:
        return self.fake.latest_message()

    def latest_view(self) -> dict[str, Any] | None:
        return self.fake.latest_view()

    # ----- sending ---------------------------------------------------------------------

    async def send(
        self, request: SignedRequest, *, ack_check: str | None = None,
        on_ack: Callable[[int, Any], None] | None = None,
    ) -> DriverResult:
        """Deliver ``request``, then wait until the app has finished what it started.

        ``ack_check`` names the Block Kit check for the ack body (``block_suggestion`` or
        ``view_submission``). ``on_ack(status, body)`` runs before the wait, because Slack
        applies an ack before the app's later calls arrive.
        """
        self._bind_response_url(request)
        first_new = len(self.fake.calls)

        started = time.perf_counter()
        status, body = await self._deliver(request)
        ack_seconds = time.perf_counter() - started

        problems = _ack_problems(ack_check, status, body)
        if on_ack is not None:
            on_ack(status, body)
        await self._settle()

        result = DriverResult(status, body, self.fake.calls[first_new:], ack_seconds, problems)
        self.last_result = result
        return result

    async def _deliver(self, request: SignedRequest) -> tuple[int, Any]:
        if self.events_url is not None:
            if self._http is None:
                self._http = httpx.AsyncClient(timeout=SETTLE_TIMEOUT_SECONDS)
            response = await self._http.post(
                self.events_url, content=request.body, headers=request.headers
            )
            return response.status_code, _parse_body(response.text)

        assert self.app is not None
        bolt_response = await self.app.async_dispatch(
            AsyncBoltRequest(body=request.body, headers=dict(request.headers))
        )
        return bolt_response.status, _parse_body(bolt_response.body)

    async def _settle(self) -> None:
        """Wait for the background tasks, then for the fake to see no call for a while."""
        deadline = time.monotonic() + SETTLE_TIMEOUT_SECONDS
        quiet = QUIET_WITH_TRACKER_SECONDS if self.background is not None else QUIET_SECONDS

        while True:
            remaining = max(deadline - time.monotonic(), 0.0)
            if self.background is not None:
                try:
                    await self.background.join(timeout=remaining)
                except TimeoutError:
                    logger.warning("driver.settle.timeout tasks=%d", len(self.background))
                    return
            if not await self.fake.wait_quiet(quiet, timeout=remaining):
                logger.warning("driver.settle.timeout waiting for the Web API calls to stop")
                return
            # A call that arrived during the quiet wait may have spawned more work.
            if self.background is None or len(self.background) == 0:
                return

    def _bind_response_url(self, request: SignedRequest) -> None:
        """Tell the fake which channel and message the request's response_url belongs to."""
        payload = request.payload()
        url = payload.get("response_url")
        if not isinstance(url, str) or not url.startswith(self.fake.base_url):
            return

        container = payload.get("container") or {}
        channel = payload.get("channel_id") or container.get("channel_id")
        self.fake.bind_response_url(
            url, channel, message_ts=container.get("message_ts") or None,
            ephemeral=bool(container.get("is_ephemeral")),
        )

    def _apply_submission_ack(self, view: dict[str, Any], status: int, body: Any) -> None:
        if status != 200:
            return
        ack = body if isinstance(body, dict) else {}
        action = ack.get("response_action")
        view_id = view.get("id", "")

        if action == "errors":
            return
        if action == "update" and view_id in self.fake.views:
            self.fake.replace_view(view_id, ack.get("view") or {})
        elif action == "push":
            self.fake.push_view(ack.get("view") or {})
        elif action == "clear":
            self.fake.close_all_views()
        else:
            self.fake.close_view(view_id)


# ----- finding elements and building their state ----------------------------------------


def is_view(target: dict[str, Any]) -> bool:
    return target.get("type") in ("modal", "home")


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (block_id, element) for every interactive element, in display order."""
    for block in blocks:
        block_id = block.get("block_id", "")
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                yield block_id, element
        for key in ("accessory", "element"):
            element = block.get(key)
            if isinstance(element, dict) and element.get("type") != "image":
                yield block_id, element


def find_element(
    target: dict[str, Any], action_id: str, index: int = 0
) -> tuple[str, dict[str, Any]]:
    """Return (block_id, element) of the ``index``-th element with ``action_id``."""
    elements = list(iter_elements(target.get("blocks") or []))
    matches = [(block_id, e) for block_id, e in elements if e.get("action_id") == action_id]
    if index < len(matches):
        return matches[index]

    available = sorted({e.get("action_id", "") for _, e in elements})
    raise LookupError(
        f"No element #{index} with action_id {action_id!r}; found {len(matches)}. "
        f"Action ids present: {available}"
    )


def element_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """Build the state Slack reports for ``element`` holding ``value``.

    The same shape appears in block_actions ``actions[]`` and in view_submission
    ``state.values``. Selects take option dicts or option values.
    """
    kind = element.get("type", "")
    state: dict[str, Any] = {"type": kind}
    if kind in TEXT_ELEMENTS:
        state["value"] = value
    elif kind in DATE_STATE_KEYS:
        state[DATE_STATE_KEYS[kind]] = value
    elif kind in SINGLE_SELECTS:
        state["selected_option"] = resolve_option(element, value)
    elif kind in MULTI_SELECTS:
        state["selected_options"] = [resolve_option(element, item) for item in value or []]
    elif kind in ID_SELECTS:
        state[ID_SELECTS[kind]] = value
    elif kind.startswith("multi_") and kind.removeprefix("multi_") in ID_SELECTS:
        state[ID_SELECTS[kind.removeprefix("multi_")] + "s"] = list(value or [])
    else:
        state["value"] = value
    return state


def element_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the options of a select, checkbox group or overflow, flattening groups."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options") or [])
    return options


def resolve_option(element: dict[str, Any], value: Any) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value

    known = element_options(element) + _initial_options(element)
    for option in known:
        if option.get("value") == value:
            return option
    if element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": str(value)}
    raise LookupError(f"No option with value {value!r} in element {element.get('action_id')!r}")


def _initial_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    initial = element.get("initial_options") or []
    if element.get("initial_option"):
        initial = [*initial, element["initial_option"]]
    return initial


def _default_choice(element: dict[str, Any]) -> Any:
    kind = element.get("type", "")
    if kind in SINGLE_SELECTS:
        options = _initial_options(element) or element_options(element)
        return options[0] if options else None
    if kind in MULTI_SELECTS:
        return _initial_options(element)
    if kind == "datepicker":
        return element.get("initial_date")
    return element.get("value")


def _parse_body(text: str) -> Any:
    if text.strip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text


def _ack_problems(check: str | None, status: int, body: Any) -> list[str]:
    if check is None or status != 200 or not isinstance(body, dict):
        return []
    try:
        validate_payload(check, body)
    except BlockKitError as error:
        return list(error.problems)
    return []
