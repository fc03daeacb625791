"""Built-in users and modules of the SupportCenter Plus emulator.

Two modules are built in:

- "Books" (``cm_books``): the sample module of the vendor's Custom Module API page, with
  record 301 exactly as the page shows it.
- "Assets" (``cm_assets``): one custom field of every kind, including a pick list with
  1,500 values, for tests of paging, search and value conversion.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.emulator.modules import (
    AllowedValue,
    FieldDef,
    FieldKind,
    ModuleDef,
)


def make_user(user_id: str, name: str, email: str = "", department: str = "Engineering") -> dict:
    """Build a user object in the shape of the vendor's ``created_by`` sample."""
    return {
        "email_id": email,
        "phone": "987654321",
        "name": name,
        "mobile": "987654321",
        "profile_pic": {"content-url": "/images/default-profile-pic2.svg"},
        "is_vipuser": False,
        "id": user_id,
        # The vendor sample has a numeric department id although every other id is a string.
        "department": {"site": None, "name": department, "id": 2},
    }


DEMO_USER_NAME = "Demo"

BUILTIN_USERS: tuple[dict, ...] = (
    make_user("10", DEMO_USER_NAME),
    make_user("11", "Priya Raman", "priya.raman@example.com"),
    make_user("12", "Jonas Berg", "jonas.berg@example.com", "Facilities"),
    make_user("13", "Maria Lopez", "maria.lopez@example.com", "Finance"),
)

USER_VALUES = tuple(AllowedValue(user["name"], user["id"]) for user in BUILTIN_USERS)


# Built-in modules --------------------------------------------------------------------


def _numbered_values(names: Iterable[str], first_id: int) -> tuple[AllowedValue, ...]:
    return tuple(AllowedValue(name, str(first_id + index)) for index, name in enumerate(names))


def _model_names(count: int = 1500) -> list[str]:
    """Generate ``count`` distinct asset model names, of which exactly six contain "fan".

    Four of the six start with "Fan" and two contain it inside a word, so tests can tell
    "contains" from "starts with". No generated brand or series contains "fan".
    """
    names = [
        "Fanless 1U",
        "Fanless 2U Edge",
        "Fantom X",
        "Fantom X2",
        "Cooling Fan Module",
        "Infante Workstation",
    ]
    brands = (
        "Apex Boreal Cobalt Delta Ember Falcon Granite Helix Ion Juniper "
        "Krypton Lumen Meridian Nimbus Orion Pulsar Quasar Raven Sierra Titan"
    ).split()
    series = "Edge Core Pro Max Mini Rack Tower Blade".split()
    generation = 1
    while len(names) < count:
        for brand in brands:
            for line in series:
                if len(names) < count:
                    names.append(f"{brand} {line} {generation}")
        generation += 1
    return names


def _books() -> ModuleDef:
    categories = _numbered_values(["Novel", "Classics", "Fantasy", "Humor and satire."], 3634)
    fields = (
        FieldDef("sline_author", "Author", FieldKind.SINGLE_LINE, "author"),
        FieldDef(
            "pick_category",
            "Category",
            FieldKind.PICK_LIST,
            "category",
            allowed_values=categories,
        ),
    )
    seed = {
        "id": "301",
        "title": "test",
        "description": "<div>test description</div>",
        "cm_fields": {"sline_author": "test author", "pick_category": {"id": "3634"}},
        "created_time": "1681729003728",
        "created_by": DEMO_USER_NAME,
    }
    return ModuleDef("cm_books", "cm_book", "Books", "Book", fields, (seed,), next_id=302)


ASSET_LOCATIONS = (
    "Berlin Office",
    "Chennai Office",
    "Data Center A",
    "Data Center B",
    "London Office",
    "Remote",
    "Storage Room",
    "Warehouse",
)
ASSET_TAGS = ("critical", "leased", "loaner", "spare", "refurbished")


