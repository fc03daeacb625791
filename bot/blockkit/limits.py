"""Block Kit limits, key sets and element types that the checks enforce."""

from __future__ import annotations

import re

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
# Slack truncates message text above 40,000 characters.
MAX_MESSAGE_TEXT = 40_000
MAX_OPTIONS = 100

BROADCAST_PATTERN = re.compile(r"<!(channel|here|everyone)\b[^>]*>", re.IGNORECASE)
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
NUMBER_PATTERN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
INTEGER_PATTERN = re.compile(r"[+-]?\d+")

MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage",
     "response_url"}
)
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})
OPTIONS_METHODS = frozenset({"block_suggestion", "options"})

PLAIN_TEXT_KEYS = frozenset({"type", "text", "emoji"})
MRKDWN_KEYS = frozenset({"type", "text", "verbatim"})
VIEW_KEYS = frozenset(
    {"type", "title", "blocks", "close", "submit", "private_metadata", "callback_id",
     "clear_on_close", "notify_on_close", "external_id", "submit_disabled"}
)
BLOCK_KEYS: dict[str, frozenset[str]] = {
    "section": frozenset({"type", "block_id", "text", "fields", "accessory", "expand"}),
    "header": frozenset({"type", "block_id", "text"}),
    "context": frozenset({"type", "block_id", "elements"}),
    "actions": frozenset({"type", "block_id", "elements"}),
    "divider": frozenset({"type", "block_id"}),
    "input": frozenset(
        {"type", "block_id", "label", "element", "hint", "optional", "dispatch_action"}
    ),
    "image": frozenset({"type", "block_id", "image_url", "slack_file", "alt_text", "title"}),
    "markdown": frozenset({"type", "block_id", "text"}),
}
# Block types that are accepted without a check of their inside.
OPAQUE_BLOCK_TYPES = frozenset({"rich_text", "video", "file", "table"})

_COMMON_ELEMENT_KEYS = frozenset({"type", "action_id", "focus_on_load"})
ELEMENT_KEYS: dict[str, frozenset[str]] = {
    "button": frozenset(
        {"type", "action_id", "text", "value", "url", "style", "confirm", "accessibility_label"}
    ),
    "static_select": _COMMON_ELEMENT_KEYS
    | {"placeholder", "options", "option_groups", "initial_option", "confirm"},
    "multi_static_select": _COMMON_ELEMENT_KEYS
    | {"placeholder", "options", "option_groups", "initial_options", "confirm",
       "max_selected_items"},
    "external_select": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_option", "min_query_length", "confirm"},
    "multi_external_select": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_options", "min_query_length", "confirm", "max_selected_items"},
    "plain_text_input": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_value", "multiline", "min_length", "max_length",
       "dispatch_action_config"},
    "number_input": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_value", "is_decimal_allowed", "min_value", "max_value",
       "dispatch_action_config"},
    "email_text_input": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_value", "dispatch_action_config"},
    "url_text_input": _COMMON_ELEMENT_KEYS
    | {"placeholder", "initial_value", "dispatch_action_config"},
    "datepicker": _COMMON_ELEMENT_KEYS | {"placeholder", "initial_date", "confirm"},
    "datetimepicker": _COMMON_ELEMENT_KEYS | {"initial_date_time", "confirm"},
    "timepicker": _COMMON_ELEMENT_KEYS | {"placeholder", "initial_time", "confirm", "timezone"},
    "checkboxes": _COMMON_ELEMENT_KEYS | {"options", "initial_options", "confirm"},
    "radio_buttons": _COMMON_ELEMENT_KEYS | {"options", "initial_option", "confirm"},
    "overflow": frozenset({"type", "action_id", "options", "confirm"}),
}
# Element types that are accepted with only their action_id checked.
OTHER_ELEMENT_TYPES = frozenset(
    {"users_select", "multi_users_select", "conversations_select", "multi_conversations_select",
     "channels_select", "multi_channels_select", "rich_text_input", "file_input",
     "workflow_button"}
)
INPUT_ELEMENT_TYPES = frozenset(ELEMENT_KEYS) - {"button", "overflow"} | OTHER_ELEMENT_TYPES
ACCESSORY_TYPES = frozenset(ELEMENT_KEYS) | OTHER_ELEMENT_TYPES | {"image"}
ACTIONS_ELEMENT_TYPES = frozenset(ELEMENT_KEYS) | OTHER_ELEMENT_TYPES
OPTION_LIMITS: dict[str, tuple[int, int]] = {
    # element type: (minimum, maximum) number of options
    "static_select": (1, 100),
    "multi_static_select": (1, 100),
    "checkboxes": (1, 10),
    "radio_buttons": (1, 10),
    "overflow": (1, 5),
}
