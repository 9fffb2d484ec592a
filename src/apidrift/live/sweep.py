"""A sweep of one contract version against the live API: every GET, and opt-in writes in a sandbox.

Lists run first and the ids they return drive the retrieve operations; each response is handed to
the caller as it arrives. Writes happen only in a sandbox project, and every resource they create or
value they change is put in a ledger (fsynced) before it is used, so `cleanup` can undo a killed run.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.errors import ApidriftError
from apidrift.live.client import Exchange, LiveClient, Outcome, fill_path
from apidrift.live.ledger import (
    DEFAULT_LEDGER,
    CleanupReport,
    Ledger,
    list_items,
)

NAME_PREFIX: Final = "apidrift-sweep-"


class SweepConfigError(ApidriftError):
    """A sweep that must not start: writes without a sandbox, a read-only client, a pending ledger."""


class CallPurpose(StrEnum):
    READ = "read"
    SETUP = "setup"
    WRITE = "write"
    RESTORE = "restore"


class SkipReason(StrEnum):
    NO_ID_DISCOVERED = "no_id_discovered"
    LIST_FAILED = "list_failed"
    NO_ID_SOURCE = "no_id_source"
    MISSING_QUERY_VALUE = "missing_query_value"
    WRITES_DISABLED = "writes_disabled"
    NOT_EXERCISED = "not_exercised"
    NOT_DOCUMENTED = "not_documented"
    PREREQUISITE_FAILED = "prerequisite_failed"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class OperationCall:
    """One call the sweep made, why, and what came back.

    `documented` is False only for an answer the contract does not document but cleanup accepts
    (a 404 to a delete: already gone); such an answer is no sample of the contract.
    """

    operation: str
    purpose: CallPurpose
    outcome: Outcome
    documented: bool = True

    @property
    def recordable(self) -> Exchange | None:
        """The exchange to record and validate, if this call produced one."""
        return self.outcome if isinstance(self.outcome, Exchange) and self.documented else None


@dataclass(frozen=True)
class SkippedOperation:
    """An operation the sweep did not call, and why (never an error)."""

    operation: str
    reason: SkipReason
    detail: str


SweepEvent = OperationCall | SkippedOperation
OnEvent = Callable[[SweepEvent], None]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SweepOptions:
    """What a sweep may do and how much it asks for."""

    allow_writes: bool = False
    sandbox_project: str | None = None
    ledger_path: Path = DEFAULT_LEDGER
    list_limit: int = 5
    audit_log_limit: int = 5
    usage_limit: int = 3
    usage_window: timedelta = timedelta(days=2)
    max_pages: int = 1
    sandbox_search_pages: int = 10
    role_permissions: tuple[str, ...] = ("api.organization.projects.api_keys.read",)
    now: Callable[[], datetime] = _utcnow


@dataclass(frozen=True)
class IdSource:
    """A path parameter and the list (a path template) whose first usable item supplies it."""

    name: str
    collection: str


@dataclass(frozen=True)
class PlannedRead:
    """A GET operation with its query and the lists its path parameters come from."""

    operation: str
    path_template: str
    query: dict[str, str]
    ids: tuple[IdSource, ...]


def plan_reads(
    version: ContractVersion, options: SweepOptions
) -> tuple[list[PlannedRead], list[SkippedOperation]]:
    """Every GET operation, ordered so that lists come before the operations that need their ids."""
    gets = {op.path: op for op in version.operations.values() if op.method == "GET"}
    reads, skipped = [], []
    for op in sorted(gets.values(), key=lambda o: (o.path.count("{"), o.path)):
        query = _read_query(op, options)
        if isinstance(query, str):
            skipped.append(SkippedOperation(op.id, SkipReason.MISSING_QUERY_VALUE, f"no value for {query}"))
            continue
        ids: list[IdSource] = []
        for param in op.path_params:
            collection = op.path.split("/{" + param.name + "}")[0]
            # `/projects/{project_id}/roles` draws its ids from `/organization/projects`.
            collection = collection if collection in gets else "/organization" + collection
            if collection not in gets:
                detail = f"no list operation returns {{{param.name}}}"
                skipped.append(SkippedOperation(op.id, SkipReason.NO_ID_SOURCE, detail))
                break
            ids.append(IdSource(param.name, collection))
        else:
            reads.append(PlannedRead(op.id, op.path, query, tuple(ids)))
    return reads, skipped


def _read_query(op: Operation, options: SweepOptions) -> dict[str, str] | str:
    names = {p.name for p in op.query_params}
    query: dict[str, str] = {}
    if "start_time" in names:  # usage and costs: a small recent window, both ends explicit
        now = options.now()
        query["start_time"] = str(int((now - options.usage_window).timestamp()))
        if "end_time" in names:
            query["end_time"] = str(int(now.timestamp()))
        limit = options.usage_limit
    else:
        limit = options.audit_log_limit if op.path.endswith("/audit_logs") else options.list_limit
    if "limit" in names:
        query["limit"] = str(limit)
    missing = [p.name for p in op.query_params if p.required and p.name not in query]
    return missing[0] if missing else query


def _pick(items: list[dict[str, Any]], param: str) -> str | None:
    """The id of the first live item (archived and deleted ones are passed over)."""
    for item in items:
        if item.get("archived_at") is not None or item.get("status") in {"archived", "deleted"}:
            continue
        value = item.get(param, item.get("id"))  # project groups name theirs `group_id`
        if isinstance(value, str) and value:
            return value
    return None


def documented_statuses(op: Operation) -> set[int] | None:
    statuses = {int(s) for s in op.responses if s.isdigit()}
    return statuses or None


# --- the sweep ----------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """Everything a sweep did, in order; complete up to the point where a run was interrupted."""

    version: str
    base_url: str
    run_id: str
    started_at: str
    events: list[SweepEvent] = field(default_factory=list)
    finished_at: str | None = None
    interrupted: str | None = None
    cleanup: CleanupReport | None = None

    @property
    def calls(self) -> list[OperationCall]:
        return [e for e in self.events if isinstance(e, OperationCall)]

    @property
    def exchanges(self) -> list[Exchange]:
        """Every recordable exchange, in the order they arrived."""
        return [e for e in (c.recordable for c in self.calls) if e is not None]

    @property
    def skipped(self) -> list[SkippedOperation]:
        return [e for e in self.events if isinstance(e, SkippedOperation)]


class Sweep:
    """One sweep of a contract version; `result` is filled as it goes, even if the run is cut short."""

    def __init__(
        self,
        client: LiveClient,
        version: ContractVersion,
        options: SweepOptions | None = None,
        *,
        run_id: str | None = None,
    ) -> None:
        self.client, self.version = client, version
        self.options = options or SweepOptions()
        if self.options.allow_writes and not (self.options.sandbox_project or "").strip():
            raise SweepConfigError("writes need a sandbox project name (--sandbox-project)")
        if self.options.allow_writes and client.read_only:
            raise SweepConfigError("writes need a client created with read_only=False")
        if not self.options.allow_writes and not client.read_only:
            # Belt and braces: without writes, the client itself must refuse anything but GET.
            raise SweepConfigError("a sweep without writes needs a client created with read_only=True")
        self.run_id = run_id or uuid.uuid4().hex[:10]
        self.result = SweepResult(version.version, client.base_url, self.run_id, _utcnow().isoformat())
        self._lists: dict[str, list[dict[str, Any]] | str] = {}
        self._on_event: OnEvent | None = None

    async def run(self, on_event: OnEvent | None = None) -> SweepResult:
        """Sweep, handing each event to `on_event` as it happens; interruptions propagate."""
        self._on_event = on_event
        if self.options.allow_writes:
            pending = [
                e for e in Ledger(self.options.ledger_path).entries() if e.base_url == self.client.base_url
            ]
            if pending:
                message = (
                    f"{len(pending)} entries of an earlier run are pending; run `apidrift cleanup` first"
                )
                raise SweepConfigError(message, file=self.options.ledger_path)
        try:
            await self._reads()
            if self.options.allow_writes:
                await self._writes()
            self._skip_unvisited(None)
        except BaseException as exc:  # KeyboardInterrupt and cancellation included: say so, then re-raise
            self.result.interrupted = self.client.scrub(f"{type(exc).__name__}: {exc}".rstrip(": "))
            self._skip_unvisited(SkipReason.INTERRUPTED)
            raise
        finally:
            self.result.finished_at = _utcnow().isoformat()
        return self.result

    def emit(self, event: SweepEvent) -> None:
        self.result.events.append(event)
        if self._on_event is not None:
            self._on_event(event)

    def _skip_unvisited(self, reason: SkipReason | None) -> None:
        seen = {e.operation for e in self.result.events}
        for op in self.version.operations.values():
            if op.id in seen:
                continue
            if reason is SkipReason.INTERRUPTED:  # the caller is going down: record, do not call back
                self.result.events.append(SkippedOperation(op.id, reason, "the run was interrupted"))
            elif not self.options.allow_writes:
                self.emit(SkippedOperation(op.id, SkipReason.WRITES_DISABLED, f"{op.method}: writes are off"))
            else:
                self.emit(SkippedOperation(op.id, SkipReason.NOT_EXERCISED, "not part of the sandbox writes"))

    async def _reads(self) -> None:
        """Start each read as soon as the lists it takes ids from have answered (not in waves), so
        the sweep's wall time follows its critical path rather than its slowest call per level."""
        plan, skipped = plan_reads(self.version, self.options)
        for skip in skipped:
            self.emit(skip)
        pending, running = list(plan), set[asyncio.Future[None]]()
        try:
            while pending or running:
                waiting = []
                for read in pending:
                    bound = self._bind(read)
                    if bound is None:
                        waiting.append(read)
                    elif isinstance(bound, SkippedOperation):
                        self.emit(bound)
                    else:
                        running.add(asyncio.ensure_future(self._read(read, bound)))
                pending = waiting
                if not running:
                    for read in pending:
                        detail = f"needs ids from {', '.join(s.collection for s in read.ids)}, never listed"
                        self.emit(SkippedOperation(read.operation, SkipReason.NO_ID_DISCOVERED, detail))
                    return
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()  # a failure (or cancellation) ends the sweep; `finally` stops the rest
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    def _bind(self, read: PlannedRead) -> dict[str, str] | SkippedOperation | None:
        """Path parameters from the lists fetched so far; None while a needed list is still to come."""
        bound: dict[str, str] = {}
        for source in read.ids:
            listing = self._lists.get(fill_path(source.collection, bound))
            if listing is None:
                return None
            if isinstance(listing, str):
                return SkippedOperation(read.operation, SkipReason.LIST_FAILED, listing)
            value = _pick(listing, source.name)
            if value is None:
                detail = f"GET {source.collection} returned no item to take {{{source.name}}} from"
                return SkippedOperation(read.operation, SkipReason.NO_ID_DISCOVERED, detail)
            bound[source.name] = value
        return bound

    async def _read(self, read: PlannedRead, params: dict[str, str]) -> None:
        op = self.version.operation(read.operation)
        path = fill_path(read.path_template, params)
        pages = self.client.paginate(
            read.path_template,
            path_params=params,
            query=read.query,
            max_pages=self.options.max_pages,
            operation=op.id,
            expected_status=documented_statuses(op),
        )
        async for outcome in pages:
            if path not in self._lists:
                self._lists[path] = (
                    list_items(outcome.body)
                    if isinstance(outcome, Exchange)
                    else f"GET {path} failed: {outcome.kind}"
                )
            self.emit(OperationCall(op.id, CallPurpose.READ, outcome))

    async def _writes(self) -> None:
        from apidrift.live.sandbox import SandboxWriter

        await SandboxWriter(self).run()

    async def call(
        self,
        op_id: str,
        purpose: CallPurpose,
        params: Mapping[str, str],
        body: Any = None,
        *,
        idempotent: bool = True,
        query: Mapping[str, str | int] | None = None,
    ) -> Outcome:
        op = self.version.operation(op_id)
        outcome = await self.client.request(
            op.method,
            op.path,
            path_params=params,
            query=query,
            json_body=body,
            operation=op_id,
            expected_status=documented_statuses(op),
            idempotent=idempotent,
        )
        self.emit(OperationCall(op_id, purpose, outcome))
        return outcome

    def documents(self, *op_ids: str) -> bool:
        """Whether this version documents every operation of a write step (skipping the step if not)."""
        missing = [op_id for op_id in op_ids if op_id not in self.version.operations]
        for op_id in missing:
            self.emit(SkippedOperation(op_id, SkipReason.NOT_DOCUMENTED, f"not in {self.version.version}"))
        return not missing
