"""Opening the add/edit modal inside Slack's 3-second trigger window.

A trigger_id expires about 3 seconds after the click, and SupportCenter Plus can be slower
than that. So the modal opens at once with a loading view. The record and the pick-list values
are read afterwards, and the view is updated in place.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from bot.listeners.context import Interaction
from bot.messages import describe_error, record_label
from bot.operations import records
from bot.rendering import error_message, loading_view, message_view, record_form
from bot.scp import Field, Module, Option, Record

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)


def form_metadata(
    module: Module, interaction: Interaction, *, record_id: str = "", replace: bool = False
) -> str:
    """Encode what the submit handler needs: module, record, where to show the result."""
    data = {
        "m": module.api_name,
        "id": record_id,
        "c": interaction.channel_id or "",
        "r": interaction.response_url or "",
        "replace": replace,
    }
    return json.dumps(data, separators=(",", ":"))


def read_metadata(private_metadata: Any) -> dict[str, Any]:
    """Decode the form's private_metadata; anything unreadable gives an empty dict."""
    if not isinstance(private_metadata, str):
        return {}
    try:
        data = json.loads(private_metadata or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def load_options(
    services: Services, module: Module, fields: list[Field]
) -> dict[str, list[Option]]:
    """Read the allowed values of every choice field of the form, concurrently."""
    choice_fields = [f for f in fields if f.kind.has_allowed_values]
    results = await asyncio.gather(
        *(services.picklists.options(module, f) for f in choice_fields), return_exceptions=True
    )
    options: dict[str, list[Option]] = {}
    for spec, result in zip(choice_fields, results, strict=True):
        if isinstance(result, BaseException):
            # The form still opens: the field falls back to a text input for the exact value.
            logger.warning(
                "form.options.failed module=%s field=%s error=%s",
                module.api_name, spec.name, result,
            )
            options[spec.name] = []
        else:
            options[spec.name] = result
    return options


async def open_record_form(
    services: Services,
    interaction: Interaction,
    module: Module,
    *,
    record_id: str = "",
    replace: bool = False,
) -> None:
    """Open the loading modal, then fill it with the form for a new or existing record."""
    verb = "Edit" if record_id else "New"
    title = f"{verb} {module.display_singular}"
    opened = await services.web_client.views_open(
        trigger_id=interaction.trigger_id, view=loading_view(title)
    )
    view_id = opened["view"]["id"]
    metadata = form_metadata(module, interaction, record_id=record_id, replace=replace)

    try:
        record: Record | None = None
        if record_id:
            record = await records.get_record(services, module, record_id)
            records.ensure_not_trashed(module, record)
        fields = module.fields_for_form()
        options = await load_options(services, module, fields)
        view = record_form(
            module, record=record, fields=fields, options=options, private_metadata=metadata
        )
    except Exception as error:
        label = record_label(module.display_singular, record_id) if record_id else ""
        text = describe_error(error, action=f"open the {module.display_singular} form",
                              record_label=label)
        message = error_message(text.what_failed, text.what_to_do, error_id=text.error_id)
        await services.web_client.views_update(view_id=view_id, view=message_view(title, message))
        return

    await services.web_client.views_update(view_id=view_id, view=view)

