"""The ``/scp`` slash command: ack at once, then run the parsed command in the background."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.command_grammar import CHANNEL_VERBS, Command, CommandError, Verb, parse_command
from bot.listeners.context import Interaction, spawn_reply_work
from bot.listeners.display import show_card, show_list, show_values
from bot.listeners.record_form import open_record_form
from bot.messages import record_label
from bot.operations import records
from bot.operations.records import ListRequest
from bot.rendering import help_message, record_card, usage_message
from bot.scp import validate_record_id

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)

COMMAND = "/scp"


def unescape_command_text(text: object) -> str:
    """Decode the three entities Slack escapes in command text: ``&amp;``, ``&lt;``, ``&gt;``.

    Searches use ``<`` and ``>`` (``created>2024-01-01``), which arrive as ``&gt;``.
    """
    if not isinstance(text, str):
        return ""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def register(app: AsyncApp, services: Services) -> None:
    @app.command(COMMAND)
    async def handle_scp_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        interaction = Interaction.from_command(body, services.web_client)
        text = unescape_command_text(body.get("text"))
        logger.info(
            "slack.command team=%s channel=%s user=%s text=%r",
            interaction.team_id, interaction.channel_id, interaction.user_id, text[:200],
        )
        spawn_reply_work(
            services, interaction, run_command(services, interaction, text),
            action="run the command",
        )


async def run_command(services: Services, interaction: Interaction, text: str) -> None:
    try:
        command = parse_command(text)
    except CommandError as error:
        await interaction.reply(usage_message(str(error), command=COMMAND))
        return

    if command.verb is Verb.HELP:
        await interaction.reply(help_message(services.catalog.modules, command=COMMAND))
        return
    if command.verb in CHANNEL_VERBS:
        await _run_channel_command(services, interaction, command)
        return

    module = services.catalog.resolve(command.module_name)
    label = record_label(module.display_singular, command.record_id) if command.record_id else ""
    try:
        if command.record_id:
            validate_record_id(command.record_id)
        await _run_module_command(services, interaction, module, command)
    except Exception as error:
        action = _ACTIONS[command.verb].format(
            label=label, plural=module.display_name.lower(), argument=command.argument[:50]
        )
        await interaction.reply_error(
            error, action=action, record_label=label, module_name=module.short_name
        )


_ACTIONS = {
    Verb.LIST: "list the {plural}",
    Verb.SEARCH: "search the {plural}",
    Verb.TRASHED: "list the {plural} in the trash",
    Verb.SHOW: "load {label}",
    Verb.VALUES: "load the values of {argument}",
    Verb.NEW: "open the form",
    Verb.EDIT: "open {label}",
    Verb.DELETE: "load {label}",
    Verb.TRASH: "move {label} to the trash",
    Verb.RESTORE: "restore {label}",
}


async def _run_module_command(
    services: Services, interaction: Interaction, module: Any, command: Command
) -> None:
    verb = command.verb
    if verb is Verb.LIST:
        await show_list(services, interaction, ListRequest(module))
    elif verb is Verb.SEARCH:
        await show_list(services, interaction, ListRequest(module, text=command.argument))
    elif verb is Verb.TRASHED:
        await show_list(services, interaction, ListRequest(module, trash=True))
    elif verb is Verb.SHOW:
        # Only the user sees the card until they press Share in channel.
        await show_card(services, interaction, module, command.record_id, share=True)
    elif verb is Verb.VALUES:
        await show_values(services, interaction, module, command.argument)
    elif verb is Verb.NEW:
        await open_record_form(services, interaction, module)
    elif verb is Verb.EDIT:
        await open_record_form(services, interaction, module, record_id=command.record_id)
    elif verb is Verb.DELETE:
        # Deleting is permanent, so the command shows the card and its Delete button, which
        # asks for confirmation, instead of deleting at once.
        record = await records.get_record(services, module, command.record_id)
        label = record_label(module.display_singular, record.id)
        note = (
            f"Press Delete to delete {label} for good."
            if record.is_trashed
            else f"{label} is not in the trash. Move it to the trash before deleting it."
        )
        await interaction.reply(
            record_card(module, record, link=module.link_for(record.id), note=note)
        )
    else:
        await _run_record_write(services, interaction, module, command)


async def _run_record_write(
    services: Services, interaction: Interaction, module: Any, command: Command
) -> None:
    actor = interaction.user_id
    if command.verb is Verb.TRASH:
        record = await records.move_to_trash(services, module, command.record_id, actor=actor)
        note = f"Moved to the trash by <@{actor}>."
    else:
        record = await records.restore(services, module, command.record_id, actor=actor)
        note = f"Restored by <@{actor}>."
    await interaction.reply(record_card(module, record, link=module.link_for(record.id), note=note))


async def _run_channel_command(
    services: Services, interaction: Interaction, command: Command
) -> None:
    from bot.listeners.subscriptions import handle_subscription_command

    args = " ".join(part for part in (command.module_name, command.argument) if part)
    message = await handle_subscription_command(
        services,
        subcommand=command.verb.value,
        args=args,
        team_id=interaction.team_id or "",
        channel_id=interaction.channel_id or "",
        user_id=interaction.user_id,
    )
    await interaction.reply(message)
