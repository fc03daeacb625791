"""Starlette app that speaks the SupportCenter Plus custom-module REST API v3.

Routes under ``/api/v3/`` (``<plural>`` is a module's plural API name, e.g. ``cm_books``):

- ``GET <plural>``: list records; ``input_data={"list_info": {...}}`` in the query string.
- ``POST <plural>``: add a record; form field ``input_data={"cm_book": {...}}``.
- ``GET|PUT|DELETE <plural>/<id>``: get, edit (partial update) or delete from trash.
- ``DELETE <plural>/<id>/_move_to_trash`` and ``PUT <plural>/<id>/_restore_from_trash``.
- ``GET <plural>/cm_fields/<field>`` and ``GET <plural>/<field>``: allowed values of a
  pick-list, multi-select or lookup field, paged with ``list_info``.
- ``GET <plural>/_metainfo`` and ``GET <plural>/<id>/_metainfo``: field metadata.

Authentication takes the ``authtoken`` header, the legacy ``TECHNICIAN_KEY`` header or
``Authorization: Zoho-oauthtoken <token>``. The optional header ``X-Emulator-User: <name>``
is an emulator extension that attributes a write to that user (default "Demo").

Test controls under ``/_emulator/`` need the same token: ``POST|GET|DELETE faults``,
``POST reset``, ``GET|DELETE requests`` and ``POST|GET latency``. Only ``/api/v3/``
requests are logged, delayed and subject to faults.

The handlers are in ``bot.emulator.api`` and ``bot.emulator.controls``. The envelopes and
request checks they share are in ``bot.emulator.protocol``, and the metainfo body comes from
``bot.emulator.metainfo``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.emulator.api import Api
from bot.emulator.controls import Controls
from bot.emulator.modules import ModuleDef
from bot.emulator.protocol import error_response
from bot.emulator.state import EmulatorState
from bot.emulator.values import ApiError, failure_message, invalid_url
from bot.emulator.webhook import WebhookNotifier


async def _http_error(request: Request, exc: Exception) -> Response:
    """Return Starlette's routing errors in the API's envelope."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        error = ApiError(405, [failure_message(4021, "Invalid HTTP method", field=request.method)])
    elif status == 404:
        error = invalid_url()
    else:
        error = ApiError.single(status, 4004, "Internal Error")
    return error_response(error)


def create_app(
    state: EmulatorState | None = None,
    *,
    authtoken: str = "emulator-token",
    latency_ms: int = 0,
    flat: bool = False,
    modules: Iterable[ModuleDef] | None = None,
    webhook_url: str | None = None,
    webhook_token: str | None = None,
) -> Starlette:
    """Build the emulator app, with the EmulatorState as ``app.state.emulator``.

    With ``state`` given, the keyword arguments are ignored and the state is used as is.
    """
    if state is None:
        state = EmulatorState(
            modules,
            authtoken=authtoken,
            latency_ms=latency_ms,
            flat=flat,
            webhook_url=webhook_url,
            webhook_token=webhook_token,
        )
    notifier = WebhookNotifier()
    api = Api(state, notifier)
    controls = Controls(state)
    all_methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]

    routes = [
        Route("/_emulator/faults", controls.faults, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/reset", controls.reset, methods=["POST"]),
        Route("/_emulator/requests", controls.requests, methods=["GET", "DELETE"]),
        Route("/_emulator/latency", controls.latency, methods=["GET", "POST"]),
        Route("/api/v3/{path:path}", api.handle, methods=all_methods),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await notifier.aclose()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={404: _http_error, 405: _http_error},
    )
    # A redirect from /api/v3 to /api/v3/ would hide the "Invalid URL" failure.
    app.router.redirect_slashes = False
    app.state.emulator = state
    app.state.webhook_notifier = notifier
    return app
