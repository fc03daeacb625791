"""The terminal shell: try the bot without a Slack workspace.

``run_shell`` starts the SupportCenter Plus emulator (unless ``SCP_URL`` is set), a local
fake of the Slack Web API and the real Bolt app. Then it reads lines from the user. Slash
commands are signed and dispatched to the app as Slack would do it. Numbers press the
buttons of the last message, and modals are filled in field by field at prompts.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import sys
from collections.abc import Callable
from typing import Any, TextIO

from pydantic import SecretStr

from bot.fakeslack.driver import DriverResult, SlackDriver, element_options, is_view
from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import FakeSlack
from bot.settings import Settings
from bot.shell.calls import CallPrinter
from bot.shell.console import PROMPT, Console, FormCancelled
from bot.shell.fields import EXTERNAL_KINDS, SINGLE_CHOICE_KINDS, FormField
from bot.shell.forms import FormFiller
from bot.shell.prompts import FieldPrompts
from bot.shell.render import text_of
from bot.shell.startup import (
    SHELL_BOT_TOKEN,
    AppBuilder,
    BuiltApp,
    build_real_app,
    close_app,
    start_scp,
    temporary_database,
)
from bot.shell.values import parse_date

__all__ = ["BuiltApp", "Shell", "run_shell", "run_shell_async"]

BANNER = """\
scp-bot shell: this terminal plays the part of Slack, so you can try the bot without a workspace.
You are user {user} in channel #{channel}. SupportCenter Plus: {scp}.
Type /scp help to start; numbers press buttons; quit to leave."""

HELP = """\
  /scp ...      send a slash command to the bot (try /scp help)
  <number>      press the numbered button or menu of the last message
  help          show this help
  quit, exit    leave the shell (Ctrl+D works too)
