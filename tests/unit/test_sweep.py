"""The sweep against a mock org serving the bundled recordings: discovery, skips, writes, ledger, cleanup."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from apidrift.apis.openai_admin.sandbox import LedgerKind, SandboxWriter
from apidrift.check.recordings import bundled_recordings, load_recordings
from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion, Operation
from apidrift.live.check import exchange_to_recording
from apidrift.live.cleanup import CompensationStatus
from apidrift.live.cleanup import cleanup as ledger_cleanup
from apidrift.live.client import (
    Exchange,
    FindingKind,
    LiveClient,
    ReadOnlyViolation,
    RetryPolicy,
    TransportFinding,
)
from apidrift.live.ledger import Ledger, LedgerError
from apidrift.live.sweep import (
    CallPurpose,
    OperationCall,
    SkippedOperation,
    SkipReason,
    Sweep,
    SweepConfigError,
    SweepEvent,
    SweepOptions,
    plan_reads,
)

VERSION = "2026-05-02"
KEY = "sk-admin-SweepTestKey" + "0123456789abcdef"  # built so no key-shaped text is committed
BASE = "https://api.test/v1"
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
SANDBOX = "apidrift-sandbox"
SANDBOX_PARAMS = {"project_id": "proj_sandbox"}
SA_SECRET = "sk-svcacct-" + "S" * 48
Hook = Callable[[httpx.Request, dict[str, str]], httpx.Response | None]


@dataclass
class Call:
    operation: str
    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class RecordedOrg:
    """A mock org: each request is matched to an operation by its path template and answered with
    that operation's bundled recording, unless a hook for the operation answers first."""

    version: ContractVersion
    hooks: dict[str, Hook] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    dead: bool = False

    def __post_init__(self) -> None:
        loaded = load_recordings(bundled_recordings() / "openai-admin" / self.version.version)
        self.bodies = {r.recording.operation: r.recording for r in loaded.recordings}
        self.routes = [(op, _template_regex(op.path)) for op in self.version.operations.values()]

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for op, regex in self.routes:
            found = regex.fullmatch(path)
            if op.method == method and found:
                return op, found.groupdict()
        return None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.dead:  # the process was "killed": nothing gets through any more
            raise RuntimeError("killed")
        path = request.url.path.removeprefix("/v1")
        matched = self.match(request.method, path)
        if matched is None:
            return httpx.Response(404, json={"error": {"message": f"no route {request.method} {path}"}})
        op, params = matched
        body = json.loads(request.content) if request.content else None
        self.calls.append(Call(op.id, request.method, path, dict(request.url.params), body))
        hook = self.hooks.get(op.id)
        answer = hook(request, params) if hook else None
        return answer or httpx.Response(self.bodies[op.id].status, json=self.bodies[op.id].body)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # a real request suspends; that is where cancellation lands
        return self(request)

    def client(self, **kwargs: Any) -> LiveClient:
        return LiveClient(
            KEY, base_url=BASE, transport=httpx.MockTransport(self.handle), sleep=_no_sleep, **kwargs
        )

    def writes(self) -> list[tuple[str, str]]:
        return [(c.method, c.path) for c in self.calls if c.method != "GET"]


def cleanup(ledger: Path, client: LiveClient, **kwargs: Any) -> Any:
    """`apidrift cleanup` with the OpenAI Admin profile's undo plan."""
    return ledger_cleanup(ledger, client, SandboxWriter, **kwargs)


def _template_regex(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)))


async def _no_sleep(_: float) -> None:
    return None


@pytest.fixture(scope="module")
def version() -> ContractVersion:
    return ContractStore(Path(__file__).resolve().parents[2] / "contracts").load(VERSION)


def options(**kwargs: Any) -> SweepOptions:
    return SweepOptions(now=lambda: NOW, **kwargs)


def sweep(
    org: RecordedOrg, opts: SweepOptions, events: list[SweepEvent] | None = None, **client: Any
) -> Sweep:
    runner = Sweep(org.client(**client), org.version, opts, run_id="run1")
    asyncio.run(runner.run((events if events is not None else []).append))
    return runner


def reads(runner: Sweep) -> dict[str, Exchange]:
    return {
        c.operation: c.outcome
        for c in runner.result.calls
        if c.purpose is CallPurpose.READ and isinstance(c.outcome, Exchange)
    }


# --- read-only ----------------------------------------------------------------------------------


