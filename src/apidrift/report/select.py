"""A report narrowed to the operations a run asked about (`--operation`, `--path`, `--tag`) and to
findings of a severity or worse (`--severity`), its exit code following what is left."""

from __future__ import annotations

from collections.abc import Collection

from apidrift.diff.changes import Severity
from apidrift.report.model import DriftReport, RunKind


def select_report(
    report: DriftReport, names: Collection[str] | None, severity: Severity | None = None
) -> DriftReport:
    """Only what concerns the operations `names` (ids or `METHOD /path`; None: all) at `severity` or
    worse (None: all). Findings about no operation (a contract's documentation) and input errors stay.
    A check that failed only on responses left out now passes; bad input still exits 2."""

    def named(operation: str | None) -> bool:
        return names is None or operation is None or operation in names

    def bad_enough(found: Severity) -> bool:
        return severity is None or found.rank >= severity.rank

    def response_severity(ok: bool, undocumented: bool) -> Severity:
        return Severity.BREAKING if not ok else (Severity.WARNING if undocumented else Severity.INFO)

    responses = [
        r
        for r in report.responses
        if named(r.operation) and bad_enough(response_severity(r.ok, bool(r.undocumented)))
    ]
    transport = [t for t in report.transport_findings if named(t.operation) and bad_enough(Severity.WARNING)]
    narrowed = report.model_copy(
        update={
            "matrix": [r for r in report.matrix if named(r.operation) and bad_enough(r.severity)],
            "findings": [f for f in report.findings if named(f.operation) and bad_enough(f.severity)],
            "renames": [r for r in report.renames if named(r.operation) and bad_enough(r.severity)],
            "counterexamples": [c for c in report.counterexamples if named(c.operation)],
            "responses": responses,
            "exact": [g for g in report.exact if named(g.operation) and bad_enough(Severity.INFO)],
            "transport_findings": transport,
            "skipped": [s for s in report.skipped if named(s.operation)],
        }
    )
    if report.exit_code == 1 and report.metadata.kind in (RunKind.CHECK, RunKind.LIVE):
        cleanup_left = report.cleanup is not None and report.cleanup.remaining > 0
        still = any(not r.ok for r in responses) or bool(transport) or report.interrupted or cleanup_left
        narrowed.exit_code = 1 if still else 0
    return narrowed
