import io

from bot.fakeslack.server import ApiCall, FakeSlack
from bot.shell.calls import CallPrinter
from bot.shell.console import Console


def printed(call: ApiCall) -> str:
    output = io.StringIO()
    printer = CallPrinter(Console(input, output), FakeSlack())

    printer.show_call(call)

    return output.getvalue()


def test_auth_test_hidden() -> None:
    call = ApiCall("auth.test", {}, 0.0, response={"ok": True, "user_id": "UBOT"})

    assert printed(call) == ""


def test_failed_auth_test_shown() -> None:
    call = ApiCall("auth.test", {}, 0.0, response={"ok": False, "error": "invalid_auth"})

    assert "(the bot called auth.test; it failed: invalid_auth)" in printed(call)


def test_other_calls_still_shown() -> None:
    call = ApiCall("reactions.add", {}, 0.0, response={"ok": True})

    assert printed(call) == "(the bot called reactions.add)\n"
