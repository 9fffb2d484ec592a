"""`check --live` end to end over real HTTP against the simulated org (each test runs its own server)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from apidrift.apis.openai_admin.simulator.state import NOW
from apidrift.contracts.model import ContractStore
from apidrift.live.check import LiveCheckOptions, LiveCheckResult, run_live_check
from apidrift.simulator import FaultPlan
from conftest import StartSimulator

KEY = "sk-admin-REDACTED"  # the simulator only needs a non-empty key
SIM_NOW = datetime.fromtimestamp(NOW, UTC)


def live(store: ContractStore, base_url: str, tmp_path: Path, **options: object) -> LiveCheckResult:
    opts = LiveCheckOptions(base_url=base_url + "/v1", record_dir=tmp_path / "rec", now=SIM_NOW)
    for key, value in options.items():
        setattr(opts, key, value)
    return run_live_check(store, opts, KEY)


def test_new_org_checked_against_old_version_names_the_renames(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02")
    result = live(store, server.base_url, tmp_path, against="2026-04-30")
    assert result.run.exit_code == 1
    by_op = {r.operation: r for r in result.run.responses}
    usage = by_op["usage-completions"]
    assert not usage.ok and usage.fingerprint.best == "2026-05-02"
    (against_old,) = [s for s in usage.fingerprint.scores if s.version == "2026-04-30"]
    assert {(p.old, p.new) for p in against_old.renames} == {("data[].result", "data[].results")}
    invites = by_op["list-invites"].fingerprint
    (invite_old,) = [s for s in invites.scores if s.version == "2026-04-30"]
    assert ("data[].invited_at", "data[].created_at") in {(p.old, p.new) for p in invite_old.renames}
    assert result.transport_findings == []


def test_new_org_checked_against_its_own_version_is_clean(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02")
    result = live(store, server.base_url, tmp_path, against="2026-05-02")
    assert result.exit_code == 0, [(r.operation, r.result.violations) for r in result.run.failures]
    assert result.run.checked >= 30
    # Exact responses are counted by kind; every kind names the version it fits best.
    best = [r.fingerprint.best for r in result.run.responses] + [
        k.best_match for k in result.run.exact.counts
    ]
    assert [b for b in best if b not in (None, "2026-05-02")] == []


def test_without_allow_writes_not_one_non_get_request_is_sent(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02")
    live(store, server.base_url, tmp_path)
    methods = {r.method for r in server.simulator.requests}
    assert methods == {"GET"}
    assert len(server.simulator.requests) >= 30


def test_faults_are_transport_findings_and_nothing_gathered_is_lost(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path
) -> None:
    plan = FaultPlan.parse("429=0.15,500=0.1,malformed=0.05,html=0.05,drop=0.03", seed=7, timeout_s=5)
    server = start_simulator("2026-05-02", faults=plan)
    result = live(store, server.base_url, tmp_path, against="2026-05-02")
    requests = server.simulator.requests
    faulted = [r for r in requests if r.fault]
    assert {r.fault for r in faulted} >= {"429", "500"}
    # A 429 is answered with Retry-After and the same request comes again (unless it was the last
    # attempt, which the run then reports).
    gave_up = {"/v1" + f.path for f in result.transport_findings}
    for i, r in enumerate(requests):
        if r.fault == "429":
            assert any(later.path == r.path for later in requests[i + 1 :]) or r.path in gave_up, r
    # A malformed body is retried like a 5xx (unless it was the last attempt).
    retried = [
        r
        for i, r in enumerate(requests)
        if r.fault == "malformed" and any(later.path == r.path for later in requests[i + 1 :])
    ]
    assert retried, "malformed bodies are retried"
    kinds = {f.kind for f in result.transport_findings}
    # Every faulted request was retried into an answer or ends in a transport finding: none is lost.
    answered = {r.path for r in requests if r.fault is None and r.status < 300}
    reported = {"/v1" + f.path for f in result.transport_findings}
    assert {r.path for r in faulted} <= answered | reported
    assert kinds <= {"http_429", "http_5xx", "malformed_json", "html_error_page", "connection", "timeout"}
    # No fault is mistaken for drift: every recorded (successful) response is valid.
    assert result.run.failures == []
    assert len(result.written) == result.run.checked > 10


def test_recordings_nobody_asked_to_keep_are_checked_then_removed(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_simulator("2026-05-02")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = live(store, server.base_url, tmp_path, record_dir=None, against="2026-05-02")
    assert result.run.checked >= 30, "everything recorded was checked"
    assert result.recordings is None and result.written == []
    assert list(scratch.iterdir()) == [], "no recordings are left in $TMPDIR"


def test_a_run_past_its_deadline_stops_and_what_it_gathered_is_checked(
    store: ContractStore, start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02", latency_ms=100)
    result = live(store, server.base_url, tmp_path, against="2026-05-02", run_deadline_s=0.8, concurrency=1)
    assert result.sweep.interrupted == "the run's 0.8s deadline passed"
    assert 0 < result.run.checked < 30, "stopped part way, and what it had is checked"
    assert any(s.reason == "interrupted" for s in result.sweep.skipped)
