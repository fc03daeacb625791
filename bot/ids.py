"""Every action_id, block_id and callback_id the bot puts on a Slack surface.

Button values carry a compact JSON object (see ``bot.rendering.encode_value``) naming the
module and record, so a click needs no server-side session.
"""

from enum import StrEnum


class ActionId(StrEnum):
    VIEW = "record_view"
    EDIT = "record_edit"
    TRASH = "record_trash"
    RESTORE = "record_restore"
    DELETE = "record_delete"
    PAGE_PREVIOUS = "page_previous"
    PAGE_NEXT = "page_next"
    OPEN_LINK = "record_open_link"
    SHARE = "record_share"
    # The single input element inside each form field's input block.
    FIELD_VALUE = "value"


class CallbackId(StrEnum):
    RECORD_FORM = "record_form"
    LOADING = "record_form_loading"
    MESSAGE = "message"


FIELD_BLOCK_PREFIX = "field:"


def field_block_id(field_name: str) -> str:
    """Return the block_id of the input block that edits ``field_name`` in a record form."""
    return f"{FIELD_BLOCK_PREFIX}{field_name}"


def field_name_from_block_id(block_id: str) -> str | None:
    if block_id.startswith(FIELD_BLOCK_PREFIX):
        return block_id[len(FIELD_BLOCK_PREFIX):]
    return None
