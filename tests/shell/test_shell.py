import asyncio
import io
from collections.abc import Callable
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.background import BackgroundTasks
from bot.settings import Settings, secret
from bot.shell import run_shell
from bot.shell.startup import BuiltApp

# Points at a closed port: the test app never calls SupportCenter Plus, and a set SCP_URL
# keeps the shell from starting the emulator.
UNUSED_SCP_URL = "http://127.0.0.1:9"


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


CARD = [
    {"type": "header", "text": plain("The Hobbit")},
    {"type": "section", "text": {"type": "mrkdwn", "text": "Tags &lt;b&gt; &amp; more"},
     "fields": [{"type": "mrkdwn", "text": "*Author*\nTolkien"}]},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": (
        "Updated <!date^1700000000^{date}|Nov 14, 2023> · <https://example.com/b/1|Open> · "
        "<mailto:help@example.com|help@example.com>")}]},
    {"type": "actions", "block_id": "card", "elements": [
        {"type": "button", "action_id": "record_edit", "text": plain("Edit"), "value": "301"},
        {"type": "button", "action_id": "record_trash", "text": plain("Move to trash"),
         "value": "301", "style": "danger",
         "confirm": {"title": plain("Move to trash?"), "text": plain("Book 301 goes to the trash."),
                     "confirm": plain("Move"), "deny": plain("Keep")}},
    ]},
]

LOADING = {"type": "modal", "callback_id": "loading", "title": plain("Edit book"),
           "blocks": [{"type": "section", "text": plain("Loading…")}]}


