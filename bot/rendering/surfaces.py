"""Slack surfaces of the bot: each function prepares a template's context and renders it.

Every function returns plain JSON data for the Web API that has already passed
``bot.blockkit``. A ``BlockKitError`` from here is a bug in a template, not a user error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.blockkit import BlockKitError, validate_message, validate_options, validate_view
from bot.ids import ActionId, CallbackId
from bot.rendering import text
from bot.rendering.environment import environment
from bot.rendering.form_inputs import build_input, choice_from_option
from bot.scp import Field, Module, Option, Page, Record

MAX_BUTTON_VALUE = 2000
MAX_PRIVATE_METADATA = 3000
MAX_LIST_ROWS = 20
MAX_OPTIONS = 100
# Blocks a card spends besides its field sections: header, "more fields", description,
# context, note and actions.
MAX_CARD_FIELD_SECTIONS = 50 - 6
FIELDS_PER_SECTION = 10
# Room for the lines of a values or help section, below the 3000-character section limit.
SECTION_BUDGET = 2900
MAX_VALUE_SECTIONS = 45
MAX_THREAD_CHANGES = 5

EVENT_LABELS: dict[str, str] = {
    "created": "Created",
    "edited": "Edited",
    "trashed": "Moved to trash",
    "restored": "Restored",
    "deleted": "Deleted",
    "left_filter": "No longer matches this channel's filter",
    "entered_filter": "Now matches this channel's filter",
}


# Button values -------------------------------------------------------------------------


def encode_value(**items: str | int | bool | None) -> str:
    """Encode a button value as compact JSON; items that are None are left out.

    Keys in use: ``m`` module API name, ``id`` record id, ``q`` search text, ``s`` start index
    and ``t`` trash flag (1). Raises ValueError when the result exceeds Slack's 2000-character
    button value limit.
    """
    data = {key: value for key, value in items.items() if value is not None}
    encoded = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if text.utf16_length(encoded) > MAX_BUTTON_VALUE:
        raise ValueError(f"button value has more than {MAX_BUTTON_VALUE} characters")
    return encoded


def decode_value(value: str) -> dict[str, str | int | bool]:
    """Decode a value made by ``encode_value``.

    Raises ValueError for anything else: text that is not JSON, JSON that is not an object,
    or an object holding lists, objects or null.
    """
    if not isinstance(value, str) or text.utf16_length(value) > MAX_BUTTON_VALUE:
        raise ValueError("button value is not a string of at most 2000 characters")
    try:
        data = json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(f"button value is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise ValueError("button value is not a JSON object")
    for key, item in data.items():
        if not isinstance(item, str | int | bool) or isinstance(item, float):
            raise ValueError(f"button value item {key!r} is not a string, number or boolean")
    return data


# Rendering -----------------------------------------------------------------------------


def _render(template_name: str, **context: Any) -> Any:
    rendered = environment().get_template(template_name).render(
        action_ids=ActionId, **context
    )
    try:
        return json.loads(rendered)
    except json.JSONDecodeError as error:
        problem = f"{template_name}: the template wrote invalid JSON: {error}"
        raise BlockKitError([problem]) from None


def _message(template_name: str, **context: Any) -> dict[str, Any]:
    payload = _render(template_name, **context)
    validate_message(payload, check_lengths_utf16=True)
    return payload


def _view(template_name: str, **context: Any) -> dict[str, Any]:
    view = _render(template_name, **context)
    validate_view(view, check_lengths_utf16=True)
    return view


def _lower_first(name: str) -> str:
    """Lowercase a display name for use inside a sentence, unless it starts with an acronym."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _chunks(lines: Iterable[str], budget: int, max_chunks: int) -> tuple[list[list[str]], int]:
    """Group lines into chunks of at most ``budget`` characters; return them and the rest."""
    chunks: list[list[str]] = []
    size = budget + 1
    left_out = 0
    for line in lines:
        length = text.utf16_length(line) + 1
        if size + length > budget:
            if len(chunks) == max_chunks:
                left_out += 1
                continue
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += length
    return chunks, left_out


