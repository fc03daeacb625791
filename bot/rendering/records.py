"""Record surfaces: the card, the list page, the add and edit form, and allowed values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.ids import CallbackId
from bot.rendering import text
from bot.rendering.button_values import encode_value
from bot.rendering.form_inputs import build_input
from bot.rendering.render import SECTION_BUDGET, _chunks, _message, _view
from bot.scp import Field, Module, Option, Page, Record

MAX_PRIVATE_METADATA = 3000
MAX_LIST_ROWS = 20
# Blocks a card spends besides its field sections: header, "more fields", description,
# context, note and actions.
MAX_CARD_FIELD_SECTIONS = 50 - 6
FIELDS_PER_SECTION = 10
MAX_VALUE_SECTIONS = 45


def _lower_first(name: str) -> str:
    """Lowercase a display name for use inside a sentence, unless it starts with an acronym."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _http_link(link: str | None) -> str | None:
    target = text.safe_link_target(link) if link else None
    return target if target and target.lower().startswith(("http://", "https://")) else None


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
