"""Allowed values of pick-list, multi-select and lookup fields, cached with a TTL.

Values come from the field's metadata when the server listed them there, else from the
allowed-values endpoint, paged while ``has_more_rows``. Type-ahead (``block_suggestion``)
reads the cache, best matches first. Slack ignores options that arrive after 3 seconds, so a
cold cache is loaded for at most ``SUGGESTION_WAIT_SECONDS`` before an empty list is returned;
the load goes on, and the user's next keystroke finds the values.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from cachetools import TTLCache

from bot.scp import CUSTOM_FIELD_HOLDER, Field, Module, Option, RecordNotFound, ScpClient

logger = logging.getLogger(__name__)

SUGGESTION_WAIT_SECONDS = 2.0


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders numbers by value: "Blade 2" before "Blade 10"."""
    parts = re.split(r"(\d+)", name.lower())
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts if part)


@dataclass(frozen=True)
class Matches:
    options: list[Option]
    total: int
    loading: bool = False


def rank_options(options: list[Option], query: str, limit: int) -> Matches:
    """Return the options matching ``query``: exact, prefix, word prefix, then substring."""
    wanted = query.strip().lower()
    if not wanted:
        return Matches(options[:limit], len(options))

    ranked: list[tuple[int, tuple[tuple[int, int | str], ...], Option]] = []
    for option in options:
        name = option.name.lower()
        if name == wanted:
            rank = 0
        elif name.startswith(wanted):
            rank = 1
        elif any(word.startswith(wanted) for word in name.split()):
            rank = 2
        elif wanted in name:
            rank = 3
        else:
            continue
        ranked.append((rank, natural_key(option.name), option))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return Matches([option for _, _, option in ranked[:limit]], len(ranked))


class PickListCache:
    def __init__(self, client: ScpClient, *, ttl_seconds: float = 300.0, maxsize: int = 512):
        self._client = client
        self._cache: TTLCache[tuple[str, str], list[Option]] = TTLCache(maxsize, ttl_seconds)
        self._loading: dict[tuple[str, str], asyncio.Task[list[Option]]] = {}

    async def options(self, module: Module, field: Field) -> list[Option]:
        """Return every allowed value of ``field``; concurrent callers share one load."""
        if field.options is not None:
            return list(field.options)

        key = (module.api_name, field.name)
        cached = self._cache.get(key)
        if cached is not None:
            return cached

        task = self._loading.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(module, field))
            self._loading[key] = task
            task.add_done_callback(lambda _: self._loading.pop(key, None))
        return await asyncio.shield(task)

    async def _load(self, module: Module, field: Field) -> list[Option]:
        # The vendor's URL has a ``cm_fields`` segment that later releases drop, so a
        # flat-format server may serve either form.
        holders = [field.holder, None] if field.holder else [None, CUSTOM_FIELD_HOLDER]
        for holder in holders:
            try:
                values = await self._client.all_allowed_values(module, field.name, holder=holder)
            except RecordNotFound:
                if holder is holders[-1]:
                    raise
                continue
            self._cache[(module.api_name, field.name)] = values
            logger.info(
                "picklist.loaded module=%s field=%s values=%d",
                module.api_name, field.name, len(values),
            )
            return values
        return []

    async def suggest(self, module: Module, field: Field, query: str, limit: int = 100) -> Matches:
        """Return the matches for a type-ahead request within Slack's deadline."""
        try:
            options = await asyncio.wait_for(
                self.options(module, field), timeout=SUGGESTION_WAIT_SECONDS
            )
        except TimeoutError:
            return Matches([], 0, loading=True)
        return rank_options(options, query, limit)

    def invalidate(self, module: Module | None = None) -> None:
        for key in list(self._cache.keys()):
            if module is None or key[0] == module.api_name:
                self._cache.pop(key, None)
