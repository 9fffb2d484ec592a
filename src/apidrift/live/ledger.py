"""The ledger of what a writing sweep created or changed, and the cleanup that undoes it.

Every entry is fsynced before the resource is used, so a run killed at any point leaves enough on
disk for `cleanup` to compensate exactly what it did, and nothing it did not do. Each entry carries
a token (an HMAC keyed by a private file in the user's state folder, never in the ledger), so an
entry written or changed by hand, or by someone else's apidrift, is refused rather than trusted.
The file is private (0600, created exclusively), never followed through a symlink, and changed only
under its folder's lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
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
from apidrift.files import append_private, folder_lock, private_key, read_private, state_dir, update_file
from apidrift.live.client import Exchange, LiveClient, Outcome, fill_path
from apidrift.live.discovery import list_items
from apidrift.live.events import NAME_PREFIX

OnCall = Callable[[str, Outcome], None]
KEY_FILE = "ledger.key"


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

    `params` are the path parameters its undo needs besides the resource's own id (the sandbox's);
    `api` and `sandbox` name the profile and sandbox of the run; `token` proves the rest.
    """

    entry_id: str
    run_id: str
    kind: EntryKind
    base_url: str
    api: str = ""
    sandbox: str | None = None
    params: dict[str, str] = {}
    resource_id: str | None = None
    name: str | None = None
    original: dict[str, Any] = {}
    # Fields the server gave the resource when it was made (its creation time, say): cleanup acts
    # only on a resource that still carries them, so a namesake made by someone else is left alone.
    identity: dict[str, Any] = {}
    recorded_at: str
    token: str = ""


def ledger_key() -> bytes:
    """The user's ledger key (made the first time): kept in the state folder, never in a ledger."""
    return private_key(state_dir() / KEY_FILE)


def _signed(entry: LedgerEntry, key: bytes) -> str:
    payload = json.dumps(
        entry.model_dump(mode="json", exclude={"token"}), sort_keys=True, separators=(",", ":")
    )
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


class Ledger:
    """A JSON-lines file of outstanding entries; every change is fsynced before it is relied on.

    `key` signs and verifies entries (default: the user's ledger key).
    """

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self._key = key

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = ledger_key()
        return self._key

    def entries(self) -> list[LedgerEntry]:
        """Every entry, verified or not (see `verify`); a line that is no entry is a LedgerError."""
        try:
            raw = read_private(self.path)
        except OSError as exc:
            raise LedgerError(f"cannot read ledger: {exc.strerror}", file=self.path) from None
        return self._parse(raw)

    def _parse(self, raw: bytes | None) -> list[LedgerEntry]:
        out = []
        lines = raw.decode("utf-8", errors="replace").splitlines() if raw else []
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    out.append(LedgerEntry.model_validate_json(line))
                except ValidationError as exc:
                    message = f"line {number} is not a ledger entry: {exc.errors()[0]['msg']}"
                    raise LedgerError(message, file=self.path, pointer=f"/{number - 1}") from None
        return out

    def verify(self, entry: LedgerEntry) -> str | None:
        """Why the entry cannot be trusted (None when its token proves this user's apidrift wrote it)."""
        if not entry.token:
            return "it carries no token: not written by apidrift (forged by hand?)"
        if not hmac.compare_digest(entry.token, _signed(entry, self.key)):
            return "its token does not match: changed by hand, or written with another user's key"
        return None

    def add(self, **fields: Any) -> LedgerEntry:
        entry = LedgerEntry(entry_id=uuid.uuid4().hex, recorded_at=_utcnow().isoformat(), **fields)
        entry = entry.model_copy(update={"token": _signed(entry, self.key)})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with folder_lock(self.path.parent):
            append_private(self.path, (entry.model_dump_json() + "\n").encode("utf-8"))
        return entry

    def update(self, entry: LedgerEntry, **changes: Any) -> LedgerEntry:
        new = entry.model_copy(update=changes)
        new = new.model_copy(update={"token": _signed(new, self.key)})
        self._rewrite(lambda entries: (new if e.entry_id == entry.entry_id else e for e in entries))
        return new

    def remove(self, entry: LedgerEntry) -> None:
        self._rewrite(lambda entries: (e for e in entries if e.entry_id != entry.entry_id))

    def _rewrite(self, change: Callable[[list[LedgerEntry]], Iterable[LedgerEntry]]) -> None:
        # Inside the folder's lock, written aside and renamed: a crash leaves the old ledger or the
        # new one, never half, and a concurrent change is not lost.
        def rewrite(old: bytes | None) -> bytes | None:
            text = "".join(e.model_dump_json() + "\n" for e in change(self._parse(old)))
            return text.encode("utf-8") if text else None

        update_file(self.path, rewrite, private=True)


# --- cleanup ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UndoStep:
    """How one kind of ledger entry is undone: a delete of the resource, or a write of saved values.

    `id_param` is the path parameter the entry's `resource_id` fills; `listing` (operation, path) is
    where a resource whose create never answered is looked for by its run-unique name, and where a
    created resource is looked for by id, to check it still carries that name before it is deleted
    (`retrieve`, operation and path, fetches it by id directly where the API can).
    """

    operation: str
    method: str
    path: str
    id_param: str = ""
    listing: tuple[str, str] | None = None
    name_field: str = "name"
    retrieve: tuple[str, str] | None = None
    # For an undo that is not a delete of a run-named resource (archiving a sandbox the run made):
    # the resource must still have the entry's name and `identity` fields, fetched by `retrieve`.
    identity_fields: tuple[str, ...] = ()


class UndoPlan(Protocol):
    """What a sandbox write plan tells cleanup: how each kind of entry it ledgers is undone."""

    def undo_step(self, kind: str) -> UndoStep | None: ...


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
    plan: UndoPlan,
    *,
    run_id: str | None = None,
    on_call: OnCall | None = None,
    dry_run: bool = False,
    guard: SandboxGuard | None = None,
    key: bytes | None = None,
) -> CleanupReport:
    """Undo every outstanding entry it can verify (of one run, when `run_id` is given), newest first.

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


async def _compensate(
    entry: LedgerEntry, client: LiveClient, plan: UndoPlan, emit: OnCall, *, dry_run: bool
) -> CompensationOutcome:
    if entry.base_url != client.base_url:
        detail = f"recorded against {entry.base_url}, not {client.base_url}"
        return CompensationOutcome(entry, CompensationStatus.SKIPPED, detail)
    if entry.api and entry.api != client.profile.name:
        detail = f"recorded by a run of {entry.api}, not {client.profile.name}"
        return CompensationOutcome(entry, CompensationStatus.SKIPPED, detail)
    undo = plan.undo_step(entry.kind)
    if undo is None:
        detail = f"the {client.profile.name} sandbox plan does not know how to undo {entry.kind!r}"
        return CompensationOutcome(entry, CompensationStatus.SKIPPED, detail)
    resource_id = entry.resource_id
    if undo.method == "DELETE":
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
