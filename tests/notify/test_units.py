"""Units the end-to-end tests cannot reach: snapshots, diffs, same-millisecond changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from bot.notify.changes import ObservedChange, UnorderedChange, decide
from bot.notify.diff import changes_between, snapshot_of, version_of
from bot.notify.models import cursors
from bot.notify.poller import Poller
from bot.notify.state import EVENTS, Subscription, ThreadState
from bot.notify.store import Store
from bot.scp import Field, FieldKind, ListQuery, Module, Page, Record

MODULE = Module(
    api_name="cm_books", singular="cm_book", display_name="Books", display_singular="Book",
    fields=[
        Field("pick_category", "Category", FieldKind.PICK_LIST, holder="cm_fields"),
        Field("date_due", "Due", FieldKind.DATE, holder="cm_fields"),
        Field("multi_tags", "Tags", FieldKind.MULTI_SELECT, holder="cm_fields"),
    ],
)


def book(record_id: str, updated_ms: int, **custom: Any) -> Record:
    return Record.from_json({
        "id": record_id, "title": f"Book {record_id}", "updated_time": {"value": str(updated_ms)},
        "cm_fields": custom,
    })


def test_snapshot_normalizes_values() -> None:
    record = book(
        "1", 5, pick_category={"id": "7", "name": "Novel"}, date_due={"value": "1700000000000"},
        multi_tags=[{"name": "b"}, {"name": "a"}],
    )

    snapshot = snapshot_of(MODULE, record)

    assert snapshot["pick_category"] == "Novel"
    assert snapshot["date_due"] == 1700000000000
    assert snapshot["multi_tags"] == ["a", "b"]
    assert snapshot["description"] is None


def test_changes_list_fields_by_label() -> None:
    before = snapshot_of(MODULE, book("1", 5, pick_category={"name": "Novel"}))
    after = snapshot_of(MODULE, book("1", 6, pick_category={"name": "Classics", "id": "9"}))

    assert changes_between(MODULE, before, after) == [
        {"field": "pick_category", "label": "Category", "old": "Novel", "new": "Classics"}
    ]
    assert changes_between(MODULE, before, before) == []


class PagedServer:
    """Serves list calls from a fixed list sorted by updated_time, applying the criteria."""

    def __init__(self, records: list[Record], page_size: int) -> None:
        self.records = records
        self.page_size = page_size
        self.queries: list[ListQuery] = []

    async def list_records(self, module: Module, query: ListQuery) -> Page:
        self.queries.append(query)
        if query.trash:
            return Page([], 1, False)
        rows = sorted(self.records, key=lambda r: r.updated_time or 0)
        if query.sort_order == "desc":
            rows.reverse()
        for criterion in query.criteria:
            rows = [r for r in rows if (r.updated_time or 0) > int(criterion.value or 0)]
        start = query.start_index - 1
        size = min(self.page_size, query.row_count)
        return Page(rows[start:start + size], query.start_index, start + size < len(rows))


async def test_poller_handles_shared_millisecond_once(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    await store.migrate()
    handled: list[str] = []

    async def handle(module: Module, record: Record) -> None:
        handled.append(record.id)

    await store.save_subscription(Subscription("T1", "C1", "cm_books", "", EVENTS, "U0ALICE"))
    server = PagedServer([book("1", 100)], page_size=2)
    poller = Poller(
        store, server, lambda name: MODULE, handle, owner="test",  # type: ignore[arg-type]
        lock_seconds=60,
    )
    await poller.ensure_cursors(MODULE)
    server.records += [book("2", 100), book("3", 100), book("4", 100), book("5", 101)]

    await poller.poll_once()
    server.records.append(book("6", 101))
    await poller.poll_once()
    await poller.poll_once()
    await store.close()

    assert handled == ["2", "3", "4", "5", "6"]


async def start_poller(tmp_path: Path, server: PagedServer) -> tuple[Store, Poller, list[str]]:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    await store.migrate()
    await store.save_subscription(Subscription("T1", "C1", "cm_books", "", EVENTS, "U0ALICE"))
    handled: list[str] = []

    async def handle(module: Module, record: Record) -> None:
        handled.append(record.id)

    poller = Poller(
        store, server, lambda name: MODULE, handle, owner="test",  # type: ignore[arg-type]
        lock_seconds=60,
    )
    return store, poller, handled


async def test_poller_same_millisecond_second_save(tmp_path: Path) -> None:
    server = PagedServer([book("1", 100, pick_category={"name": "Novel"})], page_size=2)
    store, poller, handled = await start_poller(tmp_path, server)
    await poller.ensure_cursors(MODULE)

    await poller.poll_once()
    server.records = [book("1", 100, pick_category={"name": "Fantasy"})]
    await poller.poll_once()
    await poller.poll_once()
    await store.close()

    assert handled == ["1"]


async def test_poller_reads_cursor_without_versions(tmp_path: Path) -> None:
    server = PagedServer([book("1", 100), book("2", 101)], page_size=2)
    store, poller, handled = await start_poller(tmp_path, server)
    # A cursor saved before versions were stored lists the ids seen at its millisecond.
    statement = insert(cursors).values(
        module="cm_books", scope="records", updated_ms=100, seen_ids='["1"]'
    )
    await store.run(lambda connection: connection.execute(statement))

    await poller.poll_once()
    await poller.poll_once()
    await store.close()

    assert handled == ["1", "2"]


def seen_thread(record: Record) -> ThreadState:
    return ThreadState(
        channel_id="C1", module="cm_books", record_id=record.id,
        snapshot=snapshot_of(MODULE, record), updated_ms=record.updated_time, matches=True,
        announced=True, parent_ts="1.0",
    )


def test_decide_same_millisecond_save() -> None:
    subscription = Subscription("T1", "C1", "cm_books", "", EVENTS, "U0ALICE")
    first = book("1", 100, pick_category={"name": "Novel"})
    second = book("1", 100, pick_category={"name": "Fantasy"})
    thread = seen_thread(first)

    repeat = decide(subscription, thread, ObservedChange(MODULE, "1", first), True)
    with pytest.raises(UnorderedChange):
        decide(subscription, thread, ObservedChange(MODULE, "1", second), True)
    confirmed = ObservedChange(MODULE, "1", second, read_under_lock=True)
    decision = decide(subscription, thread, confirmed, True)

    assert repeat is None
    assert decision is not None
    assert decision.notification is not None
    assert decision.notification.changes == [
        {"field": "pick_category", "label": "Category", "old": "Novel", "new": "Fantasy"}
    ]
    assert decision.updated_ms == 100
    assert decision.version == version_of(snapshot_of(MODULE, second), False)
    assert decision.version != version_of(snapshot_of(MODULE, first), False)


def test_decide_drops_older_read() -> None:
    subscription = Subscription("T1", "C1", "cm_books", "", EVENTS, "U0ALICE")
    newer = book("1", 101, pick_category={"name": "Novel"})
    older = book("1", 100, pick_category={"name": "Fantasy"})

    change = ObservedChange(MODULE, "1", older, read_under_lock=True)

    assert decide(subscription, seen_thread(newer), change, True) is None
