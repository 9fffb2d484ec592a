"""The OpenAI Admin API's sandbox write plan: create, use and delete; change and restore, only in a
sandbox project (found by name, else created: ledgered, kept when the run finishes, archived by
cleanup when it does not, as projects cannot be deleted).

Every resource created and every value changed is in the ledger before it is used, so `cleanup` can
undo a run killed at any point; the sweep undoes what a failed step left before it returns.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from apidrift.live.discovery import list_items
from apidrift.live.events import NAME_PREFIX, CallPurpose, OperationCall, SkippedOperation, SkipReason
from apidrift.live.ledger import Ledger, LedgerEntry, UndoStep
from apidrift.live.outcomes import Exchange, Outcome
from apidrift.live.sandbox import SandboxHost

# A project role needs at least one permission; this one only lets it read its own project's keys.
ROLE_PERMISSIONS: Final = ("api.organization.projects.api_keys.read",)


class LedgerKind(StrEnum):
    SANDBOX_PROJECT = "sandbox_project"
    SERVICE_ACCOUNT = "service_account"
    PROJECT_ROLE = "project_role"
    PROJECT_NAME = "project_name"
    RATE_LIMIT = "rate_limit"


_UNDO: Final[dict[str, UndoStep]] = {
    # Projects cannot be deleted, only archived: a sandbox project made by a run that never finished
    # is archived by cleanup, if it still has the name and creation time the run saw.
    LedgerKind.SANDBOX_PROJECT: UndoStep(
        "archive-project",
        "POST",
        "/organization/projects/{project_id}/archive",
        "project_id",
        ("list-projects", "/organization/projects"),
        retrieve=("retrieve-project", "/organization/projects/{project_id}"),
        identity_fields=("created_at",),
    ),
    LedgerKind.SERVICE_ACCOUNT: UndoStep(
        "delete-project-service-account",
        "DELETE",
        "/organization/projects/{project_id}/service_accounts/{service_account_id}",
        "service_account_id",
        ("list-project-service-accounts", "/organization/projects/{project_id}/service_accounts"),
        retrieve=(
            "retrieve-project-service-account",
            "/organization/projects/{project_id}/service_accounts/{service_account_id}",
        ),
    ),
    LedgerKind.PROJECT_ROLE: UndoStep(
        "delete-project-role",
        "DELETE",
        "/projects/{project_id}/roles/{role_id}",
        "role_id",
        ("list-project-roles", "/projects/{project_id}/roles"),
    ),
    LedgerKind.PROJECT_NAME: UndoStep("modify-project", "POST", "/organization/projects/{project_id}"),
    LedgerKind.RATE_LIMIT: UndoStep(
        "update-project-rate-limits",
        "POST",
        "/organization/projects/{project_id}/rate_limits/{rate_limit_id}",
        "rate_limit_id",
    ),
}


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

    def __init__(self, sweep: SandboxHost) -> None:
        self.sweep = sweep
        self._made: LedgerEntry | None = None  # the sandbox project, when this run created it

    @classmethod
    def undo_step(cls, kind: str) -> UndoStep | None:
        """How cleanup undoes an entry of this kind (None for a kind this plan never writes)."""
        return _UNDO.get(str(kind))

    async def run(self) -> None:
        """Every write step in the sandbox project, each ledgered before what it creates is used.

        The values it changes are read once, before its first write, so what it restores is what the
        sandbox held when the run began (the sweep holds the sandbox's lock all along).
        """
        sandbox = await self._sandbox()
        if sandbox is None:
            return
        project_id, name = sandbox
        ledger, params = Ledger(self.sweep.options.ledger_path), {"project_id": project_id}
        rate_limit = await self._rate_limit(params)
        role = {
            "permissions": list(ROLE_PERMISSIONS),
            "description": "created by an apidrift sweep; safe to delete",
        }
        await self._create_use_delete(ledger, _SERVICE_ACCOUNT, params, {}, None)
        renamed = {"name": f"{name} ({NAME_PREFIX}{self.sweep.run_id})"}
        await self._change_restore(
            ledger, LedgerKind.PROJECT_NAME, "modify-project", params, {"name": name}, renamed
        )
        if rate_limit is not None:
            limit_params, original, lowered = rate_limit
            await self._change_restore(
                ledger, LedgerKind.RATE_LIMIT, "update-project-rate-limits", limit_params, original, lowered
            )
        await self._create_use_delete(
            ledger, _PROJECT_ROLE, params, role, {"description": "updated by apidrift"}
        )
        if self._made is not None:
            ledger.remove(self._made)  # finished: the project stays, as the sandbox of later runs

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
        """The active project of that name, else a new one; or why neither worked."""
        op = self.sweep.version.operation("list-projects")
        pages = self.sweep.client.paginate(
            op.path, query={"limit": 100}, max_pages=self.sweep.options.sandbox_search_pages, operation=op.id
        )
        newest = 0  # the latest creation time listed, in the server's clock: what ours must follow
        async with contextlib.aclosing(pages):
            async for outcome in pages:
                self.sweep.emit(OperationCall(op.id, CallPurpose.SETUP, outcome))
                if not isinstance(outcome, Exchange):
                    return f"cannot list projects: {outcome.kind}"
                for item in list_items(outcome.body):
                    if item.get("name") == name and item.get("status", "active") == "active":
                        return str(item["id"]), name
                    if isinstance(item.get("created_at"), int):
                        newest = max(newest, item["created_at"])
        # In the ledger before the create: a run that dies before it finishes leaves no project
        # behind (cleanup archives it); a run that finishes keeps it as the sandbox for next time.
        ledger = Ledger(self.sweep.options.ledger_path)
        mark = {"created_at_after": newest}
        entry = self._ledger_add(ledger, LedgerKind.SANDBOX_PROJECT, {}, name=name, identity=mark)
        created = await self.sweep.call(
            "create-project", CallPurpose.SETUP, {}, {"name": name}, idempotent=False
        )
        project_id = _created_id(created)
        if not project_id:
            return f"cannot create the sandbox project {name!r}"
        body = created.body if isinstance(created, Exchange) and isinstance(created.body, dict) else {}
        self._made = ledger.update(
            entry, resource_id=project_id, identity={"created_at": body.get("created_at")}
        )
        return project_id, name

    async def _create_use_delete(
        self, ledger: Ledger, step: _Disposable, params: dict[str, str], create: dict[str, Any], use: Any
    ) -> None:
        """Create a resource with a run-unique name, use it once, delete it; ledgered before the create."""
        if not self.sweep.documents(step.create, step.use, step.delete):
            return
        name = f"{NAME_PREFIX}{self.sweep.run_id}-{step.kind.value}"
        # In the ledger before the create, so a create that never answers is still found (by name).
        entry = self._ledger_add(ledger, step.kind, params, name=name)
        body = {**create, ("role_name" if step.kind is LedgerKind.PROJECT_ROLE else "name"): name}
        resource_id = _created_id(
            await self.sweep.call(step.create, CallPurpose.WRITE, params, body, idempotent=False)
        )
        if resource_id is None:
            return  # the sweep's cleanup looks it up by name and removes the entry
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
        entry = self._ledger_add(ledger, kind, params, resource_id=resource_id, original=original)
        await self.sweep.call(op_id, CallPurpose.WRITE, params, changed)
        if _succeeded(await self.sweep.call(op_id, CallPurpose.RESTORE, params, original)):
            ledger.remove(entry)

    async def _rate_limit(
        self, params: dict[str, str]
    ) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]] | None:
        """The rate limit to lower: its path parameters, its original value and the lowered one."""
        if not self.sweep.documents("list-project-rate-limits"):
            return None
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
            return None
        # Lowering is always allowed; raising could exceed what the organisation may grant.
        return {**params, "rate_limit_id": limit["id"]}, {key: limit[key]}, {key: max(1, limit[key] - 1)}

    def _ledger_add(
        self, ledger: Ledger, kind: LedgerKind, params: dict[str, str], **fields: Any
    ) -> LedgerEntry:
        return ledger.add(
            run_id=self.sweep.run_id,
            kind=kind.value,
            base_url=self.sweep.client.base_url,
            api=self.sweep.client.profile.name,
            sandbox=self.sweep.options.sandbox_project,
            params={"project_id": params["project_id"]} if "project_id" in params else {},
            **fields,
        )
