"""Slack surfaces of the bot, rendered from Jinja templates and checked by ``bot.blockkit``."""

from bot.blockkit import BlockKitError
from bot.rendering.surfaces import (
    EVENT_LABELS,
    Change,
    decode_value,
    encode_value,
    error_message,
    help_message,
    loading_view,
    message_view,
    notice_message,
    option_list,
    record_card,
    record_form,
    record_list,
    thread_line,
    usage_message,
    values_message,
)
from bot.rendering.text import escape_mrkdwn, format_value, html_to_mrkdwn, html_to_text

__all__ = [
    "EVENT_LABELS", "BlockKitError", "Change", "decode_value", "encode_value", "error_message",
    "escape_mrkdwn", "format_value", "help_message", "html_to_mrkdwn", "html_to_text",
    "loading_view", "message_view", "notice_message", "option_list", "record_card", "record_form",
    "record_list", "thread_line", "usage_message", "values_message",
]
