"""Filling in a modal's form field by field and submitting it as Slack would."""

from __future__ import annotations

from typing import Any

from bot.fakeslack.driver import DriverResult, SlackDriver, element_state
from bot.shell.calls import CallPrinter
from bot.shell.console import Console, FormCancelled
from bot.shell.fields import FormField, form_fields
from bot.shell.prompts import FieldPrompts
from bot.shell.render import view_title
from bot.shell.values import summary_value

SUBMIT_PROMPT = "Submit? (y = submit, n = edit a field, cancel) "


class FormFiller:
    """Fills the modal on top of the view stack and submits it to the app."""

    def __init__(
        self, console: Console, driver: SlackDriver, calls: CallPrinter, prompts: FieldPrompts
    ) -> None:
        self.say = console.say
        self.driver = driver
        self.fake = driver.fake
        self.calls = calls
        self.prompts = prompts

    async def fill_open_forms(self) -> None:
        """Fill the modal on top while it has input blocks and is new to the user."""
        filled: tuple[str, str] | None = None
        while True:
            view = self.fake.top_view()
            if view is None or not form_fields(view):
                return
            key = (view["id"], view["hash"])
            if key == filled:
                return
            filled = key
            await self.fill_form(view)

    async def fill_form(self, view: dict[str, Any]) -> None:
        fields = form_fields(view)
        values = {field.block_id: field.initial_value() for field in fields}
        errors: dict[str, str] = {}
        pending = fields
        self.say(f"Fill in '{view_title(view)}'. Enter keeps a value, - clears an optional "
                 "one, cancel closes the form. You can check every value before it is sent.")

        while True:
            try:
                await self._ask_fields(view, pending, values, errors)
                await self._review(view, fields, values, errors)
            except FormCancelled:
                self.fake.close_all_views()
                self.say("(form closed without submitting)")
                return

            result = await self.driver.submit(view, _state_values(fields, values))
            self.calls.show_submission_ack(result)
            self.calls.show_new_calls()
            errors = _submission_errors(result)
            if not errors:
                return
            pending = self._fields_with_errors(fields, errors)

    async def _ask_fields(
        self, view: dict[str, Any], fields: list[FormField], values: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        for field in fields:
            values[field.block_id] = await self.prompts.ask_field(
                view, field, values[field.block_id], errors.get(field.block_id)
            )

    async def _review(
        self, view: dict[str, Any], fields: list[FormField], values: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        """Show what will be sent and let the user edit fields until they choose to submit."""
        while True:
            self._show_summary(view, fields, values)
            answer = self.prompts.read(SUBMIT_PROMPT).strip().lower()
            if answer in ("y", "yes"):
                return
            if answer not in ("n", "no"):
                self.say("  Type y to submit, n to edit a field, or cancel.")
                continue

            field = self._ask_field_number(fields)
            if field is not None:
                await self._ask_fields(view, [field], values, errors)

    def _show_summary(
        self, view: dict[str, Any], fields: list[FormField], values: dict[str, Any]
    ) -> None:
        self.say(f"Ready to send '{view_title(view)}':")
        for number, field in enumerate(fields, start=1):
            self.say(f"  {number}) {field.label}: {summary_value(field, values[field.block_id])}")

    def _ask_field_number(self, fields: list[FormField]) -> FormField | None:
        """Return the field the user picks by number, or None when they press Enter."""
        while True:
            answer = self.prompts.read("  Field number (Enter goes back)> ").strip()
            if not answer:
                return None
            if answer.isdigit() and 1 <= int(answer) <= len(fields):
                return fields[int(answer) - 1]
            self.say(f"  Type a field number from 1 to {len(fields)}.")

    def _fields_with_errors(
        self, fields: list[FormField], errors: dict[str, str]
    ) -> list[FormField]:
        known = {field.block_id for field in fields}
        for block_id, message in errors.items():
            if block_id not in known:
                self.say(f"(error for block {block_id!r}, which is no input block: {message})")
        pending = [field for field in fields if field.block_id in errors]
        self.say("The app rejected some values; fix them:")
        # Slack shows no error keyed to an unknown block, so the user could only retry all.
        return pending or fields


def _state_values(fields: list[FormField], values: dict[str, Any]) -> dict[str, Any]:
    return {
        field.block_id: {field.action_id: element_state(field.element, values[field.block_id])}
        for field in fields
    }


def _submission_errors(result: DriverResult) -> dict[str, str]:
    if result.status != 200 or result.ack.get("response_action") != "errors":
        return {}
    errors = result.ack.get("errors")
    return {str(key): str(value) for key, value in errors.items()} if isinstance(
        errors, dict) else {}
