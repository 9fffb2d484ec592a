"""A live run as a report: the check of what was recorded, plus what the sweep met on the way."""

from __future__ import annotations

from datetime import datetime

from apidrift.live.check import LiveCheckResult
from apidrift.report.build import build_check_report
from apidrift.report.model import DriftReport, RunKind
from apidrift.report.run_entries import CleanupEntry, SkippedEntry, TransportFindingEntry


def build_live_report(
    result: LiveCheckResult,
    *,
    api: str | None = None,
    base_url: str | None = None,
    now: datetime | None = None,
) -> DriftReport:
    """Transport findings, skipped operations, interruption and cleanup join the check's findings."""
    report = build_check_report(result.run, kind=RunKind.LIVE, api=api, base_url=base_url, now=now)
    for response in report.responses:
        response.elapsed_s = result.elapsed.get(response.file)
    report.transport_findings = sorted(
        (
            TransportFindingEntry(
                kind=f.kind.value,
                operation=f.operation,
                method=f.method,
                path=f.path,
                message=f.message,
                attempts=f.attempts,
                http_status=f.status,
            )
            for f in result.transport_findings
        ),
        key=lambda e: (e.operation or "", e.path, e.kind, e.message),
    )
    report.skipped = sorted(
        (SkippedEntry(operation=s.operation, reason=s.reason.value, detail=s.detail) for s in result.skipped),
        key=lambda e: (e.operation, e.reason),
    )
    report.interrupted = bool(result.sweep.interrupted)
    cleanup = result.sweep.cleanup
    if cleanup is not None:
        report.cleanup = CleanupEntry(
            compensated=len(cleanup.outcomes) - cleanup.remaining,
            remaining=cleanup.remaining,
            details=[f"{o.status.value} {o.entry.kind.value}: {o.detail}" for o in cleanup.outcomes],
        )
    report.exit_code = result.exit_code
    return report