def _http_link(link: str | None) -> str | None:
    target = text.safe_link_target(link) if link else None
    return target if target and target.lower().startswith(("http://", "https://")) else None


# Records -------------------------------------------------------------------------------


def record_card(
    module: Module, record: Record, *, link: str | None = None, note: str | None = None,
    share: bool = False,
) -> dict[str, Any]:
    """Render a record as a message with its description, fields and buttons.

    ``note`` is mrkdwn written by the bot (such as "Updated by <@U123>"); record or user text
    in it must be escaped with ``escape_mrkdwn`` first. Broadcast mentions in it are escaped.
    ``share`` adds a button that posts the card for the whole channel to see.
    """
    fields = module.fields_for_card()
    groups = [
        fields[start:start + FIELDS_PER_SECTION]
        for start in range(0, len(fields), FIELDS_PER_SECTION)
    ]
    shown = groups[:MAX_CARD_FIELD_SECTIONS]
    hidden_field_count = sum(len(group) for group in groups[MAX_CARD_FIELD_SECTIONS:])
    label = f"{module.display_singular} {record.id}"
    return _message(
        "card.j2",
        module=module,
        record=record,
        heading=record.title.strip() or label,
        field_groups=shown,
        hidden_field_count=hidden_field_count,
        note=note or None,
        link=_http_link(link),
        share=share,
        value=encode_value(m=module.api_name, id=record.id),
        fallback=f"{label}: {record.title}" if record.title.strip() else label,
    )


def _list_heading(module: Module, query_text: str, trash: bool) -> str:
    if trash:
        return f"{module.display_name} in the trash"
    if query_text:
        return f"{module.display_name} matching “{text.cut(query_text, 100)}”"
    return module.display_name


