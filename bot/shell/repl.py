"""The terminal shell: try the bot without a Slack workspace.

``run_shell`` starts the SupportCenter Plus emulator (unless ``SCP_URL`` is set), a local
fake of the Slack Web API and the real Bolt app. Then it reads lines from the user. Slash
commands are signed and dispatched to the app as Slack would do it. Numbers press the
buttons of the last message, and modals are filled in field by field at prompts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp

from bot.background import BackgroundTasks
from bot.fakeslack.driver import (
    DriverResult,
    SlackDriver,
    element_options,
    element_state,
    is_view,
)
from bot.fakeslack.requests import SlackRequests
from bot.fakeslack.server import RESPONSE_URL_METHOD, ApiCall, FakeSlack, LocalServer
from bot.settings import Settings
from bot.shell.render import (
    Pressable,
    decode_text,
    option_lines,
    render_message,
    render_view,
    text_of,
    view_title,
)

logger = logging.getLogger(__name__)

EMULATOR_AUTHTOKEN = "emulator-token"
SHELL_BOT_TOKEN = "xoxb-shell"
PROMPT = "you> "
FIELD_PROMPT = "  > "
# Slack shows an error to the user when an app takes longer than this to acknowledge.
ACK_DEADLINE_SECONDS = 3.0
# Slack sends no block_suggestion request for fewer typed characters unless the element
# sets min_query_length.
DEFAULT_MIN_QUERY_LENGTH = 3

BANNER = """\
scp-bot shell: this terminal plays the part of Slack, so you can try the bot without a workspace.
You are user {user} in channel #{channel}. SupportCenter Plus: {scp}.
Type /scp help to start; numbers press buttons; quit to leave."""

HELP = """\
  /scp ...      send a slash command to the bot (try /scp help)
  <number>      press the numbered button or menu of the last message
  help          show this help
  quit, exit    leave the shell (Ctrl+D works too)
In forms: Enter keeps the current value, - clears it, cancel closes the form unsent."""

TEXT_KINDS = frozenset({"plain_text_input", "email_text_input", "url_text_input"})
SINGLE_CHOICE_KINDS = frozenset({"static_select", "radio_buttons", "overflow"})
EXTERNAL_KINDS = frozenset({"external_select", "multi_external_select"})
ID_KINDS = {
    "users_select": "initial_user", "conversations_select": "initial_conversation",
    "channels_select": "initial_channel",
}
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NUMBER_PATTERN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


class FormCancelled(Exception):
    """The user typed ``cancel`` at a prompt."""


@dataclass
class BuiltApp:
    """The Bolt app the shell talks to, its background tracker and how to shut it down."""

    app: AsyncApp
    background: BackgroundTasks | None
    aclose: Callable[[], Awaitable[None]]


AppBuilder = Callable[[Settings], Awaitable[BuiltApp]]


async def build_real_app(settings: Settings) -> BuiltApp:
    """Build the bot's own services and Bolt app from ``settings``."""
    from bot.app import build_services, create_bolt_app

    services = await build_services(settings)
    try:
        app = create_bolt_app(services)
        # As in the web server: channel notifications need the notifier's tables and loops.
        # Polling SupportCenter Plus stays off, as changes come only from the shell's user.
        if services.notifier is not None:
            await services.notifier.start(poll=False)
    except BaseException:
        await services.aclose()
        raise
    return BuiltApp(app, services.background, services.aclose)


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
            settings, scp_note = await _start_scp(settings, stack)
            fake = FakeSlack()
            await fake.start()
            stack.push_async_callback(fake.stop)

            signing_secret = secrets.token_hex(16)
            settings = settings.model_copy(update={
                "slack_api_url": fake.api_url,
                "slack_signing_secret": SecretStr(signing_secret),
                "slack_bot_token": SecretStr(SHELL_BOT_TOKEN),
                "database_url": settings.database_url or _temporary_database(stack),
            })
            built = await app_builder(settings)
        except Exception as error:
            print(f"The shell could not start: {error}", file=output)
            return 1
        stack.push_async_callback(_close_app, built, output)

        requests = SlackRequests(signing_secret, response_url_factory=fake.new_response_url)
        driver = SlackDriver(built.app, requests, fake, background=built.background)
        stack.push_async_callback(driver.aclose)

        shell = Shell(driver, input_fn=input_fn, output=output)
        shell.say(BANNER.format(user=requests.user_id, channel=requests.channel_name,
                                scp=scp_note))
        return await shell.run()


