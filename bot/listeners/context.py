"""The user and place of a Slack request, and how a listener replies to it.

Replies go through the request's ``response_url`` (usable 5 times in 30 minutes), which works
in channels the bot has not joined and can replace the message a button sits on. When the URL
has expired, for example after a form was open for half an hour, the reply is posted as an
ephemeral message instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import describe_error
from bot.rendering import error_message

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)

SLACK_RESPONSE_HOSTS = frozenset({"hooks.slack.com"})


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class Interaction:
    """The user, place and reply channels of one Slack request."""

    user_id: str
    channel_id: str | None = None
    team_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None
    web_client: AsyncWebClient | None = None

    @classmethod
    def from_command(
        cls, body: dict[str, Any], web_client: AsyncWebClient | None = None
    ) -> Interaction:
        return cls(
            user_id=_text(body.get("user_id")) or "",
            channel_id=_text(body.get("channel_id")),
            team_id=_text(body.get("team_id")),
            trigger_id=_text(body.get("trigger_id")),
            response_url=_text(body.get("response_url")),
            web_client=web_client,
        )

    @classmethod
    def from_payload(
        cls, body: dict[str, Any], web_client: AsyncWebClient | None = None
    ) -> Interaction:
        """Read a block_actions or view_submission payload; odd shapes read as missing."""
        channel = _mapping(body.get("channel"))
        container = _mapping(body.get("container"))
        return cls(
            user_id=_text(_mapping(body.get("user")).get("id")) or "",
            channel_id=_text(channel.get("id")) or _text(container.get("channel_id")),
            team_id=_text(_mapping(body.get("team")).get("id")),
            trigger_id=_text(body.get("trigger_id")),
            response_url=_text(body.get("response_url")),
            web_client=web_client,
        )

    async def reply(
        self, message: dict[str, Any], *, replace: bool = False, in_channel: bool = False
    ) -> None:
        """Send ``message`` through the response URL; ``replace`` swaps the clicked message."""
        if self.response_url:
            respond = AsyncRespond(response_url=self.response_url)
            response = await respond(
                text=message.get("text"),
                blocks=message.get("blocks"),
                response_type="in_channel" if in_channel else "ephemeral",
                replace_original=replace,
            )
            if response.status_code == 200:
                return
            logger.warning(
                "slack.reply.response_url_failed status=%s body=%r user=%s channel=%s",
                response.status_code, str(response.body)[:100], self.user_id, self.channel_id,
            )
        await self._post_ephemeral(message)

    async def _post_ephemeral(self, message: dict[str, Any]) -> None:
        if self.web_client is None or not self.channel_id or not self.user_id:
            logger.warning("slack.reply.undeliverable user=%s", self.user_id)
            return
        try:
            await self.web_client.chat_postEphemeral(
                channel=self.channel_id, user=self.user_id,
                text=message.get("text") or "", blocks=message.get("blocks"),
            )
        except SlackApiError as error:
            logger.warning(
                "slack.reply.ephemeral_failed error=%s user=%s channel=%s",
                error.response.get("error"), self.user_id, self.channel_id,
            )

    async def reply_error(
        self, error: BaseException, *, action: str, record_label: str = "",
        module_name: str = "<module>",
    ) -> None:
        text = describe_error(
            error, action=action, record_label=record_label, module_name=module_name
        )
        await self.reply(error_message(text.what_failed, text.what_to_do, error_id=text.error_id))


def trusted_response_url(url: Any, services: Services) -> str | None:
    """Return ``url`` if it is a Slack response URL (or the configured fake Slack's), else None.

    Response URLs kept in a modal's private_metadata come back from the client, so they are
    checked before the bot posts a record to them.
    """
    if not isinstance(url, str) or not url:
        return None
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname in SLACK_RESPONSE_HOSTS:
        return url
    fake = services.settings.slack_api_url
    if fake and urlsplit(fake).netloc == parts.netloc and parts.scheme in ("http", "https"):
        return url
    logger.warning("slack.reply.untrusted_response_url host=%s", parts.hostname)
    return None


def spawn_reply_work(
    services: Services, interaction: Interaction, work: Any, *, action: str,
    record_label: str = "", module_name: str = "<module>",
) -> None:
    """Run ``work`` after the ack; any error it raises is shown to the user as a reply."""

    async def on_error(error: BaseException) -> None:
        await interaction.reply_error(
            error, action=action, record_label=record_label, module_name=module_name
        )

    services.background.spawn(work, on_error=on_error, name=action)
