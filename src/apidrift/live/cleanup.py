"""Cleanup: undo what a writing sweep's ledger proves it did, newest first, and refuse the rest.

An entry is undone only when its token verifies, it was recorded against this base URL and API, and
the resource it names is still the one the run made (its run-unique name, or its name and creation
time for a resource named by the user); anything else is refused with the reason and stays.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from apidrift.errors import LedgerError
from apidrift.live.client import Exchange, LiveClient, Outcome, fill_path
from apidrift.live.discovery import list_items
from apidrift.live.events import NAME_PREFIX
from apidrift.live.ledger import Ledger, LedgerEntry, UndoPlan, UndoStep

OnCall = Callable[[str, Outcome], None]


class CompensationStatus(StrEnum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    REFUSED = "refused"
    PLANNED = "planned"


@dataclass(frozen=True)
class CompensationOutcome:
    """What undoing one ledger entry came to (or, in a dry run, would); all but DONE stay in the ledger."""

    entry: LedgerEntry
    status: CompensationStatus
    detail: str


@dataclass
class CleanupReport:
    ledger: str
    dry_run: bool = False
    outcomes: list[CompensationOutcome] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        """Entries left undone, planned ones of a dry run excepted."""
        settled = {CompensationStatus.DONE, CompensationStatus.PLANNED}
        return sum(o.status not in settled for o in self.outcomes)

    @property
    def refused(self) -> int:
        return sum(o.status is CompensationStatus.REFUSED for o in self.outcomes)


# Guards a sandbox while cleanup works in it (see live.exclusive); a context manager yielding
# whether the sandbox is free (False: a write run holds it).
SandboxGuard = Callable[[LedgerEntry], contextlib.AbstractContextManager[bool]]


async def cleanup(
    ledger_path: Path,
    client: LiveClient,
    plan: UndoPlan | None,
    *,
    run_id: str | None = None,
    on_call: OnCall | None = None,
    dry_run: bool = False,
    guard: SandboxGuard | None = None,
    key: bytes | None = None,
) -> CleanupReport:
    """Undo every outstanding entry it can verify (of one run, when `run_id` is given), newest first;
    an entry that names its own undo (a fuzz run's) needs no `plan`.

    An entry is undone only when its token verifies, it was recorded against this base URL and API,
    and a resource it deletes still carries the run-unique name it was created with; anything else
    is refused with the reason and stays in the ledger. `dry_run` sends no write and keeps the
    ledger as it is: each outcome says what would be done or why it would be refused.
    """
    if client.read_only and not dry_run:
        raise LedgerError("cleanup needs a client that may write (read_only=False)")
    ledger = Ledger(ledger_path, key)
    report = CleanupReport(str(ledger_path), dry_run=dry_run)
    emit = on_call or (lambda _op, _outcome: None)
    for entry in reversed(ledger.entries()):
        if run_id is not None and entry.run_id != run_id:
            continue
        refusal = ledger.verify(entry)
        if refusal is not None:
            report.outcomes.append(CompensationOutcome(entry, CompensationStatus.REFUSED, refusal))
            continue
        with guard(entry) if guard is not None else contextlib.nullcontext(True) as free:
            if not free:
                detail = f"a write run on sandbox {entry.sandbox!r} is running: wait for it to end"
                outcome = CompensationOutcome(entry, CompensationStatus.REFUSED, detail)
            else:
                try:
                    outcome = await _compensate(entry, client, plan, emit, dry_run=dry_run)
                except Exception as exc:  # one broken undo must not stop the others
                    message = client.scrub(f"{type(exc).__name__}: {exc}")
                    outcome = CompensationOutcome(entry, CompensationStatus.FAILED, message)
            if outcome.status is CompensationStatus.DONE:
                ledger.remove(entry)
        report.outcomes.append(outcome)
    return report


def _own_undo(entry: LedgerEntry) -> UndoStep | str | None:
    """The delete a signed entry names as its undo (None: it names none), or why it is refused: only a
    DELETE of the created thing by its id, in a path that takes that id, is ever sent."""
    undo = entry.undo
    if undo is None:
        return None
    method, path, id_param = undo.get("method"), undo.get("path", ""), undo.get("id_param", "")
    if method != "DELETE" or not id_param or "{" + id_param + "}" not in path or entry.resource_id is None:
        return f"its undo {undo} is not a DELETE of the created thing by its id: refused"
    return UndoStep(operation=undo.get("operation", ""), method="DELETE", path=path, id_param=id_param)


async def _compensate(
    entry: LedgerEntry, client: LiveClient, plan: UndoPlan | None, emit: OnCall, *, dry_run: bool
) -> CompensationOutcome:
    if entry.base_url != client.base_url:
        detail = f"recorded against {entry.base_url}, not {client.base_url}"
        return CompensationOutcome(entry, CompensationStatus.SKIPPED, detail)
    if entry.api and entry.api != client.profile.name:
        detail = f"recorded by a run of {entry.api}, not {client.profile.name}"
        return CompensationOutcome(entry, CompensationStatus.SKIPPED, detail)
    own = _own_undo(entry)
    if isinstance(own, str):
        return CompensationOutcome(entry, CompensationStatus.REFUSED, own)
    undo = own or (plan.undo_step(entry.kind) if plan is not None else None)
    if undo is None:
        detail = f"the {client.profile.name} sandbox plan does not know how to undo {entry.kind!r}"
        return CompensationOutcome(entry, CompensationStatus.SKIPPED, detail)
    resource_id = entry.resource_id
    # An entry naming its own undo carries no run-unique name: its verified token vouches for it, as
    # the fuzz run that wrote it trusts it on adopting leftovers.
    if undo.method == "DELETE" and own is None:
        name = entry.name or ""
        if not name.startswith(NAME_PREFIX + entry.run_id):
            detail = f"{entry.name!r} is not a name the run {entry.run_id} gave: only what it made is deleted"
            return CompensationOutcome(entry, CompensationStatus.REFUSED, detail)
        if resource_id is None and undo.listing is not None:
            found = await _look_up(client, *undo.listing, undo.name_field, name, entry, emit)
            resource_id = found.get("id") if found is not None else None
            if not isinstance(resource_id, str):
                return CompensationOutcome(
                    entry, CompensationStatus.DONE, f"no {entry.name!r} exists: nothing to undo"
                )
        elif resource_id is not None:
            mismatch = await _still_ours(client, undo, entry, resource_id, emit)
            if mismatch is not None:
                return mismatch
    if undo.identity_fields:
        refusal, resource_id = await _same_resource(client, undo, entry, emit)
        if refusal is not None:
            return refusal
    params = dict(entry.params)
    if resource_id is not None and undo.id_param:
        params[undo.id_param] = resource_id
    if dry_run:
        body = f" {json.dumps(entry.original, sort_keys=True)}" if undo.method != "DELETE" else ""
        detail = f"would {undo.method} {fill_path(undo.path, params)}{body}"
        return CompensationOutcome(entry, CompensationStatus.PLANNED, detail)
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


async def _still_ours(
    client: LiveClient, undo: UndoStep, entry: LedgerEntry, resource_id: str, emit: OnCall
) -> CompensationOutcome | None:
    """None when the resource still carries the run's name; else why it is left alone (or gone)."""
    item: dict[str, Any] | None
    if undo.retrieve is not None:
        op_id, path = undo.retrieve
        outcome = await client.request(
            "GET",
            path,
            path_params={**entry.params, undo.id_param: resource_id},
            operation=op_id,
            expected_status={200, 404},
            bypass_budget=True,
        )
        emit(op_id, outcome)
        if not isinstance(outcome, Exchange):
            raise LedgerError(f"cannot look at {resource_id!r}: {outcome.kind}: {outcome.message}")
        item = outcome.body if outcome.status == 200 and isinstance(outcome.body, dict) else None
    elif undo.listing is not None:
        item = await _look_up(client, *undo.listing, "id", resource_id, entry, emit)
    else:
        return None  # nothing to look it up with: the token alone vouches for the entry
    if item is None:
        return CompensationOutcome(entry, CompensationStatus.DONE, f"{resource_id} is gone: nothing to undo")
    actual = item.get(undo.name_field)
    if actual != entry.name:
        detail = f"{resource_id} is named {actual!r}, not {entry.name!r}: not what the run created"
        return CompensationOutcome(entry, CompensationStatus.REFUSED, detail)
    return None


async def _same_resource(
    client: LiveClient, undo: UndoStep, entry: LedgerEntry, emit: OnCall
) -> tuple[CompensationOutcome | None, str | None]:
    """(None, its id) when the entry's resource still has its name and identity fields; else why not.

    A create that never answered left no id: the resource is then looked for by name in `listing`,
    and taken for the run's only if each identity field is at least the `<field>_after` mark the run
    saw on the server before it created anything (a creation time, in the server's own clock).
    """
    item: dict[str, Any] | None
    if entry.resource_id is None:
        if undo.listing is None:
            detail = f"the create of {entry.name!r} never answered and there is no listing to find it in"
            return CompensationOutcome(entry, CompensationStatus.REFUSED, detail), None
        item = await _look_up(client, *undo.listing, undo.name_field, entry.name or "", entry, emit)
        if item is None:
            return CompensationOutcome(entry, CompensationStatus.DONE, f"no {entry.name!r} exists"), None
        marks = {f: entry.identity.get(f"{f}_after") for f in undo.identity_fields}
        if not all(_at_least(item.get(f), mark) for f, mark in marks.items()):
            detail = f"{item.get('id')} named {entry.name!r} predates the run ({marks}): not what it created"
            return CompensationOutcome(entry, CompensationStatus.REFUSED, detail), None
        return None, str(item["id"])
    if undo.retrieve is None:
        detail = f"there is no way to fetch {entry.resource_id!r} and check it is the run's"
        return CompensationOutcome(entry, CompensationStatus.REFUSED, detail), None
    op_id, path = undo.retrieve
    outcome = await client.request(
        "GET",
        path,
        path_params={**entry.params, undo.id_param: entry.resource_id},
        operation=op_id,
        expected_status={200, 404},
        bypass_budget=True,
    )
    emit(op_id, outcome)
    if not isinstance(outcome, Exchange):
        raise LedgerError(f"cannot look at {entry.resource_id!r}: {outcome.kind}: {outcome.message}")
    item = outcome.body if outcome.status == 200 and isinstance(outcome.body, dict) else None
    if item is None:
        gone = f"{entry.resource_id} is gone: nothing to undo"
        return CompensationOutcome(entry, CompensationStatus.DONE, gone), None
    expected = {undo.name_field: entry.name, **{f: entry.identity.get(f) for f in undo.identity_fields}}
    actual = {field: item.get(field) for field in expected}
    if actual != expected:
        detail = f"{entry.resource_id} has {actual}, not {expected}: not what the run created"
        return CompensationOutcome(entry, CompensationStatus.REFUSED, detail), None
    return None, entry.resource_id


def _at_least(value: Any, mark: Any) -> bool:
    """`value >= mark` for two numbers or two strings (ISO times); False for anything else."""
    numbers = (int, float)
    if isinstance(value, numbers) and isinstance(mark, numbers) and not isinstance(value, bool):
        return value >= mark
    return isinstance(value, str) and isinstance(mark, str) and value >= mark


async def _look_up(
    client: LiveClient, op_id: str, path: str, field_name: str, value: str, entry: LedgerEntry, emit: OnCall
) -> dict[str, Any] | None:
    """The listed item whose `field_name` is exactly `value`, or None when there is none."""
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
                raise LedgerError(f"cannot look for {value!r}: {outcome.kind}: {outcome.message}")
            for item in list_items(outcome.body):
                if item.get(field_name) == value and isinstance(item.get("id"), str):
                    return item
    return None
