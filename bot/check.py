"""``scp-bot check``: reach SupportCenter Plus and print the modules and fields found."""

from __future__ import annotations

from typing import TextIO

from bot.app import SetupError, create_scp_client
from bot.catalog import discover_catalog
from bot.config import BotConfig, ConfigError
from bot.scp import ListQuery, ScpError
from bot.settings import Settings

_SOURCES = {
    "metainfo": "the module's _metainfo endpoint",
    "record": "the shape of a record (no _metainfo)",
    "names": "nothing but its name: the module has no records and no _metainfo",
}


async def run_check(settings: Settings, *, out: TextIO) -> bool:
    """Print what the bot would serve; returns False when something needs fixing.

    Every module is checked, so one wrong name does not hide the state of the others.
    """
    try:
        client = create_scp_client(settings)
        config = BotConfig.load(settings.bot_config)
    except (SetupError, ConfigError) as error:
        print(f"FAILED: {error}", file=out)
        return False

    print(f"SupportCenter Plus: {settings.scp_url}", file=out)
    failures = 0
    try:
        for api_name in settings.module_names:
            if not await _check_module(client, api_name, config, out):
                failures += 1
    finally:
        await client.aclose()

    unused = sorted(set(config.modules) - set(settings.module_names))
    if unused:
        print(f"\nNote: the config file has overrides for modules not in SCP_MODULES: "
              f"{', '.join(unused)}", file=out)
    _print_slack_settings(settings, out)
    served = len(settings.module_names) - failures
    if failures:
        print(f"\nFAILED: {failures} of {len(settings.module_names)} module(s) need fixing.",
              file=out)
        return False
    print(f"\nOK: {served} module(s) ready.", file=out)
    return True


async def _check_module(client, api_name: str, config: BotConfig, out: TextIO) -> bool:
    try:
        _, reports = await discover_catalog(client, [api_name], config)
        page = await client.list_records(reports[0].module, ListQuery(row_count=1))
    except (ScpError, ConfigError) as error:
        print(f"\n{api_name}: FAILED: {error}", file=out)
        return False
    _print_module(reports[0], page.total_count, out)
    return True


def _print_slack_settings(settings: Settings, out: TextIO) -> None:
    missing = [
        name for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
        ) if value is None
    ]
    if settings.slack_app_token is None:
        missing.append("SLACK_APP_TOKEN (Socket Mode only)")
    if missing:
        print(f"\nSlack settings not set yet: {', '.join(missing)}.", file=out)


def _print_module(report, total: int | None, out: TextIO) -> None:
    module = report.module
    count = f"{total} record(s)" if total is not None else "records readable"
    print(f"\n{module.display_name} ({module.api_name}, one record: {module.singular}): {count}",
          file=out)
    print(f"  fields from {_SOURCES.get(report.source, report.source)}:", file=out)
    for spec in module.fields:
        flags = [spec.kind.value]
        if spec.required:
            flags.append("required")
        if spec.options is not None:
            flags.append(f"{len(spec.options)} values")
        print(f"    {spec.path:<32} {spec.label:<24} {', '.join(flags)}", file=out)
    if not module.record_url:
        print("  no record_url in the config file: cards will have no link to the web UI",
              file=out)
    for line in report.overrides:
        print(f"  override: {line}", file=out)
    if not report.overrides:
        print("  no overrides from the config file", file=out)
