"""Emulator state: one ``ModuleStore`` per module plus the controls that tests use.

``EmulatorState`` keeps the injected faults, latency, the request log and the webhook
target next to the stores. Everything lives in memory and ``reset()`` restores the seed
records.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.emulator.modules import ModuleDef
from bot.emulator.samples import builtin_modules
from bot.emulator.store import Clock, ModuleStore, UserDirectory

REQUEST_LOG_SIZE = 1000
# Injected statuses stay within the error range: 1xx and 204 break the HTTP exchange,
# and values above 599 are not statuses at all. The one exception is 200 with a body,
# which emulates a proxy page that answers a write with HTML.
FAULT_STATUSES = range(400, 600)
PAGE_STATUS = 200
# Uvicorn lets requests in flight finish before it stops on SIGTERM, so a longer sleep
# would hold up shutdown for as long.
MAX_DELAY_MS = 60_000


@dataclass
class Fault:
    """Injected failure for the next ``count`` requests that match method and path.

    With ``status`` set, the request fails with that HTTP status and an error envelope
    (or ``body`` as text/html). With only ``hang_ms``, the request is delayed and then
    served normally.
    """

    status: int | None = None
    count: int = 1
    path_contains: str | None = None
    method: str | None = None
    hang_ms: int = 0
    body: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.count <= 0:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "count": self.count,
            "path_contains": self.path_contains,
            "method": self.method,
            "hang_ms": self.hang_ms,
            "body": self.body,
        }


def _fault_status_allowed(status: int, body: str | None) -> bool:
    return status in FAULT_STATUSES or (status == PAGE_STATUS and body is not None)


def check_delay(name: str, ms: int) -> None:
    """Raise ValueError unless ``ms`` is a delay from 0 to ``MAX_DELAY_MS`` milliseconds."""
    if not 0 <= ms <= MAX_DELAY_MS:
        raise ValueError(f"{name} must be from 0 to {MAX_DELAY_MS} ms, got {ms}")


class EmulatorState:
    """Everything the emulator keeps in memory, plus the controls that tests use.

    Tests that run the app in-process may call the control methods directly instead
    of the ``/_emulator/`` endpoints. The methods are not thread-safe, so call them
    from the event loop that serves the app or while no request is in flight.
    """

    def __init__(
        self,
        modules: Iterable[ModuleDef] | None = None,
        *,
        authtoken: str = "emulator-token",
        latency_ms: int = 0,
        flat: bool = False,
        webhook_url: str | None = None,
        webhook_token: str | None = None,
    ) -> None:
        check_delay("latency", latency_ms)
        self.modules = tuple(modules) if modules is not None else builtin_modules()
        self.authtoken = authtoken
        self.flat = flat
        self.webhook_url = webhook_url
        self.webhook_token = webhook_token
        self.initial_latency_ms = latency_ms
        self.latency_ms = latency_ms
        self.clock = Clock()
        self.users = UserDirectory()
        self.faults: list[Fault] = []
        self.requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
        self.stores: dict[str, ModuleStore] = {
            module.api_plural_name: ModuleStore(module, self.clock, self.users)
            for module in self.modules
        }

    def store(self, plural_name: str) -> ModuleStore:
        """Return the store of a module by plural API name, or raise KeyError if unknown."""
        return self.stores[plural_name]

    def reset(self) -> None:
        """Restore the seed records and users, and clear faults, request log and latency changes."""
        self.users.reset()
        for store in self.stores.values():
            store.reset()
        self.faults.clear()
        self.requests.clear()
        self.latency_ms = self.initial_latency_ms

    def add_fault(
        self,
        status: int | None = None,
        count: int = 1,
        path_contains: str | None = None,
        method: str | None = None,
        hang_ms: int = 0,
        body: str | None = None,
    ) -> Fault:
        """Make the next ``count`` matching API requests fail or hang (see ``Fault``).

        Raises ValueError unless ``status`` is 400 to 599 (or 200 with a ``body``) and
        ``hang_ms`` 0 to 60,000.
        """
        if status is None and hang_ms <= 0:
            raise ValueError("a fault needs a status, a hang_ms above 0, or both")
        if status is not None and not _fault_status_allowed(status, body):
            raise ValueError(
                f"status must be an HTTP error status from 400 to 599 (or 200 with a body), "
                f"got {status}"
            )
        check_delay("hang_ms", hang_ms)
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")

        fault = Fault(status, count, path_contains, method, hang_ms, body)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        """Return the first fault that matches this request and use up one of its counts."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def set_latency(self, ms: int) -> None:
        """Delay every later API request by ``ms`` (0 to 60,000), or raise ValueError."""
        check_delay("latency", ms)
        self.latency_ms = ms

    def clear_requests(self) -> None:
        self.requests.clear()

    def request_log(self) -> list[dict[str, Any]]:
        """Return a copy of the request log, oldest first (at most the last 1000 requests)."""
        return copy.deepcopy(list(self.requests))
