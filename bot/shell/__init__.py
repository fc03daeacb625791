"""The terminal shell (``scp-bot shell``): try the bot without a Slack workspace."""

from bot.shell.repl import run_shell, run_shell_async

__all__ = ["run_shell", "run_shell_async"]