async def _start_scp(
    settings: Settings, stack: contextlib.AsyncExitStack
) -> tuple[Settings, str]:
    """Start the emulator unless SCP_URL is set; return the settings and a line about it."""
    if settings.scp_url:
        return settings, f"your server at {_without_credentials(settings.scp_url)}"

    from bot.emulator import create_app

    server = LocalServer(create_app(authtoken=EMULATOR_AUTHTOKEN))
    await server.start()
    stack.push_async_callback(server.stop)
    updated = settings.model_copy(update={
        "scp_url": server.url,
        "scp_authtoken": SecretStr(EMULATOR_AUTHTOKEN),
        "scp_oauth_token": None,
    })
    return updated, f"local emulator at {server.url} (set SCP_URL to use a real server)"


def _temporary_database(stack: contextlib.ExitStack | contextlib.AsyncExitStack) -> str:
    # The shell is for trying the bot out, so its state goes away with it instead of
    # landing in scp-bot.db in the working folder.
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="scp-bot-shell-"))
    return f"sqlite:///{Path(folder) / 'shell.db'}"


async def _close_app(built: BuiltApp, output: TextIO) -> None:
    try:
        await built.aclose()
    except Exception as error:
        logger.exception("shell.app.close_failed")
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        print(f"(stopping the bot failed: {first_line})", file=output)


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


@dataclass
class FormField:
    """One input block of a modal and its element."""

    block_id: str
    element: dict[str, Any]
    label: str
    optional: bool
    hint: str

    @property
    def kind(self) -> str:
        return str(self.element.get("type", ""))

    @property
    def action_id(self) -> str:
        return str(self.element.get("action_id", ""))

    @classmethod
    def from_block(cls, block: dict[str, Any]) -> FormField:
        return cls(
            block_id=block.get("block_id", ""), element=block["element"],
            label=text_of(block.get("label")), optional=bool(block.get("optional")),
            hint=text_of(block.get("hint")),
        )

    def initial_value(self) -> Any:
        element = self.element
        kind = self.kind
        if kind in ("datepicker", "datetimepicker", "timepicker"):
            key = {"datepicker": "initial_date", "datetimepicker": "initial_date_time",
                   "timepicker": "initial_time"}[kind]
            return element.get(key)
        if kind in SINGLE_CHOICE_KINDS or kind == "external_select":
            return element.get("initial_option")
        if kind.startswith("multi_") or kind == "checkboxes":
            return list(element.get("initial_options") or element.get("initial_users") or [])
        if kind in ID_KINDS:
            return element.get(ID_KINDS[kind])
        return element.get("initial_value")

    def empty_value(self) -> Any:
        return [] if self.kind.startswith("multi_") or self.kind == "checkboxes" else None


def form_fields(view: dict[str, Any]) -> list[FormField]:
    return [
        FormField.from_block(block) for block in view.get("blocks") or []
        if block.get("type") == "input" and isinstance(block.get("element"), dict)
    ]


