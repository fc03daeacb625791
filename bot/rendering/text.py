"""Text helpers for Slack surfaces, gathered from the modules that define them.

``bot.rendering.mrkdwn`` escapes and cuts mrkdwn, ``bot.rendering.html_conversion``
converts description HTML, and ``bot.rendering.value_formatting`` formats record values.
Code that calls ``text.cut``, ``text.format_value`` and the like keeps working through the
names imported here.
"""

from bot.rendering.html_conversion import (
    BOGUS_DECLARATION_PATTERN,
    HTML_TAG_PATTERN,
    html_to_mrkdwn,
    html_to_text,
    looks_like_html,
)
from bot.rendering.mrkdwn import (
    BROADCAST_PATTERN,
    ELLIPSIS,
    EMPTY_VALUE,
    ENTITY_LIKE_PATTERN,
    PARTIAL_ENTITY_PATTERN,
    SLACK_USER_ID_PATTERN,
    URL_SAFE_CHARACTERS,
    cut,
    cut_raw,
    escape_mrkdwn,
    link,
    neutralize_broadcasts,
    nonempty,
    safe_link_target,
    unescape_mrkdwn,
    utf16_length,
)
from bot.rendering.value_formatting import (
    EMAIL_PATTERN,
    HTTP_URL_PATTERN,
    choice_name,
    date_token,
    epoch_ms,
    format_plain,
    format_value,
    utc_datetime,
    when_token,
)

__all__ = [
    "BOGUS_DECLARATION_PATTERN",
    "BROADCAST_PATTERN",
    "ELLIPSIS",
    "EMAIL_PATTERN",
    "EMPTY_VALUE",
    "ENTITY_LIKE_PATTERN",
    "HTML_TAG_PATTERN",
    "HTTP_URL_PATTERN",
    "PARTIAL_ENTITY_PATTERN",
    "SLACK_USER_ID_PATTERN",
    "URL_SAFE_CHARACTERS",
    "choice_name",
    "cut",
    "cut_raw",
    "date_token",
    "epoch_ms",
    "escape_mrkdwn",
    "format_plain",
    "format_value",
    "html_to_mrkdwn",
    "html_to_text",
    "link",
    "looks_like_html",
    "neutralize_broadcasts",
    "nonempty",
    "safe_link_target",
    "unescape_mrkdwn",
    "utc_datetime",
    "utf16_length",
    "when_token",
]
