"""The Slack Web API methods ``FakeSlack`` serves, and the messages and views they change.

Each handler takes the decoded request body and returns the response body and the message or
view it created or changed. It raises ``ApiError`` with the code Slack would return.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Iterator
from typing import Any

from bot.fakeslack.local_server import LocalServer
from bot.fakeslack.records import RecordedState

TEAM_ID = "T0001"
TEAM_DOMAIN = "fake-workspace"
APP_ID = "A0001"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
MAX_VIEW_STACK = 3
FIRST_TS_SECONDS = 1_700_000_000


# A Web API response body and the message or view the call created or changed.
_HandlerResult = tuple[dict[str, Any], dict[str, Any] | None]


class ApiError(Exception):
    """A Slack error code to return as ``{"ok": false, "error": code}``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class WebApiMethods(RecordedState):
    """The Web API handlers of ``FakeSlack`` and the view changes that acks make."""

    users: dict[str, dict[str, Any]]
    _server: LocalServer

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