def _asset_fields() -> tuple[FieldDef, ...]:
    models = _numbered_values(_model_names(), 5001)
    locations = _numbered_values(ASSET_LOCATIONS, 7001)
    tags = _numbered_values(ASSET_TAGS, 7101)
    kind = FieldKind
    return (
        FieldDef("sline_serial", "Serial Number", kind.SINGLE_LINE, "serial"),
        FieldDef("mline_notes", "Notes", kind.MULTI_LINE, "notes"),
        FieldDef("html_specs", "Specifications", kind.HTML, "specs"),
        FieldDef("pick_model", "Model", kind.PICK_LIST, "model", allowed_values=models),
        FieldDef("pick_location", "Location", kind.PICK_LIST, "location", allowed_values=locations),
        FieldDef("multi_tags", "Tags", kind.MULTI_SELECT, "tags", allowed_values=tags),
        FieldDef("num_quantity", "Quantity", kind.INTEGER, "quantity", mandatory=True),
        FieldDef("dec_weight", "Weight (kg)", kind.DECIMAL, "weight"),
        FieldDef("per_utilization", "Utilization", kind.PERCENTAGE, "utilization"),
        FieldDef("currency_price", "Price", kind.CURRENCY, "price"),
        FieldDef("date_purchased", "Purchase Date", kind.DATE, "purchased"),
        FieldDef("datetime_last_seen", "Last Seen", kind.DATE_TIME, "last_seen"),
        FieldDef("bool_under_warranty", "Under Warranty", kind.BOOLEAN, "under_warranty"),
        FieldDef("email_owner_email", "Owner Email", kind.EMAIL, "owner_email"),
        FieldDef("phone_owner_phone", "Owner Phone", kind.PHONE, "owner_phone"),
        FieldDef("url_manual", "Manual", kind.URL, "manual"),
        FieldDef(
            "ref_owner",
            "Owner",
            kind.LOOKUP,
            "owner",
            allowed_values=USER_VALUES,
            lookup_entity="user",
        ),
    )


def _asset_seeds() -> tuple[dict, ...]:
    first = {
        "id": "601",
        "title": "Core switch",
        "description": "<div>Rack 4, top unit</div>",
        "cm_fields": {
            "sline_serial": "SN-0001",
            "mline_notes": "Replaced fan tray in 2024.\nFirmware 9.3.",
            "html_specs": "<ul><li>48 ports</li></ul>",
            "pick_model": {"name": "Fanless 1U"},
            "pick_location": {"name": "Data Center A"},
            "multi_tags": [{"name": "critical"}, {"name": "leased"}],
            "num_quantity": "1",
            "dec_weight": "7.5",
            "per_utilization": "64",
            "currency_price": "4999.99",
            "date_purchased": "1672531200000",
            "datetime_last_seen": "1700000000000",
            "bool_under_warranty": True,
            "email_owner_email": "priya.raman@example.com",
            "phone_owner_phone": "+91 44 1234 5678",
            "url_manual": "https://example.com/manuals/core-switch.pdf",
            "ref_owner": {"name": "Priya Raman"},
        },
        "created_time": "1690000000000",
        "created_by": DEMO_USER_NAME,
    }
    second = {
        "id": "602",
        "title": "Laptop for Jonas",
        "description": None,
        "cm_fields": {
            "sline_serial": "SN-0002",
            "pick_model": {"name": "Apex Pro 1"},
            "pick_location": {"name": "Remote"},
            "multi_tags": [{"name": "loaner"}],
            "num_quantity": "1",
            "dec_weight": "1.35",
            "per_utilization": "20",
            "currency_price": "1299",
            "date_purchased": "1685577600000",
            "bool_under_warranty": False,
            "email_owner_email": "jonas.berg@example.com",
            "ref_owner": {"id": "12"},
        },
        "created_time": "1695000000000",
        "created_by": "Jonas Berg",
    }
    third = {
        "id": "603",
        "title": "Spare monitors",
        "description": "<div>Boxed, in storage</div>",
        "cm_fields": {
            "pick_model": {"name": "Fantom X"},
            "pick_location": {"name": "Storage Room"},
            "multi_tags": [{"name": "spare"}],
            "num_quantity": "12",
            "currency_price": "189.5",
            "bool_under_warranty": True,
        },
        "created_time": "1699000000000",
        "created_by": DEMO_USER_NAME,
    }
    return (first, second, third)


def _assets() -> ModuleDef:
    return ModuleDef(
        "cm_assets", "cm_asset", "Assets", "Asset", _asset_fields(), _asset_seeds(), next_id=604
    )


def builtin_modules() -> tuple[ModuleDef, ...]:
    """Return the built-in "Books" and "Assets" modules."""
    return (_books(), _assets())
