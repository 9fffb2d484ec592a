"""The ledger of what a writing sweep created or changed, and the cleanup that undoes it.

Every entry is fsynced before the resource is used, so a run killed at any point leaves enough on
disk for `cleanup` to compensate exactly what it did, and nothing it did not do.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, GetCoreSchemaHandler, ValidationError
from pydantic_core import core_schema

from apidrift.errors import LedgerError
from apidrift.live.client import Exchange, LiveClient, Outcome
from apidrift.live.discovery import list_items

OnCall = Callable[[str, Outcome], None]


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --- the ledger -------------------------------------------------------------------------------


class EntryKind(str):
    """A kind of ledger entry, named by the sandbox plan that writes it (`.value` as for an enum)."""

    @property
    def value(self) -> str:
        return str(self)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls, core_schema.str_schema(), serialization=core_schema.to_string_ser_schema()
        )


class LedgerEntry(BaseModel):
    """Something a sweep created or changed; `resource_id` is None until the create has answered.

    `params` are the path parameters its undo needs besides the resource's own id (the sandbox's).
    """

    entry_id: str
    run_id: str
    kind: EntryKind
    base_url: str
    params: dict[str, str] = {}
    resource_id: str | None = None
    name: str | None = None
    original: dict[str, Any] = {}
    recorded_at: str


class Ledger:
    """A JSON-lines file of outstanding entries; every change is fsynced before it is relied on."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[LedgerEntry]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []
        except OSError as exc:
            raise LedgerError(f"cannot read ledger: {exc.strerror}", file=self.path) from None
        out = []
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    out.append(LedgerEntry.model_validate_json(line))
                except ValidationError as exc:
                    message = f"line {number} is not a ledger entry: {exc.errors()[0]['msg']}"
                    raise LedgerError(message, file=self.path, pointer=f"/{number - 1}") from None
        return out

    def add(self, **fields: Any) -> LedgerEntry:
        entry = LedgerEntry(entry_id=uuid.uuid4().hex, recorded_at=_utcnow().isoformat(), **fields)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(entry.model_dump_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_dir(self.path.parent)
        return entry

    def update(self, entry: LedgerEntry, **changes: Any) -> LedgerEntry:
        new = entry.model_copy(update=changes)
        self._rewrite(new if e.entry_id == entry.entry_id else e for e in self.entries())
        return new

    def remove(self, entry: LedgerEntry) -> None:
        self._rewrite(e for e in self.entries() if e.entry_id != entry.entry_id)

    def _rewrite(self, entries: Iterable[LedgerEntry]) -> None:
        # Write aside and rename, so a crash leaves either the old ledger or the new one, never half.
        text = "".join(e.model_dump_json() + "\n" for e in entries)
        if not text:
            self.path.unlink(missing_ok=True)
        else:
            temporary = self.path.with_name(self.path.name + ".tmp")
            with temporary.open("w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        _fsync_dir(self.path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform lets a directory be opened
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# --- cleanup ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UndoStep:
    """How one kind of ledger entry is undone: a delete of the resource, or a write of saved values.

    `id_param` is the path parameter the entry's `resource_id` fills; `listing` (operation, path) is
    where a resource whose create never answered is looked for by its run-unique name.
    """

    operation: str
    method: str
    path: str
    id_param: str = ""
    listing: tuple[str, str] | None = None
    name_field: str = "name"


class UndoPlan(Protocol):
    """What a sandbox write plan tells cleanup: how each kind of entry it ledgers is undone."""

    def undo_step(self, kind: str) -> UndoStep | None: ...


class CompensationStatus(StrEnum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class CompensationOutcome:
    """What undoing one ledger entry came to; failed and skipped entries stay in the ledger."""

    entry: LedgerEntry
    status: CompensationStatus
    detail: str


@dataclass
class CleanupReport:
    ledger: str
    outcomes: list[CompensationOutcome] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return sum(o.status is not CompensationStatus.DONE for o in self.outcomes)


async def cleanup(
    ledger_path: Path,
    client: LiveClient,
    plan: UndoPlan,
    *,
    run_id: str | None = None,
    on_call: OnCall | None = None,
) -> CleanupReport:
    """Undo every outstanding entry (of one run, when `run_id` is given), newest first.

    Deletes only what the ledger names (by id, or by the run-unique name when the create never
    answered) and restores only the values it saved; entries recorded against another base URL are
    left alone.
    """
    if client.read_only:
        raise LedgerError("cleanup needs a client that may write (read_only=False)")
    ledger = Ledger(ledger_path)
    report = CleanupReport(str(ledger_path))
    for entry in reversed(ledger.entries()):
        if run_id is not None and entry.run_id != run_id:
            continue
        try:
            outcome = await _compensate(entry, client, plan, on_call or (lambda _op, _outcome: None))
        except Exception as exc:  # one broken undo must not stop the others
            message = client.scrub(f"{type(exc).__name__}: {exc}")
            outcome = CompensationOutcome(entry, CompensationStatus.FAILED, message)
        if outcome.status is CompensationStatus.DONE:
            ledger.remove(entry)
        report.outcomes.append(outcome)
    return report


async def _compensate(
    entry: LedgerEntry, client: LiveClient, plan: UndoPlan, emit: OnCall
) -> CompensationOutcome:
    if entry.base_url != client.base_url:
        detail = f"recorded against {entry.base_url}, not {client.base_url}"
        return CompensationOutcome(entry, CompensationStatus.SKIPPED, detail)
    undo = plan.undo_step(entry.kind)
    if undo is None:
        detail = f"the {client.profile.name} sandbox plan does not know how to undo {entry.kind!r}"
        return CompensationOutcome(entry, CompensationStatus.SKIPPED, detail)
    resource_id = entry.resource_id
    if resource_id is None and undo.listing is not None:
        resource_id = await _find_by_name(client, *undo.listing, undo.name_field, entry, emit)
        if resource_id is None:
            detail = f"no {entry.name!r} exists: nothing to undo"
            return CompensationOutcome(entry, CompensationStatus.DONE, detail)
    params = dict(entry.params)
    if resource_id is not None and undo.id_param:
        params[undo.id_param] = resource_id
    # 404 on a delete means it is already gone, which is what cleanup wants.
    outcome = await client.request(
        undo.method,
        undo.path,
        path_params=params,
        json_body=entry.original if undo.method in {"POST", "PUT", "PATCH"} else None,
        operation=undo.operation,
        expected_status={200, 204, 404} if undo.method == "DELETE" else None,
        idempotent=True,
        bypass_budget=True,
    )
    emit(undo.operation, outcome)
    if isinstance(outcome, Exchange):
        detail = f"{undo.method} {outcome.path}: {outcome.status}"
        return CompensationOutcome(entry, CompensationStatus.DONE, detail)
    return CompensationOutcome(entry, CompensationStatus.FAILED, f"{outcome.kind}: {outcome.message}")


async def _find_by_name(
    client: LiveClient, op_id: str, path: str, name_field: str, entry: LedgerEntry, emit: OnCall
) -> str | None:
    """The id of the item named exactly as the ledger says (run-unique), or None when there is none."""
    pages = client.paginate(
        path,
        path_params=entry.params,
        query={"limit": 100},
        max_pages=20,
        operation=op_id,
        bypass_budget=True,
    )
    async with contextlib.aclosing(pages):
        async for outcome in pages:
            emit(op_id, outcome)
            if not isinstance(outcome, Exchange):
                raise LedgerError(f"cannot look for {entry.name!r}: {outcome.kind}: {outcome.message}")
            for item in list_items(outcome.body):
                if item.get(name_field) == entry.name and isinstance(item.get("id"), str):
                    return str(item["id"])
    return None
