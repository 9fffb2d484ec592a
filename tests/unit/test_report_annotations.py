"""GitHub workflow annotations: GitHub's command format and escaping, worst first, capped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from report_samples import diff_report, failing_report, live_report

from apidrift.report.annotations import (
    MAX_ANNOTATIONS,
    Annotation,
    escape_data,
    escape_property,
    render_annotations,
)
from apidrift.report.tracking import Acceptance
from cli_support import run_cli

# `::level key=value,key=value::message`: no raw `:` or `,` in a value, no raw newline anywhere.
COMMAND = re.compile(
    r"^::(error|warning|notice)( (file|line|title)=[^:,\r\n]*(,(file|line|title)=[^:,\r\n]*)*)?::[^\r\n]*$"
)


def _unescape(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    # `%` goes first: an escape the function adds is never escaped again.
    assert escape_data("%0A") == "%250A" and _unescape(escape_data("%0A")) == "%0A"


def test_a_command_carries_file_line_and_title() -> None:
    note = Annotation("warning", "apidrift x: y, z", "two\nlines 50%", "recs/a,b.json", 3)
    assert (
        note.command()
        == "::warning file=recs/a%2Cb.json,line=3,title=apidrift x%3A y%2C z::two%0Alines 50%25"
    )
    assert Annotation("notice", "t", "m").command() == "::notice title=t::m"


def test_a_failing_check_annotates_each_finding_in_its_recording() -> None:
    report = failing_report()
    lines = render_annotations(report, limit=1000)
    assert all(COMMAND.match(line) for line in lines), [line for line in lines if not COMMAND.match(line)]
    assert len(lines) == len(report.findings)
    levels = [line.split(" ", 1)[0] for line in lines]
    assert levels == sorted(levels, key=["::error", "::warning", "::notice"].index), "worst first"
    finding = next(f for f in report.findings if f.file == "2026-05-02/usage-costs.json")
    (line,) = [line for line in lines if finding.id in line]
    assert line.startswith(
        "::error file=openai-admin/2026-05-02/usage-costs.json,"
        "title=apidrift schema-violation in usage-costs::"
    )
    assert _unescape(line.split("::", 2)[2]).endswith(
        f"{finding.message} (against 2026-04-30) [{finding.id}]"
    )


def test_annotations_are_capped_and_say_how_many_were_left_out() -> None:
    report = diff_report()
    lines = render_annotations(report)
    assert len(report.findings) > MAX_ANNOTATIONS and len(lines) == MAX_ANNOTATIONS + 1
    left = len(report.findings) - MAX_ANNOTATIONS
    assert lines[-1] == (
        f"::notice title=apidrift%3A more findings::{left} more finding(s) not annotated "
        f"(of {len(report.findings)}); report.sarif and report.md list all"
    )
    assert lines[0].startswith("::error file=contracts/openai-admin/2026-05-02/contract.json,")
    assert "(2026-04-30 → 2026-05-02)" in lines[0]


def test_accepted_findings_are_left_out_and_live_trouble_is_an_error() -> None:
    report = live_report()
    accepted = report.findings[0]
    accepted.accepted = Acceptance(entry=accepted.id, reason="known", owner="team")
    lines = render_annotations(report, limit=1000)
    assert not [line for line in lines if accepted.id in line]
    assert len(lines) == len(report.findings) - 1 + 2 + 1 + 1  # transport, cleanup, interruption
    assert (
        "::error title=apidrift http_429 in usage-costs::GET /organization/costs: 429 Too Many"
        in "\n".join(lines)
    )
    cleanup = next(line for line in lines if "title=apidrift cleanup" in line)
    assert cleanup.endswith("::1 write(s) left behind (2 undone)%0Auser u_1 could not be removed")


def test_check_prints_annotations_on_github_or_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("check", "--against", "2026-04-30", "--reports", str(tmp_path))
    plain = run_cli(*args)
    assert plain.returncode == 1 and "::error" not in plain.stdout
    asked = run_cli(*args, "--annotations")
    annotated = [line for line in asked.stdout.splitlines() if line.startswith("::")]
    assert annotated == render_annotations(failing_report())
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run_cli(*args).stdout == asked.stdout
    assert "::error" not in run_cli(*args, "--no-annotations").stdout


def test_diff_annotates_beside_its_output_and_keeps_json_clean(tmp_path: Path) -> None:
    text = run_cli("diff", "2026-04-30", "2026-05-02", "--annotations")
    assert text.returncode == 1
    commands = [line for line in text.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == MAX_ANNOTATIONS + 1 and text.stdout.rstrip().endswith("report.md list all")
    as_json = run_cli("diff", "2026-04-30", "2026-05-02", "--format", "json", "--annotations")
    assert json.loads(as_json.stdout)["changes"], "stdout stays one JSON document"
    assert [line for line in as_json.stderr.splitlines() if line.startswith("::")] == commands
