"""The input blocks of a modal, as the fields the shell asks for one by one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.shell.render import text_of

TEXT_KINDS = frozenset({"plain_text_input", "email_text_input", "url_text_input"})
SINGLE_CHOICE_KINDS = frozenset({"static_select", "radio_buttons", "overflow"})
EXTERNAL_KINDS = frozenset({"external_select", "multi_external_select"})
ID_KINDS = {
    "users_select": "initial_user", "conversations_select": "initial_conversation",
    "channels_select": "initial_channel",
}


@dataclass
class FormField:
    """One input block of a modal and its element."""

    block_id: str
    element: dict[str, Any]
    label: str
    optional: bool
    hint: str

    @property
    def kind(self) -> str:
        return str(self.element.get("type", ""))

    @property
    def action_id(self) -> str:
        return str(self.element.get("action_id", ""))

    @classmethod
    def from_block(cls, block: dict[str, Any]) -> FormField:
        return cls(
            block_id=block.get("block_id", ""), element=block["element"],
            label=text_of(block.get("label")), optional=bool(block.get("optional")),
            hint=text_of(block.get("hint")),
        )

    def initial_value(self) -> Any:
        element = self.element
        kind = self.kind
        if kind in ("datepicker", "datetimepicker", "timepicker"):
            key = {"datepicker": "initial_date", "datetimepicker": "initial_date_time",
                   "timepicker": "initial_time"}[kind]
            return element.get(key)
        if kind in SINGLE_CHOICE_KINDS or kind == "external_select":
            return element.get("initial_option")
        if kind.startswith("multi_") or kind == "checkboxes":
            return list(element.get("initial_options") or element.get("initial_users") or [])
        if kind in ID_KINDS:
            return element.get(ID_KINDS[kind])
        return element.get("initial_value")

    def empty_value(self) -> Any:
        return [] if self.kind.startswith("multi_") or self.kind == "checkboxes" else None


def form_fields(view: dict[str, Any]) -> list[FormField]:
    return [
        FormField.from_block(block) for block in view.get("blocks") or []
        if block.get("type") == "input" and isinstance(block.get("element"), dict)
    ]
