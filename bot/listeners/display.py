"""Showing lists, cards and pick-list values in reply to a command or a button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.context import Interaction
from bot.operations import records
from bot.operations.records import PAGE_SIZE, ListRequest
from bot.operations.search import resolve_field
from bot.picklists import natural_key, rank_options
from bot.rendering import record_card, record_list, usage_message, values_message
from bot.scp import Field, Module

if TYPE_CHECKING:
    from bot.app import Services

# Enough to scan in Slack; longer lists are narrowed with a text.
MAX_VALUES_SHOWN = 100


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
    share: bool = False,
) -> None:
    record = await records.get_record(services, module, record_id)
    message = record_card(module, record, link=module.link_for(record.id), note=note, share=share)
    await interaction.reply(message, in_channel=in_channel, replace=replace)


async def show_values(
    services: Services, interaction: Interaction, module: Module, argument: str
) -> None:
    """Show a field's allowed values; text after the field name keeps only matching ones."""
    field, query = _field_and_query(module, argument)
    if field is None or not field.kind.has_allowed_values:
        choices = ", ".join(f.label for f in module.fields if f.kind.has_allowed_values)
        problem = f"{module.display_name} has no pick-list field called “{argument}”."
        if choices:
            problem += f" Pick-list fields: {choices}."
        await interaction.reply(usage_message(problem))
        return

    options = await services.picklists.options(module, field)
    if query:
        matches = rank_options(options, query, MAX_VALUES_SHOWN)
        shown, total = matches.options, matches.total
    else:
        shown = sorted(options, key=lambda option: natural_key(option.name))[:MAX_VALUES_SHOWN]
        total = len(options)
    hint = f"Type `/scp {module.short_name} values {argument} <text>` to see only matches."
    if query:
        hint = "Type more of the value to see fewer."
    await interaction.reply(
        values_message(module, field, shown, total=total, query=query, narrow_hint=hint)
    )


def _field_and_query(module: Module, argument: str) -> tuple[Field | None, str]:
    """Split ``values`` arguments: the whole text names the field, else its first word does."""
    field = resolve_field(module, argument)
    if field is not None:
        return field, ""
    name, _, query = argument.partition(" ")
    return resolve_field(module, name), query.strip()
