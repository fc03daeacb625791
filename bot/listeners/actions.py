"""Buttons on cards and lists: View, Edit, Move to trash, Restore, Delete, Previous/Next.

Every button's value names the module and record (``bot.rendering.encode_value``). After a
write the card is replaced by one rendered from the record the server returned.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.ids import ActionId
from bot.listeners.context import Interaction, spawn_reply_work
from bot.listeners.display import show_card, show_list
from bot.listeners.record_form import open_record_form
from bot.messages import StaleButton, record_label
from bot.operations import records
from bot.operations.records import ListRequest
from bot.rendering import decode_value, notice_message, record_card
from bot.scp import Module, validate_record_id

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)


PAGE_ACTIONS = {ActionId.PAGE_NEXT, ActionId.PAGE_PREVIOUS}


def _target(
    services: Services, action_id: ActionId, action: dict[str, Any]
) -> tuple[Module, dict[str, Any]]:
    """Read the module and record a button names, or raise ``StaleButton``."""
    raw = action.get("value") if isinstance(action, dict) else None
    try:
        value = decode_value(raw if isinstance(raw, str) else "")
    except ValueError as error:
        raise StaleButton("the button's value is not readable") from error
    module = services.catalog.get(str(value.get("m", "")))
    if module is None:
        raise StaleButton(f"the module {str(value.get('m'))[:40]!r} is not configured any more")

    if action_id in PAGE_ACTIONS:
        value["s"] = _page_start(value.get("s"))
        return module, value
    try:
        value["id"] = validate_record_id(value.get("id"))
    except ValueError as error:
        raise StaleButton("its record id is missing or invalid") from error
    return module, value


def _page_start(raw: Any) -> int:
    text = str(raw)
    return max(1, int(text)) if text.isascii() and text.isdigit() and len(text) < 10 else 1


def register(app: AsyncApp, services: Services) -> None:
    def on(action_id: ActionId, describe: str):
        def decorator(work):
            @app.action(action_id.value)
            async def handle(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
                await ack()
                interaction = Interaction.from_payload(body, services.web_client)
                logger.info(
                    "slack.action action=%s team=%s channel=%s user=%s",
                    action_id.value, interaction.team_id, interaction.channel_id,
                    interaction.user_id,
                )
                try:
                    module, value = _target(services, action_id, action)
                except StaleButton as error:
                    logger.warning(
                        "slack.action.invalid_value action=%s error=%s", action_id, error
                    )
                    spawn_reply_work(services, interaction, _raise(error), action=describe)
                    return
                label = record_label(module.display_singular, value.get("id", ""))
                spawn_reply_work(
                    services, interaction, work(interaction, module, value),
                    action=describe.format(label=label), record_label=label,
                    module_name=module.short_name,
                )

            return handle

        return decorator

    @on(ActionId.VIEW, "load {label}")
    async def view(interaction: Interaction, module: Module, value: dict[str, Any]) -> None:
        await show_card(services, interaction, module, value["id"], share=True)

    @on(ActionId.SHARE, "share {label}")
    async def share(interaction: Interaction, module: Module, value: dict[str, Any]) -> None:
        note = f"Shared by <@{interaction.user_id}>."
        await show_card(services, interaction, module, value["id"], in_channel=True, note=note)

    @on(ActionId.EDIT, "open {label}")
    async def edit(interaction: Interaction, module: Module, value: dict[str, Any]) -> None:
        await open_record_form(services, interaction, module, record_id=value["id"], replace=True)

    @on(ActionId.TRASH, "move {label} to the trash")
    async def trash(interaction: Interaction, module: Module, value: dict[str, Any]) -> None:
        actor = interaction.user_id
        record = await records.move_to_trash(services, module, value["id"], actor=actor)
        card = record_card(
            module, record, link=module.link_for(record.id),
            note=f"Moved to the trash by <@{actor}>.",
        )
        await interaction.reply(card, replace=True)

    @on(ActionId.RESTORE, "restore {label}")
    async def restore(interaction: Interaction, module: Module, value: dict[str, Any]) -> None:
        actor = interaction.user_id
        record = await records.restore(services, module, value["id"], actor=actor)
        card = record_card(
            module, record, link=module.link_for(record.id), note=f"Restored by <@{actor}>."
        )
        # A Restore button in the trash list refreshes the list; one on a card updates the card.
        if value.get("l"):
            await interaction.reply(card)
            await show_list(services, interaction, ListRequest(module, trash=True), replace=True)
        else:
            await interaction.reply(card, replace=True)

    @on(ActionId.DELETE, "delete {label}")
    async def delete(interaction: Interaction, module: Module, value: dict[str, Any]) -> None:
        await records.delete(services, module, value["id"], actor=interaction.user_id)
        label = record_label(module.display_singular, value["id"])
        notice = notice_message(f"{label} was deleted for good.", actor_user_id=interaction.user_id)
        await interaction.reply(notice, replace=True)

    async def page(interaction: Interaction, module: Module, value: dict[str, Any]) -> None:
        request = ListRequest(
            module,
            text=str(value.get("q", "")),
            trash=bool(value.get("t")),
            start_index=value["s"],
        )
        await show_list(services, interaction, request, replace=True)

    on(ActionId.PAGE_NEXT, "load the next page")(page)
    on(ActionId.PAGE_PREVIOUS, "load the previous page")(page)

    @app.action(ActionId.OPEN_LINK.value)
    async def open_link(ack: AsyncAck) -> None:
        # A link button still sends an action; it only needs an ack.
        await ack()


async def _raise(error: Exception) -> None:
    raise error
