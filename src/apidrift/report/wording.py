"""The words every rendering shares: a report's title, its verdict and its one-line summaries."""

from __future__ import annotations

from enum import StrEnum

from apidrift.report.model import DriftReport, RunKind


class Verdict(StrEnum):
    """The outcome of a run in one word, as badges and headings show it."""

    PASS = "pass"
    FAIL = "fail"
    INPUT_ERRORS = "input errors"
    INTERRUPTED = "interrupted"


_TITLES = {
    RunKind.CHECK: "apidrift check",
    RunKind.LIVE: "apidrift live check",
    RunKind.SDK: "apidrift SDK check",
    RunKind.FUZZ: "apidrift fuzz",
}


def title(report: DriftReport) -> str:
    meta = report.metadata
    if meta.kind is RunKind.DIFF:
        return "apidrift diff " + " → ".join(meta.versions)
    return _TITLES[meta.kind]


def verdict(report: DriftReport) -> Verdict:
    if report.interrupted:
        return Verdict.INTERRUPTED
    if report.exit_code == 0:
        return Verdict.PASS
    return Verdict.INPUT_ERRORS if report.exit_code >= 2 else Verdict.FAIL


def against_text(report: DriftReport) -> str:
    if report.metadata.against:
        return report.metadata.against
    if report.metadata.kind is RunKind.SDK:
        return "every version (the best match is named per document or model)"
    return "each recording's own version (newest when it names none)"


def response_line(report: DriftReport) -> str:
    s = report.summary
    return (
        f"{s.ok} of {s.responses} responses valid, {s.failed} failed, {s.drifted} with undocumented fields, "
        f"{s.input_errors} input errors (exit {s.exit_code})"
    )


def findings_line(report: DriftReport) -> str:
    s = report.summary
    return f"{s.breaking} breaking, {s.warning} warning, {s.info} info findings; {s.renames} renames"


def live_line(report: DriftReport) -> str | None:
    """Transport trouble, skipped operations and cleanup of a live run; None when there is none."""
    s, parts = report.summary, []
    if s.transport_findings:
        parts.append(_count(s.transport_findings, "transport finding"))
    if s.skipped:
        parts.append(_count(s.skipped, "operation") + " skipped")
    if report.cleanup is not None:
        parts.append(f"cleanup: {report.cleanup.compensated} undone, {report.cleanup.remaining} left behind")
    if report.interrupted:
        parts.append("the run was interrupted")
    return ", ".join(parts) or None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
