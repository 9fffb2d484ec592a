"""An SDK check as a report: a matrix row per SDK document or model, its findings per version."""

from __future__ import annotations

from collections.abc import Sequence

from apidrift.diff.changes import Severity
from apidrift.report.build import finding_order
from apidrift.report.model import (
    CellStatus,
    DriftReport,
    FindingEntry,
    MatrixCell,
    MatrixRow,
    RunKind,
    RunMetadata,
)
from apidrift.report.run_entries import InputErrorEntry
from apidrift.sdk.findings import SdkDocReport, SdkFinding, SdkModelReport


def build_sdk_report(report: SdkDocReport | SdkModelReport, *, api: str | None = None) -> DriftReport:
    """The same report formats as `check`: rows are what the SDK documents, columns the versions."""
    rows: list[MatrixRow] = []
    if isinstance(report, SdkDocReport):
        for doc in report.documents:
            counts = {f.version: (f.breaking, f.warning, f.info) for f in doc.fits}
            rows.append(
                _row(doc.file, doc.best_match, report.metadata.versions, counts, doc.findings, doc.file)
            )
        sources = [d.file for d in report.documents]
    else:
        for model in report.models:
            counts = {c.version: (c.breaking, c.warning, c.info) for c in model.checks}
            findings = [f for c in model.checks for f in c.findings]
            rows.append(
                _row(model.operation, model.best_match, report.metadata.versions, counts, findings, None)
            )
        sources = [f"{report.module} {report.module_version or ''}".strip()]
    entries = [_finding(f) for f in report.findings]
    return DriftReport(
        metadata=RunMetadata(
            kind=RunKind.SDK,
            generated_at=report.metadata.generated_at,
            api=api,
            versions=report.metadata.versions,
            against=report.metadata.against,
            fail_on=report.metadata.fail_on,
            sources=sources,
        ),
        exit_code=report.summary.exit_code,
        matrix=sorted(rows, key=lambda r: r.operation),
        findings=sorted(entries, key=finding_order),
        input_errors=[
            InputErrorEntry(kind=p.kind, file=p.file, pointer=p.pointer, message=p.message)
            for p in report.input_errors
        ],
    )


def _row(
    subject: str,
    best: str | None,
    versions: Sequence[str],
    counts: dict[str, tuple[int, int, int]],
    findings: Sequence[SdkFinding],
    file: str | None,
) -> MatrixRow:
    cells = []
    for version in versions:
        breaking, warning, info = counts.get(version, (0, 0, 0))
        if version not in counts:
            status, label = CellStatus.ABSENT, "-"
        elif breaking:
            status, label = CellStatus.FAIL, f"breaking {breaking}"
        elif warning:
            status, label = CellStatus.DRIFT, f"warning {warning}"
        else:
            status, label = CellStatus.EXACT, "ok" if not info else f"ok ({info} info)"
        details = [f.message for f in findings if f.version == version and f.severity is not Severity.INFO]
        cells.append(MatrixCell(version=version, status=status, label=label, details=details[:20]))
    worst = max((f.severity for f in findings), key=lambda s: s.rank, default=Severity.INFO)
    return MatrixRow(operation=subject, file=file, severity=worst, best_match=best or "none", cells=cells)


def _finding(f: SdkFinding) -> FindingEntry:
    return FindingEntry(
        kind=f.kind.value,
        severity=f.severity,
        operation=f.operation,
        version=f.version,
        path=f.path,
        message=f.message,
        evidence=list(f.evidence),
        location=f.location or None,
        file=f.file,
    )
