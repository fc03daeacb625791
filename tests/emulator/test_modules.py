"""Module definitions: the built-in modules and loading definitions from JSON or TOML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import (
    DefinitionError,
    EmulatorState,
    FieldKind,
    builtin_modules,
    load_modules,
)

from .conftest import StartEmulator

LIBRARY = {
    "modules": [
        {
            "api_plural_name": "cm_loans",
            "api_name": "cm_loan",
            "display_name": "Loans",
            "display_name_singular": "Loan",
            "fields": [
                {"api_name": "sline_borrower", "display_name": "Borrower", "mandatory": True},
                {
                    "api_name": "pick_state",
                    "flat_name": "loan_state",
                    "allowed_values": ["Open", {"name": "Returned", "id": "10001"}, "Lost"],
                },
                {"api_name": "due", "kind": "date", "display_name": "Due"},
            ],
            "records": [
                {
                    "id": "7",
                    "title": "First loan",
                    "cm_fields": {"sline_borrower": "Ada", "pick_state": {"name": "Open"}},
                    "created_time": "1700000000000",
                    "created_by": "Librarian",
                },
                {"title": "Second loan", "borrower": "Grace"},
            ],
        }
    ]
}

LIBRARY_TOML = """
[[modules]]
api_plural_name = "cm_loans"
api_name = "cm_loan"
display_name = "Loans"

[[modules.fields]]
api_name = "sline_borrower"
display_name = "Borrower"
mandatory = true

[[modules.fields]]
api_name = "pick_state"
flat_name = "loan_state"
allowed_values = ["Open", "Returned"]

[[modules.records]]
id = "7"
title = "First loan"
created_time = "1700000000000"

[modules.records.cm_fields]
sline_borrower = "Ada"
pick_state = { name = "Open" }
"""


def write_json(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "modules.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_builtin_books_and_assets() -> None:
    books, assets = builtin_modules()

    assert (books.api_plural_name, books.api_name) == ("cm_books", "cm_book")
    assert (books.display_name, books.display_name_singular) == ("Books", "Book")
    assert books.first_id == 302
    assert assets.first_id == 604
    assert len(assets.fields_by_api_name["pick_model"].allowed_values) == 1500
    assert {item.kind for item in assets.fields} == set(FieldKind)


def test_load_json_definitions(tmp_path: Path) -> None:
    (loans,) = load_modules(write_json(tmp_path, LIBRARY))

    borrower, state, due = loans.fields
    assert borrower.kind == FieldKind.SINGLE_LINE
    assert borrower.flat_name == "borrower"
    assert borrower.mandatory is True
    assert state.flat_name == "loan_state"
    assert [(value.name, value.id) for value in state.allowed_values] == [
        ("Open", "10000"),
        ("Returned", "10001"),
        ("Lost", "10002"),
    ]
    assert due.kind == FieldKind.DATE
    assert due.flat_name == "due"
    assert loans.first_id == 8


def test_load_toml_definitions(tmp_path: Path) -> None:
    path = tmp_path / "modules.toml"
    path.write_text(LIBRARY_TOML, encoding="utf-8")

    (loans,) = load_modules(path)

    assert loans.display_name_singular == "Loans"
    assert loans.fields_by_api_name["pick_state"].values_by_name["returned"].id == "10001"
    assert loans.seed_records[0]["cm_fields"]["pick_state"] == {"name": "Open"}


def test_include_builtin_keeps_sample_modules(tmp_path: Path) -> None:
    modules = load_modules(write_json(tmp_path, {**LIBRARY, "include_builtin": True}))

    assert [module.api_plural_name for module in modules] == ["cm_books", "cm_assets", "cm_loans"]


def with_field(**overrides: Any) -> dict[str, Any]:
    module = {**LIBRARY["modules"][0], "records": [], "fields": [overrides]}
    return {"modules": [module]}


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({}, "non-empty 'modules'"),
        ({"modules": [{"api_plural_name": "cm_x"}]}, "two different strings"),
        (with_field(display_name="No name"), "has no api_name"),
        (with_field(api_name="colour"), "give a kind"),
        (with_field(api_name="sline_a", kind="text"), "unknown kind"),
        (with_field(api_name="sline_a", allowed_values=["x"]), "only pick lists"),
        (with_field(api_name="pick_a", allowed_values=[1]), "neither a name nor an object"),
        (with_field(api_name="sline_title", flat_name="title"), "standard field name"),
        ({"modules": [{**LIBRARY["modules"][0], "records": [{"id": "x1"}]}]}, "not digits"),
        ({"modules": [LIBRARY["modules"][0], LIBRARY["modules"][0]]}, "share an api_plural_name"),
    ],
)
def test_invalid_definitions_rejected(tmp_path: Path, document: Any, fragment: str) -> None:
    with pytest.raises(DefinitionError, match=fragment):
        load_modules(write_json(tmp_path, document))


def test_duplicate_flat_names_rejected(tmp_path: Path) -> None:
    module = {
        **LIBRARY["modules"][0],
        "records": [],
        "fields": [{"api_name": "sline_a", "flat_name": "a"}, {"api_name": "num_a"}],
    }

    with pytest.raises(DefinitionError, match="same flat_name"):
        load_modules(write_json(tmp_path, {"modules": [module]}))


def test_invalid_seed_record_rejected(tmp_path: Path) -> None:
    module = {**LIBRARY["modules"][0], "records": [{"title": "No borrower"}]}
    (loans,) = load_modules(write_json(tmp_path, {"modules": [module]}))

    with pytest.raises(DefinitionError, match="seed record 1 of cm_loans is invalid"):
        EmulatorState([loans])


async def test_emulator_serves_loaded_module(tmp_path: Path, start_emulator: StartEmulator) -> None:
    modules = load_modules(write_json(tmp_path, LIBRARY))
    running = await start_emulator(modules=modules)

    body = await running.list_ok("cm_loans", get_total_count=True)
    first = body["cm_loans"][0]
    assert [record["id"] for record in body["cm_loans"]] == ["7", "8"]
    assert first["cm_fields"]["pick_state"] == {"name": "Open", "id": "10000"}
    assert first["created_by"]["name"] == "Librarian"
    assert body["cm_loans"][1]["cm_fields"]["sline_borrower"] == "Grace"

    created = await running.write("POST", "cm_loans", {"cm_loan": {"title": "x"}})
    assert created.json()["response_status"]["messages"][0]["fields"] == ["sline_borrower"]
    books = await running.client.get("/api/v3/cm_books")
    assert books.status_code == 404
