"""Local emulator of the SupportCenter Plus custom-module REST API v3.

``create_app`` builds the Starlette app, ``run_emulator`` serves it with uvicorn, and
``EmulatorState`` stores the records and the test controls. See ``app`` for the routes,
``modules`` for the built-in modules and the ``--modules`` file format.
"""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from bot.emulator.app import create_app
from bot.emulator.definitions_file import load_modules
from bot.emulator.modules import (
    AllowedValue,
    DefinitionError,
    FieldDef,
    FieldKind,
    ModuleDef,
)
from bot.emulator.samples import builtin_modules
from bot.emulator.state import EmulatorState

DEFAULT_AUTHTOKEN = "emulator-token"

logger = logging.getLogger(__name__)


def run_emulator(
    host: str = "127.0.0.1",
    port: int = 8080,
    authtoken: str = DEFAULT_AUTHTOKEN,
    modules_file: str | Path | None = None,
    latency_ms: int = 0,
    flat: bool = False,
    webhook_url: str | None = None,
    webhook_token: str | None = None,
) -> None:
    """Serve the emulator with uvicorn until interrupted.

    ``modules_file`` replaces the built-in modules (see ``bot.emulator.definitions_file`` for
    the format). Raises DefinitionError or OSError for a bad modules file before serving.
    """
    modules = load_modules(modules_file) if modules_file is not None else None
    app = create_app(
        authtoken=authtoken,
        latency_ms=latency_ms,
        flat=flat,
        modules=modules,
        webhook_url=webhook_url,
        webhook_token=webhook_token,
    )

    names = ", ".join(app.state.emulator.stores)
    dialect = "flat" if flat else "cm_fields"
    logger.info(
        "Starting the SCP emulator: SCP_URL=http://%s:%d SCP_AUTHTOKEN=<the --authtoken value, "
        "default emulator-token> (modules: %s, %s dialect)",
        host,
        port,
        names,
        dialect,
    )
    uvicorn.run(app, host=host, port=port, log_level="info")


__all__ = [
    "AllowedValue",
    "DEFAULT_AUTHTOKEN",
    "DefinitionError",
    "EmulatorState",
    "FieldDef",
    "FieldKind",
    "ModuleDef",
    "builtin_modules",
    "create_app",
    "load_modules",
    "run_emulator",
]
