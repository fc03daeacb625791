"""Plain-text rendering of Block Kit messages and views for the terminal shell.

Interactive elements get numbers (``[1] Edit  [2] Move to trash``) so the user can press
them by typing the number. Slack's text escapes and angle-bracket tokens are decoded for
display.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.fakeslack.driver import element_options

DIVIDER = "-" * 40
# Element types a user can press or choose from in a message or a modal without inputs.
PRESSABLE_TYPES = frozenset({
    "button", "static_select", "external_select", "overflow", "datepicker",
    "multi_static_select", "radio_buttons", "checkboxes",
})

_TOKEN = re.compile(r"<([^<>]*)>")


@dataclass
class Pressable:
    """A numbered element of the last shown message or view."""

    number: int
    block_id: str
    element: dict[str, Any]
    # Position among the elements with this action_id on its surface, counting from 0.
    index: int

    @property
    def action_id(self) -> str:
        return str(self.element.get("action_id", ""))


@dataclass
class Rendered:
    lines: list[str]
    pressables: list[Pressable]


# ----- text -----------------------------------------------------------------------------


def decode_text(text: str) -> str:
    """Decode Slack's ``&lt; &gt; &amp;`` escapes and its ``<...>`` tokens for display."""
    decoded = _TOKEN.sub(lambda match: _decode_token(match.group(1)), text)
    # &amp; goes last so that an escaped "&amp;lt;" shows as "&lt;", as in Slack.
    return decoded.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _decode_token(token: str) -> str:
    target, _, label = token.partition("|")
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!subteam^"):
        return label or "@" + target.removeprefix("!subteam^")
    if target.startswith("!"):
        return "@" + target[1:]
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    if label and label != target:
        return f"{label} ({target})"
    return target


def text_of(obj: Any) -> str:
    """Return the decoded text of a text object (plain_text or mrkdwn), or ``""``."""
    if isinstance(obj, dict):
        return decode_text(str(obj.get("text", "")))
    if isinstance(obj, str):
        return decode_text(obj)
    return ""


# ----- blocks ---------------------------------------------------------------------------


class _Renderer:
    def __init__(self, indent: str) -> None:
        self.indent = indent
        self.lines: list[str] = []
        self.pressables: list[Pressable] = []
        self._seen_action_ids: dict[str, int] = {}

    def add(self, text: str) -> None:
        for line in text.split("\n"):
            self.lines.append(f"{self.indent}{line}".rstrip())

    def number(self, block_id: str, element: dict[str, Any]) -> str:
        """Give ``element`` the next number and return its label, e.g. ``[2] Edit``."""
        action_id = str(element.get("action_id", ""))
        index = self._seen_action_ids.get(action_id, 0)
        self._seen_action_ids[action_id] = index + 1
        pressable = Pressable(len(self.pressables) + 1, block_id, element, index)
        self.pressables.append(pressable)
        return f"[{pressable.number}] {element_label(element)}"

    def block(self, block: dict[str, Any], *, with_inputs: bool) -> None:
        kind = block.get("type")
        handlers = {
            "header": self._header, "section": self._section, "context": self._context,
            "divider": self._divider, "image": self._image, "actions": self._actions,
            "input": self._input, "markdown": self._markdown, "rich_text": self._rich_text,
        }
        handler = handlers.get(str(kind))
        if kind == "input" and not with_inputs:
            return
        if handler is None:
            self.add(f"[{kind} block]")
            return
        handler(block)

    def _header(self, block: dict[str, Any]) -> None:
        self.add(f"== {text_of(block.get('text'))} ==")

    def _section(self, block: dict[str, Any]) -> None:
        if block.get("text"):
            self.add(text_of(block["text"]))
        for field in block.get("fields") or []:
            self.add("  " + _field_line(text_of(field)))

        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            if accessory.get("type") == "image":
                self.add(f"  [image: {accessory.get('alt_text', '')}]")
            elif accessory.get("type") in PRESSABLE_TYPES:
                self.add("  " + self.number(block.get("block_id", ""), accessory))

    def _context(self, block: dict[str, Any]) -> None:
        parts = []
        for element in block.get("elements") or []:
            if element.get("type") == "image":
                parts.append(f"[image: {element.get('alt_text', '')}]")
            else:
                parts.append(text_of(element))
        self.add("  " + " · ".join(parts))

    def _divider(self, block: dict[str, Any]) -> None:
        self.add(DIVIDER)

    def _image(self, block: dict[str, Any]) -> None:
        title = text_of(block.get("title"))
        self.add(f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else ""))

    def _actions(self, block: dict[str, Any]) -> None:
        labels = []
        for element in block.get("elements") or []:
            if element.get("type") in PRESSABLE_TYPES:
                labels.append(self.number(block.get("block_id", ""), element))
            else:
                labels.append(f"[{element.get('type')}]")
        self.add("  ".join(labels))

    def _input(self, block: dict[str, Any]) -> None:
        optional = " (optional)" if block.get("optional") else ""
        self.add(f"[field] {text_of(block.get('label'))}{optional}")

    def _markdown(self, block: dict[str, Any]) -> None:
        self.add(decode_text(str(block.get("text", ""))))

    def _rich_text(self, block: dict[str, Any]) -> None:
        self.add("".join(_rich_text_pieces(block.get("elements") or [])))