class Shell:
    """The read-show loop on top of a ``SlackDriver``."""

    def __init__(
        self, driver: SlackDriver, *, input_fn: Callable[[str], str], output: TextIO
    ) -> None:
        self.driver = driver
        self.fake: FakeSlack = driver.fake
        self.input_fn = input_fn
        self.output = output
        # How many of fake.calls have been shown already.
        self._shown_call_count = 0
        self._pressables: list[Pressable] = []
        self._surface: dict[str, Any] | None = None

    # ----- input and output ------------------------------------------------------------

    def say(self, text: str = "") -> None:
        print(text, file=self.output, flush=True)

    def read(self, prompt: str = FIELD_PROMPT) -> str:
        """Read one line; ``cancel`` raises FormCancelled."""
        answer = self.input_fn(prompt)
        if answer.strip().lower() == "cancel":
            raise FormCancelled
        return answer

    # ----- main loop -------------------------------------------------------------------

    async def run(self) -> int:
        while True:
            try:
                line = self.input_fn(PROMPT).strip()
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
        self.show_ack(result)
        self.show_new_calls()
        await self.fill_open_forms()

    # ----- showing what the app did ----------------------------------------------------

    def show_ack(self, result: DriverResult) -> None:
        self._warn_about_ack(result)
        if result.status != 200:
            return
        body = result.body
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            in_channel = body.get("response_type") == "in_channel"
            self.show_message("bot:" if in_channel else "bot (only visible to you):", body)
        elif isinstance(body, str) and body.strip():
            self.say(f"bot (only visible to you): {decode_text(body)}")

    def _warn_about_ack(self, result: DriverResult) -> None:
        if result.status != 200:
            self.say(f"(the app answered HTTP {result.status}: {str(result.body)[:200]})")
        if result.ack_seconds > ACK_DEADLINE_SECONDS:
            self.say(f"(warning: the app took {result.ack_seconds:.1f} s to acknowledge; "
                     f"Slack shows an error after {ACK_DEADLINE_SECONDS:.0f} s)")
        for problem in result.problems:
            self.say(f"(invalid Block Kit in the app's answer: {problem})")

    def show_new_calls(self) -> None:
        calls = self.fake.calls[self._shown_call_count:]
        self._shown_call_count = len(self.fake.calls)
        for call in calls:
            self.show_call(call)

    def show_call(self, call: ApiCall) -> None:
        if call.status == 429:
            self.say(f"(the bot called {call.method} and was rate limited)")
        elif not call.ok:
            self.say(f"(the bot called {call.method}; it failed: {call.error})")
            for problem in call.problems:
                self.say(f"    - {problem}")
        elif call.method == RESPONSE_URL_METHOD:
            self._show_response(call)
        elif call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            self._show_posted(call)
        elif call.method in ("views.open", "views.update", "views.push") and call.result:
            verb = {"views.open": "", "views.update": " updated", "views.push": " pushed"}
            self.show_view(call.result, verb[call.method])
        elif call.method == "chat.delete":
            self.say("(message deleted)")
        else:
            self.say(f"(the bot called {call.method})")

    def _show_posted(self, call: ApiCall) -> None:
        message = call.result or {}
        if call.method == "chat.update":
            self.show_message("(card updated)", message)
        elif call.method == "chat.postEphemeral":
            self.show_message("bot (only visible to you):", message)
        elif message.get("thread_ts") and message["thread_ts"] != message.get("ts"):
            also = " (also sent to the channel)" if message.get("reply_broadcast") else ""
            self.show_message(f"    bot replied in the thread{also}:", message, indent="    ")
        else:
            self.show_message("bot:", message)

    def _show_response(self, call: ApiCall) -> None:
        message = call.result
        if message is None:
            self.say("(message deleted)")
        elif str(call.body.get("replace_original")).lower() in ("true", "1"):
            self.show_message("(card updated)", message)
        elif message.get("is_ephemeral"):
            self.show_message("bot (only visible to you):", message)
        else:
            self.show_message("bot:", message)

    def show_message(self, heading: str, message: dict[str, Any], indent: str = "") -> None:
        rendered = render_message(message, indent=indent)
        self.say(heading)
        for line in rendered.lines:
            self.say(line)
        if rendered.pressables:
            self._pressables = rendered.pressables
            self._surface = message

    def show_view(self, view: dict[str, Any], verb: str = "") -> None:
        rendered = render_view(view)
        rendered.lines[0] = rendered.lines[0].replace("[modal]", f"[modal{verb}]", 1)
        for line in rendered.lines:
            self.say(line)
        if rendered.pressables and not form_fields(view):
            self._pressables = rendered.pressables
            self._surface = view

    # ----- pressing buttons ------------------------------------------------------------

    async def press(self, number: int) -> None:
        if not self._pressables:
            self.say("Nothing to press: no message with buttons has been shown yet.")
            return
        if not 1 <= number <= len(self._pressables):
            self.say(f"There is no [{number}]; choose 1 to {len(self._pressables)}.")
            return

        pressable = self._pressables[number - 1]
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
        surface = self._surface or {}
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
        answer = self.read(f"  {yes}? [y/n] ").strip().lower()
        return answer in ("y", "yes")

    async def _choose_for(self, element: dict[str, Any]) -> Any:
        """Ask for the option or date a menu sends; buttons need nothing."""
        kind = element.get("type")
        if kind in SINGLE_CHOICE_KINDS:
            return self._pick_options(element_options(element), multiple=False)
        if kind in ("multi_static_select", "checkboxes"):
            return self._pick_options(element_options(element), multiple=True)
        if kind == "datepicker":
            self.say("  Date (YYYY-MM-DD):")
            return self._read_value(FormField("", element, "Date", False, ""), None,
                                    _parse_date)
        if kind in EXTERNAL_KINDS:
            self.say("(search menus in messages are not supported by the shell)")
            raise FormCancelled
        return None

    # ----- modals ----------------------------------------------------------------------

    async def fill_open_forms(self) -> None:
        """Fill the modal on top while it has input blocks and is new to the user."""
        filled: tuple[str, str] | None = None
        while True:
            view = self.fake.top_view()
            if view is None or not form_fields(view):
                return
            key = (view["id"], view["hash"])
            if key == filled:
                return
            filled = key
            await self.fill_form(view)

    async def fill_form(self, view: dict[str, Any]) -> None:
        fields = form_fields(view)
        values = {field.block_id: field.initial_value() for field in fields}
        errors: dict[str, str] = {}
        pending = fields
        self.say(f"Fill in '{view_title(view)}'. Enter keeps a value, - clears it, "
                 "cancel closes the form.")

        while True:
            try:
                for field in pending:
                    error = errors.get(field.block_id)
                    values[field.block_id] = await self.ask_field(
                        view, field, values[field.block_id], error
                    )
            except FormCancelled:
                self.fake.close_all_views()
                self.say("(form closed without submitting)")
                return

            result = await self.driver.submit(view, _state_values(fields, values))
            self._show_submission_ack(result)
            self.show_new_calls()
            errors = _submission_errors(result)
            if not errors:
                return
            pending = self._fields_with_errors(fields, errors)

    def _fields_with_errors(
        self, fields: list[FormField], errors: dict[str, str]
    ) -> list[FormField]:
        known = {field.block_id for field in fields}
        for block_id, message in errors.items():
            if block_id not in known:
                self.say(f"(error for block {block_id!r}, which is no input block: {message})")
        pending = [field for field in fields if field.block_id in errors]
        self.say("The app rejected some values; fix them:")
        # Slack shows no error keyed to an unknown block, so the user could only retry all.
        return pending or fields

    def _show_submission_ack(self, result: DriverResult) -> None:
        self._warn_about_ack(result)
        if result.status != 200:
            return
        action = result.ack.get("response_action")
        if action in ("update", "push"):
            top = self.fake.top_view()
            if top is not None:
                self.show_view(top, " updated" if action == "update" else " pushed")
        elif action == "clear":
            self.say("(form submitted; all modals closed)")
        elif action != "errors":
            self.say("(form submitted)")

    async def ask_field(
        self, view: dict[str, Any], field: FormField, current: Any, error: str | None = None
    ) -> Any:
        self.say(field.label + (" (optional)" if field.optional else ""))
        if error:
            self.say(f"  ! {error}")
        if field.hint:
            self.say(f"  Hint: {field.hint}")
        if not _is_empty(current):
            self.say(f"  Current: {_display_value(field, current)}  "
                     "(Enter keeps it, - clears it)")
        return await self._ask_by_kind(view, field, current)

    async def _ask_by_kind(self, view: dict[str, Any], field: FormField, current: Any) -> Any:
        kind = field.kind
        element = field.element
        if kind == "plain_text_input" and element.get("multiline"):
            return self._read_multiline(field, current)
        if kind in TEXT_KINDS:
            return self._read_value(field, current, _text_parser(element))
        if kind == "number_input":
            return self._read_value(field, current, _number_parser(element))
        if kind == "datepicker":
            self.say("  Format: YYYY-MM-DD")
            return self._read_value(field, current, _parse_date)
        if kind == "datetimepicker":
            self.say("  Format: YYYY-MM-DD HH:MM (UTC)")
            return self._read_value(field, current, _parse_datetime)
        if kind == "timepicker":
            self.say("  Format: HH:MM")
            return self._read_value(field, current, _parse_time)
        if kind == "checkboxes":
            return self._read_checkboxes(field, current)
        if kind in SINGLE_CHOICE_KINDS or kind == "multi_static_select":
            return self._read_choice(field, current)
        if kind in EXTERNAL_KINDS:
            return await self._read_search(view, field, current)
        if kind in ID_KINDS:
            self.say("  Type an id (for example U0001 or C0001).")
            return self._read_value(field, current, str)
        self.say(f"  (the shell cannot edit a {kind} field; its value is kept)")
        return current

    def _read_value(
        self, field: FormField, current: Any, parse: Callable[[str], Any]
    ) -> Any:
        """Read until the input parses. Enter keeps ``current`` and ``-`` clears it."""
        while True:
            answer = self.read().strip()
            if answer in ("", "-"):
                kept = self._keep_or_clear(field, current, answer)
                if kept is _RETRY:
                    continue
                return kept
            try:
                return parse(answer)
            except ValueError as error:
                self.say(f"  {error}")

    def _keep_or_clear(self, field: FormField, current: Any, answer: str) -> Any:
        """Handle Enter (keep) and ``-`` (clear); return _RETRY when the field needs a value."""
        if answer == "":
            if not _is_empty(current) or field.optional:
                return current
            self.say("  This field is required.")
            return _RETRY
        if field.optional:
            return field.empty_value()
        self.say("  This field is required, so it cannot be cleared.")
        return _RETRY

    def _read_multiline(self, field: FormField, current: Any) -> Any:
        self.say("  Several lines: end with a line containing only a dot (.)")
        while True:
            first = self.read()
            if first.strip() in ("", "-"):
                kept = self._keep_or_clear(field, current, first.strip())
                if kept is _RETRY:
                    continue
                return kept

            lines = [first.rstrip("\n")]
            while (line := self.read("  . ")).strip() != ".":
                lines.append(line.rstrip("\n"))
            try:
                return _text_parser(field.element)("\n".join(lines))
            except ValueError as error:
                self.say(f"  {error}")

    def _read_checkboxes(self, field: FormField, current: Any) -> list[dict[str, Any]]:
        chosen_values = {option.get("value") for option in current or []}
        selected = []
        for option in element_options(field.element):
            now = "yes" if option.get("value") in chosen_values else "no"
            while True:
                answer = self.read(f"  {text_of(option.get('text'))}? [y/n, now {now}] ")
                answer = answer.strip().lower() or now[0]
                if answer in ("y", "yes", "n", "no"):
                    break
                self.say("  Answer y or n.")
            if answer.startswith("y"):
                selected.append(option)
        if not selected and not field.optional:
            self.say("  This field is required: tick at least one box.")
            return self._read_checkboxes(field, current)
        return selected

    def _read_choice(self, field: FormField, current: Any) -> Any:
        multiple = field.kind == "multi_static_select"
        options = element_options(field.element)
        for line in option_lines(field.element):
            self.say(line)
        self.say("  Choose numbers, comma-separated." if multiple else "  Choose a number.")
        return self._read_value(
            field, current, lambda answer: _parse_picks(answer, options, multiple)
        )

    def _pick_options(self, options: list[dict[str, Any]], *, multiple: bool) -> Any:
        for line in option_lines({}, options):
            self.say(line)
        while True:
            answer = self.read("  Choose a number> " if not multiple else "  Choose numbers> ")
            try:
                return _parse_picks(answer.strip(), options, multiple)
            except ValueError as error:
                self.say(f"  {error}")

    async def _read_search(self, view: dict[str, Any], field: FormField, current: Any) -> Any:
        multiple = field.kind.startswith("multi_")
        minimum = int(field.element.get("min_query_length", DEFAULT_MIN_QUERY_LENGTH))
        while True:
            query = self.read("  Type to search> ").strip()
            if query in ("", "-"):
                kept = self._keep_or_clear(field, current, query)
                if kept is _RETRY:
                    continue
                return kept
            if len(query) < minimum:
                self.say(f"  Type at least {minimum} characters.")
                continue

            options = await self._suggest(view, field, query)
            if not options:
                self.say("  No matches. Try another search.")
                continue
            picked = self._pick_from_results(options, multiple)
            if picked is not None:
                return picked

    async def _suggest(
        self, view: dict[str, Any], field: FormField, query: str
    ) -> list[dict[str, Any]]:
        answer = await self.driver.suggest(view, field.block_id, field.action_id, query)
        if self.driver.last_result is not None:
            self._warn_about_ack(self.driver.last_result)
        return element_options(answer)

    def _pick_from_results(self, options: list[dict[str, Any]], multiple: bool) -> Any:
        for line in option_lines({}, options):
            self.say(line)
        while True:
            answer = self.read("  Choose (Enter searches again)> ").strip()
            if not answer:
                return None
            try:
                return _parse_picks(answer, options, multiple)
            except ValueError as error:
                self.say(f"  {error}")


