"""Building reports: a check run's matrix, findings and renames; a diff's, and a chain's."""

from __future__ import annotations

import pytest
from report_samples import chain_report, check_report, diff_report, failing_report, seed_diff

from apidrift.diff.changes import Severity
from apidrift.diff.engine import VersionDiff
from apidrift.report import CellStatus, MatrixRow, build_diff_report


def _row(rows: list[MatrixRow], operation: str, recorded: str | None = None) -> MatrixRow:
    return next(r for r in rows if r.operation == operation and r.recorded_version == recorded)


def test_check_matrix_has_a_row_per_response_and_a_cell_per_version() -> None:
    report = check_report()
    assert report.metadata.versions == ["2026-04-30", "2026-05-02"]
    assert len(report.matrix) == 148
    row = _row(report.matrix, "usage-costs", "2026-05-02")
    assert [(c.version, c.status, c.label) for c in row.cells] == [
        ("2026-04-30", CellStatus.FAIL, "FAIL 1"),
        ("2026-05-02", CellStatus.EXACT, "ok"),
    ]
    assert row.best_match == "2026-05-02" and row.file == "2026-05-02/usage-costs.json"
    assert row.method == "GET" and row.path == "/organization/costs"
    assert "looks like a rename (0.95)" in row.cells[0].details[0]
    assert row.severity is Severity.INFO, "valid against its own version"


def test_check_rows_are_graded_by_their_target_version() -> None:
    report = failing_report()
    failed = _row(report.matrix, "usage-costs", "2026-05-02")
    assert failed.severity is Severity.BREAKING
    drifted = [r for r in report.matrix if r.severity is Severity.WARNING]
    assert drifted and all(any(c.status is CellStatus.DRIFT for c in r.cells) for r in drifted)


def test_check_findings_name_the_violation_and_the_rename_behind_it() -> None:
    report = failing_report()
    assert report.exit_code == 1 and report.summary.failed == 18
    found = [
        f for f in report.findings if f.operation == "usage-costs" and f.file == "2026-05-02/usage-costs.json"
    ]
    assert [(f.kind, f.severity, f.path) for f in found] == [
        ("schema-violation", Severity.BREAKING, "data[].result"),
        ("undocumented-field", Severity.WARNING, "data[].results"),
    ]
    assert all(f.version == "2026-04-30" and f.location == "response 200" for f in found)
    assert "looks like a rename: `data[].result` → `data[].results` (0.95)" in found[0].evidence


def test_check_renames_carry_confidence_evidence_and_both_sides() -> None:
    renames = [r for r in check_report().renames if r.operation == "usage-costs"]
    assert {(r.old, r.new, r.old_in, r.new_in) for r in renames} == {
        ("data[].result", "data[].results", "2026-04-30", "2026-05-02"),
        ("data[].results", "data[].result", "2026-05-02", "2026-04-30"),
    }
    for r in renames:
        assert r.confidence == 0.95 and r.evidence and r.kind == "field-renamed"
        assert r.severity is Severity.INFO, "against a version the response was not checked against"
    against_target = [
        r for r in failing_report().renames if r.operation == "usage-costs" and r.old_in == "2026-04-30"
    ]
    assert [r.severity for r in against_target] == [Severity.BREAKING]


def test_diff_report_holds_every_change_in_one_finding() -> None:
    diff = seed_diff()
    report = diff_report()
    # One finding per change, except changes to one shared definition: one finding for them all.
    assert sum(len(f.reaches) or 1 for f in report.findings) == len(diff.changes) > len(report.findings)
    assert report.metadata.kind.value == "diff" and report.metadata.fail_on is Severity.BREAKING
    assert report.summary.breaking == sum(f.severity is Severity.BREAKING for f in report.findings)
    rename = next(
        f
        for f in report.findings
        if f.kind == "field-renamed" and any(p.startswith("GET /organization/costs ") for p in f.reaches)
    )
    assert rename.location == "response" and rename.version == "2026-05-02" and rename.operation is None
    assert "confidence 0.95" in rename.evidence
    assert any(e.startswith("breaking: readers look under the old name") for e in rename.evidence)


def test_diff_renames_and_counterexamples_are_lifted_out() -> None:
    report = diff_report()
    kinds = {r.kind for r in report.renames}
    assert kinds <= {"field-renamed", "path-param-renamed", "schema-renamed"} and "field-renamed" in kinds
    usage = next(r for r in report.renames if r.operation == "usage-costs" and r.kind == "field-renamed")
    assert (usage.old_in, usage.new_in, usage.confidence) == ("2026-04-30", "2026-05-02", 0.95)
    (example,) = report.counterexamples
    assert example.instance == {"data": [{"results": []}]} and example.rejected_by == "2026-04-30"


def test_diff_matrix_marks_each_operation_in_each_version() -> None:
    report = diff_report()
    row = next(r for r in report.matrix if r.operation == "usage-costs")
    first, second = row.cells
    assert (first.status, first.label) == (CellStatus.DOCUMENTED, "documented")
    assert second.status is CellStatus.BREAKING and second.label.startswith("breaking ")
    assert any("renamed to" in d for d in second.details)
    assert row.method == "GET" and row.path == "/organization/costs"


def test_exit_code_follows_fail_on() -> None:
    info_only = VersionDiff("a", "b", [c for c in seed_diff().changes if c.severity is Severity.INFO])
    assert build_diff_report(info_only).exit_code == 0
    assert build_diff_report(info_only, fail_on=Severity.INFO).exit_code == 1


def test_a_chain_has_a_column_per_version() -> None:
    report = chain_report()
    assert report.metadata.versions == ["v1", "v2", "v3"]
    cells = {r.operation: [(c.version, c.label) for c in r.cells] for r in report.matrix}
    assert cells == {
        "get-status": [("v1", "documented"), ("v2", "unchanged"), ("v3", "removed")],
        "list-things": [("v1", "documented"), ("v2", "breaking 1"), ("v3", "unchanged")],
    }


def test_a_chain_must_be_consecutive() -> None:
    with pytest.raises(ValueError, match="not consecutive"):
        build_diff_report([VersionDiff("a", "b"), VersionDiff("c", "d")])
    with pytest.raises(ValueError, match="no diff"):
        build_diff_report([])
