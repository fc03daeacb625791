"""Submitting the add/edit modal.

Slack shows field errors only from the ack of a ``view_submission``, so the write is given
``SUBMIT_ACK_BUDGET`` seconds to respond before the ack. A rejected write keeps the modal open
with the server's message on the field it names and every value the user typed. A slower
write is never cancelled or sent again (that could save a record twice): the modal shows a
saving view and is updated with the outcome when the server responds.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.ids import CallbackId
from bot.listeners.context import Interaction, trusted_response_url
from bot.listeners.record_form import load_options, read_metadata
from bot.messages import describe_error, record_label
from bot.operations import records
from bot.operations.forms import (
    errors_from_server,
    parse_form,
    unchanged_fields,
    values_from_state,
)
from bot.rendering import loading_view, message_view, notice_message, record_card, record_form
from bot.scp import Module, Record, ScpResponseError, validate_record_id

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)

SUBMIT_ACK_BUDGET = 2.0
STALE_FORM = "This form is out of date: its module or record is no longer served. Open it again."


def register(app: AsyncApp, services: Services) -> None:
    @app.view(CallbackId.RECORD_FORM.value)
    async def handle_record_form(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        submission = _Submission.read(services, body, view)
        if submission is None:
            await ack(
                response_action="update",
                view=message_view("SupportCenter Plus", notice_message(STALE_FORM)),
            )
            return

        result = parse_form(
            submission.module, submission.state, fields=submission.fields,
            editing=bool(submission.record_id),
        )
        if not result.ok:
            await ack(response_action="errors", errors=result.errors)
            return
        values = result.values
        if submission.record_id:
            unchanged = unchanged_fields(view.get("blocks") or [], submission.state)
            values = {name: value for name, value in values.items() if name not in unchanged}
            if not values:
                await ack()
                services.background.spawn(submission.show_unchanged(), name="form.unchanged")
                return

        write = asyncio.ensure_future(submission.write(values))
        done, _ = await asyncio.wait({write}, timeout=SUBMIT_ACK_BUDGET)
        if write not in done:
            saving = loading_view(submission.title, activity="Saving…")
            await ack(response_action="update", view=saving)
            services.background.spawn(submission.finish_late(write), name="form.finish_late")
            return

        error = write.exception()
        if error is None:
            await ack()
            services.background.spawn(submission.show_result(write.result()), name="form.result")
            return
        await _ack_rejection(ack, submission, error)


async def _ack_rejection(ack: AsyncAck, submission: _Submission, error: BaseException) -> None:
    field_errors: dict[str, str] = {}
    general: str | None = None
    if isinstance(error, ScpResponseError) and error.field_errors():
        field_errors, general = errors_from_server(
            submission.module, error.field_errors(), submission.fields
        )
    if field_errors and not general:
        await ack(response_action="errors", errors=field_errors)
        return
    view = await submission.form_with_error(error, general)
    await ack(response_action="update", view=view)


class _Submission:
    """One submit of the record form: what it writes and where it shows the outcome."""

    def __init__(
        self, services: Services, module: Module, view: dict[str, Any],
        metadata: dict[str, Any], interaction: Interaction,
    ) -> None:
        self.services = services
        self.module = module
        self.view_id: str = view.get("id", "")
        self.private_metadata: str = view.get("private_metadata", "")
        values = (view.get("state") or {}).get("values")
        self.state: dict[str, Any] = values if isinstance(values, dict) else {}
        self.record_id: str = metadata.get("id") or ""
        self.replace = bool(metadata.get("replace"))
        self.interaction = interaction
        self.fields = module.fields_for_form()

    @classmethod
    def read(
        cls, services: Services, body: dict[str, Any], view: dict[str, Any]
    ) -> _Submission | None:
        """Read a submit; None when the view does not come from a form the bot can still serve."""
        if not isinstance(view, dict) or not isinstance(view.get("state", {}), dict):
            return None
        metadata = read_metadata(view.get("private_metadata", ""))
        module = services.catalog.get(str(metadata.get("m", "")))
        if module is None:
            logger.warning("form.submit.unknown_module metadata=%r", metadata)
            return None
        if metadata.get("id"):
            try:
                metadata["id"] = validate_record_id(metadata["id"])
            except ValueError:
                return None
        interaction = Interaction.from_payload(body, services.web_client)
        channel = metadata.get("c")
        interaction.channel_id = channel if isinstance(channel, str) and channel else (
            interaction.channel_id
        )
        interaction.response_url = trusted_response_url(metadata.get("r"), services)
        return cls(services, module, view, metadata, interaction)

    @property
    def title(self) -> str:
        verb = "Edit" if self.record_id else "New"
        return f"{verb} {self.module.display_singular}"

    @property
    def label(self) -> str:
        if self.record_id:
            return record_label(self.module.display_singular, self.record_id)
        return f"the new {self.module.display_singular.lower()}"

    async def write(self, values: dict[str, Any]) -> Record:
        actor = self.interaction.user_id
        if self.record_id:
            return await records.edit_record(
                self.services, self.module, self.record_id, values, actor=actor
            )
        return await records.add_record(self.services, self.module, values, actor=actor)

    async def form_with_error(
        self, error: BaseException, general: str | None = None
    ) -> dict[str, Any]:
        """Re-render the form with the user's values and the error at the top."""
        text = describe_error(error, action=f"save {self.label}", record_label=self.label)
        message = general or f"{text.what_failed} {text.what_to_do}"
        # The values were loaded when the form opened, so this reads the cache.
        options = await load_options(self.services, self.module, self.fields)
        return record_form(
            self.module,
            record=None,
            fields=self.fields,
            options=options,
            values=values_from_state(self.state),
            errors={"_form": message},
            private_metadata=self.private_metadata,
            record_id=self.record_id or None,
        )

    async def show_result(self, record: Record) -> None:
        verb = "Edited" if self.record_id else "Added"
        note = f"{verb} by <@{self.interaction.user_id}>."
        # A new private reply can be shared; a card replaced in place is where it was.
        card = record_card(
            self.module, record, link=self.module.link_for(record.id), note=note,
            share=not self.replace,
        )
        await self.interaction.reply(card, replace=self.replace)

    async def show_unchanged(self) -> None:
        record = await records.get_record(self.services, self.module, self.record_id)
        card = record_card(
            self.module, record, link=self.module.link_for(record.id), note="Nothing changed."
        )
        await self.interaction.reply(card, replace=self.replace)

    async def finish_late(self, write: asyncio.Future[Record]) -> None:
        client = self.services.web_client
        try:
            record = await write
        except Exception as error:
            view = await self.form_with_error(error)
            await client.views_update(view_id=self.view_id, view=view)
            return
        label = record_label(self.module.display_singular, record.id, record.title)
        saved = message_view(self.title, notice_message(f"Saved {label}."))
        await client.views_update(view_id=self.view_id, view=saved)
        await self.show_result(record)

