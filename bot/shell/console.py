"""Reading lines from the user and printing to the terminal."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TextIO

PROMPT = "you> "
FIELD_PROMPT = "  > "
# The bot's slash command. Only it is caught at questions, because other text starting
# with a slash, such as a path, can be a real value.
SLASH_COMMAND = re.compile(r"/scp(\s|$)")


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

    def read_answer(self, prompt: str, *, busy_message: str) -> str:
        """Read an answer to a question, asking again while the user types a slash command.

        A command there would otherwise become the answer. ``busy_message`` tells the user
        what to do first.
        """
        while True:
            answer = self.read(prompt)
            if not SLASH_COMMAND.match(answer.strip()):
                return answer
            self.say(f"  {busy_message}")