def test_a_read_only_sweep_calls_every_get_operation_with_discovered_ids(version: ContractVersion) -> None:
    org = RecordedOrg(version)
    events: list[SweepEvent] = []
    runner = sweep(org, options(), events)
    gets = {op.id for op in version.operations.values() if op.method == "GET"}
    called = reads(runner)
    assert set(called) == gets and len(gets) == 35
    assert events == runner.result.events  # every event was handed over as it happened
    assert org.writes() == []
    order = [c.operation for c in org.calls]
    for list_op, retrieve in [
        ("list-projects", "retrieve-project"),
        ("list-project-api-keys", "retrieve-project-api-key"),
        ("list-project-groups", "list-project-group-role-assignments"),
    ]:
        assert order.index(list_op) < order.index(retrieve)
    assert called["retrieve-project"].path == "/organization/projects/proj_abc"
    assert called["retrieve-project-api-key"].path == "/organization/projects/proj_abc/api_keys/key_abc"
    assert called["admin-api-keys-get"].path == "/organization/admin_api_keys/key_abc"
    assert called["list-project-roles"].path == "/projects/proj_abc/roles"
    assert (
        called["list-project-group-role-assignments"].path
        == "/projects/proj_abc/groups/group_01J1F8ABCDXYZ/roles"
    )
    start = str(int((NOW - timedelta(days=2)).timestamp()))
    end = str(int(NOW.timestamp()))
    assert called["usage-costs"].query == {"start_time": start, "end_time": end, "limit": "3"}
    assert called["list-audit-logs"].query == {"limit": "5"}
    assert called["list-projects"].query == {"limit": "5"}
    skipped = {s.operation: s.reason for s in runner.result.skipped}
    assert set(skipped) == {op.id for op in version.operations.values()} - gets
    assert set(skipped.values()) == {SkipReason.WRITES_DISABLED}
    assert runner.result.interrupted is None and runner.result.finished_at is not None


def test_swept_responses_become_recordings_that_validate(version: ContractVersion) -> None:
    runner = sweep(RecordedOrg(version), options())
    validator = ResponseValidator(version)
    for exchange in runner.result.exchanges:
        recording = exchange_to_recording(exchange, base_url=BASE, recorded_at=NOW)
        assert recording.provenance is not None and recording.provenance.source == "live api.test"
        assert validator.validate(recording.operation, recording.status, recording.body).valid, (
            recording.operation
        )
        assert KEY not in recording.to_json()


def test_the_plan_for_the_older_version_draws_key_id_from_the_project_key_list(store: ContractStore) -> None:
    plan, skipped = plan_reads(store.load("2026-04-30"), options())
    by_id = {p.operation: p for p in plan}
    assert skipped == []
    assert [(s.name, s.collection) for s in by_id["retrieve-project-api-key"].ids] == [
        ("project_id", "/organization/projects"),
        ("key_id", "/organization/projects/{project_id}/api_keys"),
    ]
    ranks = [p.operation for p in plan]
    assert (
        ranks.index("list-projects")
        < ranks.index("retrieve-project")
        < ranks.index("retrieve-project-api-key")
    )


def test_ids_that_cannot_be_discovered_are_typed_skips_not_errors(version: ContractVersion) -> None:
    empty = {"object": "list", "data": [], "has_more": False}
    archived = {"object": "list", "data": [{"id": "proj_old", "status": "archived", "archived_at": 1}]}
    org = RecordedOrg(
        version,
        hooks={
            "list-project-api-keys": lambda r, p: httpx.Response(200, json=empty),
            "list-users": lambda r, p: httpx.Response(500, json={"error": {"message": "down"}}),
            "list-invites": lambda r, p: httpx.Response(200, json=archived),
        },
    )
    runner = sweep(org, options(), retry=RetryPolicy(max_attempts=2))
    skipped = {s.operation: s for s in runner.result.skipped}
    assert skipped["retrieve-project-api-key"].reason is SkipReason.NO_ID_DISCOVERED
    assert skipped["retrieve-invite"].reason is SkipReason.NO_ID_DISCOVERED  # archived items are passed over
    for needs_a_user in ("retrieve-user", "list-user-role-assignments"):
        assert skipped[needs_a_user].reason is SkipReason.LIST_FAILED
    failed = [c for c in runner.result.calls if c.operation == "list-users"]
    assert isinstance(failed[0].outcome, TransportFinding) and failed[0].outcome.kind is FindingKind.HTTP_5XX
    assert "retrieve-project" in reads(runner)


