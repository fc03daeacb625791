"""Slack mrkdwn helpers: escaping, safe cutting and link building.

Slack treats ``&``, ``<`` and ``>`` as control characters in text objects, so any text that
comes from a record or a user is escaped with ``escape_mrkdwn`` before it reaches a payload.
Lengths are measured in UTF-16 code units, which is never less than the number of code points,
so a cut text fits Slack's limits whichever unit Slack counts in.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

EMPTY_VALUE = "—"
ELLIPSIS = "…"

# Broadcast and group mentions. They must never reach Slack from text that the bot did not write.
BROADCAST_PATTERN = re.compile(r"<!(channel|here|everyone|subteam\^)[^>]*>", re.IGNORECASE)
# The start of an entity cut off at the end of a text: "&", "&a", "&am", "&amp", "&l", ...
PARTIAL_ENTITY_PATTERN = re.compile(r"&(a|am|amp|l|lt|g|gt)?$")
ENTITY_LIKE_PATTERN = re.compile(r"&(?=(amp|lt|gt);)", re.IGNORECASE)
SLACK_USER_ID_PATTERN = re.compile(r"[UW][A-Z0-9]{2,20}")
# Characters left as they are when a link target is percent-encoded: the URL syntax itself and
# "%" so that existing escapes are not encoded twice.
URL_SAFE_CHARACTERS = ":/?#[]@!$&'()*+,;=%~-._"


def escape_mrkdwn(text: object) -> str:
    """Escape ``&``, ``<`` and ``>`` (in that order) so Slack shows the text literally.

    Quotes are left alone because Slack decodes only these three entities.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_mrkdwn(text: str) -> str:
    """Undo ``escape_mrkdwn``, for option text that Slack sends back as it was rendered."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def neutralize_broadcasts(mrkdwn: str) -> str:
    """Escape ``<!channel>``, ``<!here>``, ``<!everyone>`` and group pings in bot-written mrkdwn.

    User mentions (``<@U123>``), links and date tokens are kept.
    """
    return BROADCAST_PATTERN.sub(lambda match: escape_mrkdwn(match.group(0)), mrkdwn)


def utf16_length(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, budget: int) -> str:
    if utf16_length(text) == len(text):
        return text[:budget]
    total = 0
    for index, character in enumerate(text):
        total += 2 if ord(character) > 0xFFFF else 1
        if total > budget:
            return text[:index]
    return text


def cut(text: str, limit: int, suffix: str = ELLIPSIS) -> str:
    """Cut escaped mrkdwn or plain text to ``limit`` UTF-16 units, ending with ``suffix``.

    The cut never splits an ``&amp;``-style entity or a ``<…>`` token (a link, mention or date)
    because every ``&`` and ``<`` left in escaped text starts one of those.
    """
    if utf16_length(text) <= limit:
        return text
    budget = max(limit - utf16_length(suffix), 0)
    head = _prefix_within(text, budget)

    partial_entity = PARTIAL_ENTITY_PATTERN.search(head)
    if partial_entity:
        head = head[: partial_entity.start()]
    bracket = head.rfind("<")
    if bracket >= 0 and ">" not in head[bracket:]:
        head = head[:bracket]
    return _prefix_within(head.rstrip() + suffix, limit)


def cut_raw(text: str, limit: int) -> str:
    """Cut unescaped text (an input's initial value) to ``limit`` units without a suffix."""
    return _prefix_within(text, limit)


def nonempty(text: str, default: str = EMPTY_VALUE) -> str:
    """Return ``default`` for blank text, because Slack rejects empty text objects."""
    return text if text and text.strip() else default


def safe_link_target(url: str) -> str | None:
    """Return ``url`` percent-encoded for use inside ``<url|label>``, or None if not allowed.

    Only http, https and mailto links are kept. ``|``, ``<``, ``>``, spaces and quotes are
    percent-encoded, and so is an ``&`` that would read as an entity.
    """
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https", "mailto"):
        return None
    encoded = quote(url, safe=URL_SAFE_CHARACTERS)
    encoded = ENTITY_LIKE_PATTERN.sub("%26", encoded)
    return encoded if len(encoded) <= 3000 else None


def link(url: str, label: str) -> str:
    """Build ``<url|label>`` from a raw URL and an escaped label, or return the label alone."""
    target = safe_link_target(url)
    if target is None:
        return label
    label = " ".join(label.replace("|", "¦").split())
    return f"<{target}|{label}>" if label else f"<{target}>"
