"""Writes of a live sweep, only in a sandbox project: create, use and delete; change and restore.

Every resource created and every value changed is in the ledger before it is used, so `cleanup`
can undo a run killed at any point; what a failed step leaves is undone before the sweep returns.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from apidrift.live.client import Exchange, Outcome
from apidrift.live.ledger import Ledger, LedgerEntry, LedgerKind, cleanup, list_items
from apidrift.live.sweep import (
    NAME_PREFIX,
    CallPurpose,
    OperationCall,
    SkippedOperation,
    SkipReason,
    documented_statuses,
)

if TYPE_CHECKING:
    from apidrift.live.sweep import Sweep


@dataclass(frozen=True)
class _Disposable:
    """A resource the sweep creates with a run-unique name, uses once and deletes."""

    kind: LedgerKind
    id_param: str
    create: str
    use: str
    delete: str


_SERVICE_ACCOUNT: Final = _Disposable(
    LedgerKind.SERVICE_ACCOUNT,
    "service_account_id",
    "create-project-service-account",
    "retrieve-project-service-account",
    "delete-project-service-account",
)
_PROJECT_ROLE: Final = _Disposable(
    LedgerKind.PROJECT_ROLE, "role_id", "create-project-role", "update-project-role", "delete-project-role"
)
_WRITE_STEPS: Final = (
    "create-project",
    "modify-project",
    "list-project-rate-limits",
    "update-project-rate-limits",
    *(op for d in (_SERVICE_ACCOUNT, _PROJECT_ROLE) for op in (d.create, d.use, d.delete)),
)


def _created_id(outcome: Outcome | None) -> str | None:
    if isinstance(outcome, Exchange) and outcome.ok and isinstance(outcome.body, dict):
        value = outcome.body.get("id")
        return value if isinstance(value, str) and value else None
    return None


def _succeeded(outcome: Outcome) -> bool:
    return isinstance(outcome, Exchange) and outcome.ok


class SandboxWriter:
    """The write steps of one sweep; it calls through the sweep, so every call is an event of it."""

    def __init__(self, sweep: Sweep) -> None:
        self.sweep = sweep

    async def run(self) -> None:
        """Every write step in the sandbox project; what a failed step left is undone before returning."""
        sandbox = await self._sandbox()
        if sandbox is None:
            return
        project_id, name = sandbox
        ledger, params = Ledger(self.sweep.options.ledger_path), {"project_id": project_id}
        role = {
            "permissions": list(self.sweep.options.role_permissions),
            "description": "created by an apidrift sweep; safe to delete",
        }
        try:
            await self._create_use_delete(ledger, _SERVICE_ACCOUNT, params, {}, None)
            renamed = {"name": f"{name} ({NAME_PREFIX}{self.sweep.run_id})"}
            await self._change_restore(
                ledger, LedgerKind.PROJECT_NAME, "modify-project", params, {"name": name}, renamed
            )
            await self._rate_limit(ledger, params)
            await self._create_use_delete(
                ledger, _PROJECT_ROLE, params, role, {"description": "updated by apidrift"}
            )
        finally:
            # Whatever a failed step left (this run's entries only) is undone before returning.
            if any(e.run_id == self.sweep.run_id for e in ledger.entries()):
                self.sweep.result.cleanup = await cleanup(
                    ledger.path, self.sweep.client, run_id=self.sweep.run_id, on_call=self._restored
                )

    def _restored(self, op_id: str, outcome: Outcome) -> None:
        op = self.sweep.version.operations.get(op_id)
        statuses = documented_statuses(op) if op is not None else None
        documented = not isinstance(outcome, Exchange) or statuses is None or outcome.status in statuses
        self.sweep.emit(OperationCall(op_id, CallPurpose.RESTORE, outcome, documented))

    async def _sandbox(self) -> tuple[str, str] | None:
        """The sandbox project's id and name; when there is none, every write step is skipped."""
        name = str(self.sweep.options.sandbox_project)
        documented = self.sweep.documents("list-projects", "create-project")
        found = await self._find_or_create(name) if documented else "list/create project is not documented"
        if isinstance(found, str):
            for op_id in _WRITE_STEPS:
                if op_id in self.sweep.version.operations:
                    self.sweep.emit(SkippedOperation(op_id, SkipReason.PREREQUISITE_FAILED, found))
            return None
        return found

    async def _find_or_create(self, name: str) -> tuple[str, str] | str:
        """The active project of that name, else a new one (kept for next time: projects are never
        deleted); or why neither worked."""
        op = self.sweep.version.operation("list-projects")
        pages = self.sweep.client.paginate(
            op.path, query={"limit": 100}, max_pages=self.sweep.options.sandbox_search_pages, operation=op.id
        )
        async with contextlib.aclosing(pages):
            async for outcome in pages:
                self.sweep.emit(OperationCall(op.id, CallPurpose.SETUP, outcome))
                if not isinstance(outcome, Exchange):
                    return f"cannot list projects: {outcome.kind}"
                for item in list_items(outcome.body):
                    if item.get("name") == name and item.get("status", "active") == "active":
                        return str(item["id"]), name
        created = await self.sweep.call(
            "create-project", CallPurpose.SETUP, {}, {"name": name}, idempotent=False
        )
        project_id = _created_id(created)
        return (project_id, name) if project_id else f"cannot create the sandbox project {name!r}"

    async def _create_use_delete(
        self, ledger: Ledger, step: _Disposable, params: dict[str, str], create: dict[str, Any], use: Any
    ) -> None:
        """Create a resource with a run-unique name, use it once, delete it; ledgered before the create."""
        if not self.sweep.documents(step.create, step.use, step.delete):
            return
        name = f"{NAME_PREFIX}{self.sweep.run_id}-{step.kind.value}"
        # In the ledger before the create, so a create that never answers is still found (by name).
        entry = self._ledger_add(ledger, step.kind, params["project_id"], name=name)
        body = {**create, ("role_name" if step.kind is LedgerKind.PROJECT_ROLE else "name"): name}
        resource_id = _created_id(
            await self.sweep.call(step.create, CallPurpose.WRITE, params, body, idempotent=False)
        )
        if resource_id is None:
            return  # the `finally` of `_writes` looks it up by name and removes the entry
        entry = ledger.update(entry, resource_id=resource_id)
        params = {**params, step.id_param: resource_id}
        await self.sweep.call(step.use, CallPurpose.WRITE, params, use)
        if _succeeded(await self.sweep.call(step.delete, CallPurpose.RESTORE, params)):
            ledger.remove(entry)

    async def _change_restore(
        self,
        ledger: Ledger,
        kind: LedgerKind,
        op_id: str,
        params: dict[str, str],
        original: dict[str, Any],
        changed: dict[str, Any],
    ) -> None:
        """Change some values and put them back; the originals are ledgered before the change."""
        if not self.sweep.documents(op_id):
            return
        resource_id = params.get("rate_limit_id")
        entry = self._ledger_add(
            ledger, kind, params["project_id"], resource_id=resource_id, original=original
        )
        await self.sweep.call(op_id, CallPurpose.WRITE, params, changed)
        if _succeeded(await self.sweep.call(op_id, CallPurpose.RESTORE, params, original)):
            ledger.remove(entry)

    async def _rate_limit(self, ledger: Ledger, params: dict[str, str]) -> None:
        if not self.sweep.documents("list-project-rate-limits"):
            return
        listed = await self.sweep.call(
            "list-project-rate-limits",
            CallPurpose.SETUP,
            params,
            query={"limit": self.sweep.options.list_limit},
        )
        key = "max_requests_per_1_minute"
        items = list_items(listed.body) if isinstance(listed, Exchange) else []
        limit = next((i for i in items if isinstance(i.get(key), int) and isinstance(i.get("id"), str)), None)
        if limit is None:
            detail = "the sandbox project lists no rate limit"
            self.sweep.emit(
                SkippedOperation("update-project-rate-limits", SkipReason.NO_ID_DISCOVERED, detail)
            )
            return
        # Lowering is always allowed; raising could exceed what the organisation may grant.
        params = {**params, "rate_limit_id": limit["id"]}
        lowered = {key: max(1, limit[key] - 1)}
        await self._change_restore(
            ledger, LedgerKind.RATE_LIMIT, "update-project-rate-limits", params, {key: limit[key]}, lowered
        )

    def _ledger_add(self, ledger: Ledger, kind: LedgerKind, project_id: str, **fields: Any) -> LedgerEntry:
        return ledger.add(
            run_id=self.sweep.run_id,
            kind=kind,
            base_url=self.sweep.client.base_url,
            project_id=project_id,
            **fields,
        )
