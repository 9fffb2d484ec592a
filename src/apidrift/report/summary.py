"""A check report summed up per operation and recorded version: what a person reads first.

The matrix has a row per kind of response (responses that fit every version alike), still too many
for a terminal or a CI log once a corpus is large. Here each (operation, recorded version) group
becomes one row that counts how its responses fit every version, names the version they were
judged against, and keeps the reasons they failed (the commonest first, with an example file).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from apidrift.report.model import CellStatus, DriftReport, FindingEntry, MatrixRow

LEGEND = (
    "verdict: the responses against the version they are judged by; version columns: how the same "
    "responses fit each version (ok: valid and every field documented; ok +N: valid with N undocumented "
    "fields; FAIL N: N violations; -: not documented there); best match: the version they fit best "
    "(any: every version alike)."
)


@dataclass(frozen=True)
class Reason:
    """Why responses of one operation failed: one kind of violation, how often, and one example."""

    field: str
    message: str
    count: int
    example: str | None
    rename: str | None = None


@dataclass(frozen=True)
class OperationSummary:
    """One (operation, recorded version) group of a check, with its counts and reasons."""

    operation: str
    recorded_version: str | None
    responses: int
    against: str | None
    failed: int
    drifted: int
    cells: tuple[str, ...]
    best_match: str
    reasons: tuple[Reason, ...]

    @property
    def failed_text(self) -> str:
        """`failed`, or `3 of 120 failed` for a group of several responses."""
        return f"{self.failed} of {self.responses} failed" if self.responses > 1 else "failed"

    @property
    def verdict(self) -> str:
        if self.failed:
            return f"FAIL {self.failed} of {self.responses}" if self.responses > 1 else "FAIL"
        if self.drifted:
            return f"drift {self.drifted} of {self.responses}" if self.responses > 1 else "drift"
        return "ok"


def summarize_check(report: DriftReport, *, reasons_per_operation: int = 3) -> list[OperationSummary]:
    """Group a check report's matrix by operation and recorded version (worst groups first)."""
    groups: dict[tuple[str, str | None], list[MatrixRow]] = defaultdict(list)
    for row in report.matrix:
        groups[(row.operation, row.recorded_version)].append(row)
    # Only responses that are not exact have findings, and each of those is in `responses`.
    recorded = {r.file: r.recorded_version for r in report.responses}
    why: dict[tuple[str, str | None, str | None], list[FindingEntry]] = defaultdict(list)
    for finding in report.findings:
        if finding.kind == "schema-violation" and finding.operation is not None and finding.file in recorded:
            why[(finding.operation, recorded[finding.file], finding.version)].append(finding)
    summaries = []
    for (operation, version), rows in groups.items():
        targets: Counter[str | None] = Counter()
        for row in rows:
            targets[row.against] += row.responses
        target = targets.most_common(1)[0][0]
        summaries.append(
            OperationSummary(
                operation=operation,
                recorded_version=version,
                responses=sum(row.responses for row in rows),
                against=target,
                failed=sum(row.responses for row in rows if _target_cell(row) is CellStatus.FAIL),
                drifted=sum(row.responses for row in rows if _target_cell(row) is CellStatus.DRIFT),
                cells=tuple(_cell_text(rows, i) for i in range(len(report.metadata.versions))),
                best_match=_count_text(_weighted(rows)),
                reasons=_reasons(why[(operation, version, target)], reasons_per_operation),
            )
        )
    return sorted(summaries, key=_worst_first)


def _worst_first(s: OperationSummary) -> tuple[bool, bool, str, str]:
    return (not s.failed, not s.drifted, s.operation, s.recorded_version or "")


def _target_cell(row: MatrixRow) -> CellStatus | None:
    return next((c.status for c in row.cells if c.version == row.against), None)


def _weighted(rows: list[MatrixRow]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in rows:
        counts[row.best_match or "-"] += row.responses
    return counts


def _cell_text(rows: list[MatrixRow], index: int) -> str:
    """One response: its own label; several: how many fit exactly, with drift, or failed."""
    if sum(row.responses for row in rows) == 1:
        return rows[0].cells[index].label
    counts: Counter[CellStatus] = Counter()
    for row in rows:
        counts[row.cells[index].status] += row.responses
    parts = []
    for status, word in ((CellStatus.EXACT, "ok"), (CellStatus.DRIFT, "ok+"), (CellStatus.FAIL, "FAIL")):
        if counts[status]:
            parts.append(f"{word} {counts[status]}")
    other = counts.total() - sum(counts[s] for s in (CellStatus.EXACT, CellStatus.DRIFT, CellStatus.FAIL))
    if other:
        parts.append(f"- {other}")
    return ", ".join(parts)


def _count_text(counts: Counter[str]) -> str:
    if len(counts) == 1:
        return next(iter(counts))
    return ", ".join(f"{label} {n}" for label, n in counts.most_common())


def _reasons(findings: list[FindingEntry], limit: int) -> tuple[Reason, ...]:
    counted: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str | None] = {}
    rename: dict[tuple[str, str], str | None] = {}
    for finding in findings:
        key = (finding.path, finding.message)
        counted[key] += 1
        example.setdefault(key, finding.file)
        hint = next((e for e in finding.evidence if e.startswith("looks like a rename")), None)
        rename.setdefault(key, hint)
    return tuple(
        Reason(field=key[0], message=key[1], count=n, example=example[key], rename=rename[key])
        for key, n in counted.most_common(limit)
    )