def input_block(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict:
    return {"type": "input", "block_id": block_id, "label": plain(label),
            "element": {"action_id": "value", **element}, **extra}


FORM = {
    "type": "modal", "callback_id": "record_form", "title": plain("Edit book 301"),
    "submit": plain("Save"),
    "blocks": [
        input_block("field:title", "Title", {"type": "plain_text_input",
                                             "initial_value": "The Hobbit"}),
        input_block("field:description", "Description", {"type": "plain_text_input",
                                                          "multiline": True},
                    optional=True, hint=plain("A few lines about the book")),
        input_block("field:pages", "Pages", {"type": "number_input",
                                             "is_decimal_allowed": False}),
        input_block("field:email", "Contact", {"type": "email_text_input"}),
        input_block("field:due", "Due", {"type": "datepicker", "initial_date": "2024-01-15"},
                    optional=True),
        input_block("field:remind", "Remind at", {"type": "datetimepicker"}, optional=True),
        input_block("field:flags", "Flags", {"type": "checkboxes", "options": [
            option("Signed", "signed"), option("First edition", "first")]}, optional=True),
        input_block("field:category", "Category", {
            "type": "static_select", "options": [option("Novel", "novel"),
                                                 option("Fantasy", "fantasy")],
            "initial_option": option("Novel", "novel")}),
        input_block("field:tags", "Tags", {"type": "multi_static_select", "options": [
            option("Old", "old"), option("Rare", "rare"), option("Gift", "gift")]},
            optional=True),
        input_block("field:author", "Author", {"type": "external_select",
                                               "min_query_length": 2}),
    ],
}

AUTHORS = ["Tolkien", "Tolstoy", "Pratchett"]


class SampleBot:
    """A small Bolt app that behaves like the bot: cards, a loading modal, a form."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.submissions: list[dict[str, Any]] = []
        self.background = BackgroundTasks()

    async def build(self, settings: Settings) -> BuiltApp:
        self.settings = settings
        # Built like the bot's app: the client carries the token, so Bolt calls auth.test.
        client = AsyncWebClient(
            token=secret(settings.slack_bot_token), base_url=settings.web_api_base_url
        )
        app = AsyncApp(signing_secret=secret(settings.slack_signing_secret), client=client)
        self.register(app)
        return BuiltApp(app, self.background, self.aclose)

    async def aclose(self) -> None:
        await self.background.join(timeout=5)

    def register(self, app: AsyncApp) -> None:
        app.command("/scp")(self.on_command)
        app.action("record_edit")(self.on_edit)
        app.action("record_trash")(self.on_trash)
        app.options("value")(self.on_author_search)
        app.view("record_form")(self.on_submit)

    async def on_command(self, ack, body, client) -> None:
        if body["text"] == "hello":
            await ack("Hello &lt;there&gt;")
            return
        await ack()
        self.background.spawn(
            client.chat_postMessage(channel=body["channel_id"], text="The Hobbit", blocks=CARD)
        )

    async def on_edit(self, ack, body, client) -> None:
        await ack()
        opened = await client.views_open(trigger_id=body["trigger_id"], view=LOADING)

        async def load_form() -> None:
            await asyncio.sleep(0.02)
            await client.views_update(view_id=opened["view"]["id"], view=FORM)

        self.background.spawn(load_form())

    async def on_trash(self, ack, respond) -> None:
        await ack()
        self.background.spawn(respond(replace_original=True, text="trashed", blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Moved to the trash*"}}]))

    async def on_author_search(self, ack, body) -> None:
        matches = [name for name in AUTHORS if body["value"].lower() in name.lower()]
        await ack(options=[option(name, name.lower()) for name in matches])

    async def on_submit(self, ack, view) -> None:
        values = view["state"]["values"]
        self.submissions.append(values)
        errors = {}
        if int(values["field:pages"]["value"]["value"]) > 1000:
            errors["field:pages"] = "A book here has at most 1000 pages."
        if not values["field:email"]["value"]["value"].endswith("@example.com"):
            errors["field:email"] = "Use an example.com address."
        if errors:
            await ack(response_action="errors", errors=errors)
        else:
            await ack()


def scripted(lines: list[str]) -> tuple[Callable[[str], str], list[str]]:
    """Return an input function that answers with ``lines``, then EOF, and its prompts."""
    queue = list(lines)
    prompts: list[str] = []

    def input_fn(prompt: str) -> str:
        prompts.append(prompt)
        if not queue:
            raise EOFError
        return queue.pop(0)

    return input_fn, prompts


def run(lines: list[str], bot: SampleBot | None = None) -> tuple[str, list[str], SampleBot]:
    bot = bot or SampleBot()
    input_fn, prompts = scripted(lines)
    output = io.StringIO()
    settings = Settings(_env_file=None, scp_url=UNUSED_SCP_URL, scp_authtoken="unused")

    code = run_shell(settings, input_fn=input_fn, output=output, app_builder=bot.build)

    assert code == 0
    return output.getvalue(), prompts, bot


FILLED_FORM = [
    "",                     # Title: keep "The Hobbit"
    "There and back",       # Description, first line
    "again.",
    ".",
    "2000",                 # Pages: rejected by the app
    "bilbo@shire.example",  # Contact: rejected by the app
    "2024-02-30",           # Due: invalid date, asked again
    "2024-02-29",
    "",                     # Remind at: optional, left empty
    "y", "",                # Flags: Signed yes, First edition keeps "no"
    "Fairy",                # Category: no such choice, asked again
    "fantasy",              # Category: Fantasy, picked by its text
    "1,2",                  # Tags: Old, Rare
    "t",                    # Author: too short a search
    "tol",
    "2",                    # Tolstoy
    "y",                    # Submit
]


def test_banner_and_quit() -> None:
    output, prompts, _ = run(["quit"])

    assert "Type /scp help to start; numbers press buttons; quit to leave." in output
    assert output.rstrip().endswith("Bye.")
    assert prompts == ["you> "]


def test_ack_text_decoded() -> None:
    output, _, _ = run(["/scp hello"])

    assert "bot (only visible to you): Hello <there>" in output


def test_card_buttons_numbered() -> None:
    output, _, _ = run(["/scp card"])

    assert "== The Hobbit ==" in output
    assert "[1] Edit  [2] Move to trash" in output
    assert "*Author*: Tolkien" in output


def test_first_command_hides_auth_test() -> None:
    output, _, _ = run(["/scp card"])

    assert "auth.test" not in output
    assert "bot:\n== The Hobbit ==" in output


def test_card_escapes_decoded() -> None:
    output, _, _ = run(["/scp card"])

    assert "Tags <b> & more" in output
    assert "Updated Nov 14, 2023" in output
    assert "Open (https://example.com/b/1)" in output
    assert "· help@example.com" in output
    assert "&lt;" not in output


def test_danger_button_asks_confirmation() -> None:
    output, prompts, _ = run(["/scp card", "2", "n", "2", "y"])

    assert "Move to trash?" in output
    assert "Book 301 goes to the trash." in output
    assert "  Move? [y/n] " in prompts
    assert "(cancelled)" in output
    assert "(card updated)" in output
    assert "*Moved to the trash*" in output


def test_unknown_number_and_text() -> None:
    output, _, _ = run(["3", "/scp card", "7", "hello"])

    assert "Nothing to press" in output
    assert "There is no [7]; choose 1 to 2." in output
    assert "Type a slash command such as /scp help" in output


def test_loading_view_then_form() -> None:
    output, _, bot = run(["/scp card", "1", "cancel"])

    assert "[modal] Edit book" in output
    assert "Loading…" in output
    assert "[modal updated] Edit book 301" in output
    assert "Fill in 'Edit book 301'" in output
    assert "(form closed without submitting)" in output
    assert bot.submissions == []


def test_form_prompts_show_field_details() -> None:
    output, _, _ = run(["/scp card", "1", *FILLED_FORM, "999", "bilbo@example.com", "y"])

    assert "Title\n  Current: The Hobbit  (Enter keeps it)\n" in output
    assert "Description (optional)\n  Hint: A few lines about the book" in output
    assert "Invalid date '2024-02-30'; use YYYY-MM-DD." in output
    assert "  1) Novel\n  2) Fantasy" in output
    assert "Invalid choice 'Fairy'." in output
    assert "Type at least 2 characters." in output
    assert "  1) Tolkien\n  2) Tolstoy" in output


def test_form_errors_reprompt_failing_fields() -> None:
    output, prompts, bot = run(["/scp card", "1", *FILLED_FORM, "999", "bilbo@example.com", "y"])

    assert "Pages\n  ! A book here has at most 1000 pages." in output
    assert "Contact\n  ! Use an example.com address." in output
    assert output.count("\nTitle\n") == 1
    assert output.count("\nPages\n") == 2
    assert "(form submitted)" in output
    assert len(bot.submissions) == 2


def test_form_values_sent_and_kept() -> None:
    _, _, bot = run(["/scp card", "1", *FILLED_FORM, "999", "bilbo@example.com", "y"])

    first, second = bot.submissions
    assert first["field:title"]["value"]["value"] == "The Hobbit"
    assert first["field:description"]["value"]["value"] == "There and back\nagain."
    assert first["field:due"]["value"]["selected_date"] == "2024-02-29"
    assert first["field:remind"]["value"]["selected_date_time"] is None
    assert [o["value"] for o in first["field:flags"]["value"]["selected_options"]] == ["signed"]
    assert first["field:category"]["value"]["selected_option"]["value"] == "fantasy"
    assert [o["value"] for o in first["field:tags"]["value"]["selected_options"]] == [
        "old", "rare"]
    assert first["field:author"]["value"]["selected_option"]["value"] == "tolstoy"
    assert second["field:pages"]["value"]["value"] == "999"
    assert second["field:email"]["value"]["value"] == "bilbo@example.com"
    # Fields without errors keep what the user typed the first time.
    for block_id in ("field:title", "field:description", "field:category", "field:author"):
        assert second[block_id] == first[block_id]


def test_search_results_accept_new_search() -> None:
    before_author = FILLED_FORM[:-4]
    lines = ["/scp card", "1", *before_author, "xyzzy", "tol", "9", "pra", "1", "y"]

    output, prompts, bot = run(lines)

    assert "No matches for 'xyzzy'. Type fewer letters to find more." in output
    assert "  1) Tolkien\n  2) Tolstoy" in output
    assert "  Choose a number, or type to search again> " in prompts
    assert "Invalid choice '9'; type a number from 1 to 2, or text to search again." in output
    assert "  1) Pratchett\n" in output
    assert bot.submissions[0]["field:author"]["value"]["selected_option"]["value"] == "pratchett"


def test_slash_command_in_form_rejected() -> None:
    lines = ["/scp card", "1", "/scp books edit abc", "", "/scp help", "Short.", ".", "cancel"]

    output, prompts, _ = run(lines)

    assert output.count("  Finish the form or type cancel first.") == 2
    # Title and Description were each asked again after the command.
    assert prompts.count("  > ") == 5
    # The commands never reached the bot, which would have posted the card again.
    assert output.count("== The Hobbit ==") == 1


def test_slash_command_at_confirmation_rejected() -> None:
    output, _, _ = run(["/scp card", "2", "/scp card", "y"])

    assert "  Answer y or n first." in output
    assert "*Moved to the trash*" in output


def test_review_shows_summary() -> None:
    output, prompts, _ = run(["/scp card", "1", *FILLED_FORM[:-1], "cancel"])

    assert "Ready to send 'Edit book 301':\n  1) Title: The Hobbit\n" in output
    assert "  2) Description: There and back (+1 more line)\n" in output
    assert "  5) Due: 2024-02-29\n" in output
    assert "  6) Remind at: (empty)\n" in output
    assert "  7) Flags: Signed\n" in output
    assert "  9) Tags: Old, Rare\n" in output
    assert "  10) Author: Tolstoy\n" in output
    # The last prompt before the shell's own is the question to submit.
    assert prompts[-2] == "Submit? (y = submit, n = edit a field, cancel) "


def test_review_edits_field_before_submit() -> None:
    review = ["maybe", "n", "12", "3", "999", "n", "4", "bilbo@example.com", "y"]

    output, _, bot = run(["/scp card", "1", *FILLED_FORM[:-1], *review])

    assert "  Type y to submit, n to edit a field, or cancel." in output
    assert "  Type a field number from 1 to 10." in output
    assert "  3) Pages: 999\n" in output
    assert output.count("Ready to send 'Edit book 301':") == 4
    assert len(bot.submissions) == 1
    assert bot.submissions[0]["field:pages"]["value"]["value"] == "999"
    assert bot.submissions[0]["field:email"]["value"]["value"] == "bilbo@example.com"


def test_review_cancel_sends_nothing() -> None:
    output, _, bot = run(["/scp card", "1", *FILLED_FORM[:-1], "cancel"])

    assert "(form closed without submitting)" in output
    assert bot.submissions == []


def test_required_field_not_cleared() -> None:
    output, _, _ = run(["/scp card", "1", "-", "cancel"])

    assert "Title\n  Current: The Hobbit  (Enter keeps it)\n" in output
    assert ("  This field is required, so it cannot be cleared. "
            "Press Enter to keep the current value.") in output


def test_optional_field_offers_clearing() -> None:
    lines = ["/scp card", "1", "", "", "12", "a@example.com", "-", "cancel"]

    output, _, _ = run(lines)

    assert "Due (optional)\n  Current: 2024-01-15  (Enter keeps it, - clears it)" in output
    # The cleared date was accepted, so the next field was asked.
    assert "Remind at (optional)" in output


def test_datetime_field_utc() -> None:
    lines = ["/scp card", "1", "", "", "12", "a@example.com", "", "2024-03-01 09:30",
             "n", "n", "", "", "tolk", "1", "y"]

    _, _, bot = run(lines)

    assert bot.submissions[0]["field:remind"]["value"]["selected_date_time"] == 1709285400


def test_no_secrets_printed() -> None:
    output, prompts, bot = run(["/scp card", "1", *FILLED_FORM, "999", "bilbo@example.com", "y"])

    assert bot.settings is not None
    signing_secret = secret(bot.settings.slack_signing_secret)
    assert signing_secret
    assert signing_secret not in output
    assert "xoxb-shell" not in output
    assert all(signing_secret not in prompt for prompt in prompts)


def test_real_bot_against_emulator() -> None:
    pytest.importorskip("bot.app")
    input_fn, _ = scripted(["/scp books", "/scp books 301", "1", "cancel"])
    output = io.StringIO()

    code = run_shell(Settings(_env_file=None), input_fn=input_fn, output=output)

    text = output.getvalue()
    assert code == 0
    assert "local emulator at http://127.0.0.1:" in text
    assert "[1] Edit  [2] Move to trash" in text
    assert "Fill in 'Edit Book 301'" in text
    assert "(form closed without submitting)" in text
    assert "failed" not in text


def test_real_bot_shows_thread_lines_of_subscription() -> None:
    input_fn, _ = scripted(["/scp subscribe books", "/scp books trash 301",
                            "/scp books restore 301"])
    output = io.StringIO()

    code = run_shell(Settings(_env_file=None), input_fn=input_fn, output=output)

    text = output.getvalue()
    assert code == 0
    assert "This channel now follows all Books records" in text
    assert "*Moved to trash* by @U0001" in text
    assert "bot replied in the thread:\n    *Restored* by @U0001" in text