def test_a_spent_budget_turns_the_rest_into_findings(version: ContractVersion) -> None:
    org = RecordedOrg(version)
    runner = sweep(org, options(), request_budget=5)
    findings = [c.outcome for c in runner.result.calls if isinstance(c.outcome, TransportFinding)]
    assert len(org.calls) == 5 and findings
    assert {f.kind for f in findings} == {FindingKind.BUDGET_EXHAUSTED}


def test_a_silent_server_ends_the_sweep_quickly_with_a_finding_per_read(version: ContractVersion) -> None:
    def silent(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return silent(request)

    client = LiveClient(
        KEY,
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_attempts=2),
        give_up_after=4,
        sleep=_no_sleep,
    )
    result = asyncio.run(Sweep(client, version, options()).run())
    findings = [c.outcome for c in result.calls if isinstance(c.outcome, TransportFinding)]
    assert len(sent) == 8  # four requests of two attempts; every other read is a finding, unsent
    assert {f.kind for f in findings} == {FindingKind.TIMEOUT, FindingKind.SERVER_UNRESPONSIVE}
    assert sum(f.kind is FindingKind.SERVER_UNRESPONSIVE for f in findings) == len(findings) - 4


def test_a_read_only_sweep_never_sends_a_write_even_if_asked_for_one(version: ContractVersion) -> None:
    with pytest.raises(SweepConfigError):
        Sweep(RecordedOrg(version).client(), version, options(allow_writes=True, sandbox_project=SANDBOX))
    with pytest.raises(SweepConfigError):
        Sweep(RecordedOrg(version).client(read_only=False), version, options(allow_writes=True))
    with pytest.raises(SweepConfigError):
        Sweep(RecordedOrg(version).client(read_only=False), version, options())
    with pytest.raises(ReadOnlyViolation):
        asyncio.run(RecordedOrg(version).client().request("DELETE", "/organization/projects/x"))


# --- interruption -------------------------------------------------------------------------------


def test_an_interrupted_sweep_keeps_everything_gathered_so_far(version: ContractVersion) -> None:
    org = RecordedOrg(version)
    runner = Sweep(org.client(), version, options(), run_id="run1")
    received: list[SweepEvent] = []

    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None

        def on_event(event: SweepEvent) -> None:
            received.append(event)
            if len(received) == 6:
                task.cancel()  # what Ctrl-C does to asyncio.run's main task

        await runner.run(on_event)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(main())
    result = runner.result
    assert result.interrupted == "CancelledError"
    assert result.events[: len(received)] == received and len(received) >= 6
    interrupted = [s for s in result.skipped if s.reason is SkipReason.INTERRUPTED]
    assert interrupted and len({e.operation for e in result.events}) == len(version.operations)


# --- writes in the sandbox ----------------------------------------------------------------------