def render_blocks(
    blocks: Iterable[dict[str, Any]], *, indent: str = "", with_inputs: bool = False
) -> Rendered:
    """Render blocks as lines; interactive elements are numbered from 1."""
    renderer = _Renderer(indent)
    for block in blocks:
        if isinstance(block, dict):
            renderer.block(block, with_inputs=with_inputs)
    return Rendered(renderer.lines, renderer.pressables)


def render_message(message: dict[str, Any], *, indent: str = "") -> Rendered:
    """Render a message from its blocks, or from its text when it has none."""
    blocks = message.get("blocks") or []
    if blocks:
        return render_blocks(blocks, indent=indent)
    renderer = _Renderer(indent)
    renderer.add(text_of(message.get("text", "")))
    return Rendered(renderer.lines, [])


def render_view(view: dict[str, Any]) -> Rendered:
    """Render a modal: its title, then its blocks, listing input blocks as fields."""
    rendered = render_blocks(view.get("blocks") or [], indent="  ", with_inputs=True)
    rendered.lines.insert(0, f"[modal] {view_title(view)}")
    return rendered


def view_title(view: dict[str, Any]) -> str:
    return text_of(view.get("title")) or "(untitled)"


def element_label(element: dict[str, Any]) -> str:
    """Return how a pressable element reads on screen."""
    kind = element.get("type")
    if kind == "button":
        label = text_of(element.get("text"))
        return f"{label} ({element['url']})" if element.get("url") else label
    if kind == "overflow":
        return "More…"
    if kind == "datepicker":
        return f"Date: {element.get('initial_date') or 'pick'}"
    chosen = element.get("initial_option")
    placeholder = text_of(element.get("placeholder")) or "Choose"
    return f"{text_of(chosen.get('text')) if chosen else placeholder} ▾"


def option_lines(element: dict[str, Any], options: list[dict[str, Any]] | None = None) -> list[str]:
    """Number the options of a select for the user to pick from."""
    listed = element_options(element) if options is None else options
    return [f"  {number}) {text_of(option.get('text'))}" for number, option in
            enumerate(listed, start=1)]


def _field_line(text: str) -> str:
    # Cards often write a field as "*Label*\nvalue"; one line reads better in a terminal.
    lines = text.split("\n")
    if len(lines) == 2:
        return f"{lines[0].rstrip(':')}: {lines[1]}"
    return "\n  ".join(lines)


def _rich_text_pieces(elements: list[dict[str, Any]]) -> Iterable[str]:
    for element in elements:
        if "elements" in element:
            yield from _rich_text_pieces(element["elements"])
            if element.get("type") in ("rich_text_section", "rich_text_preformatted"):
                yield "\n"
        elif element.get("type") == "link":
            yield element.get("text") or element.get("url", "")
        elif element.get("type") == "user":
            yield "@" + str(element.get("user_id", ""))
        else:
            yield str(element.get("text", ""))
