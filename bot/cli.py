"""The ``scp-bot`` command: run, emulator, shell and check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from bot.settings import Settings

logger = logging.getLogger("bot")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    # httpx logs every request at INFO; the client logs the failures that matter itself.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scp-bot",
        description="Slack bot for the records of SupportCenter Plus custom modules.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="serve Slack (Socket Mode, or HTTP with --http)")
    run.add_argument("--http", action="store_true", help="serve HTTP instead of Socket Mode")
    run.add_argument("--host", default="0.0.0.0", help="HTTP address to listen on")
    run.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    run.add_argument("--no-poll", action="store_true", help="do not poll followed modules")
    run.set_defaults(handler=_run)

    emulator = commands.add_parser("emulator", help="serve the SupportCenter Plus emulator")
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    emulator.add_argument(
        "--authtoken", default="emulator-token", help="API key to accept (default emulator-token)"
    )
    emulator.add_argument("--modules", metavar="FILE", help="module definitions (JSON or TOML)")
    emulator.add_argument("--latency-ms", type=int, default=0, help="delay every API request")
    emulator.add_argument("--flat", action="store_true", help="records without cm_fields")
    emulator.add_argument("--webhook-url", help="POST every change to this URL")
    emulator.add_argument("--webhook-token", help="X-SCP-Webhook-Token sent to the webhook")
    emulator.set_defaults(handler=_emulator)

    shell = commands.add_parser("shell", help="try the bot in the terminal, no Slack needed")
    shell.set_defaults(handler=_shell)

    check = commands.add_parser("check", help="reach SupportCenter Plus and list the modules")
    check.set_defaults(handler=_check)
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise SystemExit(f"Invalid settings: {error}") from error


def _run(args: argparse.Namespace) -> int:
    from bot.runner import run_http, run_socket_mode

    settings = _settings()
    if args.http:
        serve = run_http(settings, host=args.host, port=args.port, poll=not args.no_poll)
        return asyncio.run(serve)
    if not settings.slack_app_token:
        print(
            "SLACK_APP_TOKEN is not set. Socket Mode needs an app-level token (xapp-...); "
            "or serve HTTP with `scp-bot run --http --port 3000`.",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(run_socket_mode(settings, poll=not args.no_poll))


def _emulator(args: argparse.Namespace) -> int:
    from bot.emulator import run_emulator

    run_emulator(
        host=args.host,
        port=args.port,
        authtoken=args.authtoken,
        modules_file=args.modules,
        latency_ms=args.latency_ms,
        flat=args.flat,
        webhook_url=args.webhook_url,
        webhook_token=args.webhook_token,
    )
    return 0


def _shell(args: argparse.Namespace) -> int:
    from bot.shell import run_shell

    logging.getLogger().setLevel(logging.WARNING)
    return run_shell()


def _check(args: argparse.Namespace) -> int:
    from bot.check import run_check

    settings = _settings()
    if not args.verbose:
        # The report names what failed, and the client's own log lines would only repeat it.
        logging.getLogger("bot").setLevel(logging.WARNING)
    ok = asyncio.run(run_check(settings, out=sys.stdout))
    return 0 if ok else 1
