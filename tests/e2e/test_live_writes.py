"""Writes only in a sandbox, a ledger before every use, and `apidrift cleanup` after a killed run;
no planted secret reaches any file written or stdout/stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import RunningSimulator, StartSimulator

SANDBOX = "apidrift-sandbox"
KEY = "sk-admin-REDACTED"  # the simulator only needs a non-empty key
REPO = Path(__file__).resolve().parents[2]


def org_state(client: httpx.Client, project_id: str) -> dict[str, Any]:
    """What a write run may touch in the sandbox, in a comparable form."""

    def names(path: str, key: str = "name") -> list[str]:
        body = client.get(path, params={"limit": 100}).json()
        return sorted(str(item.get(key)) for item in body["data"])

    project = client.get(f"/organization/projects/{project_id}").json()
    limits = client.get(f"/organization/projects/{project_id}/rate_limits", params={"limit": 100}).json()
    return {
        "name": project["name"],
        "service_accounts": names(f"/organization/projects/{project_id}/service_accounts"),
        "roles": names(f"/projects/{project_id}/roles", "name"),
        "rate_limits": sorted(json.dumps(r, sort_keys=True) for r in limits["data"]),
    }


def sandbox(server: RunningSimulator) -> str:
    with server.client() as client:
        created = client.post("/organization/projects", json={"name": SANDBOX}).json()
    return str(created["id"])


def env() -> dict[str, str]:
    return {**os.environ, "OPENAI_ADMIN_KEY": KEY, "NO_COLOR": "1", "COLUMNS": "200"}


def driver(server: RunningSimulator, ledger: Path, record: Path) -> list[str]:
    """A write run in its own process (so it can be killed): the library call `check --live` makes."""
    code = (
        "import os;from datetime import UTC, datetime;from pathlib import Path;"
        "from apidrift.contracts.model import ContractStore;"
        "from apidrift.live.check import LiveCheckOptions, run_live_check;"
        "from apidrift.apis.openai_admin.simulator.state import NOW;"
        f"run_live_check(ContractStore(), LiveCheckOptions(base_url={server.base_url + '/v1'!r}, "
        f"allow_writes=True, sandbox_project={SANDBOX!r}, ledger=Path({str(ledger)!r}), "
        f"record_dir=Path({str(record)!r}), concurrency=1, now=datetime.fromtimestamp(NOW, UTC)), "
        "os.environ['OPENAI_ADMIN_KEY'])"
    )
    return [sys.executable, "-c", code]


def test_a_killed_write_run_leaves_a_ledger_and_cleanup_restores_the_org(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02", latency_ms=60)
    project_id = sandbox(server)
    with server.client() as client:
        before = org_state(client, project_id)
    ledger = tmp_path / "ledger.jsonl"
    proc = subprocess.Popen(driver(server, ledger, tmp_path / "rec"), env=env(), cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        # Kill once a create has answered (its id is in the ledger), so there is something to undo.
        while not (ledger.is_file() and '"resource_id":"' in ledger.read_text()):
            assert proc.poll() is None, "the run ended before it wrote anything"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert ledger.read_text().strip(), "a killed run leaves its ledger"
    with server.client() as client:
        assert org_state(client, project_id) != before, "the killed run changed the sandbox"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "apidrift.cli",
            "cleanup",
            "--ledger",
            str(ledger),
            "--base-url",
            server.base_url + "/v1",
        ],
        env=env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "clean:" in done.stdout
    with server.client() as client:
        assert org_state(client, project_id) == before
    assert not ledger.exists() or not ledger.read_text().strip(), "nothing is left pending"


def _cleanup(server: RunningSimulator, ledger: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "apidrift.cli", "cleanup", "--ledger", str(ledger)]
    command += ["--base-url", server.base_url + "/v1"]
    return subprocess.run(command, env=env(), cwd=cwd, capture_output=True, text=True, timeout=60)


def _projects(server: RunningSimulator) -> dict[str, str]:
    with server.client() as client:
        listed = client.get("/organization/projects", params={"limit": 100, "include_archived": "true"})
    return {p["name"]: p["status"] for p in listed.json()["data"]}


def test_a_killed_run_that_made_its_sandbox_project_leaves_no_project_after_cleanup(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02", latency_ms=60)
    assert SANDBOX not in _projects(server)  # the run has to make it
    ledger = tmp_path / "ledger.jsonl"
    proc = subprocess.Popen(driver(server, ledger, tmp_path / "rec"), env=env(), cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while SANDBOX not in _projects(server):  # killed as soon as the project exists
            assert proc.poll() is None, "the run ended before it made the sandbox project"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert "sandbox_project" in ledger.read_text(), "the project was ledgered before it was made"
    done = _cleanup(server, ledger, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _projects(server)[SANDBOX] == "archived", "projects cannot be deleted: archived is gone"
    assert not ledger.exists() or not ledger.read_text().strip()


def test_a_finished_write_run_cleans_up_after_itself_and_writes_only_in_the_sandbox(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    server = start_simulator("2026-05-02")
    project_id = sandbox(server)
    with server.client() as client:
        before = org_state(client, project_id)
    ledger = tmp_path / "ledger.jsonl"
    done = subprocess.run(driver(server, ledger, tmp_path / "rec"), env=env(), cwd=tmp_path, timeout=120)
    assert done.returncode == 0
    writes = [r for r in server.simulator.requests if r.method != "GET"]
    assert writes, "the run wrote"
    creates_elsewhere = [
        r for r in writes if project_id not in r.path and r.path != "/v1/organization/projects"
    ]
    assert creates_elsewhere == []
    with server.client() as client:
        assert org_state(client, project_id) == before
    assert not ledger.exists() or not ledger.read_text().strip(), "nothing is left pending"


def _text_or_nothing(path: Path) -> str:
    """The ledger's text, or "" while it is not there: the run may remove it between a check and a
    read (a loaded machine showed it), which is not yet the entry the test waits for."""
    try:
        return path.read_text()
    except FileNotFoundError:
        return ""


def _wait_for(condition: Any, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert proc.poll() is None or condition(), f"the run ended before {what}"
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


@pytest.mark.parametrize("kill_a_at", ['"resource_id":"', '"kind":"rate_limit"'])
@pytest.mark.parametrize("b_starts", ["while-a-runs", "after-a-is-killed"])
def test_two_write_runs_on_one_sandbox_killed_leave_it_as_it_was_after_both_cleanups(
    start_simulator: StartSimulator, tmp_path: Path, kill_a_at: str, b_starts: str
) -> None:
    """Over real HTTP, each run in its own process: the second never interleaves with the first (it
    is refused while the first holds the sandbox or its ledger is open), and cleanup restores all."""
    # Slow enough that each kill point (an entry between its write and its undo) lasts well over the
    # 5 ms the test polls at, even on a loaded machine.
    server = start_simulator("2026-05-02", latency_ms=150)
    project_id = sandbox(server)
    with server.client() as client:
        before = org_state(client, project_id)
    ledgers = {name: tmp_path / f"{name}.jsonl" for name in ("a", "b")}
    run_a = subprocess.Popen(driver(server, ledgers["a"], tmp_path / "rec-a"), env=env(), cwd=tmp_path)
    run_b: subprocess.Popen[bytes] | None = None
    try:
        if b_starts == "while-a-runs":
            _wait_for(ledgers["a"].is_file, run_a, "a wrote its ledger")
            run_b = subprocess.Popen(
                driver(server, ledgers["b"], tmp_path / "rec-b"), env=env(), cwd=tmp_path
            )
        _wait_for(lambda: kill_a_at in _text_or_nothing(ledgers["a"]), run_a, kill_a_at)
        run_a.kill()
        run_a.wait(timeout=30)
        if run_b is None:
            run_b = subprocess.Popen(
                driver(server, ledgers["b"], tmp_path / "rec-b"), env=env(), cwd=tmp_path
            )
        run_b.wait(timeout=60)
    finally:
        for proc in (run_a, run_b):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
    assert run_b.returncode != 0, "the second run is refused: the first run's ledger is still open"
    assert not ledgers["b"].exists() or not ledgers["b"].read_text().strip(), "b wrote nothing"
    for name in ("b", "a"):
        if ledgers[name].exists():
            done = _cleanup(server, ledgers[name], tmp_path)
            assert done.returncode == 0, done.stdout + done.stderr
    with server.client() as client:
        assert org_state(client, project_id) == before
