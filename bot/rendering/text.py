"""Text helpers for Slack surfaces: mrkdwn escaping, safe cutting, HTML conversion, values.

Slack treats ``&``, ``<`` and ``>`` as control characters in text objects, so any text that
comes from a record or a user is escaped with ``escape_mrkdwn`` before it reaches a payload.
Lengths are measured in UTF-16 code units, which is never less than the number of code points,
so a cut text fits Slack's limits whichever unit Slack counts in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from html import unescape as decode_entities
from typing import Any
from urllib.parse import quote, urlsplit

from markdownify import MarkdownConverter

from bot.scp import Field, FieldKind

EMPTY_VALUE = "—"
ELLIPSIS = "…"

# Broadcast and group mentions. They must never reach Slack from text that the bot did not write.
BROADCAST_PATTERN = re.compile(r"<!(channel|here|everyone|subteam\^)[^>]*>", re.IGNORECASE)
# A real HTML tag. Its presence distinguishes HTML from plain text that merely contains "<".
HTML_TAG_PATTERN = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
# "<!" that opens neither a comment, CDATA nor a doctype: html.parser would swallow such text
# (for example "<!channel>") as a bogus comment, so it is turned into literal text first.
BOGUS_DECLARATION_PATTERN = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)
# The start of an entity cut off at the end of a text: "&", "&a", "&am", "&amp", "&l", ...
PARTIAL_ENTITY_PATTERN = re.compile(r"&(a|am|amp|l|lt|g|gt)?$")
ENTITY_LIKE_PATTERN = re.compile(r"&(?=(amp|lt|gt);)", re.IGNORECASE)
EMAIL_PATTERN = re.compile(r"[^@\s|<>&\"'`*_~]+@[^@\s|<>&\"'`*_~]+\.[^@\s|<>&\"'`*_~]+")
HTTP_URL_PATTERN = re.compile(r"https?://[^\s|<>\"]+", re.IGNORECASE)
SLACK_USER_ID_PATTERN = re.compile(r"[UW][A-Z0-9]{2,20}")
# Characters left as they are when a link target is percent-encoded: the URL syntax itself and
# "%" so that existing escapes are not encoded twice.
URL_SAFE_CHARACTERS = ":/?#[]@!$&'()*+,;=%~-._"


# Escaping and cutting -------------------------------------------------------------------


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


# HTML ----------------------------------------------------------------------------------


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


class _SlackConverter(MarkdownConverter):
    """markdownify converter that writes Slack mrkdwn and escapes every text node."""

    class Options(MarkdownConverter.DefaultOptions):
        escape_asterisks = False
        escape_underscores = False
        escape_misc = False
        bullets = "•◦▪"

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return escape_mrkdwn(text.replace("\xa0", " ")) if text else ""

    def process_text(self, el: Any, parent_tags: set[str] | None = None) -> str:
        text = super().process_text(el, parent_tags=parent_tags)
        # Code and pre text skips ``escape`` in markdownify, but Slack parses it all the same.
        if parent_tags and "_noformat" in parent_tags:
            text = escape_mrkdwn(text)
        return text

    def _inline(self, text: str, mark: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags or not text.strip():
            return text
        stripped = text.strip()
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() else ""
        return f"{lead}{mark}{stripped}{mark}{trail}"

    def convert_b(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._inline(text, "*", parent_tags)

    def convert_em(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._inline(text, "_", parent_tags)

    def convert_del(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return self._inline(text, "~", parent_tags)

    convert_strong = convert_b
    convert_i = convert_em
    convert_s = convert_del
    convert_strike = convert_del

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        href = el.get("href") or ""
        if "_noformat" in parent_tags or not href:
            return text
        label = text.strip() or escape_mrkdwn(href)
        return link(href, label)

    def convert_hN(self, n: int, el: Any, text: str, parent_tags: set[str]) -> str:  # noqa: N802
        if "_inline" in parent_tags:
            return text
        text = text.strip()
        return f"\n\n*{text}*\n\n" if text else ""

    def convert_hr(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return "\n\n———\n\n"

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        alt = escape_mrkdwn(el.attrs.get("alt") or "image")
        return link(el.attrs.get("src") or "", alt)


class _PlainConverter(MarkdownConverter):
    """markdownify converter that writes readable plain text for input initial values."""

    class Options(MarkdownConverter.DefaultOptions):
        escape_asterisks = False
        escape_underscores = False
        escape_misc = False
        bullets = "•◦▪"
        heading_style = "ATX"

    def convert_b(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return text

    convert_strong = convert_b
    convert_em = convert_b
    convert_i = convert_b
    convert_del = convert_b
    convert_s = convert_b
    convert_code = convert_b

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        href = el.get("href") or ""
        if not href or href.strip() == text.strip():
            return text
        return f"{text} ({href})"

    def convert_hN(self, n: int, el: Any, text: str, parent_tags: set[str]) -> str:  # noqa: N802
        return f"\n\n{text.strip()}\n\n"

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return el.attrs.get("alt") or ""


def looks_like_html(text: str) -> bool:
    return HTML_TAG_PATTERN.search(text) is not None


def _tidy(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_mrkdwn(html: object) -> str:
    """Convert description HTML to escaped Slack mrkdwn.

    Scripts and styles are dropped, entities are decoded and the text re-escaped, and links
    become ``<url|label>``. Text without any HTML tag has its entities decoded too, and is
    escaped with its line breaks kept.
    """
    if html is None:
        return ""
    text = str(html)
    if not looks_like_html(text):
        # Entities also appear without tags ("Tom &amp; Jerry"), and escaping them as they
        # are would show "&amp;" to the user.
        return _tidy(escape_mrkdwn(decode_entities(text)))
    text = BOGUS_DECLARATION_PATTERN.sub("&lt;!", text)
    return _tidy(_SlackConverter().convert(text))


def html_to_text(html: object) -> str:
    """Convert description HTML to unescaped plain text for a form's initial value."""
    if html is None:
        return ""
    text = str(html)
    if not looks_like_html(text):
        return decode_entities(text).strip()
    text = BOGUS_DECLARATION_PATTERN.sub("&lt;!", text)
    return _tidy(_PlainConverter().convert(text))


