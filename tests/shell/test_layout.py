import inspect
from pathlib import Path

import bot.shell
from bot.shell import run_shell

SHELL_FOLDER = Path(bot.shell.__file__).parent
# Each module covers one concept; a module past this size should be split again.
MAX_MODULE_LINES = 300


def test_modules_stay_short() -> None:
    for path in sorted(SHELL_FOLDER.glob("*.py")):
        line_count = len(path.read_text(encoding="utf-8").splitlines())
        assert line_count <= MAX_MODULE_LINES, f"{path.name} has {line_count} lines"


def test_package_exports_unchanged() -> None:
    assert bot.shell.__all__ == ["run_shell", "run_shell_async"]


def test_run_shell_signature_unchanged() -> None:
    parameters = inspect.signature(run_shell).parameters

    assert list(parameters) == ["settings", "input_fn", "output", "app_builder"]
    assert parameters["settings"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert parameters["input_fn"].kind is inspect.Parameter.KEYWORD_ONLY
