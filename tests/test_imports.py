"""Every module of the package imports, so a file missing from a commit fails here first."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bot

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(bot.__path__, prefix="bot.")
    # __main__ runs the CLI when imported; the migration scripts are run by Alembic.
    if ".migrations" not in info.name and not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_module_imports(name):
    importlib.import_module(name)
