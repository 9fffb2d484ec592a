"""The nightly workflow at the command line: --history, --fail-on new, apidrift baseline, --baseline,
apidrift history, and diff with a history; what a person sees, line by line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from cli_support import run_cli

REPO = Path(__file__).resolve().parents[2]
AGAINST = ("--against", "2026-04-30")


def _tail(text: str, lines: int) -> list[str]:
    """The last lines of stdout, with the run's own time replaced (it is the wall clock here)."""
    dated = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "NIGHT", text)
    return re.sub(r"\d{4}-\d\d-\d\d\)", "DAY)", dated).strip().splitlines()[-lines:]


def test_a_nightly_job_at_the_command_line(tmp_path: Path) -> None:
    recs = tmp_path / "recs"
    recs.mkdir()
    for name in ("usage-costs.json", "list-invites.json"):
        shutil.copy(REPO / "recordings/openai-admin/2026-05-02" / name, recs)
    night = ("check", "--recordings", "recs", *AGAINST, "--history", "history.sqlite")

    first = run_cli(*night, "--fail-on", "new", cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    assert _tail(first.stdout, 1) == [
        "since the last run: 6 new, 0 persisting, 0 resolved, 0 accepted (first run of this series)"
    ]
    second = run_cli(*night, "--fail-on", "new", cwd=tmp_path)
    assert second.returncode == 0, "the same drift again is not new"
    assert _tail(second.stdout, 1) == ["since the last run: 0 new, 6 persisting, 0 resolved, 0 accepted"]
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert {(f["status"], f["first_seen"] is not None, f["id"][:3]) for f in report["findings"]} == {
        ("persisting", True, "ad-")
    }

    written = run_cli("baseline", "--owner", "platform", "--expires", "2026-12-31", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (
        written.stdout.strip()
        == "apidrift-baseline.toml: 6 entries added; review each reason, owner and expiry"
    )
    baseline = (tmp_path / "apidrift-baseline.toml").read_text()
    assert baseline.count("[[accept]]") == 6 and 'owner = "platform"' in baseline

    (recs / "list-invites.json").unlink()  # the invites drift is fixed upstream
    third = run_cli(*night, "--baseline", "apidrift-baseline.toml", cwd=tmp_path)
    assert third.returncode == 0, "accepted drift does not fail, even without --fail-on new"
    invites = "matches no finding of this run (owner platform): remove it if the drift is gone"
    assert _tail(third.stdout, 4) == [
        "since the last run: 0 new, 0 persisting, 3 resolved, 3 accepted",
        *(f"baseline: unused entry {entry}: {invites}" for entry in _ids(baseline, "list-invites")),
    ]
    markdown = (tmp_path / "reports" / "report.md").read_text().splitlines()
    assert markdown[:8] == [
        "# apidrift check",
        "",
        "**Result: pass** (exit 0)",
        "",
        "## Since the last run",
        "",
        markdown[6],
        "",
    ]
    assert markdown[6].startswith("Compared with run #2 of ")
    assert "- **0 new**, 0 persisting, 3 resolved, 3 accepted" in markdown
    assert "### Resolved (3)" in markdown and "### Accepted (3)" in markdown

    shown = run_cli("history", "history.sqlite", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    series = "openai-admin / responses / 2026-04-30"
    lines = _tail(shown.stdout, 7)
    assert lines[:4] == [
        f"#1 NIGHT {series}: exit 1; 4 breaking, 2 warning, 0 info; 6 new, 0 resolved",
        f"#2 NIGHT {series}: exit 0; 4 breaking, 2 warning, 0 info; 0 new, 0 resolved",
        f"#3 NIGHT {series}: exit 0; 2 breaking, 1 warning, 0 info; 0 new, 3 resolved",
        "resolved by the latest run (3):",
    ]
    described = _described(baseline, "list-invites")
    assert set(lines[4:]) == {f"  {fid} {what} (first seen DAY)" for fid, what in described.items()}


def _ids(baseline: str, operation: str) -> list[str]:
    return list(_described(baseline, operation))


def _described(baseline: str, operation: str) -> dict[str, str]:
    """Id -> "kind operation path" of the baseline entries of one operation (from their comments)."""
    found = re.findall(r"# (\S+) · (\S+) · (.+?) · \w+\nid = \"(ad-\w+)\"", baseline)
    return {fid: f"{kind} {op} {path}" for kind, op, path, fid in found if op == operation}


def test_a_broken_baseline_is_one_error_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "baseline.toml").write_text('[[accept]]\nid = "ad-1"\nowner = "me"\n')
    done = run_cli("check", "--baseline", "baseline.toml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: baseline.toml#/accept/0/reason: every entry needs a `reason`"


def test_diff_with_a_history_fails_only_the_first_time_and_keeps_stdout_the_diff(tmp_path: Path) -> None:
    args = (
        "diff",
        "2026-04-30",
        "2026-05-02",
        "--history",
        "diffs.sqlite",
        "--fail-on",
        "new",
        "--format",
        "json",
    )
    first = run_cli(*args, cwd=tmp_path)
    again = run_cli(*args, cwd=tmp_path)
    assert (first.returncode, again.returncode) == (1, 0)
    assert json.loads(first.stdout) == json.loads(again.stdout), "stdout is the diff alone"
    new = len({c["kind"] for c in json.loads(first.stdout)["changes"]})
    assert new > 0 and first.stderr.startswith("since the last run: ")
    assert again.stderr.strip().startswith("since the last run: 0 new, ")


def test_apidrift_night_records_the_night_the_run_stands_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recs = tmp_path / "recs"
    recs.mkdir()
    shutil.copy(REPO / "recordings/openai-admin/2026-05-02" / "list-invites.json", recs)
    night = ("check", "--recordings", "recs", *AGAINST, "--history", "history.sqlite")

    monkeypatch.setenv("APIDRIFT_NIGHT", "2026-11-28T02:00:00Z")
    assert run_cli(*night, cwd=tmp_path).returncode == 1, "the invites drift"
    monkeypatch.setenv("APIDRIFT_NIGHT", "2026-11-29")
    assert run_cli(*night, cwd=tmp_path).returncode == 1
    listed = run_cli("history", "history.sqlite", cwd=tmp_path)
    assert re.findall(r"#\d+ (\S+)", listed.stdout) == [
        "2026-11-28T02:00:00+00:00",
        "2026-11-29T00:00:00+00:00",
    ]

    monkeypatch.setenv("APIDRIFT_NIGHT", "last tuesday")
    refused = run_cli(*night, cwd=tmp_path)
    assert refused.returncode == 2
    assert "$APIDRIFT_NIGHT='last tuesday' is not an ISO 8601 date or time" in refused.stderr
