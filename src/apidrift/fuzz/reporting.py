"""A fuzz run as a report: each shrunk failing example a finding (with the request, the chain before it
and how to replay it), each coverage gap an info finding, and the coverage block; replay files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from apidrift.diff.changes import Severity
from apidrift.files import atomic_write
from apidrift.fuzz.model import FoundBug, FuzzResult
from apidrift.report.build import finding_order, timestamp
from apidrift.report.identity import finding_id
from apidrift.report.model import DriftReport, FindingEntry, RunKind, RunMetadata
from apidrift.report.run_entries import CleanupEntry, FuzzCoverage, OperationCoverage

CASES_FOLDER = "fuzz-cases"


def _location(bug: FoundBug) -> str:
    if bug.failure.kind == "schema-violation" and bug.failure.status is not None:
        return f"response {bug.failure.status}"
    if bug.chain:
        return "chain"
    return "valid request" if bug.case.valid else "invalid request"


def _finding(result: FuzzResult, bug: FoundBug) -> FindingEntry:
    evidence = [f"{step}. {case.describe()}" for step, case in enumerate(bug.chain, 1)]
    evidence.append(
        f"{len(bug.chain) + 1}. {bug.case.describe()}" if bug.chain else f"request: {bug.case.describe()}"
    )
    shrunk = (
        "the first example met (not shrunk)"
        if bug.failure.severity is Severity.INFO
        else "shrunk by hypothesis"
    )
    return FindingEntry(
        kind=bug.failure.kind,
        severity=bug.failure.severity,
        operation=bug.operation,
        version=result.version,
        path=bug.failure.path,
        message=f"{bug.failure.message}: {bug.case.describe()}",
        evidence=[*evidence, shrunk],
        location=_location(bug),
        detail=bug.case.keyword,
    )


def _coverage(result: FuzzResult) -> FuzzCoverage:
    operations = [
        OperationCoverage(
            operation=t.operation,
            method=t.method,
            path=t.path,
            requests=t.requests,
            valid=t.valid,
            invalid=t.invalid,
            statuses=sorted(t.statuses),
            documented=list(t.documented),
            documented_seen=t.documented_seen(),
            keywords=sorted(k for k in t.keywords if k),
            gaps=list(t.gaps),
        )
        for t in result.tallies.values()
    ]
    keywords = sorted({k for o in operations for k in o.keywords})
    return FuzzCoverage(
        seed=result.options.seed,
        max_examples=result.options.max_examples,
        simulated=result.simulated,
        chains=result.chains,
        keywords=keywords,
        operations=sorted(operations, key=lambda o: o.operation),
    )


def build_fuzz_report(result: FuzzResult, *, now: datetime | None = None) -> DriftReport:
    """The run's findings (failures, notes, coverage gaps) and its coverage, as one report."""
    findings = [_finding(result, bug) for bug in (*result.bugs, *result.notes)]
    for tally in result.tallies.values():
        for gap in tally.gaps:
            findings.append(
                FindingEntry(
                    kind="coverage-gap",
                    severity=Severity.INFO,
                    operation=tally.operation,
                    version=result.version,
                    path="(operation)",
                    message=gap,
                    location="coverage",
                    detail=gap,
                )
            )
    target = "the simulator" if result.simulated else result.base_url
    return DriftReport(
        metadata=RunMetadata(
            kind=RunKind.FUZZ,
            generated_at=timestamp(now),
            api=result.api,
            versions=[result.version],
            against=result.version,
            sources=[target or "the simulator"],
            base_url=None if result.simulated else result.base_url,
        ),
        exit_code=result.exit_code,
        findings=sorted(findings, key=finding_order),
        interrupted=bool(result.interrupted),
        coverage=_coverage(result),
        cleanup=CleanupEntry(
            compensated=len(result.cleaned),
            remaining=len(result.left),
            details=[*result.cleaned, *result.left],
        )
        if result.cleaned or result.left
        else None,
    )


def write_cases(report: DriftReport, result: FuzzResult, folder: Path) -> list[Path]:
    """A replay file per failing example (`<folder>/fuzz-cases/<finding id>.json`), each named in its
    finding's evidence with the command that replays it."""
    by_id = {f.id: f for f in report.findings}
    written = []
    for bug in (*result.bugs, *result.notes):
        f = _finding(result, bug)
        identity = finding_id(
            api=report.metadata.api,
            kind=f.kind,
            operation=f.operation,
            version=f.version,
            location=f.location,
            path=f.path,
            detail=f.detail,
        )
        report_finding = by_id.get(identity)
        if report_finding is None:
            continue
        path = folder / CASES_FOLDER / f"{report_finding.id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        document = bug.case.to_json(api=result.api, version=result.version)
        if bug.chain:
            document["before"] = [c.to_json(api=result.api, version=result.version) for c in bug.chain]
        atomic_write(path, (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        report_finding.evidence.append(f"replay: apidrift fuzz --replay {path.as_posix()}")
        written.append(path)
    return written
