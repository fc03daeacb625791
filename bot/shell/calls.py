"""Showing what the app did: its acknowledgements and the Web API calls it made."""

from __future__ import annotations

from typing import Any

from bot.fakeslack.driver import DriverResult
from bot.fakeslack.server import RESPONSE_URL_METHOD, ApiCall, FakeSlack
from bot.shell.console import Console
from bot.shell.fields import form_fields
from bot.shell.render import Pressable, decode_text, render_message, render_view

# Slack shows an error to the user when an app takes longer than this to acknowledge.
ACK_DEADLINE_SECONDS = 3.0
# Calls that read setup data and change nothing a Slack user would see. Bolt calls
# auth.test by itself to learn the bot's id, so showing them would only add noise.
# A failed one is still shown, because then the bot cannot work.
PLUMBING_METHODS = frozenset({"auth.test", "users.info", "conversations.info"})


class CallPrinter:
    """Printer of the app's acknowledgements and Web API calls.

    It also stores the last message or view with buttons, which numbers typed later press.
    """

    def __init__(self, console: Console, fake: FakeSlack) -> None:
        self.console = console
        self.say = console.say
        self.fake = fake
        # How many of fake.calls have been shown already.
        self._shown_call_count = 0
        self.pressables: list[Pressable] = []
        self.surface: dict[str, Any] | None = None

    def show_ack(self, result: DriverResult) -> None:
        self.warn_about_ack(result)
        if result.status != 200:
            return
        body = result.body
        if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
            in_channel = body.get("response_type") == "in_channel"
            self.show_message("bot:" if in_channel else "bot (only visible to you):", body)
        elif isinstance(body, str) and body.strip():
            self.say(f"bot (only visible to you): {decode_text(body)}")

    def warn_about_ack(self, result: DriverResult) -> None:
        if result.status != 200:
            self.say(f"(the app answered HTTP {result.status}: {str(result.body)[:200]})")
        if result.ack_seconds > ACK_DEADLINE_SECONDS:
            self.say(f"(warning: the app took {result.ack_seconds:.1f} s to acknowledge; "
                     f"Slack shows an error after {ACK_DEADLINE_SECONDS:.0f} s)")
        for problem in result.problems:
            self.say(f"(invalid Block Kit in the app's answer: {problem})")

    def show_submission_ack(self, result: DriverResult) -> None:
        self.warn_about_ack(result)
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
        elif call.method in PLUMBING_METHODS:
            return
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
            self.pressables = rendered.pressables
            self.surface = message

    def show_view(self, view: dict[str, Any], verb: str = "") -> None:
        rendered = render_view(view)
        rendered.lines[0] = rendered.lines[0].replace("[modal]", f"[modal{verb}]", 1)
        for line in rendered.lines:
            self.say(line)
        if rendered.pressables and not form_fields(view):
            self.pressables = rendered.pressables
            self.surface = view
