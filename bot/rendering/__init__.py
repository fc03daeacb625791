"""Slack surfaces of the bot, rendered from Jinja templates and checked by ``bot.blockkit``."""

from bot.blockkit import BlockKitError
from bot.rendering.button_values import decode_value, encode_value
from bot.rendering.messages import (
    error_message,
    help_message,
    message_view,
    notice_message,
    usage_message,
)
from bot.rendering.options import option_list
from bot.rendering.records import (
    loading_view,
    record_card,
    record_form,
    record_list,
    values_message,
)
from bot.rendering.text import escape_mrkdwn, format_value, html_to_mrkdwn, html_to_text
from bot.rendering.threads import EVENT_LABELS, Change, thread_line

__all__ = [
    "EVENT_LABELS", "BlockKitError", "Change", "decode_value", "encode_value", "error_message",
    "escape_mrkdwn", "format_value", "help_message", "html_to_mrkdwn", "html_to_text",
    "loading_view", "message_view", "notice_message", "option_list", "record_card", "record_form",
    "record_list", "thread_line", "usage_message", "values_message",
]
