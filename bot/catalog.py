"""The modules the bot serves, and how people name them in a command.

A module can be named by its API name (``cm_books``), its plural without the prefix
(``books``), its singular (``book``, ``cm_book``) or its display names, in any case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.config import BotConfig, apply_overrides
from bot.scp import Module, ScpClient, discover_module

logger = logging.getLogger(__name__)


class UnknownModule(LookupError):
    """No module, or more than one, has this name; ``message`` lists the choices."""

    def __init__(self, name: str, choices: list[Module], *, ambiguous: bool = False) -> None:
        self.name = name
        self.choices = choices
        self.ambiguous = ambiguous
        names = ", ".join(f"`{m.short_name}` ({m.display_name})" for m in choices) or "none"
        if ambiguous:
            self.message = f"“{name}” matches several modules: {names}. Use one of these names."
        else:
            self.message = f"There is no module called “{name}”. Modules: {names}."
        super().__init__(self.message)


@dataclass
class DiscoveryReport:
    """The discovery result ``scp-bot check`` prints: the module, its field source, overrides."""

    module: Module
    source: str
    overrides: list[str] = field(default_factory=list)


def _keys(text: str) -> set[str]:
    base = text.strip().lower()
    return {base, base.replace(" ", "_"), base.replace(" ", "")}


class ModuleCatalog:
    def __init__(self, modules: list[Module]) -> None:
        self.modules = modules

    def get(self, api_name: str) -> Module | None:
        return next((m for m in self.modules if m.api_name == api_name), None)

    def names_of(self, module: Module) -> set[str]:
        singular_short = module.singular.removeprefix("cm_")
        names = {module.api_name, module.short_name, module.singular, singular_short}
        names |= {module.display_name, module.display_singular}
        return {key for name in names for key in _keys(name)}

    def resolve(self, name: str) -> Module:
        wanted = name.strip().lower()
        matches = [m for m in self.modules if wanted in self.names_of(m)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UnknownModule(name, matches, ambiguous=True)
        raise UnknownModule(name, self.modules)


async def discover_catalog(
    client: ScpClient, api_names: list[str], config: BotConfig
) -> tuple[ModuleCatalog, list[DiscoveryReport]]:
    """Discover every configured module and apply the admin's overrides."""
    reports: list[DiscoveryReport] = []
    for api_name in api_names:
        module, source = await discover_module(client, api_name)
        overrides = apply_overrides(module, config.modules.get(api_name))
        reports.append(DiscoveryReport(module, source, overrides))
        logger.info(
            "catalog.module.discovered module=%s source=%s fields=%d overrides=%d",
            api_name, source, len(module.fields), len(overrides),
        )
    return ModuleCatalog([r.module for r in reports]), reports
