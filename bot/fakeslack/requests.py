"""Signed requests shaped like the ones Slack sends to a bot's request URL.

Slash commands arrive as plain form fields; interactive payloads (block_actions,
view_submission, block_suggestion) as one form field ``payload`` holding JSON. Every request is
signed with the v0 scheme: HMAC-SHA256 over ``v0:{timestamp}:{body}`` keyed with the signing
secret.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from slack_sdk.signature import SignatureVerifier

from bot.fakeslack.web_api import APP_ID, TEAM_DOMAIN, TEAM_ID

# Used when no response URL factory is given: nothing listens on port 9 of the loopback
# interface, so a bot that posts there fails fast instead of reaching another host.
UNSET_RESPONSE_URL = "http://127.0.0.1:9/response/unset"


@dataclass(frozen=True)
class SignedRequest:
    """A raw request body and the headers Slack sends with it."""

    body: str
    headers: dict[str, str]

    def payload(self) -> dict[str, Any]:
        """Return the decoded body: the JSON ``payload`` field, or the form fields."""
        return decode_body(self.body)


class SlackRequests:
    """Builds signed Slack requests as one user in one channel of one workspace."""

    def __init__(
        self,
        signing_secret: str,
        *,
        team_id: str = TEAM_ID,
        team_domain: str = TEAM_DOMAIN,
        user_id: str = "U0001",
        user_name: str = "user.u0001",
        channel_id: str = "C0001",
        channel_name: str = "general",
        api_app_id: str = APP_ID,
        response_url_factory: Callable[[], str] | None = None,
    ) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self.team_id = team_id
        self.team_domain = team_domain
        self.user_id = user_id
        self.user_name = user_name
        self.channel_id = channel_id
        self.channel_name = channel_name
        self.api_app_id = api_app_id
        self.response_url_factory = response_url_factory
        self._counter = itertools.count(1)

    # ----- request builders ------------------------------------------------------------

    def slash_command(
        self, text: str, command: str = "/scp", *, timestamp: int | None = None,
        **overrides: str,
    ) -> SignedRequest:
        fields = {
            "token": "verification-token-unused", "team_id": self.team_id,
            "team_domain": self.team_domain, "channel_id": self.channel_id,
            "channel_name": self.channel_name, "user_id": self.user_id,
            "user_name": self.user_name, "command": command, "text": escape_command_text(text),
            "response_url": self.new_response_url(), "trigger_id": self.new_trigger_id(),
            "api_app_id": self.api_app_id,
        }
        fields.update(overrides)
        return self.sign(urlencode(fields), timestamp)

    def block_actions(
        self, action: dict[str, Any], *, message: dict[str, Any] | None = None,
        channel_id: str | None = None, view: dict[str, Any] | None = None,
        timestamp: int | None = None,
    ) -> SignedRequest:
        """Build a click on ``action``'s element in ``message`` or in ``view``."""
        action = {"action_ts": _action_ts(), **action}
        payload: dict[str, Any] = {
            "type": "block_actions", **self._actor(), "trigger_id": self.new_trigger_id(),
            "actions": [action],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id")}
            payload["view"] = view
        else:
            payload.update(self._message_context(message or {}, channel_id))
        return self._sign_payload(payload, timestamp)

    def view_submission(
        self, view: dict[str, Any], state_values: dict[str, Any], *,
        timestamp: int | None = None,
    ) -> SignedRequest:
        submitted = {**view, "state": {"values": state_values}}
        payload = {
            "type": "view_submission", **self._actor(), "trigger_id": self.new_trigger_id(),
            "view": submitted, "response_urls": [],
        }
        return self._sign_payload(payload, timestamp)

    def block_suggestion(
        self, view: dict[str, Any], block_id: str, action_id: str, value: str, *,
        timestamp: int | None = None,
    ) -> SignedRequest:
        payload = {
            "type": "block_suggestion", **self._actor(),
            "container": {"type": "view", "view_id": view.get("id")},
            "action_id": action_id, "block_id": block_id, "value": value, "view": view,
        }
        return self._sign_payload(payload, timestamp)

    # ----- signing and ids -------------------------------------------------------------

    def sign(self, body: str, timestamp: int | None = None) -> SignedRequest:
        """Sign ``body`` with the v0 scheme; ``timestamp`` defaults to now (Unix seconds)."""
        sent_at = str(int(time.time()) if timestamp is None else timestamp)
        signature = self._verifier.generate_signature(timestamp=sent_at, body=body)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": sent_at,
            "X-Slack-Signature": signature or "",
        }
        return SignedRequest(body=body, headers=headers)

    def new_trigger_id(self) -> str:
        # Same shape as Slack's ids (three dot-separated parts), unique per request.
        return f"{int(time.time() * 1000)}.{next(self._counter)}.{secrets.token_hex(10)}"

    def new_response_url(self) -> str:
        if self.response_url_factory is None:
            return UNSET_RESPONSE_URL
        return self.response_url_factory()

    # ----- payload parts ---------------------------------------------------------------

    def _actor(self) -> dict[str, Any]:
        return {
            "user": {"id": self.user_id, "username": self.user_name, "name": self.user_name,
                     "team_id": self.team_id},
            "team": {"id": self.team_id, "domain": self.team_domain},
            "api_app_id": self.api_app_id, "token": "verification-token-unused",
            "is_enterprise_install": False, "enterprise": None,
        }

    def _message_context(
        self, message: dict[str, Any], channel_id: str | None
    ) -> dict[str, Any]:
        channel = channel_id or message.get("channel") or self.channel_id
        ephemeral = bool(message.get("is_ephemeral"))
        context: dict[str, Any] = {
            "container": {"type": "message", "message_ts": message.get("ts", ""),
                          "channel_id": channel, "is_ephemeral": ephemeral},
            "channel": {"id": channel, "name": self.channel_name},
            "response_url": self.new_response_url(), "state": {"values": {}},
        }
        # NOTE: Slack is believed to leave the message out of clicks on ephemeral messages
        # (not verified against Slack), so the fake leaves it out and bots cannot rely on it.
        if not ephemeral:
            context["message"] = _as_delivered(message)
        return context

    def _sign_payload(self, payload: dict[str, Any], timestamp: int | None) -> SignedRequest:
        return self.sign(urlencode({"payload": json.dumps(payload)}), timestamp)


def escape_command_text(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` in command text as Slack does in message text.

    NOTE: Slack documents this escaping for message text; that slash command text arrives
    escaped the same way is taken from how bots see it, not from a reference page.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def decode_body(body: str) -> dict[str, Any]:
    """Decode a form body; a ``payload`` field is parsed as JSON and returned instead."""
    fields = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in fields:
        return json.loads(fields["payload"])
    return fields


def _as_delivered(message: dict[str, Any]) -> dict[str, Any]:
    # The fake keeps bookkeeping keys on stored messages that Slack would not send back.
    hidden = {"channel", "response_url", "user_id", "is_ephemeral"}
    return {key: value for key, value in message.items() if key not in hidden}


def _action_ts() -> str:
    return f"{time.time():.6f}"
