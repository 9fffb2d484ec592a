"""The baseline file (reading, matching by id or pattern, expiry, writing one) and the gates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from report_samples import failing_report, live_report

from apidrift.diff.changes import Severity
from apidrift.errors import BaselineError
from apidrift.history import FailOn, HistoryOptions, gate, judge_report, load_baseline
from apidrift.history.baseline import Subject
from apidrift.history.views import baseline_from_report
from apidrift.report import DriftReport, FindingStatus, render_junit

NIGHT = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "baseline.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "pointer", "message"),
    [
        ("[[accept]]\nid = 'ad-1'\nowner = 'me'\n", "/accept/0/reason", "needs a `reason`"),
        ("[[accept]]\nid = 'ad-1'\nreason = 'r'\nowner = ''\n", "/accept/0/owner", "non-empty string"),
        ("[[accept]]\nreason = 'r'\nowner = 'me'\n", "/accept/0", "an `id` or a pattern"),
        (
            "[[accept]]\nid = 'ad-1'\nreason = 'r'\nowner = 'me'\nexpires = 'soon'\n",
            "/accept/0/expires",
            "a date",
        ),
        (
            "[[accept]]\nid = 'ad-1'\nreason = 'r'\nowner = 'me'\nseverity = 'x'\n",
            "/accept/0/severity",
            "unknown",
        ),
        ("accept = 3\n", "/accept", "array of tables"),
    ],
)
def test_a_bad_entry_is_one_error_with_its_pointer(
    tmp_path: Path, text: str, pointer: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(BaselineError, match=message) as caught:
        load_baseline(path)
    assert caught.value.pointer == pointer and caught.value.file == str(path)


def test_not_toml_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="not TOML"):
        load_baseline(_write(tmp_path, "[[accept]\n"))


def test_entries_match_by_id_or_by_every_pattern_given_and_expire_after_their_date(tmp_path: Path) -> None:
    baseline = load_baseline(
        _write(
            tmp_path,
            """
            [[accept]]
            operation = "usage-*"
            path = "data[].result*"
            reason = "renamed upstream"
            owner = "platform"
            expires = 2026-06-09

            [[accept]]
            id = "ad-000000000001"
            reason = "known"
            owner = "sre"
            expires = "2026-06-10"
            """,
        )
    )
    usage = Subject("ad-x", "usage-costs", "schema-violation", "data[].result")
    other_path = Subject("ad-x", "usage-costs", "schema-violation", "data[].bucket")
    by_id = Subject("ad-000000000001", "list-users", "undocumented-field", "created")
    assert baseline.match(usage, date(2026, 6, 9))[0] is baseline.rules[0]  # valid through its date
    assert baseline.match(usage, date(2026, 6, 10)) == (None, baseline.rules[0])  # then expired
    assert baseline.match(other_path, date(2026, 6, 1)) == (None, None)
    assert baseline.match(by_id, date(2026, 6, 10))[0] is baseline.rules[1]
    assert [r.label() for r in baseline.rules] == ["operation=usage-* path=data[].result*", "ad-000000000001"]


def test_a_written_baseline_reads_back_and_accepts_every_finding_it_lists(tmp_path: Path) -> None:
    report = failing_report()
    text, added = baseline_from_report(
        report, existing=None, owner='team "api"', reason="known drift\nsee ticket", expires=date(2026, 9, 1)
    )
    path = _write(tmp_path, text)
    rules = load_baseline(path).rules
    wanted = {f.id for f in report.findings if f.severity.rank >= Severity.WARNING.rank}
    wanted |= {r.id for r in report.renames if r.severity.rank >= Severity.WARNING.rank}
    assert added == len(rules) == len(wanted) > 0
    assert {r.id for r in rules} == wanted
    assert {(r.owner, r.reason, r.expires) for r in rules} == {
        ('team "api"', "known drift\nsee ticket", date(2026, 9, 1))
    }
    # Written again over itself, it keeps the reviewed file and adds nothing.
    again, more = baseline_from_report(report, existing=path, owner="x", reason="y", expires=None)
    assert (again, more) == (text, 0)


def _judged(report: DriftReport, tmp_path: Path, baseline: str | None, fail_on: FailOn | None) -> DriftReport:
    path = _write(tmp_path, baseline) if baseline is not None else None
    return judge_report(report, HistoryOptions(baseline=path, fail_on=fail_on, now=NIGHT))


def test_accepted_findings_are_shown_with_who_and_why_and_do_not_fail(tmp_path: Path) -> None:
    report = failing_report()
    assert report.exit_code == 1
    everything = """
        [[accept]]
        operation = "*"
        reason = "all known"
        owner = "platform"
        [[accept]]
        id = "ad-000000000000"
        reason = "gone"
        owner = "platform"
    """
    judged = _judged(report, tmp_path, everything, None)
    assert judged.exit_code == 0
    assert judged.findings and all(f.status is FindingStatus.ACCEPTED for f in judged.findings)
    assert judged.findings[0].accepted is not None and judged.findings[0].accepted.owner == "platform"
    assert judged.history is not None
    assert [(i.problem, i.entry) for i in judged.history.baseline_issues] == [("unused", "ad-000000000000")]


def test_an_expired_acceptance_fails_again_even_under_fail_on_new(tmp_path: Path) -> None:
    expired = '[[accept]]\noperation = "*"\nreason = "r"\nowner = "o"\nexpires = 2026-06-01\n'
    judged = _judged(failing_report(), tmp_path, expired, FailOn.NEW)
    assert judged.exit_code == 1
    assert all(f.accepted is not None and f.accepted.expired for f in judged.findings)
    assert judged.history is not None and judged.history.baseline_issues[0].problem == "expired"


def test_the_gates(tmp_path: Path) -> None:
    report = failing_report()
    for f in report.findings:
        f.status = FindingStatus.PERSISTING
    for r in report.renames:
        r.status = FindingStatus.PERSISTING
    assert gate(report, FailOn.NEW, baseline=False) == 0  # nothing new
    report.findings[0].status = FindingStatus.NEW
    worst = report.findings[0].severity
    assert gate(report, FailOn.NEW, baseline=False) == (1 if worst.rank >= Severity.WARNING.rank else 0)
    assert gate(report, FailOn.INFO, baseline=False) == 1
    assert gate(report, None, baseline=False) == report.exit_code  # no gate, no baseline: the run's own
    report.exit_code = 2
    assert gate(report, FailOn.NEW, baseline=True) == 2  # bad input stays bad input


def test_a_live_run_keeps_failing_on_transport_findings_unless_they_are_accepted(tmp_path: Path) -> None:
    report = live_report()
    report.findings, report.renames, report.interrupted = [], [], False
    assert gate(report, FailOn.BREAKING, baseline=True) == 1
    accepted = """
        [[accept]]
        kind = "http_*"
        reason = "flaky"
        owner = "sre"
        [[accept]]
        kind = "html_*"
        reason = "the proxy"
        owner = "sre"
    """
    assert _judged(report, tmp_path, accepted, None).exit_code == 0


def test_junit_fails_only_what_fails_the_run(tmp_path: Path) -> None:
    plain = render_junit(failing_report())
    assert 'failures="0"' not in plain
    everything = '[[accept]]\noperation = "*"\nreason = "all known"\nowner = "platform"\n'
    accepted = render_junit(_judged(failing_report(), tmp_path, everything, None))
    assert 'failures="0"' in accepted and "accepted by the baseline (platform: all known)" in accepted
    history = tmp_path / "h.sqlite"
    for day in (1, 2):
        when = datetime(2026, 6, day, tzinfo=UTC)
        judged = judge_report(failing_report(), HistoryOptions(history=history, fail_on=FailOn.NEW, now=when))
    persisting = render_junit(judged)
    assert 'failures="0"' in persisting and "persisting since 2026-06-01, not new" in persisting


def test_a_severity_gate_alone_judges_without_statuses(tmp_path: Path) -> None:
    report = failing_report()
    assert any(f.severity is Severity.WARNING for f in report.findings)
    breaking = [f for f in report.findings if f.severity is Severity.BREAKING]
    for f in breaking:
        report.findings.remove(f)
    report.exit_code = 0
    judged = judge_report(report, HistoryOptions(fail_on=FailOn.WARNING, now=NIGHT))
    assert judged.exit_code == 1 and judged.history is None
    assert all(f.status is None for f in judged.findings)