# Dates ---------------------------------------------------------------------------------


def epoch_ms(value: object) -> int | None:
    """Read epoch milliseconds from ``{"value": ms}``, an int or a digit string."""
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,16}", value.strip()):
        return int(value.strip())
    return None


def utc_datetime(ms: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def date_token(ms: int | None, token_format: str, fallback_format: str) -> str:
    """Build a ``<!date^…>`` token that Slack shows in the reader's time zone.

    The fallback text, shown by clients that cannot format dates, is the UTC time.
    Returns an empty string when ``ms`` is missing or out of range.
    """
    if ms is None:
        return ""
    moment = utc_datetime(ms)
    if moment is None:
        return ""
    fallback = moment.strftime(fallback_format)
    return f"<!date^{ms // 1000}^{token_format}|{fallback}>"


def when_token(ms: int | None) -> str:
    """Return a date-and-time token such as "Apr 17, 2023 at 10:56 AM", or ""."""
    return date_token(ms, "{date_short_pretty} {time}", "%Y-%m-%d %H:%M UTC")


# Field values --------------------------------------------------------------------------


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | tuple | dict):
        return len(value) == 0 if not isinstance(value, str) else not value.strip()
    return False


def choice_name(value: object) -> str:
    """Return the name of a pick-list or lookup value (``{"name", "id"}`` or a bare string)."""
    if isinstance(value, Mapping):
        for key in ("name", "display_value", "value", "id"):
            if value.get(key) not in (None, ""):
                return str(value[key])
        return ""
    return str(value)


def _format_choice(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(escape_mrkdwn(choice_name(item)) for item in value)
    return escape_mrkdwn(choice_name(value))


def _format_number(value: object, *, percent: bool = False) -> str:
    if isinstance(value, Mapping):
        value = value.get("display_value", value.get("value"))
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError("not a number")
    text = str(value).strip()
    if percent and not text.endswith("%"):
        text += "%"
    return escape_mrkdwn(text)


def _format_date(value: object, *, with_time: bool) -> str:
    ms = epoch_ms(value)
    token = ""
    if ms is not None:
        if with_time:
            token = when_token(ms)
        else:
            # NOTE: a date-only value is shown in the reader's time zone, so readers far from the
            # server's zone may see the neighbouring day. The fallback text is the UTC date.
            token = date_token(ms, "{date_short}", "%Y-%m-%d")
    if token:
        return token
    if isinstance(value, Mapping) and value.get("display_value"):
        return escape_mrkdwn(value["display_value"])
    raise ValueError("not a date")


def _format_boolean(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return "Yes" if value.strip().lower() == "true" else "No"
    raise ValueError("not a boolean")


def _format_email(value: object) -> str:
    text = str(value).strip()
    if EMAIL_PATTERN.fullmatch(text):
        return f"<mailto:{text}|{text}>"
    return escape_mrkdwn(text)


def _format_url(value: object) -> str:
    text = str(value).strip()
    if HTTP_URL_PATTERN.fullmatch(text) and safe_link_target(text) == text:
        return f"<{text}|{escape_mrkdwn(text)}>"
    return escape_mrkdwn(text)


def _format_text(value: object) -> str:
    if isinstance(value, Mapping | list | tuple):
        raise TypeError("not text")
    return escape_mrkdwn(str(value).strip())


def _format_by_kind(kind: FieldKind, value: object) -> str:
    match kind:
        case FieldKind.HTML:
            return html_to_mrkdwn(value)
        case FieldKind.PICK_LIST | FieldKind.LOOKUP | FieldKind.MULTI_SELECT:
            return _format_choice(value)
        case FieldKind.INTEGER | FieldKind.DECIMAL | FieldKind.CURRENCY:
            return _format_number(value)
        case FieldKind.PERCENTAGE:
            return _format_number(value, percent=True)
        case FieldKind.DATE:
            return _format_date(value, with_time=False)
        case FieldKind.DATE_TIME:
            return _format_date(value, with_time=True)
        case FieldKind.BOOLEAN:
            return _format_boolean(value)
        case FieldKind.EMAIL:
            return _format_email(value)
        case FieldKind.URL:
            return _format_url(value)
        case _:
            return _format_text(value)


def format_value(field: Field, value: object) -> str:
    """Format a record value as escaped mrkdwn according to the field's kind.

    Missing values become "—". A value of an unexpected shape is shown as its escaped
    ``str()`` instead of raising.
    """
    if _is_empty(value):
        return EMPTY_VALUE
    try:
        text = _format_by_kind(field.kind, value)
    except (TypeError, ValueError, KeyError, AttributeError):
        text = escape_mrkdwn(str(value))
    return nonempty(text)


def format_plain(value: object) -> str:
    """Format a value of unknown kind (no ``Field`` at hand) as escaped mrkdwn."""
    if _is_empty(value):
        return EMPTY_VALUE
    if isinstance(value, Mapping | list | tuple):
        return nonempty(_format_choice(value))
    return nonempty(escape_mrkdwn(str(value).strip()))
