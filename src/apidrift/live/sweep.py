"""A sweep of one contract version against a live API: every GET, and opt-in writes in a sandbox.

Reads are planned from the contract and the API's profile (`discovery`); each read starts as soon as
the answers its ids come from are in, and each response is handed to the caller as it arrives.
Writes are the profile's sandbox plan; every resource it creates or value it changes is in a ledger
(fsynced) before it is used, so `cleanup` can undo a killed run.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apidrift.contracts.model import ContractVersion
from apidrift.errors import SweepConfigError
from apidrift.live.cleanup import CleanupReport, cleanup
from apidrift.live.client import Exchange, LiveClient, Outcome
from apidrift.live.discovery import IdSource, PlannedRead, pick
from apidrift.live.discovery import plan_reads as _plan_reads
from apidrift.live.events import (
    NAME_PREFIX,
    CallPurpose,
    OnEvent,
    OperationCall,
    SkippedOperation,
    SkipReason,
    SweepEvent,
    SweepOptions,
    documented_statuses,
    utcnow,
)
from apidrift.live.exclusive import SandboxId, claim_sandbox
from apidrift.live.ledger import Ledger
from apidrift.live.sandbox import SandboxPlan, sandbox_plan
from apidrift.profiles.model import ApiProfile, load_profile

# The vocabulary lives in `events`; it is importable from here too, as it always was.
__all__ = [
    "NAME_PREFIX",
    "CallPurpose",
    "IdSource",
    "OnEvent",
    "OperationCall",
    "PlannedRead",
    "SkipReason",
    "SkippedOperation",
    "Sweep",
    "SweepConfigError",
    "SweepEvent",
    "SweepOptions",
    "SweepResult",
    "plan_reads",
]


def plan_reads(
    version: ContractVersion, options: SweepOptions, profile: ApiProfile | None = None
) -> tuple[list[PlannedRead], list[SkippedOperation]]:
    """Every GET operation with its query and id sources (profile: the version's API's by default)."""
    return _plan_reads(version, options, profile or load_profile(version.api))


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
        profile: ApiProfile | None = None,
    ) -> None:
        self.client, self.version = client, version
        self.options = options or SweepOptions()
        self.profile = profile or load_profile(version.api)
        self._plan: SandboxPlan | None = None
        if self.options.allow_writes and not (self.options.sandbox_project or "").strip():
            raise SweepConfigError("writes need a sandbox project name (--sandbox-project)")
        if self.options.allow_writes:
            if self.profile.extensions.sandbox is None:
                message = (
                    f"the {self.profile.name!r} profile has no sandbox write plan: writes are not possible"
                )
                raise SweepConfigError(
                    message, file=self.profile.source if self.profile.source.endswith(".toml") else None
                )
            self._plan = sandbox_plan(self.profile)
        if self.options.allow_writes and client.read_only:
            raise SweepConfigError("writes need a client created with read_only=False")
        if not self.options.allow_writes and not client.read_only:
            # Belt and braces: without writes, the client itself must refuse anything but GET.
            raise SweepConfigError("a sweep without writes needs a client created with read_only=True")
        self.run_id = run_id or uuid.uuid4().hex[:10]
        self.result = SweepResult(version.version, client.base_url, self.run_id, utcnow().isoformat())
        # The first page each read answered (or why it failed), by path template: ids are picked here.
        self._answers: dict[str, Any] = {}
        self._failed: dict[str, str] = {}
        self._on_event: OnEvent | None = None

    async def run(self, on_event: OnEvent | None = None) -> SweepResult:
        """Sweep, handing each event to `on_event` as it happens; interruptions propagate."""
        self._on_event = on_event
        with contextlib.ExitStack() as held:
            if self.options.allow_writes:
                # One writer per sandbox, for the whole run: originals are read under the lock.
                sandbox = SandboxId(
                    self.profile.name, self.client.base_url, str(self.options.sandbox_project)
                )
                held.enter_context(
                    claim_sandbox(sandbox, ledger=self.options.ledger_path, run_id=self.run_id)
                )
                pending = [
                    e
                    for e in Ledger(self.options.ledger_path).entries()
                    if e.base_url == self.client.base_url
                ]
                if pending:
                    message = (
                        f"{len(pending)} entries of an earlier run are pending; run "
                        f"`apidrift cleanup --ledger {self.options.ledger_path}` first"
                    )
                    raise SweepConfigError(message, file=self.options.ledger_path)
            try:
                await self._reads()
                if self.options.allow_writes:
                    await self._writes()
                self._skip_unvisited(None)
            except BaseException as exc:  # KeyboardInterrupt and cancellation included: say so, re-raise
                self.result.interrupted = self.client.scrub(f"{type(exc).__name__}: {exc}".rstrip(": "))
                self._skip_unvisited(SkipReason.INTERRUPTED)
                raise
            finally:
                self.result.finished_at = utcnow().isoformat()
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
        plan, skipped = plan_reads(self.version, self.options, self.profile)
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
        """Path parameters from the answers so far; None while a needed answer is still to come."""
        bound: dict[str, str] = {}
        for source in read.ids:
            if source.collection in self._failed:
                return SkippedOperation(
                    read.operation, SkipReason.LIST_FAILED, self._failed[source.collection]
                )
            if source.collection not in self._answers:
                return None
            value = pick(self._answers[source.collection], source, self.profile.sweep)
            if value is None:
                detail = f"GET {source.collection} returned no item to take {{{source.name}}} from"
                return SkippedOperation(read.operation, SkipReason.NO_ID_DISCOVERED, detail)
            bound[source.name] = value
        return bound

    async def _read(self, read: PlannedRead, params: dict[str, str]) -> None:
        op = self.version.operation(read.operation)
        pages = self.client.paginate(
            read.path_template,
            path_params=params,
            query=read.query,
            max_pages=self.options.max_pages,
            operation=op.id,
            expected_status=documented_statuses(op),
        )
        async for outcome in pages:
            template = read.path_template
            if template not in self._answers and template not in self._failed:
                if isinstance(outcome, Exchange):
                    self._answers[template] = outcome.body
                else:
                    self._failed[template] = f"GET {outcome.path} failed: {outcome.kind}"
            self.emit(OperationCall(op.id, CallPurpose.READ, outcome))

    async def _writes(self) -> None:
        """The profile's write plan; whatever a failed step left (this run's entries) is undone after."""
        assert self._plan is not None  # set in __init__ whenever writes are allowed
        ledger = Ledger(self.options.ledger_path)
        try:
            await self._plan(self).run()
        finally:
            if any(e.run_id == self.run_id for e in ledger.entries()):
                self.result.cleanup = await cleanup(
                    ledger.path, self.client, self._plan, run_id=self.run_id, on_call=self._restored
                )

    def _restored(self, op_id: str, outcome: Outcome) -> None:
        op = self.version.operations.get(op_id)
        statuses = documented_statuses(op) if op is not None else None
        documented = not isinstance(outcome, Exchange) or statuses is None or outcome.status in statuses
        self.emit(OperationCall(op_id, CallPurpose.RESTORE, outcome, documented))

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