In forms: Enter keeps the current value, - clears an optional field, cancel closes the
form unsent."""


def run_shell(
    settings: Settings | None = None,
    *,
    input_fn: Callable[[str], str] = input,
    output: TextIO = sys.stdout,
    app_builder: AppBuilder = build_real_app,
) -> int:
    """Run the shell until the user quits; return the process exit code."""
    return asyncio.run(
        run_shell_async(settings, input_fn=input_fn, output=output, app_builder=app_builder)
    )


async def run_shell_async(
    settings: Settings | None = None,
    *,
    input_fn: Callable[[str], str] = input,
    output: TextIO = sys.stdout,
    app_builder: AppBuilder = build_real_app,
) -> int:
    settings = settings or Settings()
    async with contextlib.AsyncExitStack() as stack:
        try:
            settings, scp_note = await start_scp(settings, stack)
            fake = FakeSlack()
            await fake.start()
            stack.push_async_callback(fake.stop)

            signing_secret = secrets.token_hex(16)
            settings = settings.model_copy(update={
                "slack_api_url": fake.api_url,
                "slack_signing_secret": SecretStr(signing_secret),
                "slack_bot_token": SecretStr(SHELL_BOT_TOKEN),
                # The shell's Slack is always a fake, so its subscriptions and threads must
                # not land in a real state database named by DATABASE_URL.
                "database_url": temporary_database(stack),
            })
            built = await app_builder(settings)
        except Exception as error:
            print(f"The shell could not start: {error}", file=output)
            return 1
        stack.push_async_callback(close_app, built, output)

        requests = SlackRequests(signing_secret, response_url_factory=fake.new_response_url)
        driver = SlackDriver(built.app, requests, fake, background=built.background)
        stack.push_async_callback(driver.aclose)

        shell = Shell(driver, input_fn=input_fn, output=output)
        shell.say(BANNER.format(user=requests.user_id, channel=requests.channel_name,
                                scp=scp_note))
        return await shell.run()


class Shell:
    """The read-show loop on top of a ``SlackDriver``."""

    def __init__(
        self, driver: SlackDriver, *, input_fn: Callable[[str], str], output: TextIO
    ) -> None:
        self.driver = driver
        self.fake: FakeSlack = driver.fake
        self.console = Console(input_fn, output)
        self.say = self.console.say
        self.calls = CallPrinter(self.console, self.fake)
        self.prompts = FieldPrompts(
            self.console, driver, self.calls,
            busy_message="Finish the form or type cancel first.",
        )
        # Menus in messages ask for their value with the same prompts as form fields.
        self.menu_prompts = FieldPrompts(
            self.console, driver, self.calls,
            busy_message="Choose from the menu or type cancel first.",
        )
        self.forms = FormFiller(self.console, driver, self.calls, self.prompts)

    # ----- main loop -------------------------------------------------------------------

    async def run(self) -> int:
        while True:
            try:
                line = self.console.input_fn(PROMPT).strip()
                if line.lower() in ("quit", "exit"):
                    break
                await self.handle(line)
            except (EOFError, KeyboardInterrupt):
                self.say()
                break
        self.say("Bye.")
        return 0

    async def handle(self, line: str) -> None:
        if not line:
            return
        if line.lower() == "help":
            self.say(HELP)
        elif line.startswith("/"):
            await self.after(await self.driver.command(line))
        elif line.isdigit():
            await self.press(int(line))
        else:
            self.say("Type a slash command such as /scp help, a button number, help or quit.")

    async def after(self, result: DriverResult) -> None:
        """Show the ack and every Web API call since the last one shown, then fill forms."""
        self.calls.show_ack(result)
        self.calls.show_new_calls()
        await self.forms.fill_open_forms()

    # ----- pressing buttons ------------------------------------------------------------

    async def press(self, number: int) -> None:
        pressables = self.calls.pressables
        if not pressables:
            self.say("Nothing to press: no message with buttons has been shown yet.")
            return
        if not 1 <= number <= len(pressables):
            self.say(f"There is no [{number}]; choose 1 to {len(pressables)}.")
            return

        pressable = pressables[number - 1]
        try:
            if not self._confirmed(pressable.element):
                self.say("(cancelled)")
                return
            value = await self._choose_for(pressable.element)
        except FormCancelled:
            self.say("(cancelled)")
            return

        target = self._current_surface()
        result = await self.driver.click(
            target, pressable.action_id, index=pressable.index, value=value
        )
        await self.after(result)

    def _current_surface(self) -> dict[str, Any]:
        surface = self.calls.surface or {}
        if is_view(surface):
            return self.fake.views.get(surface.get("id", ""), surface)
        current = self.fake.find_message(
            surface.get("channel", ""), surface.get("ts", ""), bool(surface.get("is_ephemeral"))
        )
        return current or surface

    def _confirmed(self, element: dict[str, Any]) -> bool:
        confirm = element.get("confirm")
        if not isinstance(confirm, dict):
            return True
        self.say(f"  {text_of(confirm.get('title')) or 'Are you sure?'}")
        self.say(f"  {text_of(confirm.get('text'))}")
        yes = text_of(confirm.get("confirm")) or "Yes"
        answer = self.console.read_answer(f"  {yes}? [y/n] ", busy_message="Answer y or n first.")
        answer = answer.strip().lower()
        return answer in ("y", "yes")

    async def _choose_for(self, element: dict[str, Any]) -> Any:
        """Ask for the option or date a menu sends; buttons need nothing."""
        kind = element.get("type")
        if kind in SINGLE_CHOICE_KINDS:
            return self.menu_prompts.pick_options(element_options(element), multiple=False)
        if kind in ("multi_static_select", "checkboxes"):
            return self.menu_prompts.pick_options(element_options(element), multiple=True)
        if kind == "datepicker":
            self.say("  Date (YYYY-MM-DD):")
            return self.menu_prompts.read_value(FormField("", element, "Date", False, ""), None,
                                                parse_date)
        if kind in EXTERNAL_KINDS:
            self.say("(search menus in messages are not supported by the shell)")
            raise FormCancelled
        return None