# A marker from Shell._keep_or_clear: ask the same question again.
_RETRY = object()


# ----- parsing and formatting values ----------------------------------------------------


def _state_values(fields: list[FormField], values: dict[str, Any]) -> dict[str, Any]:
    return {
        field.block_id: {field.action_id: element_state(field.element, values[field.block_id])}
        for field in fields
    }


def _submission_errors(result: DriverResult) -> dict[str, str]:
    if result.status != 200 or result.ack.get("response_action") != "errors":
        return {}
    errors = result.ack.get("errors")
    return {str(key): str(value) for key, value in errors.items()} if isinstance(
        errors, dict) else {}


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _display_value(field: FormField, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(text_of(option.get("text")) if isinstance(option, dict) else str(option)
                         for option in value)
    if isinstance(value, dict):
        return text_of(value.get("text"))
    if field.kind == "datetimepicker":
        return datetime.fromtimestamp(int(value), UTC).strftime(DATETIME_FORMAT) + " UTC"
    text = str(value)
    return text.replace("\n", "\n           ")


def _text_parser(element: dict[str, Any]) -> Callable[[str], str]:
    kind = element.get("type")
    minimum = element.get("min_length")
    maximum = element.get("max_length")

    def parse(answer: str) -> str:
        if kind == "email_text_input" and not EMAIL_PATTERN.fullmatch(answer):
            raise ValueError(f"Invalid email address {answer!r}; type it like name@example.com.")
        if kind == "url_text_input" and not answer.startswith(("http://", "https://")):
            raise ValueError(f"Invalid URL {answer!r}; it must start with http:// or https://.")
        if maximum is not None and len(answer) > int(maximum):
            raise ValueError(f"Too long: {len(answer)} characters; the maximum is {maximum}.")
        if minimum is not None and len(answer) < int(minimum):
            raise ValueError(f"Too short: {len(answer)} characters; the minimum is {minimum}.")
        return answer

    return parse


def _number_parser(element: dict[str, Any]) -> Callable[[str], str]:
    decimals = bool(element.get("is_decimal_allowed"))

    def parse(answer: str) -> str:
        if not NUMBER_PATTERN.fullmatch(answer) or (not decimals and "." in answer):
            kind = "a number" if decimals else "a whole number"
            raise ValueError(f"Invalid number {answer!r}; type {kind}.")
        number = float(answer)
        if element.get("min_value") is not None and number < float(element["min_value"]):
            raise ValueError(f"{answer} is below the minimum {element['min_value']}.")
        if element.get("max_value") is not None and number > float(element["max_value"]):
            raise ValueError(f"{answer} is above the maximum {element['max_value']}.")
        return answer

    return parse


def _parse_date(answer: str) -> str:
    try:
        if not DATE_PATTERN.fullmatch(answer):
            raise ValueError
        return date.fromisoformat(answer).isoformat()
    except ValueError:
        raise ValueError(f"Invalid date {answer!r}; use YYYY-MM-DD.") from None


def _parse_datetime(answer: str) -> int:
    try:
        moment = datetime.strptime(answer, DATETIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"Invalid date and time {answer!r}; use YYYY-MM-DD HH:MM.") from None
    return int(moment.timestamp())


def _parse_time(answer: str) -> str:
    try:
        return datetime.strptime(answer, "%H:%M").strftime("%H:%M")
    except ValueError:
        raise ValueError(f"Invalid time {answer!r}; use HH:MM.") from None


def _parse_picks(answer: str, options: list[dict[str, Any]], multiple: bool) -> Any:
    """Turn "2" or "1,3" into the options with those numbers (counting from 1)."""
    parts = [part.strip() for part in answer.split(",") if part.strip()]
    if not parts or (len(parts) > 1 and not multiple):
        raise ValueError("Type one number from the list." if not multiple
                         else "Type numbers from the list, separated by commas.")
    picked = []
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= len(options):
            raise ValueError(f"Invalid choice {part!r}; type a number from 1 to {len(options)}.")
        picked.append(options[int(part) - 1])
    return picked if multiple else picked[0]
