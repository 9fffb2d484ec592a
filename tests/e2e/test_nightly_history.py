"""Ten nights of a nightly CI job over real HTTP against the simulator, with one history and a baseline.

What the simulator serves changes between nights (a version, a per-family mix, back again, faults on
two nights); each night's findings are judged exactly as `check --live --history --baseline
--fail-on new` judges them, with the night's date injected. Every night asserts the exact new,
persisting, resolved and accepted findings; the end asserts first-seen dates and the flaps.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from apidrift.apis.openai_admin import ORGANIZATION_USER_ADDED_FIELDS
from apidrift.apis.openai_admin.simulator.state import NOW
from apidrift.contracts.model import ContractStore
from apidrift.history import FailOn, HistoryOptions, judge_report
from apidrift.live import check as live_check
from apidrift.live.check import LiveCheckOptions, run_live_check
from apidrift.report import DriftReport, FindingStatus, write_reports
from apidrift.report.build_live import build_live_report
from apidrift.simulator import FaultPlan
from cli_support import run_cli
from conftest import StartSimulator

OLD, NEW = "2026-04-30", "2026-05-02"
SIM_NOW = datetime.fromtimestamp(NOW, UTC)
# Seed 5 at 50% makes five operations (three of them usage ones) fail every attempt, in the same way
# on both nights it is used, since one request at a time keeps the order.
FAULTS = "500=0.5"
FAULT_SEED = 5

Key = tuple[str, str, str]  # kind, operation, path (a rename's path: "old -> new"; transport: "")

USAGE_OPS = [
    f"usage-{name}"
    for name in (
        "audio-speeches",
        "audio-transcriptions",
        "code-interpreter-sessions",
        "completions",
        "costs",
        "embeddings",
        "images",
        "moderations",
        "vector-stores",
    )
]
# Served as 2026-04-30 and checked against it, these still fit 2026-05-02 only by a rename: info.
I_U = {("field-renamed", op, "data[].results -> data[].result") for op in USAGE_OPS}
I_INV = {
    ("field-renamed", "list-invites", "data[].created_at -> data[].invited_at"),
    ("field-renamed", "retrieve-invite", "created_at -> invited_at"),
}
I_KEYS = {
    ("field-renamed", "list-project-api-keys", "data[].owner.user.created_at -> data[].owner.user.added_at"),
    ("field-renamed", "retrieve-project-api-key", "owner.user.created_at -> owner.user.added_at"),
}
# The usage family served as 2026-05-02: `result` became `results`.
U = {
    key
    for op in USAGE_OPS
    for key in (
        ("schema-violation", op, "data[].result"),
        ("undocumented-field", op, "data[].results"),
        ("field-renamed", op, "data[].result -> data[].results"),
    )
}
# The invites family served as 2026-05-02: `invited_at` became `created_at`.
INV = {
    ("schema-violation", "list-invites", "data[].invited_at"),
    ("undocumented-field", "list-invites", "data[].created_at"),
    ("field-renamed", "list-invites", "data[].invited_at -> data[].created_at"),
    ("schema-violation", "retrieve-invite", "invited_at"),
    ("undocumented-field", "retrieve-invite", "created_at"),
    ("field-renamed", "retrieve-invite", "invited_at -> created_at"),
}
USER_FIELDS = ORGANIZATION_USER_ADDED_FIELDS
# Everything else the whole of 2026-05-02 changes.
REST = {
    ("field-renamed", "list-project-api-keys", "data[].owner.user.added_at -> data[].owner.user.created_at"),
    ("field-renamed", "retrieve-project-api-key", "owner.user.added_at -> owner.user.created_at"),
    ("schema-violation", "list-group-users", "data[].added_at"),
    ("schema-violation", "list-group-users", "data[].object"),
    ("schema-violation", "list-group-users", "data[].role"),
    ("schema-violation", "list-project-api-keys", "data[].owner.user.added_at"),
    ("schema-violation", "list-project-api-keys", "data[].owner.user.object"),
    ("schema-violation", "retrieve-project-api-key", "owner.user.added_at"),
    ("schema-violation", "retrieve-project-api-key", "owner.user.object"),
    ("undocumented-field", "list-groups", "data[].group_type"),
    # The first project (where the sweep takes its ids) has a group and a service account's key too.
    ("undocumented-field", "list-project-groups", "data[].group_type"),
    ("schema-violation", "list-project-api-keys", "data[].owner.service_account.object"),
    ("undocumented-field", "list-project-api-keys", "data[].owner.user.created_at"),
    ("undocumented-field", "list-projects", "data[].external_key_id"),
    ("undocumented-field", "retrieve-project", "external_key_id"),
    ("undocumented-field", "retrieve-project-api-key", "owner.user.created_at"),
    *(("undocumented-field", "list-users", f"data[].{name}") for name in USER_FIELDS),
    *(("undocumented-field", "retrieve-user", name) for name in USER_FIELDS),
}

BASELINE = """
[[accept]]
operation = "usage-*"
reason = "usage `result` renamed upstream; the SDK follows in 1.2"
owner = "platform-team"
expires = 2026-06-06

