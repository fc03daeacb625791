"""Validation of the final Block Kit JSON that the bot sends to Slack.

Two layers run over every payload:

1. slack_sdk's models (``Block.parse`` / ``View(**view)`` then ``to_dict()``), which check most
   length limits of slack_sdk 3.47.
2. A guard over the JSON itself for what those models miss (checked against slack_sdk 3.47).
   It checks option text and value lengths on dict options, empty option lists, duplicate
   block_id and action_id values and ``plain_text_input.max_length``. It also checks the
   2000-character section field, the 50-block message cap, unknown block types and keys, a
   view with inputs but no ``submit``, empty text objects and a missing ``text`` fallback.
   Broadcast mentions (``<!channel>``, ``<!here>``, ``<!everyone>``) are rejected too,
   because this bot never sends them on purpose.

Problems are reported with JSON-pointer paths such as ``/blocks/3/fields/0/text``.

The limits are in ``limits``, the guard in ``checker``, ``elements`` and ``blocks``, the
slack_sdk layer in ``sdk`` and the public checks in ``payloads``.
"""

from bot.blockkit.checker import BlockKitError
from bot.blockkit.payloads import (
    validate_message,
    validate_options,
    validate_payload,
    validate_view,
)

__all__ = [
    "BlockKitError",
    "validate_message",
    "validate_options",
    "validate_payload",
    "validate_view",
]
