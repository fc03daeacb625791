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
    """Print what the bot would serve; returns False when something needs fixing."""
    try:
        client = create_scp_client(settings)
        config = BotConfig.load(settings.bot_config)
    except (SetupError, ConfigError) as error:
        print(f"FAILED: {error}", file=out)
        return False

    print(f"SupportCenter Plus: {settings.scp_url}", file=out)
    try:
        catalog, reports = await discover_catalog(client, settings.module_names, config)
        for report in reports:
            page = await client.list_records(report.module, ListQuery(row_count=1))
            _print_module(report, page.total_count, out)
    except (ScpError, ConfigError) as error:
        print(f"FAILED: {error}", file=out)
        return False
    finally:
        await client.aclose()

    print(f"OK: {len(catalog.modules)} module(s) ready.", file=out)
    return True


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
    for line in report.overrides:
        print(f"  override: {line}", file=out)