[[accept]]
kind = "http_*"
reason = "the upstream is flaky at night; transport is watched elsewhere"
owner = "sre"

[[accept]]
id = "ad-000000000000"
reason = "a drift fixed long ago"
owner = "platform-team"
"""


@dataclass(frozen=True)
class Night:
    """What one night's job saw, by status."""

    report: DriftReport
    native_exit: int
    new: set[Key]
    persisting: set[Key]
    accepted: set[Key]
    resolved: set[Key]
    unobserved: set[Key]
    transport: set[Key]

    def first_seen(self, keys: Iterable[Key]) -> set[str]:
        wanted = set(keys)
        return {e.first_seen or "" for e in _entries(self.report) if _key(e) in wanted}


def _key(entry: Any) -> Key:
    if hasattr(entry, "old"):
        return (entry.kind, entry.operation, f"{entry.old} -> {entry.new}")
    if hasattr(entry, "attempts"):
        return (entry.kind, entry.operation, "")
    return (entry.kind, entry.operation, entry.path)


def _entries(report: DriftReport) -> list[Any]:
    return [*report.findings, *report.renames, *report.transport_findings]


async def _no_sleep(_: float) -> None:
    """Retries after a fault wait for nothing: the clock is the test's, not the wall's."""


@pytest.fixture
def play(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setattr(live_check, "LiveClient", functools.partial(live_check.LiveClient, sleep=_no_sleep))
    history, baseline = tmp_path / "history.sqlite", tmp_path / "apidrift-baseline.toml"
    baseline.write_text(BASELINE, encoding="utf-8")

    def night(day: int, version: str, *, mix: dict[str, str] | None = None, faults: bool = False) -> Night:
        plan = FaultPlan.parse(FAULTS, seed=FAULT_SEED) if faults else None
        server = start_simulator(version, mix=mix or {}, faults=plan)
        options = LiveCheckOptions(
            base_url=server.base_url + "/v1",
            against=OLD,
            record_dir=tmp_path / f"rec{day}",
            concurrency=1,
            now=SIM_NOW,
        )
        result = run_live_check(store, options, "sk-admin-REDACTED")
        when = datetime(2026, 6, day, 2, 30, tzinfo=UTC)
        report = build_live_report(result, api="openai-admin", base_url=server.base_url, now=when)
        report = judge_report(
            report, HistoryOptions(history=history, baseline=baseline, fail_on=FailOn.NEW, now=when)
        )
        write_reports(report, tmp_path / f"reports{day}")
        assert report.history is not None
        by = {status: {_key(e) for e in _entries(report) if e.status is status} for status in FindingStatus}
        h = report.history
        return Night(
            report=report,
            native_exit=result.exit_code,
            new=by[FindingStatus.NEW],
            persisting=by[FindingStatus.PERSISTING],
            accepted=by[FindingStatus.ACCEPTED],
            resolved={(p.kind, p.operation or "", p.path) for p in h.resolved},
            unobserved={(p.kind, p.operation or "", p.path) for p in h.unobserved},
            transport={_key(t) for t in report.transport_findings},
        )

    night.history = history  # type: ignore[attr-defined]
    return night


def _issues(n: Night) -> set[tuple[str, str]]:
    assert n.report.history is not None
    return {(i.problem, i.entry) for i in n.report.history.baseline_issues}


def _breaking(keys: set[Key]) -> int:
    """Violations and renames against the target version are breaking; undocumented fields warnings."""
    return sum(k[0] != "undocumented-field" for k in keys)


def _on_ops(keys: set[Key], ops: set[str]) -> set[Key]:
    return {k for k in keys if k[1] in ops}


def test_ten_nights_of_drift_with_a_history_and_a_baseline(play: Any) -> None:
    # Night 1: the documented version. Only info renames (toward 2026-05-02), all new; usage's accepted.
    n1 = play(1, OLD)
    assert (n1.new, n1.persisting, n1.accepted, n1.resolved) == (I_INV | I_KEYS, set(), I_U, set())
    assert n1.report.exit_code == 0 and n1.first_seen(I_INV | I_KEYS | I_U) == {"2026-06-01"}
    assert _issues(n1) == {("unused", "kind=http_*"), ("unused", "ad-000000000000")}

    # Night 2: the usage family rolls out 2026-05-02. Breaking drift, but accepted: the job passes.
    n2 = play(2, OLD, mix={"usage": NEW})
    assert (n2.new, n2.persisting, n2.accepted, n2.resolved) == (set(), I_INV | I_KEYS, U, I_U)
    assert n2.native_exit == 1 and n2.report.exit_code == 0
    assert all(
        e.accepted and e.accepted.owner == "platform-team" for e in _entries(n2.report) if _key(e) in U
    )

    # Night 3: the same, with faults. Transport findings are accepted by pattern; the usage findings
    # of operations that could not be fetched are unobserved, not resolved.
    n3 = play(3, OLD, mix={"usage": NEW}, faults=True)
    faulted = {k[1] for k in n3.transport}
    assert n3.transport and faulted & set(USAGE_OPS), faulted
    assert n3.unobserved == _on_ops(U, faulted) != set()
    assert (n3.new, n3.persisting, n3.resolved) == (set(), I_INV | I_KEYS, set())
    assert n3.accepted == (U - n3.unobserved) | n3.transport
    assert n3.report.exit_code == 0

    # Night 4: the whole of 2026-05-02. Invites and the rest are new and fail the job.
    n4 = play(4, NEW)
    assert (n4.new, n4.persisting, n4.accepted) == (INV | REST, set(), U)
    assert n4.resolved == I_INV | I_KEYS | n3.transport
    assert n4.report.exit_code == 1 and n4.first_seen(INV | REST) == {"2026-06-04"}
    assert n4.first_seen(U) == {"2026-06-02"}

    # Night 5: nothing changed: everything persists and the job passes again.
    n5 = play(5, NEW)
    assert (n5.new, n5.persisting, n5.accepted, n5.resolved) == (set(), INV | REST, U, set())
    assert n5.report.exit_code == 0 and n5.first_seen(INV) == {"2026-06-04"}

    # Night 6: back toward the documented version, usage and invites still new (last day of the acceptance).
    n6 = play(6, OLD, mix={"usage": NEW, "invites": NEW})
    assert (n6.new, n6.persisting, n6.accepted, n6.resolved) == (I_KEYS, INV, U, REST)
    assert n6.report.exit_code == 0  # the key renames came back, but they are info
    assert n6.first_seen(I_KEYS) == {"2026-06-01"}

    # Night 7: the usage acceptance has expired: the same persisting findings fail the job again.
    n7 = play(7, OLD, mix={"usage": NEW})
    assert (n7.new, n7.persisting, n7.accepted, n7.resolved) == (I_INV, U | I_KEYS, set(), INV)
    assert n7.report.exit_code == 1
    expired = [e for e in _entries(n7.report) if _key(e) in U]
    assert expired and all(e.accepted and e.accepted.expired for e in expired)
    assert ("expired", "operation=usage-*") in _issues(n7)

    # Night 8: night 3's faults again, the same operations: the transport findings are back (a flap).
    n8 = play(8, OLD, mix={"usage": NEW}, faults=True)
    assert n8.transport == n3.transport and n8.accepted == n8.transport
    assert n8.unobserved == _on_ops(U, faulted)
    assert (n8.new, n8.persisting, n8.resolved) == (set(), (U - n8.unobserved) | I_INV | I_KEYS, set())
    assert n8.report.exit_code == 1  # the expired acceptance still fails
    assert n8.first_seen(n8.transport) == {"2026-06-03"}

    # Night 9: the documented version. Usage drift resolved (the unobserved part too), its info back.
    n9 = play(9, OLD)
    assert (n9.new, n9.persisting, n9.accepted) == (I_U, I_INV | I_KEYS, set())
    assert n9.resolved == U | n8.transport
    assert n9.report.exit_code == 0 and n9.first_seen(I_U) == {"2026-06-01"}

    # Night 10: a quiet night.
    n10 = play(10, OLD)
    assert (n10.new, n10.persisting, n10.accepted, n10.resolved) == (
        set(),
        I_U | I_INV | I_KEYS,
        set(),
        set(),
    )
    assert n10.report.exit_code == 0

    # Each finding that went away and came back flapped once; nothing that stayed (or was only
    # unobserved) did.
    history = n10.report.history
    assert history is not None
    flapped = {(f.kind, f.operation or "", f.path): f.flaps for f in history.flapping}
    assert flapped == dict.fromkeys(I_U | I_INV | I_KEYS | n3.transport, 1)
    # The trend counts findings seen (not unobserved ones) by severity, and what was new and resolved.
    assert [(p.night[:10], p.breaking, p.new, p.resolved) for p in history.trend][:4] == [
        ("2026-06-01", 0, len(I_INV | I_KEYS), 0),
        ("2026-06-02", _breaking(U), 0, len(I_U)),
        ("2026-06-03", _breaking(U - n3.unobserved), 0, 0),
        ("2026-06-04", _breaking(U | INV | REST), len(INV | REST), len(I_INV | I_KEYS | n3.transport)),
    ]
    assert history.trend[3].by_operation["list-users"] == len(USER_FIELDS)

    # `apidrift history` answers when a finding was first and last seen, and that it flaps.
    (renamed,) = [
        e
        for e in n10.report.renames
        if _key(e) == ("field-renamed", "retrieve-invite", "created_at -> invited_at")
    ]
    shown = run_cli("history", str(play.history), "--finding", renamed.id)
    assert shown.returncode == 0, shown.stderr
    assert (
        f"{renamed.id} in openai-admin / responses / {OLD}: "
        "field-renamed retrieve-invite created_at -> invited_at; first seen 2026-06-01, "
        "last seen 2026-06-10, on 7 nights, flapped 1×, still present"
    ) in shown.stdout


def test_check_live_at_the_command_line_records_and_judges_each_night(
    start_simulator: StartSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-REDACTED")
    server = start_simulator(NEW)
    args = ["check", "--live", "--base-url", server.base_url + "/v1", "--against", OLD]
    args += ["--reports", "reports", "--history", "history.sqlite", "--fail-on", "new"]
    first, second = run_cli(*args, cwd=tmp_path), run_cli(*args, cwd=tmp_path)
    assert (first.returncode, second.returncode) == (1, 0), first.stderr
    found = re.search(r"since the last run: (\d+) new, 0 persisting", first.stdout)
    assert found and int(found.group(1)) > 50
    assert f"since the last run: 0 new, {found.group(1)} persisting, 0 resolved, 0 accepted" in second.stdout
