"""`check --live --run-deadline / --max-body-mb` at the command line, against the simulator on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_support import run_cli
from conftest import StartSimulator

KEY = "sk-admin-REDACTED"


def test_a_run_deadline_stops_the_sweep_and_the_report_says_so(
    start_simulator: StartSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    server = start_simulator("2026-05-02", latency_ms=100)
    args = ["--base-url", server.base_url + "/v1", "--run-deadline", "0.8", "--concurrency", "1"]
    done = run_cli("check", "--live", *args, "--reports", "out", cwd=tmp_path)
    assert "interrupted: the run's 0.8s deadline passed; everything recorded so far is checked" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["interrupted"] is True and 0 < report["summary"]["responses"] < 30


def test_bodies_over_the_cap_are_transport_findings_and_never_recorded(
    start_simulator: StartSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    server = start_simulator("2026-05-02")
    args = ["--base-url", server.base_url + "/v1", "--max-body-mb", "0.001", "--record", "rec"]
    done = run_cli("check", "--live", *args, "--reports", "out", cwd=tmp_path)
    too_large = [line for line in done.stdout.splitlines() if line.startswith("transport: too_large")]
    assert too_large and all("-byte cap: not read" in line for line in too_large), too_large[:2]
    refused = {line.split()[3] for line in too_large}  # transport: too_large GET /path: ...
    recorded = {json.loads(p.read_text())["path"] for p in (tmp_path / "rec").glob("*.json")}
    assert recorded and not refused & {path + ":" for path in recorded}, "a refused body is never recorded"