@dataclass
class Sandbox:
    """Stateful write routes over a RecordedOrg; each route notes the ledger as it was when called."""

    org: RecordedOrg
    ledger: Path
    project: dict[str, Any] | None = None
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    limit: int = 600
    ledger_seen: dict[str, list[Any]] = field(default_factory=dict)
    crash_at: str | None = None

    def __post_init__(self) -> None:
        for op_id in (
            "list-projects",
            "create-project",
            "retrieve-project",
            "archive-project",
            "modify-project",
            "create-project-service-account",
            "retrieve-project-service-account",
            "delete-project-service-account",
            "list-project-service-accounts",
            "update-project-rate-limits",
            "create-project-role",
            "update-project-role",
            "delete-project-role",
            "list-project-roles",
        ):
            self.org.hooks[op_id] = self._route(op_id)

    def _route(self, op_id: str) -> Hook:
        def route(request: httpx.Request, params: dict[str, str]) -> httpx.Response | None:
            self.ledger_seen.setdefault(op_id, []).append(Ledger(self.ledger).entries())
            body = json.loads(request.content) if request.content else {}
            answer = getattr(self, op_id.replace("-", "_"))(params, body)
            if op_id == self.crash_at:  # the server acted; the client dies before it hears back
                self.org.dead, self.crash_at = True, None
                raise RuntimeError("killed")
            if answer is None or isinstance(answer, httpx.Response):
                return answer
            return httpx.Response(200, json=answer)

        return route

    def list_projects(self, params: dict[str, str], body: Any) -> Any:
        return {"object": "list", "data": [self.project] if self.project else [], "has_more": False}

    def create_project(self, params: dict[str, str], body: Any) -> Any:
        self.project = {
            "id": "proj_sandbox",
            "object": "organization.project",
            "name": body["name"],
            "created_at": 1,
            "archived_at": None,
            "status": "active",
        }
        return self.project

    def retrieve_project(self, params: dict[str, str], body: Any) -> Any:
        if self.project is None or params["project_id"] != self.project["id"]:
            return httpx.Response(404, json={"error": {"message": "No such project"}})
        return self.project

    def archive_project(self, params: dict[str, str], body: Any) -> Any:
        assert self.project is not None and params["project_id"] == "proj_sandbox"
        self.project["status"] = "archived"
        return self.project

    def modify_project(self, params: dict[str, str], body: Any) -> Any:
        assert self.project is not None and params["project_id"] == "proj_sandbox"
        self.project["name"] = body["name"]
        return self.project

    def create_project_service_account(self, params: dict[str, str], body: Any) -> Any:
        account = {
            "object": "organization.project.service_account",
            "id": "svc_acct_new",
            "name": body["name"],
            "role": "member",
            "created_at": 1,
        }
        self.accounts[account["id"]] = account
        key = {
            "object": "organization.project.service_account.api_key",
            "value": SA_SECRET,
            "name": "Secret Key",
            "created_at": 1,
            "id": "key_new",
        }
        return {**account, "api_key": key}

    def retrieve_project_service_account(self, params: dict[str, str], body: Any) -> Any:
        account_id = params["service_account_id"]
        if account_id not in self.accounts:
            return httpx.Response(404, json={"error": {"message": f"No such service account {account_id}"}})
        return self.accounts[account_id]

    def delete_project_service_account(self, params: dict[str, str], body: Any) -> Any:
        account_id = params["service_account_id"]
        if self.accounts.pop(account_id, None) is None:
            return httpx.Response(404, json={"error": {"message": f"No such service account {account_id}"}})
        return {"object": "organization.project.service_account.deleted", "id": account_id, "deleted": True}

    def list_project_service_accounts(self, params: dict[str, str], body: Any) -> Any:
        if params["project_id"] != "proj_sandbox":
            return None
        return {"object": "list", "data": list(self.accounts.values()), "has_more": False}

    def update_project_rate_limits(self, params: dict[str, str], body: Any) -> Any:
        self.limit = body["max_requests_per_1_minute"]
        return {
            "object": "project.rate_limit",
            "id": params["rate_limit_id"],
            "model": "ada",
            "max_requests_per_1_minute": self.limit,
            "max_tokens_per_1_minute": 150000,
        }

    def create_project_role(self, params: dict[str, str], body: Any) -> Any:
        role = {
            "object": "role",
            "id": "role_new",
            "name": body["role_name"],
            "description": body["description"],
            "permissions": body["permissions"],
            "resource_type": "api.project",
            "predefined_role": False,
        }
        self.roles[role["id"]] = role
        return role

    def update_project_role(self, params: dict[str, str], body: Any) -> Any:
        return {**self.roles[params["role_id"]], **body}

    def delete_project_role(self, params: dict[str, str], body: Any) -> Any:
        if self.roles.pop(params["role_id"], None) is None:
            return None
        return {"object": "role.deleted", "id": params["role_id"], "deleted": True}

    def list_project_roles(self, params: dict[str, str], body: Any) -> Any:
        if params["project_id"] != "proj_sandbox":
            return None
        recorded = self.org.bodies["list-project-roles"].body["data"]
        return {"object": "list", "data": [*recorded, *self.roles.values()], "has_more": False, "next": None}


def write_options(ledger: Path) -> SweepOptions:
    return options(allow_writes=True, sandbox_project=SANDBOX, ledger_path=ledger)


