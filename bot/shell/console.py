"""Reading lines from the user and printing to the terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

PROMPT = "you> "
FIELD_PROMPT = "  > "


class FormCancelled(Exception):
    """The user typed ``cancel`` at a prompt."""


class Console:
    """The terminal: ``input_fn`` reads a line and ``output`` receives what is shown."""

    def __init__(self, input_fn: Callable[[str], str], output: TextIO) -> None:
        self.input_fn = input_fn
        self.output = output

    def say(self, text: str = "") -> None:
        print(text, file=self.output, flush=True)

    def read(self, prompt: str = FIELD_PROMPT) -> str:
        """Read one line; ``cancel`` raises FormCancelled."""
        answer = self.input_fn(prompt)
        if answer.strip().lower() == "cancel":
            raise FormCancelled
        return answer
