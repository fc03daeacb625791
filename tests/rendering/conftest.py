"""Modules and records shared by the rendering tests, including hostile content."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.scp import DESCRIPTION_FIELD, TITLE_FIELD, Field, FieldKind, Module, Option, Record

HOSTILE = 'He said "hi" & <b>left</b>\n<!channel> <@U1> <!here|here> 🎉 > quote'
CREATED_MS = 1681729003728


def category_options(count: int) -> tuple[Option, ...]:
    return tuple(Option(str(3600 + index), f"Category {index}") for index in range(count))


def books_module(*, category_count: int = 3, record_url: str | None = None) -> Module:
    return Module(
        api_name="cm_books",
        singular="cm_book",
        display_name="Books",
        display_singular="Book",
        fields=[
            TITLE_FIELD,
            DESCRIPTION_FIELD,
            Field("sline_author", "Author", FieldKind.SINGLE_LINE, holder="cm_fields"),
            Field("pick_category", "Category", FieldKind.PICK_LIST, holder="cm_fields",
                  options=category_options(category_count)),
        ],
        record_url=record_url,
    )


def every_kind_module(pick_count: int = 5) -> Module:
    """A module with one field of every kind, all on the card and in the form."""
    fields = [TITLE_FIELD, DESCRIPTION_FIELD]
    for kind in FieldKind:
        options = category_options(pick_count) if kind.has_allowed_values else None
        fields.append(Field(f"f_{kind.value}", kind.value.replace("_", " ").title(), kind,
                            holder="cm_fields", options=options))
    return Module(api_name="cm_assets", singular="cm_asset", display_name="Assets",
                  display_singular="Asset", fields=fields)


def record_json(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "301",
        "title": "test",
        "description": "<div>test description</div>",
        "cm_fields": {"sline_author": "test author", "pick_category": {"name": "Category 1",
                                                                       "id": "3601"}},
        "created_time": {"value": str(CREATED_MS), "display_value": "17/04/2023 04:26 PM"},
        "created_by": {"name": "Demo", "id": "4"},
    }
    data.update(changes)
    return data


def every_kind_values(text: str) -> dict[str, Any]:
    """Values for every field of ``every_kind_module``, text kinds filled with ``text``."""
    return {
        "f_single_line": text, "f_multi_line": text, "f_html": f"<p>{text}</p>",
        "f_pick_list": {"name": text, "id": "3601"},
        "f_multi_select": [{"name": text, "id": "3601"}, {"name": "Category 2", "id": "3602"}],
        "f_lookup": {"name": text, "id": "9"},
        "f_integer": "12", "f_decimal": "10.50", "f_percentage": "12.5", "f_currency": "99.00",
        "f_date": {"value": str(CREATED_MS), "display_value": "17/04/2023"},
        "f_date_time": {"value": str(CREATED_MS), "display_value": "17/04/2023 04:26 PM"},
        "f_boolean": True, "f_email": text, "f_phone": text, "f_url": text,
    }


def all_strings(data: Any) -> Iterator[str]:
    """Yield every string inside a JSON-like value."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from all_strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from all_strings(item)


@pytest.fixture
def books() -> Module:
    return books_module(record_url="https://scp.example.com/custom/{module}/{id}")


@pytest.fixture
def book() -> Record:
    return Record.from_json(record_json())
