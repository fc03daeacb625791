"""``/scp subscribe``, ``unsubscribe`` and ``subscriptions``: the modules a channel follows.

    /scp subscribe <module> [filter] [events]
    /scp unsubscribe <module>
    /scp subscriptions

The filter uses the search grammar (``category=Fantasy``) and has at most 500 characters.
Its text searches need a letter or digit: a filter of commas or invisible characters is
rejected as a mistake.
Events are trailing words naming ``created``, ``edited``, ``trashed``, ``restored`` or
``deleted``, separated by spaces or commas; without any, all events are followed. Only
trailing words count as events, so a filter may still contain such a word, as in
``title~deleted created``. A trailing comma list that names an event and an unknown word
(``created,zzz``) is rejected as a mistyped event rather than read as a filter.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from bot.blockkit import validate_message
from bot.catalog import UnknownModule
from bot.notify import EVENTS, Subscription
from bot.operations.search import SEARCH_MAX_LENGTH, SearchSyntaxError, parse_search
from bot.rendering import error_message, notice_message, usage_message
from bot.rendering.environment import environment
from bot.rendering.text import SLACK_USER_ID_PATTERN
from bot.scp import Module

if TYPE_CHECKING:
    from bot.app import Services

# Sections left for subscriptions in the list, below Slack's 50 blocks per message.
MAX_LISTED = 45
# The same cap as a search, which the filter is.
FILTER_MAX_LENGTH = SEARCH_MAX_LENGTH
# The last group of letter words joined by commas (spaces around a comma allowed), at the
# end of the text and not glued to a filter term before it.
EVENT_GROUP_PATTERN = re.compile(r"(?<!\S)[A-Za-z]+(?:\s*,[\s,]*[A-Za-z]+)*[\s,]*$")
EVENT_SEPARATOR_PATTERN = re.compile(r"[\s,]+")


class _UsageError(Exception):
    pass


class UnknownEventError(ValueError):
    """A comma list of events with a word that is not an event. The message names it."""

    def __init__(self, unknown: list[str], group: str) -> None:
        self.unknown = unknown
        words = ", ".join(f"“{word}”" for word in unknown)
        super().__init__(f"Unknown event {words} in “{group}”. Events: {', '.join(EVENTS)}.")


async def handle_subscription_command(
    services: Services, *, subcommand: str, args: str, team_id: str, channel_id: str,
    user_id: str,
) -> dict[str, Any]:
    """Run a channel subcommand and return the (ephemeral) message to show the user."""
    if services.notifier is None:
        return error_message(
            "Notification threads are off in this bot.",
            "Ask the administrator to run the bot with notifications enabled.",
        )
    if not channel_id:
        return usage_message(f"`{subcommand}` works only in a channel.")

    try:
        if subcommand == "subscribe":
            return await _subscribe(services, args, team_id, channel_id, user_id)
        if subcommand == "unsubscribe":
            return await _unsubscribe(services, args, channel_id)
        if subcommand == "subscriptions":
            return await _list(services, channel_id)
    except UnknownModule as error:
        return usage_message(error.message)
    except _UsageError as error:
        return usage_message(str(error))
    return usage_message(f"Unknown channel command “{subcommand}”.")


async def _subscribe(
    services: Services, args: str, team_id: str, channel_id: str, user_id: str
) -> dict[str, Any]:
    module_name, _, rest = args.strip().partition(" ")
    if not module_name:
        raise _UsageError("`subscribe` needs a module, for example `subscribe books`.")
    module = services.catalog.resolve(module_name)
    try:
        filter_text, events = split_filter_and_events(rest)
    except UnknownEventError as error:
        raise _UsageError(str(error)) from error
    _check_filter(module, filter_text)

    subscription = Subscription(
        team_id=team_id, channel_id=channel_id, module=module.api_name,
        filter_text=filter_text, events=events or EVENTS, created_by=user_id,
    )
    created = await services.notifier.subscribe(subscription, module)

    records = f"{module.display_name} records matching {filter_text}" if filter_text else (
        f"all {module.display_name} records"
    )
    events_text = ", ".join(subscription.events)
    if created:
        first = f"This channel now follows {records} ({events_text})."
    else:
        first = f"This channel's subscription now follows {records} ({events_text})."
    return notice_message(
        f"{first} Each record gets one card here, and its changes go to the card's thread."
    )


async def _unsubscribe(services: Services, args: str, channel_id: str) -> dict[str, Any]:
    module_name, _, extra = args.strip().partition(" ")
    if not module_name:
        raise _UsageError("`unsubscribe` needs a module, for example `unsubscribe books`.")
    if extra.strip():
        raise _UsageError(f"`unsubscribe` takes only a module; got “{extra.strip()}” after it.")
    module = services.catalog.resolve(module_name)

    if await services.notifier.unsubscribe(channel_id, module):
        return notice_message(f"This channel no longer follows {module.display_name}.")
    return notice_message(f"This channel does not follow {module.display_name}; nothing changed.")


async def _list(services: Services, channel_id: str) -> dict[str, Any]:
    subscriptions = await services.notifier.subscriptions(channel_id)
    items = [_list_item(services, subscription) for subscription in subscriptions]
    payload = json.loads(environment().get_template("subscriptions.j2").render(
        subscriptions=items, max_shown=MAX_LISTED, command="/scp",
        fallback=f"This channel follows {len(items)} module(s).",
    ))
    validate_message(payload, check_lengths_utf16=True)
    return payload


def _list_item(services: Services, subscription: Subscription) -> dict[str, Any]:
    module = services.catalog.get(subscription.module)
    creator = subscription.created_by
    return {
        "module_label": module.display_name if module else subscription.module,
        "short_name": module.short_name if module else subscription.module,
        "filter_text": subscription.filter_text,
        "events": list(subscription.events),
        "created_by_mention": f"<@{creator}>" if SLACK_USER_ID_PATTERN.fullmatch(creator) else "",
        "paused_note": _paused_note(subscription, module.short_name if module else None),
    }


def _paused_note(subscription: Subscription, short_name: str | None) -> str:
    """Return why the subscription is paused and how to resume it, or "" while it is active."""
    if not subscription.paused_error:
        return ""
    again = f"`/scp subscribe {short_name or subscription.module}` again"
    if subscription.paused_error in ("is_archived", "channel_is_archived"):
        return f"paused: this channel is archived. Unarchive it, then run {again}."
    if subscription.paused_error in ("channel_not_found", "not_in_channel"):
        return (
            "paused: the bot is not in this channel. Invite it with `/invite @` and the bot's "
            f"name, then run {again}."
        )
    return f"paused after the Slack error {subscription.paused_error}. Fix it, then run {again}."


def split_filter_and_events(text: str) -> tuple[str, tuple[str, ...]]:
    """Split ``category=Fantasy created, edited`` into the filter and the trailing events.

    Raises UnknownEventError for a trailing comma list that mixes events and other words.
    """
    events: set[str] = set()
    filter_end = len(text)
    while (group := EVENT_GROUP_PATTERN.search(text, 0, filter_end)) is not None:
        words = [word for word in EVENT_SEPARATOR_PATTERN.split(group.group()) if word]
        unknown = [word for word in words if word.lower() not in EVENTS]
        if unknown and len(unknown) < len(words) and "," in group.group():
            raise UnknownEventError(unknown, group.group().strip().rstrip(","))
        if unknown:
            break
        events.update(word.lower() for word in words)
        filter_end = group.start()
    return text[:filter_end].strip(), tuple(name for name in EVENTS if name in events)


def _check_filter(module: Module, filter_text: str) -> None:
    if not filter_text:
        return
    if len(filter_text) > FILTER_MAX_LENGTH:
        raise _UsageError(
            f"A filter can be at most {FILTER_MAX_LENGTH} characters long, and this one has "
            f"{len(filter_text)}. Use fewer, more specific terms."
        )
    try:
        spec = parse_search(module, filter_text)
    except SearchSyntaxError as error:
        raise _UsageError(f"Invalid filter {error}") from error
    if spec.sort_field is not None:
        raise _UsageError("A filter selects records and cannot sort them; remove `sort:`, `asc` "
                          "or `desc`.")
    for criterion in spec.criteria:
        if criterion.condition == "contains" and not _has_letter_or_digit(criterion.value):
            raise _UsageError(
                f"Invalid filter: the text “{_visible(criterion.value or '')}” has no letter or "
                "digit, so it would select records by punctuation or invisible characters. "
                "Write words to look for, or a field term such as `category=Fantasy`."
            )


def _has_letter_or_digit(value: object) -> bool:
    return isinstance(value, str) and any(char.isalnum() for char in value)


def _visible(text: str) -> str:
    """Return ``text`` with each unprintable character, such as a zero-width space, as U+XXXX."""
    return "".join(
        char if char == " " or char.isprintable() else f"U+{ord(char):04X}" for char in text
    )
