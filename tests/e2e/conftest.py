"""The real Bolt app, driven with signed requests, against the emulator and a fake Slack.

Each test gets its own emulator and fake Slack Web API, both on 127.0.0.1. Every payload the
app sends is checked by the fake against Block Kit's limits; a test fails if any was invalid.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import Services, build_services, create_bolt_app
from bot.emulator import EmulatorState, create_app
from bot.emulator.values import ApiError
from bot.fakeslack.driver import SlackDriver, element_state, iter_elements
from bot.fakeslack.local_server import LocalServer
from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import FakeSlack
from bot.ids import field_block_id, field_name_from_block_id
from bot.settings import Settings

SIGNING_SECRET = "e2e-signing-secret"
AUTHTOKEN = "emulator-token"


@dataclass
class Harness:
    """One running bot: its services, the emulator's state, the fake Slack and a driver."""

    services: Services
    emulator: EmulatorState
    emulator_url: str
    slack: FakeSlack
    driver: SlackDriver

    def record(self, module: str, record_id: str) -> dict[str, Any] | None:
        """Return the record as the emulator stores it, or None when it does not exist."""
        store = self.emulator.store(module)
        try:
            found = store.get(record_id)
        except ApiError:
            return None
        return store.render(found, flat=self.emulator.flat)

    def sent(self, method: str, path_part: str) -> list[dict[str, Any]]:
        """Return the input_data of every request with ``method`` whose path has ``path_part``."""
        return [
            entry["form_input_data"] or entry["input_data"]
            for entry in self.emulator.request_log()
            if entry["method"] == method and path_part in entry["path"]
        ]

    def response(self) -> dict[str, Any]:
        """Return the last body the app sent through a response URL."""
        assert self.slack.responses, "the app sent nothing through a response URL"
        return self.slack.responses[-1]


StartBot = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def start_bot(tmp_path: Path) -> AsyncIterator[StartBot]:
    """Return a function that starts a bot; keyword arguments go to the emulator or Settings."""
    async with AsyncExitStack() as stack:
        harnesses: list[Harness] = []

        async def start(
            *, modules: str = "cm_books", flat: bool = False, latency_ms: int = 0,
            config: str | None = None, notifications: bool = False, **settings: Any,
        ) -> Harness:
            emulator_app = create_app(authtoken=AUTHTOKEN, flat=flat, latency_ms=latency_ms)
            emulator = LocalServer(emulator_app)
            await emulator.start()
            stack.push_async_callback(emulator.stop)

            slack = FakeSlack()
            await slack.start()
            stack.push_async_callback(slack.stop)

            bot_config = None
            if config is not None:
                bot_config = tmp_path / "bot.toml"
                bot_config.write_text(config)
            options = {
                "scp_url": emulator.url, "scp_authtoken": AUTHTOKEN, "scp_modules": modules,
                "slack_api_url": slack.api_url, "slack_bot_token": "xoxb-e2e",
                "slack_signing_secret": SIGNING_SECRET, "bot_config": bot_config,
                "database_url": f"sqlite:///{tmp_path}/state.db", **settings,
            }
            services = await build_services(
                Settings(_env_file=None, **options), notifications=notifications
            )
            stack.push_async_callback(services.aclose)
            if services.notifier is not None:
                await services.notifier.start(poll=False)

            app = create_bolt_app(services)
            requests = SlackRequests(SIGNING_SECRET, response_url_factory=slack.new_response_url)
            driver = SlackDriver(app, requests, slack, services.background)
            stack.push_async_callback(driver.aclose)

            harness = Harness(services, emulator_app.state.emulator, emulator.url, slack, driver)
            harnesses.append(harness)
            return harness

        yield start

        for harness in harnesses:
            invalid = [(call.method, call.response) for call in harness.slack.invalid_calls]
            assert invalid == [], f"the app sent invalid Slack payloads: {invalid}"


@pytest.fixture
async def bot(start_bot: StartBot) -> Harness:
    return await start_bot()


def initial_state(element: dict[str, Any]) -> dict[str, Any]:
    """Return the state Slack reports for an element the user left untouched."""
    kind = element["type"]
    if kind in ("static_select", "external_select"):
        return element_state(element, element.get("initial_option"))
    if kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        return element_state(element, element.get("initial_options") or [])
    if kind == "datepicker":
        return element_state(element, element.get("initial_date"))
    if kind == "datetimepicker":
        return element_state(element, element.get("initial_date_time"))
    if kind == "number_input":
        return element_state(element, element.get("initial_value"))
    return element_state(element, element.get("initial_value"))


def fill_form(view: dict[str, Any], values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Build view state: ``values`` maps field names to what the user enters, the rest stays.

    A value is what ``element_state`` takes: text, an option value, a list of option values,
    a date string or epoch seconds.
    """
    state: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        name = field_name_from_block_id(block["block_id"])
        if name in values:
            element_value = element_state(element, values[name])
        else:
            element_value = initial_state(element)
        state[block["block_id"]] = {element["action_id"]: element_value}
    return state


def input_block(view: dict[str, Any], field_name: str) -> dict[str, Any]:
    block_id = field_block_id(field_name)
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def button(message: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    """Return the first button with ``action_id`` in ``message``, or None."""
    for _, element in iter_elements(message.get("blocks") or []):
        if element.get("action_id") == action_id:
            return element
    return None
