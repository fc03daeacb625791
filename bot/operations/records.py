"""Record operations: one function per operation of the custom-module API.

Each write reloads nothing by itself: the server returns the record's new state, which the
caller renders, so a card always shows server state. After a successful write the change is
handed to the notifier (when notification threads are on) so subscribed channels hear of it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.operations.search import SearchSpec, parse_search
from bot.scp import ListQuery, Module, Page, Record, ScpResponseError

if TYPE_CHECKING:
    from bot.app import Services

logger = logging.getLogger(__name__)

PAGE_SIZE = 10


class RecordStateError(Exception):
    """The record is not in a state the operation applies to (trashed, or not trashed)."""

    def __init__(self, problem: str, advice: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.advice = advice


def _label(module: Module, record_id: str) -> str:
    return f"{module.display_singular} {record_id}"


async def _explain_state(
    services: Services, module: Module, record_id: str, error: ScpResponseError, *,
    expected_trashed: bool,
) -> None:
    """Raise ``RecordStateError`` when the record's trash state explains ``error``."""
    # Only a plain failure can mean a wrong state, because typed ones (not found, auth)
    # already name their cause.
    if type(error) is ScpResponseError:
        record = await services.scp.get_record(module, record_id)
        if record.is_trashed and not expected_trashed:
            raise RecordStateError(
                f"{_label(module, record_id)} is already in the trash.",
                f"Restore it with `/scp {module.short_name} restore {record_id}` if you need it.",
            ) from error
        if not record.is_trashed and expected_trashed:
            raise RecordStateError(
                f"{_label(module, record_id)} is not in the trash, so there is nothing to restore.",
                f"Show it with `/scp {module.short_name} {record_id}`.",
            ) from error


def ensure_not_trashed(module: Module, record: Record) -> None:
    """Raise ``RecordStateError`` for a record in the trash, which cannot be edited."""
    if record.is_trashed:
        raise RecordStateError(
            f"{_label(module, record.id)} is in the trash, so it cannot be edited.",
            f"Restore it first: `/scp {module.short_name} restore {record.id}`.",
        )


@dataclass(frozen=True)
class ListRequest:
    """The request behind a list: module, optional search text, trash or not, and page."""

    module: Module
    text: str = ""
    trash: bool = False
    start_index: int = 1


async def list_records(services: Services, request: ListRequest) -> Page:
    spec = parse_search(request.module, request.text) if request.text.strip() else SearchSpec(
        criteria=(), sort_field=None, sort_order=None, text=""
    )
    query: ListQuery = spec.to_query(
        row_count=PAGE_SIZE, start_index=request.start_index, trash=request.trash
    )
    return await services.scp.list_records(request.module, query)


async def get_record(services: Services, module: Module, record_id: str) -> Record:
    return await services.scp.get_record(module, record_id)


async def add_record(
    services: Services, module: Module, values: Mapping[str, Any], *, actor: str | None
) -> Record:
    record = await services.scp.add_record(module, values)
    await _written(services, module, record, "created", actor)
    return record


async def edit_record(
    services: Services, module: Module, record_id: str, values: Mapping[str, Any],
    *, actor: str | None,
) -> Record:
    record = await services.scp.edit_record(module, record_id, values)
    await _written(services, module, record, "edited", actor)
    return record


async def move_to_trash(
    services: Services, module: Module, record_id: str, *, actor: str | None
) -> Record:
    return await _set_trashed(services, module, record_id, trashed=True, actor=actor)


async def restore(
    services: Services, module: Module, record_id: str, *, actor: str | None
) -> Record:
    return await _set_trashed(services, module, record_id, trashed=False, actor=actor)


async def _set_trashed(
    services: Services, module: Module, record_id: str, *, trashed: bool, actor: str | None
) -> Record:
    """Move a record to the trash or back; a failure caused by its trash state says so."""
    action = services.scp.move_to_trash if trashed else services.scp.restore
    try:
        record = await action(module, record_id)
    except ScpResponseError as error:
        await _explain_state(services, module, record_id, error, expected_trashed=not trashed)
        raise
    await _written(services, module, record, "trashed" if trashed else "restored", actor)
    return record


async def delete(services: Services, module: Module, record_id: str, *, actor: str | None) -> None:
    await services.scp.delete(module, record_id)
    logger.info("record.deleted module=%s record=%s user=%s", module.api_name, record_id, actor)
    if services.notifier is None:
        return
    try:
        await services.notifier.record_deleted(module, record_id, actor_user_id=actor)
    except Exception:
        logger.exception("notify.record_deleted.failed module=%s record=%s",
                         module.api_name, record_id)


async def _written(
    services: Services, module: Module, record: Record, event: str, actor: str | None
) -> None:
    """Log a successful write and hand it to the notifier.

    The write has happened whatever the notifier does, so its failure is logged, not raised:
    the user must not read "failed" about a record that was saved.
    """
    logger.info(
        "record.%s module=%s record=%s user=%s", event, module.api_name, record.id, actor
    )
    if services.notifier is None:
        return
    try:
        await services.notifier.record_written(module, record, event=event, actor_user_id=actor)
    except Exception:
        logger.exception("notify.record_written.failed module=%s record=%s event=%s",
                         module.api_name, record.id, event)
