"""The user and place of a Slack request, and how a listener replies to it.

Replies go through the request's ``response_url`` (usable 5 times in 30 minutes), which works
in channels the bot has not joined and can replace the message a button sits on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.messages import describe_error
from bot.rendering import error_message

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)


@dataclass
class Interaction:
    """The user, place and reply channels of one Slack request."""

    user_id: str
    channel_id: str | None = None
    team_id: str | None = None
    trigger_id: str | None = None
    response_url: str | None = None

    @classmethod
    def from_command(cls, body: dict[str, Any]) -> Interaction:
        return cls(
            user_id=body.get("user_id", ""),
            channel_id=body.get("channel_id"),
            team_id=body.get("team_id"),
            trigger_id=body.get("trigger_id"),
            response_url=body.get("response_url"),
        )

    @classmethod
    def from_payload(cls, body: dict[str, Any]) -> Interaction:
        """Read a block_actions or view_submission payload."""
        channel = body.get("channel") or {}
        container = body.get("container") or {}
        return cls(
            user_id=(body.get("user") or {}).get("id", ""),
            channel_id=channel.get("id") or container.get("channel_id"),
            team_id=(body.get("team") or {}).get("id"),
            trigger_id=body.get("trigger_id"),
            response_url=body.get("response_url"),
        )

    async def reply(
        self, message: dict[str, Any], *, replace: bool = False, in_channel: bool = False
    ) -> None:
        """Send ``message`` through the response URL; ``replace`` swaps the clicked message."""
        if not self.response_url:
            logger.warning("slack.reply.no_response_url user=%s", self.user_id)
            return
        respond = AsyncRespond(response_url=self.response_url)
        await respond(
            text=message.get("text"),
            blocks=message.get("blocks"),
            response_type="in_channel" if in_channel else "ephemeral",
            replace_original=replace,
        )

    async def reply_error(
        self, error: BaseException, *, action: str, record_label: str = ""
    ) -> None:
        text = describe_error(error, action=action, record_label=record_label)
        await self.reply(error_message(text.what_failed, text.what_to_do, error_id=text.error_id))


def spawn_reply_work(
    services: Services, interaction: Interaction, work: Any, *, action: str,
    record_label: str = "",
) -> None:
    """Run ``work`` after the ack; any error it raises is shown to the user as a reply."""

    async def on_error(error: BaseException) -> None:
        await interaction.reply_error(error, action=action, record_label=record_label)

    services.background.spawn(work, on_error=on_error, name=action)
