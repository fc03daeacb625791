"""Type-ahead for pick lists too long for a static select (``block_suggestion``).

The options must be in the ack, within 3 seconds, so they come from the pick-list cache.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.ids import ActionId, field_name_from_block_id
from bot.listeners.record_form import read_metadata
from bot.rendering import option_list

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)

MAX_OPTIONS = 100


def register(app: AsyncApp, services: Services) -> None:
    @app.options(ActionId.FIELD_VALUE.value)
    async def suggest_values(ack: AsyncAck, body: dict[str, Any]) -> None:
        metadata = read_metadata((body.get("view") or {}).get("private_metadata", ""))
        module = services.catalog.get(str(metadata.get("m", "")))
        field_name = field_name_from_block_id(body.get("block_id", ""))
        spec = module.field(field_name) if module and field_name else None
        if module is None or spec is None or not spec.kind.has_allowed_values:
            logger.warning("slack.options.unknown_field block=%s", body.get("block_id"))
            await ack(**option_list([]))
            return

        query = str(body.get("value") or "")[:100]
        matches = await services.picklists.suggest(module, spec, query, limit=MAX_OPTIONS)
        if matches.loading:
            # Slack shows no text with an empty list. The values go on loading in the
            # background, so they are there when the user types again.
            logger.info("slack.options.loading module=%s field=%s", module.api_name, spec.name)
        has_more = matches.total > len(matches.options)
        hint = f"{len(matches.options)} of {matches.total:,} matches. Type more to narrow."
        await ack(**option_list(matches.options, hint=hint if has_more else None,
                                has_more=has_more))
