"""The grammar of the ``/scp`` slash command, parsed into a ``Command``.

    /scp help
    /scp <module>                      list
    /scp <module> search <text>        search (see bot.operations.search for the terms)
    /scp <module> <id>                 show one record
    /scp <module> new | edit <id> | trash <id> | restore <id> | delete <id>
    /scp <module> trashed | values <field>
    /scp subscribe <module> [filter] [events] | unsubscribe <module> | subscriptions
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verb(StrEnum):
    HELP = "help"
    LIST = "list"
    SEARCH = "search"
    SHOW = "show"
    NEW = "new"
    EDIT = "edit"
    TRASH = "trash"
    RESTORE = "restore"
    DELETE = "delete"
    TRASHED = "trashed"
    VALUES = "values"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    SUBSCRIPTIONS = "subscriptions"


RECORD_VERBS = {Verb.EDIT, Verb.TRASH, Verb.RESTORE, Verb.DELETE}
CHANNEL_VERBS = {Verb.SUBSCRIBE, Verb.UNSUBSCRIBE, Verb.SUBSCRIPTIONS}
_ALIASES = {
    "add": Verb.NEW, "create": Verb.NEW, "find": Verb.SEARCH, "trash-list": Verb.TRASHED,
    "list": Verb.LIST, "show": Verb.SHOW,
}


@dataclass(frozen=True)
class Command:
    verb: Verb
    module_name: str = ""
    record_id: str = ""
    argument: str = ""


class CommandError(ValueError):
    """The text does not follow the grammar; the message names what is wrong."""


def parse_command(text: str) -> Command:
    words = text.strip().split(None, 2)
    if not words or words[0].lower() in ("help", "?", "-h", "--help"):
        return Command(Verb.HELP)

    first = words[0].lower()
    rest = text.strip()[len(words[0]):].strip()
    if first in CHANNEL_VERBS:
        return _channel_command(Verb(first), rest)

    module_name = words[0]
    if len(words) == 1:
        return Command(Verb.LIST, module_name)

    second = words[1].lower()
    argument = words[2].strip() if len(words) > 2 else ""
    if second.isdigit():
        if argument:
            raise CommandError(f"Unexpected text after the record id: “{argument}”.")
        return Command(Verb.SHOW, module_name, record_id=words[1])

    verb = _ALIASES.get(second) or (Verb(second) if second in Verb.__members__.values() else None)
    if verb is None or verb in CHANNEL_VERBS or verb is Verb.HELP:
        raise CommandError(f"Unknown command “{words[1]}” for {module_name}.")
    return _module_command(verb, module_name, argument)


def _module_command(verb: Verb, module_name: str, argument: str) -> Command:
    if verb in RECORD_VERBS or verb is Verb.SHOW:
        if not argument:
            raise CommandError(f"`{verb}` needs a record id, for example `{verb} 301`.")
        record_id, _, extra = argument.partition(" ")
        if extra.strip():
            raise CommandError(f"Unexpected text after the record id: “{extra.strip()}”.")
        return Command(verb, module_name, record_id=record_id)

    if verb is Verb.SEARCH:
        if not argument:
            raise CommandError(
                "`search` needs something to look for, for example `search rowling`."
            )
        return Command(verb, module_name, argument=argument)

    if verb is Verb.VALUES:
        if not argument:
            raise CommandError("`values` needs a field name, for example `values category`.")
        return Command(verb, module_name, argument=argument)

    if argument:
        raise CommandError(f"`{verb}` takes nothing after it; got “{argument}”.")
    return Command(verb, module_name)


def _channel_command(verb: Verb, rest: str) -> Command:
    if verb is Verb.SUBSCRIPTIONS:
        if rest:
            raise CommandError("`subscriptions` takes nothing after it.")
        return Command(verb)
    if not rest:
        raise CommandError(f"`{verb}` needs a module, for example `{verb} books`.")
    module_name, _, argument = rest.partition(" ")
    return Command(verb, module_name, argument=argument.strip())
