"""Conversion of description HTML to escaped Slack mrkdwn or to plain text."""

from __future__ import annotations

import re
from html import unescape as decode_entities
from typing import Any

from markdownify import MarkdownConverter

from bot.rendering.mrkdwn import escape_mrkdwn, link

# A real HTML tag. Its presence distinguishes HTML from plain text that merely contains "<".
HTML_TAG_PATTERN = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
# "<!" that opens neither a comment, CDATA nor a doctype: html.parser would swallow such text
# (for example "<!channel>") as a bogus comment, so it is turned into literal text first.
BOGUS_DECLARATION_PATTERN = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)


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
