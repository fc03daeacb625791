"""Module names people type, and the admin's config file."""

from __future__ import annotations

import pytest

from bot.catalog import ModuleCatalog, UnknownModule
from bot.config import BotConfig, ConfigError, apply_overrides
from bot.scp import DESCRIPTION_FIELD, TITLE_FIELD, Field, FieldKind, Module


def books() -> Module:
    return Module(
        api_name="cm_books", singular="cm_book", display_name="Books", display_singular="Book",
        fields=[
            TITLE_FIELD, DESCRIPTION_FIELD,
            Field("sline_author", "Author", FieldKind.SINGLE_LINE, holder="cm_fields"),
            Field("pick_category", "Category", FieldKind.PICK_LIST, holder="cm_fields"),
        ],
    )


def library_books() -> Module:
    return Module(
        api_name="cm_library_books", singular="cm_library_book",
        display_name="Library books", display_singular="Library book",
    )


@pytest.mark.parametrize("name", ["cm_books", "books", "BOOKS", "book", "cm_book", "Books", "Book"])
def test_resolve_names(name):
    catalog = ModuleCatalog([books(), library_books()])

    assert catalog.resolve(name).api_name == "cm_books"


@pytest.mark.parametrize("name", ["library_books", "Library books", "librarybooks", "library_book"])
def test_resolve_display_names_with_spaces(name):
    catalog = ModuleCatalog([books(), library_books()])

    assert catalog.resolve(name).api_name == "cm_library_books"


def test_unknown_name_lists_choices():
    catalog = ModuleCatalog([books(), library_books()])

    with pytest.raises(UnknownModule) as caught:
        catalog.resolve("films")

    assert "`books` (Books)" in caught.value.message
    assert "`library_books` (Library books)" in caught.value.message


def test_ambiguous_name_lists_matches():
    other = Module(api_name="cm_book_notes", singular="cm_book_note",
                   display_name="Book", display_singular="Book note")
    catalog = ModuleCatalog([books(), other])

    with pytest.raises(UnknownModule) as caught:
        catalog.resolve("book")

    assert caught.value.ambiguous is True
    assert "several modules" in caught.value.message


def test_overrides_apply():
    config = BotConfig.from_dict({
        "modules": {
            "cm_books": {
                "display_name": "Library",
                "record_url": "https://help.example.com/books/{id}",
                "field_order": ["pick_category", "title"],
                "card_fields": ["pick_category"],
                "fields": {
                    "sline_author": {"label": "Writer", "required": True},
                    "description": {"hidden": True},
                },
            }
        }
    })
    module = books()

    applied = apply_overrides(module, config.modules["cm_books"])

    assert module.display_name == "Library"
    assert module.link_for("301") == "https://help.example.com/books/301"
    assert [f.name for f in module.fields][:2] == ["pick_category", "title"]
    assert module.field("sline_author").label == "Writer"
    assert module.field("sline_author").required is True
    assert [f.name for f in module.fields_for_card()] == ["pick_category"]
    assert "description" not in [f.name for f in module.fields_for_form()]
    assert len(applied) >= 5


def test_override_of_unknown_field_is_rejected():
    config = BotConfig.from_dict({"modules": {"cm_books": {"card_fields": ["isbn"]}}})

    with pytest.raises(ConfigError, match="unknown fields"):
        apply_overrides(books(), config.modules["cm_books"])


def test_unknown_config_key_is_rejected():
    with pytest.raises(ConfigError, match="colour"):
        BotConfig.from_dict({"modules": {"cm_books": {"colour": "red"}}})


def test_config_file_is_read(tmp_path):
    path = tmp_path / "bot.toml"
    path.write_text('[modules.cm_books.fields.sline_author]\nlabel = "Writer"\n')

    config = BotConfig.load(path)

    assert config.modules["cm_books"].fields == {"sline_author": {"label": "Writer"}}
