"""The poller: reads each followed module's records changed since a stored cursor.

Each module has two lists, its records and its trash, and a cursor for each: the last
``updated_time`` handled and, for each record handled at that millisecond, the version of it
that was handled (``bot.notify.diff.version_of``). A read requests ``updated_time`` greater
than cursor - 1 (that is, at or after the cursor), sorted ascending, and skips the versions
already handled. So records that share a millisecond are neither missed nor handled twice, and
a second save of one record within that millisecond is still handled. The cursor is saved
after every page.

NOTE: the poller cannot see a permanent delete: a deleted record is simply absent from both
lists. Deletes reach the threads through the webhook (a 404 on re-read) and the bot's own
deletes.

Only one process polls at a time: each pass first takes the poll lock, a row that the holder
renews on every pass and that another process may take once it has expired.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.notify.diff import snapshot_of, version_of
from bot.notify.models import POLL_LOCK
from bot.notify.store import Store
from bot.scp import Criterion, ListQuery, Module, Record, ScpClient, ScpError

logger = logging.getLogger(__name__)

SCOPES = ("records", "trash")
PAGE_SIZE = 100
UPDATED_FIELD = "updated_time"
# Pages read per list in one pass; a larger backlog continues in the next pass.
MAX_PAGES_PER_PASS = 50

RecordHandler = Callable[[Module, Record], Awaitable[None]]


@dataclass
class _Cursor:
    updated_ms: int
    # Record id -> version of each record handled at ``updated_ms``.
    seen: dict[str, str] = field(default_factory=dict)

    def is_new(self, record: Record, version: str) -> bool:
        if record.updated_time is None:
            return False
        if record.updated_time == self.updated_ms:
            return self.seen.get(record.id) != version
        return record.updated_time > self.updated_ms

    def advance(self, record: Record, version: str) -> None:
        assert record.updated_time is not None
        if record.updated_time > self.updated_ms:
            self.updated_ms = record.updated_time
            self.seen = {}
        self.seen[record.id] = version


class Poller:
    def __init__(
        self, store: Store, scp: ScpClient, modules: Callable[[str], Module | None],
        handle_record: RecordHandler, *, owner: str, lock_seconds: float,
    ) -> None:
        self._store = store
        self._scp = scp
        self._modules = modules
        self._handle_record = handle_record
        self._owner = owner
        self._lock_ms = int(lock_seconds * 1000)

    async def poll_once(self) -> int:
        """Run one pass over every followed module; return how many records it handled.

        Returns 0 at once while another process holds the poll lock.
        """
        now = int(time.time() * 1000)
        if not await self._store.acquire_lock(POLL_LOCK, self._owner, now, self._lock_ms):
            logger.debug("notify.poll.skipped reason=lock_held_elsewhere")
            return 0

        handled = 0
        for api_name in await self._store.followed_modules():
            module = self._modules(api_name)
            if module is None:
                logger.warning("notify.poll.unknown_module module=%s", api_name)
                continue
            for scope in SCOPES:
                handled += await self._poll_list(module, scope)
        return handled

    async def release(self) -> None:
        await self._store.release_lock(POLL_LOCK, self._owner)

    async def ensure_cursors(self, module: Module) -> None:
        """Start the module's cursors at its newest record, unless they already exist.

        Called when a channel subscribes, so the first pass reports changes made after the
        subscription and not the module's whole history.
        """
        for scope in SCOPES:
            if await self._store.cursor(module.api_name, scope) is not None:
                continue
            start = await self._newest(module, scope)
            await self._store.save_cursor(
                module.api_name, scope, start.updated_ms, start.seen, only_if_missing=True
            )

    async def _newest(self, module: Module, scope: str) -> _Cursor:
        query = ListQuery(
            row_count=1, sort_field=UPDATED_FIELD, sort_order="desc", trash=scope == "trash",
            get_total_count=False,
        )
        page = await self._scp.list_records(module, query)
        newest = next((r for r in page.records if r.updated_time is not None), None)
        if newest is None or newest.updated_time is None:
            return _Cursor(0)
        return _Cursor(newest.updated_time, {newest.id: _version(module, newest)})

    async def _poll_list(self, module: Module, scope: str) -> int:
        try:
            return await self._read_changes(module, scope)
        except ScpError as error:
            logger.warning(
                "notify.poll.failed module=%s scope=%s error=%s", module.api_name, scope, error
            )
            return 0

    async def _read_changes(self, module: Module, scope: str) -> int:
        stored = await self._store.cursor(module.api_name, scope)
        if stored is None:
            await self.ensure_cursors(module)
            return 0

        cursor = _Cursor(*stored)
        handled = 0
        start_index = 1
        for _ in range(MAX_PAGES_PER_PASS):
            page = await self._scp.list_records(module, _changes_query(cursor, scope, start_index))
            before = cursor.updated_ms
            for record in page.records:
                version = _version(module, record)
                if cursor.is_new(record, version):
                    await self._handle_record(module, record)
                    cursor.advance(record, version)
                    handled += 1
            await self._store.save_cursor(module.api_name, scope, cursor.updated_ms, cursor.seen)

            if not page.has_more_rows or not page.records:
                break
            # A query from the new cursor starts at the first unseen change; paging on is
            # needed only while a whole page shares one millisecond.
            start_index = 1 if cursor.updated_ms > before else start_index + len(page.records)

        if handled:
            logger.info(
                "notify.poll.changes module=%s scope=%s records=%d cursor=%d",
                module.api_name, scope, handled, cursor.updated_ms,
            )
        return handled


def _version(module: Module, record: Record) -> str:
    return version_of(snapshot_of(module, record), record.is_trashed)


def _changes_query(cursor: _Cursor, scope: str, start_index: int) -> ListQuery:
    # "greater than cursor - 1" includes the cursor's own millisecond.
    since = Criterion(UPDATED_FIELD, "greater than", str(cursor.updated_ms - 1))
    return ListQuery(
        row_count=PAGE_SIZE, start_index=start_index, sort_field=UPDATED_FIELD,
        sort_order="asc", criteria=(since,), trash=scope == "trash", get_total_count=False,
    )