def _paging_value(module: Module, query_text: str, trash: bool, start: int) -> str:
    """Encode a paging button, cutting the search text until the value fits."""
    query = query_text
    while True:
        try:
            return encode_value(m=module.api_name, q=query or None, t=1 if trash else None,
                                s=start)
        except ValueError:
            if not query:
                raise
            # NOTE: a search text this long (near 2000 characters) is cut, so the next page
            # runs a shorter search than the first one.
            query = query[: len(query) * 9 // 10]


def record_list(
    module: Module,
    page: Page,
    *,
    query_text: str = "",
    trash: bool = False,
    row_count: int = 10,
) -> dict[str, Any]:
    """Render a page of records (or of the trash) with View/Restore and paging buttons.

    At most 20 records are shown so that the message stays under 50 blocks. ``row_count``
    is the page size, used to compute the start of the previous page.
    """
    row_count = max(1, min(row_count, MAX_LIST_ROWS))
    shown = page.records[:MAX_LIST_ROWS]
    list_fields = module.fields_for_list()[:2]
    rows = [
        # ``l`` marks a Restore button of the trash list, which refreshes the list when pressed.
        {"record": record, "fields": list_fields,
         "value": encode_value(m=module.api_name, id=record.id, l=1 if trash else None)}
        for record in shown
    ]

    end = page.start_index + len(shown) - 1
    showing = f"Showing {page.start_index:,}–{end:,}"
    if page.total_count is not None:
        showing += f" of {page.total_count:,}"
    has_more = page.has_more_rows or len(page.records) > len(shown)

    previous_value = None
    if page.start_index > 1:
        previous_start = max(1, page.start_index - row_count)
        previous_value = _paging_value(module, query_text, trash, previous_start)
    next_value = None
    if has_more:
        next_value = _paging_value(module, query_text, trash, page.start_index + len(shown))

    heading = _list_heading(module, query_text, trash)
    empty_text = (
        "The trash is empty." if trash else f"No {_lower_first(module.display_name)} found."
    )
    return _message(
        "list.j2",
        module=module,
        heading=heading,
        rows=rows,
        trash=trash,
        empty_text=empty_text,
        showing=showing,
        previous_value=previous_value,
        next_value=next_value,
        fallback=f"{heading}: {showing}" if rows else f"{heading}: {empty_text}",
    )


def record_form(
    module: Module,
    *,
    record: Record | None = None,
    fields: Sequence[Field] | None = None,
    options: Mapping[str, Sequence[Option]] | None = None,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    private_metadata: str = "",
    record_id: str | None = None,
) -> dict[str, Any]:
    """Render the add (``record`` and ``record_id`` None) or edit modal.

    ``options`` maps a field name to its allowed values and wins over ``Field.options``.
    ``values`` maps a field name to what the user submitted, in the shape of Slack's view
    state (``{"value": ...}``, ``{"selected_option": ...}`` ...), to show a rejected form
    again. Of ``errors`` only the general ``"_form"`` message is shown, because Slack shows
    per-field errors from the ``response_action``. Raises ValueError when
    ``private_metadata`` exceeds 3000 characters.
    """
    if text.utf16_length(private_metadata) > MAX_PRIVATE_METADATA:
        raise ValueError(f"private_metadata has more than {MAX_PRIVATE_METADATA} characters")

    form_fields = list(fields) if fields is not None else module.fields_for_form()
    inputs = []
    for field_spec in form_fields:
        if options is not None and field_spec.name in options:
            allowed = options[field_spec.name]
        else:
            allowed = field_spec.options
        typed = values.get(field_spec.name) if values else None
        inputs.append(build_input(field_spec, record, typed, allowed))

    editing_id = record.id if record is not None else record_id
    if editing_id is None:
        title, submit_label = f"New {module.display_singular}", "Add"
    else:
        title, submit_label = f"Edit {module.display_singular} {editing_id}", "Save"
    return _view(
        "record_form.j2",
        title=title,
        submit_label=submit_label,
        callback_id=CallbackId.RECORD_FORM,
        private_metadata=private_metadata,
        form_error=(errors or {}).get("_form"),
        inputs=inputs,
    )


def loading_view(title: str, *, activity: str = "Loading…") -> dict[str, Any]:
    """Render a modal that shows ``activity`` while the form is prepared or saved."""
    return _view("loading.j2", title=title, callback_id=CallbackId.LOADING, activity=activity)


# Help and short messages ---------------------------------------------------------------


def help_message(modules: Sequence[Module], *, command: str = "/scp") -> dict[str, Any]:
    """Render the usage of every command, the search grammar and the configured modules."""
    lines = [
        f"• *{text.escape_mrkdwn(text.cut(module.display_name, 200))}*: "
        f"`{text.escape_mrkdwn(module.short_name)}` or `{text.escape_mrkdwn(module.api_name)}`"
        for module in modules
    ]
    chunks, left_out = _chunks(lines, SECTION_BUDGET, 40)
    if left_out:
        chunks[-1].append(f"… and {left_out:,} more")
    return _message("help.j2", command=command, problem=None, module_chunks=chunks)


def usage_message(problem: str, *, command: str = "/scp") -> dict[str, Any]:
    """Render a problem with the command the user typed, followed by a short usage."""
    return _message("help.j2", command=command, problem=problem, module_chunks=[])


def error_message(
    what_failed: str, what_to_do: str, *, error_id: str | None = None
) -> dict[str, Any]:
    """Render a short error: what failed, what to do next, and an optional error id."""
    return _message(
        "error.j2", what_failed=what_failed, what_to_do=what_to_do, error_id=error_id
    )


def notice_message(notice: str, *, actor_user_id: str | None = None) -> dict[str, Any]:
    """Render a one-line confirmation such as "Record 302 deleted.", naming who did it."""
    if actor_user_id and not text.SLACK_USER_ID_PATTERN.fullmatch(actor_user_id):
        actor_user_id = None
    return _message("notice.j2", text=notice, actor_user_id=actor_user_id)


def message_view(title: str, message: Mapping[str, Any]) -> dict[str, Any]:
    """Render a modal that shows the blocks of ``message`` (an error, a notice) and Close."""
    return _view(
        "message_view.j2", title=title, blocks=list(message["blocks"]),
        callback_id=CallbackId.MESSAGE,
    )


def values_message(
    module: Module, field: Field, options: Sequence[Option], *, total: int | None = None,
    query: str = "", narrow_hint: str = "",
) -> dict[str, Any]:
    """Render the allowed values of a field, or those matching ``query``.

    ``total`` is the number of values (or matches) when ``options`` holds only some of them;
    ``narrow_hint`` tells the user how to see fewer.
    """
    lines = [
        text.cut(f"• {text.escape_mrkdwn(option.name or option.id)}", 300) for option in options
    ]
    chunks, left_out = _chunks(lines, SECTION_BUDGET, MAX_VALUE_SECTIONS)
    beyond_list = max(0, total - len(options)) if total is not None else 0
    return _message(
        "values.j2",
        module=module,
        field=field,
        chunks=chunks,
        hidden_count=left_out + beyond_list,
        total=total,
        query=query,
        narrow_hint=narrow_hint,
        fallback_names=[option.name for option in options[:50]],
    )


def option_list(
    options: Sequence[Option], *, hint: str | None = None, has_more: bool = False
) -> dict[str, Any]:
    """Render the response to a block_suggestion request, at most 100 options.

    When ``hint`` is given and more values match than are shown (more than 100 options, or
    ``has_more``), the options sit in one group labelled with the hint.
    """
    choices = [choice_from_option(option) for option in options[:MAX_OPTIONS]]
    more = has_more or len(options) > MAX_OPTIONS
    group_label = hint if hint and more and choices else None
    response = _render("options.j2", choices=choices, group_label=group_label)
    validate_options(response, check_lengths_utf16=True)
    return response


# Notification threads ------------------------------------------------------------------


class Change(NamedTuple):
    """One changed field: the field (or just its label), the old and the new value."""

    field: Field | str
    old: Any
    new: Any


@dataclass(frozen=True)
class _ChangeLine:
    label: str
    field: Field | None
    old: Any
    new: Any


def _change_line(change: Change | tuple[Any, Any, Any]) -> _ChangeLine:
    field_or_label, old, new = change
    if isinstance(field_or_label, Field):
        return _ChangeLine(field_or_label.label, field_or_label, old, new)
    return _ChangeLine(str(field_or_label), None, old, new)


def thread_line(
    event: str,
    *,
    actor: str | None = None,
    actor_user_id: str | None = None,
    changes: Iterable[Change | tuple[Any, Any, Any]] = (),
    when_ms: int | None = None,
    record_label: str = "",
) -> dict[str, Any]:
    """Render one line of a record's notification thread.

    ``event`` is one of ``EVENT_LABELS``; an unknown event is shown as given. ``actor`` is a
    name from SupportCenter Plus (escaped); ``actor_user_id`` a Slack user id, shown as a
    mention. Each change is ``(field or label, old, new)``; at most five are listed.
    """
    event_label = EVENT_LABELS.get(event, event.replace("_", " ").capitalize() or "Changed")
    if actor_user_id and text.SLACK_USER_ID_PATTERN.fullmatch(actor_user_id):
        actor_mrkdwn = f"<@{actor_user_id}>"
    else:
        actor_mrkdwn = text.escape_mrkdwn(text.cut(actor, 200)) if actor else ""

    lines = [_change_line(change) for change in changes]
    shown = lines[:MAX_THREAD_CHANGES]
    fallback = " ".join(part for part in (event_label, record_label) if part)
    if actor:
        fallback += f" by {actor}"
    return _message(
        "thread_line.j2",
        event_label=event_label,
        record_label=record_label,
        actor_mrkdwn=actor_mrkdwn,
        changes=shown,
        more_changes=len(lines) - len(shown),
        when_ms=when_ms,
        fallback=fallback,
    )
