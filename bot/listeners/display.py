"""Showing lists, cards and pick-list values in reply to a command or a button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.context import Interaction
from bot.operations import records
from bot.operations.records import PAGE_SIZE, ListRequest
from bot.operations.search import resolve_field
from bot.rendering import record_card, record_list, usage_message, values_message
from bot.scp import Module

if TYPE_CHECKING:
    from bot.app import Services


async def show_list(
    services: Services, interaction: Interaction, request: ListRequest, *, replace: bool = False
) -> None:
    page = await records.list_records(services, request)
    message = record_list(
        request.module, page, query_text=request.text, trash=request.trash, row_count=PAGE_SIZE
    )
    await interaction.reply(message, replace=replace)


async def show_card(
    services: Services,
    interaction: Interaction,
    module: Module,
    record_id: str,
    *,
    in_channel: bool = False,
    replace: bool = False,
    note: str | None = None,
) -> None:
    record = await records.get_record(services, module, record_id)
    message = record_card(module, record, link=module.link_for(record.id), note=note)
    await interaction.reply(message, in_channel=in_channel, replace=replace)


async def show_values(
    services: Services, interaction: Interaction, module: Module, field_name: str
) -> None:
    field = resolve_field(module, field_name)
    if field is None or not field.kind.has_allowed_values:
        choices = ", ".join(f.label for f in module.fields if f.kind.has_allowed_values)
        problem = f"{module.display_name} has no pick-list field called “{field_name}”."
        if choices:
            problem += f" Pick-list fields: {choices}."
        await interaction.reply(usage_message(problem))
        return

    options = await services.picklists.options(module, field)
    await interaction.reply(values_message(module, field, options, total=len(options)))