def test_writes_happen_in_the_sandbox_with_a_ledger_written_before_each_use(
    version: ContractVersion, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    sandbox = Sandbox(RecordedOrg(version), ledger)
    runner = sweep(sandbox.org, write_options(ledger), read_only=False)
    assert sandbox.org.writes() == [
        ("POST", "/organization/projects"),
        ("POST", "/organization/projects/proj_sandbox/service_accounts"),
        ("DELETE", "/organization/projects/proj_sandbox/service_accounts/svc_acct_new"),
        ("POST", "/organization/projects/proj_sandbox"),
        ("POST", "/organization/projects/proj_sandbox"),
        ("POST", "/organization/projects/proj_sandbox/rate_limits/rl-ada"),
        ("POST", "/organization/projects/proj_sandbox/rate_limits/rl-ada"),
        ("POST", "/projects/proj_sandbox/roles"),
        ("POST", "/projects/proj_sandbox/roles/role_new"),
        ("DELETE", "/projects/proj_sandbox/roles/role_new"),
    ]
    # The values the run will restore are read once, before its first write in the sandbox.
    operations = [c.operation for c in sandbox.org.calls]
    first_write = next(
        i for i, c in enumerate(sandbox.org.calls) if c.method != "GET" and c.operation != "create-project"
    )
    assert operations.count("list-project-rate-limits") == 1
    assert operations.index("list-project-rate-limits") < first_write
    seen = sandbox.ledger_seen
    # Intent first (by name), then the id, before the resource is used; the sandbox project this
    # run created is ledgered too, until the run finishes.
    assert [(e.kind, e.resource_id) for e in seen["create-project-service-account"][0]] == [
        (LedgerKind.SANDBOX_PROJECT, "proj_sandbox"),
        (LedgerKind.SERVICE_ACCOUNT, None),
    ]
    assert [(e.kind, e.resource_id) for e in seen["create-project"][0]] == [
        (LedgerKind.SANDBOX_PROJECT, None)
    ]
    seen = {
        op: [[e for e in entries if e.kind != LedgerKind.SANDBOX_PROJECT] for entries in at]
        for op, at in seen.items()
    }
    assert [e.resource_id for e in seen["retrieve-project-service-account"][-1]] == ["svc_acct_new"]
    assert [e.resource_id for e in seen["update-project-role"][0]] == ["role_new"]
    assert [e.original for e in seen["modify-project"][0]] == [{"name": SANDBOX}]
    assert [e.original for e in seen["update-project-rate-limits"][0]] == [{"max_requests_per_1_minute": 600}]
    assert not ledger.exists() and runner.result.cleanup is None
    assert sandbox.project is not None and sandbox.project["name"] == SANDBOX and sandbox.limit == 600
    assert sandbox.accounts == {} and sandbox.roles == {}
    written = {c.operation for c in runner.result.calls if c.purpose is not CallPurpose.READ}
    assert {"create-project-service-account", "delete-project-role", "update-project-rate-limits"} <= written
    skipped = {s.operation: s.reason for s in runner.result.skipped}
    assert (
        skipped["admin-api-keys-create"] is SkipReason.NOT_EXERCISED and "create-project-role" not in skipped
    )
    # The created key never leaves the client unredacted.
    assert SA_SECRET not in repr(runner.result.events)
    created = next(c.outcome for c in runner.result.calls if c.operation == "create-project-service-account")
    assert isinstance(created, Exchange) and created.body["api_key"]["value"] == "sk-svcacct-REDACTED"

    # A second run finds the sandbox by name instead of creating another.
    again = sweep(sandbox.org, write_options(ledger), read_only=False)
    assert sum(1 for c in again.result.calls if c.operation == "create-project") == 0
    assert not ledger.exists()


def test_a_failed_step_is_undone_before_the_sweep_returns(version: ContractVersion, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.jsonl"
    sandbox = Sandbox(RecordedOrg(version), ledger)
    # The role is created but its delete fails: the sweep's own cleanup finds it and deletes it.
    failures = iter([httpx.Response(400, json={"error": {"message": "nope"}})])
    original = sandbox.org.hooks["delete-project-role"]
    sandbox.org.hooks["delete-project-role"] = lambda r, p: next(failures, None) or original(r, p)
    runner = sweep(sandbox.org, write_options(ledger), read_only=False)
    assert runner.result.cleanup is not None and runner.result.cleanup.remaining == 0
    assert sandbox.roles == {} and not ledger.exists()
    restore = [c for c in runner.result.calls if c.purpose is CallPurpose.RESTORE]
    # The sweep's cleanup checks the role still carries the run's name before it deletes it.
    assert [c.operation for c in restore][-3:] == [
        "delete-project-role",
        "list-project-roles",
        "delete-project-role",
    ]


@pytest.mark.parametrize(
    ("crash_at", "compensation"),
    [
        (
            "retrieve-project-service-account",
            [("DELETE", "/organization/projects/proj_sandbox/service_accounts/svc_acct_new", None)],
        ),
        ("modify-project", [("POST", "/organization/projects/proj_sandbox", {"name": SANDBOX})]),
        (
            "update-project-rate-limits",
            [
                (
                    "POST",
                    "/organization/projects/proj_sandbox/rate_limits/rl-ada",
                    {"max_requests_per_1_minute": 600},
                )
            ],
        ),
        ("create-project-role", [("DELETE", "/projects/proj_sandbox/roles/role_new", None)]),
    ],
)
def test_a_killed_run_leaves_a_ledger_that_cleanup_undoes_exactly(
    version: ContractVersion, tmp_path: Path, crash_at: str, compensation: list[tuple[str, str, Any]]
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    sandbox = Sandbox(RecordedOrg(version), ledger, crash_at=crash_at)
    with pytest.raises(RuntimeError, match="killed"):
        sweep(sandbox.org, write_options(ledger), read_only=False)
    pending = Ledger(ledger).entries()
    # The step it died in, and the sandbox project it created for itself at the start.
    assert pending[0].kind == LedgerKind.SANDBOX_PROJECT and len(pending) == 2

    # Revive the org (same state) and clean up with a fresh client, as `apidrift cleanup` would.
    sandbox.org.dead = False
    before = len(sandbox.org.calls)
    report = asyncio.run(cleanup(ledger, sandbox.org.client(read_only=False)))
    sent = sandbox.org.calls[before:]
    archive = ("POST", "/organization/projects/proj_sandbox/archive", {})
    assert [(c.method, c.path, c.body) for c in sent if c.method != "GET"] == [*compensation, archive]
    # A created resource is looked at (by id, or by its run-unique name when the create never
    # answered) before it is deleted; a changed value is restored from the ledger alone; the
    # project is archived only once it is seen to have the name and creation time the run saw.
    looked_at = {
        "retrieve-project-service-account": ["retrieve-project-service-account"],
        "create-project-role": ["list-project-roles"],
    }
    assert [c.operation for c in sent if c.method == "GET"] == [
        *looked_at.get(crash_at, []),
        "retrieve-project",
    ]
    assert [o.status for o in report.outcomes] == [CompensationStatus.DONE] * 2
    assert not ledger.exists()
    assert sandbox.accounts == {} and sandbox.roles == {} and sandbox.limit == 600
    assert sandbox.project is not None and sandbox.project["name"] == SANDBOX
    assert sandbox.project["status"] == "archived", "a killed run leaves no project of its own behind"


def test_a_pending_ledger_blocks_a_new_writing_sweep(version: ContractVersion, tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.add(
        run_id="old",
        kind=LedgerKind.PROJECT_ROLE,
        base_url=BASE,
        params={"project_id": "proj_sandbox"},
        name="x",
    )
    org = RecordedOrg(version)
    with pytest.raises(SweepConfigError, match="apidrift cleanup"):
        sweep(org, write_options(ledger.path), read_only=False)
    assert org.calls == []


def test_cleanup_touches_only_what_its_ledger_names(version: ContractVersion, tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    elsewhere = ledger.add(
        run_id="a",
        kind=LedgerKind.SERVICE_ACCOUNT,
        base_url="https://other.test/v1",
        params={"project_id": "p"},
        resource_id="x",
    )
    ledger.add(
        run_id="b",
        kind=LedgerKind.PROJECT_ROLE,
        base_url=BASE,
        params={"project_id": "proj_sandbox"},
        name="apidrift-sweep-b-project_role",
    )
    sandbox = Sandbox(RecordedOrg(version), ledger.path)
    sandbox.roles["role_keep"] = {"id": "role_keep", "name": "someone else's role"}
    calls: list[str] = []
    report = asyncio.run(
        cleanup(ledger.path, sandbox.org.client(read_only=False), on_call=lambda op, _: calls.append(op))
    )
    assert [o.status for o in report.outcomes] == [CompensationStatus.DONE, CompensationStatus.SKIPPED]
    assert sandbox.org.writes() == [] and "role_keep" in sandbox.roles
    assert calls == ["list-project-roles"]
    assert ledger.entries() == [elsewhere] and report.remaining == 1
    with pytest.raises(LedgerError):
        asyncio.run(cleanup(ledger.path, sandbox.org.client()))


def test_events_say_what_they_are(version: ContractVersion) -> None:
    runner = sweep(RecordedOrg(version), options())
    kinds = {type(e) for e in runner.result.events}
    assert kinds == {OperationCall, SkippedOperation}
    assert all(c.purpose is CallPurpose.READ for c in runner.result.calls)


def test_an_interruption_during_writes_still_undoes_them(version: ContractVersion, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.jsonl"
    sandbox = Sandbox(RecordedOrg(version), ledger)
    runner = Sweep(sandbox.org.client(read_only=False), version, write_options(ledger), run_id="run1")

    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None

        def on_event(event: SweepEvent) -> None:
            if isinstance(event, OperationCall) and event.operation == "create-project-role":
                task.cancel()  # Ctrl-C right after the role exists

        await runner.run(on_event)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(main())
    assert runner.result.interrupted == "CancelledError"
    assert runner.result.cleanup is not None and runner.result.cleanup.remaining == 0
    assert sandbox.roles == {} and not ledger.exists()
    # Newest first: the role, then the sandbox project this unfinished run had created.
    assert sandbox.org.writes()[-2:] == [
        ("DELETE", "/projects/proj_sandbox/roles/role_new"),
        ("POST", "/organization/projects/proj_sandbox/archive"),
    ]


def test_cleanup_takes_a_resource_already_gone_as_undone(version: ContractVersion, tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    ledger.add(
        run_id="r",
        kind=LedgerKind.SERVICE_ACCOUNT,
        base_url=BASE,
        params={"project_id": "proj_sandbox"},
        resource_id="svc_gone",
        name="apidrift-sweep-r-service_account",
    )
    sandbox = Sandbox(RecordedOrg(version), ledger.path)
    report = asyncio.run(cleanup(ledger.path, sandbox.org.client(read_only=False)))
    assert [(o.status, o.detail) for o in report.outcomes] == [
        (CompensationStatus.DONE, "svc_gone is gone: nothing to undo")
    ]
    assert sandbox.org.writes() == [] and not ledger.path.exists()


def test_a_run_killed_while_creating_its_sandbox_project_leaves_no_project_behind(
    version: ContractVersion, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    # The server made the project; the client died before it heard the id.
    sandbox = Sandbox(RecordedOrg(version), ledger, crash_at="create-project")
    with pytest.raises(RuntimeError, match="killed"):
        sweep(sandbox.org, write_options(ledger), read_only=False)
    [pending] = Ledger(ledger).entries()
    assert (pending.kind, pending.resource_id) == (LedgerKind.SANDBOX_PROJECT, None)
    sandbox.org.dead = False
    report = asyncio.run(cleanup(ledger, sandbox.org.client(read_only=False)))
    assert [o.status for o in report.outcomes] == [CompensationStatus.DONE], report.outcomes
    assert sandbox.project is not None and sandbox.project["status"] == "archived"
    assert not ledger.exists()


@pytest.mark.parametrize("known_id", [True, False], ids=["by-id", "by-name"])
def test_cleanup_leaves_a_namesake_project_alone(
    version: ContractVersion, tmp_path: Path, known_id: bool
) -> None:
    """A project with the sandbox's name that is not the one the run made (another creation time)."""
    ledger = Ledger(tmp_path / "ledger.jsonl")
    sandbox = Sandbox(RecordedOrg(version), ledger.path)
    sandbox.create_project({}, {"name": SANDBOX})  # created_at 1
    identity = {"created_at": 999} if known_id else {"created_at_after": 500}
    ledger.add(
        run_id="r",
        kind=LedgerKind.SANDBOX_PROJECT,
        base_url=BASE,
        api="openai-admin",
        resource_id="proj_sandbox" if known_id else None,
        name=SANDBOX,
        identity=identity,
    )
    before = len(sandbox.org.calls)
    report = asyncio.run(cleanup(ledger.path, sandbox.org.client(read_only=False)))
    assert [o.status for o in report.outcomes] == [CompensationStatus.REFUSED]
    assert "not what" in report.outcomes[0].detail
    assert [c.method for c in sandbox.org.calls[before:]] == ["GET"]
    assert sandbox.project is not None and sandbox.project["status"] == "active"
    assert len(ledger.entries()) == 1
