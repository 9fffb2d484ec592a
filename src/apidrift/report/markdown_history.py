"""The opening of `report.md` for a run judged against a history or baseline: what is new tonight,
what was resolved, what is accepted (and by whom), what flaps, which baseline entries need a look."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from apidrift.report.mdtext import cell_text, code, table
from apidrift.report.model import DriftReport, FindingEntry, RenameEntry
from apidrift.report.run_entries import TransportFindingEntry
from apidrift.report.tracking import FindingStatus, HistoryBlock

# Each list of the opening stops here; report.html and report.json have them all.
LIST_LIMIT: Final = 50
_HEADER: Final = ["id", "severity", "operation", "kind", "path", "first seen"]

Tracked = FindingEntry | RenameEntry | TransportFindingEntry


@dataclass(frozen=True)
class Line:
    """One tracked finding as the opening lists it (one per id)."""

    entry: Tracked
    severity: str
    operation: str | None
    kind: str
    path: str

    def cells(self) -> list[str]:
        path = code(self.path) if self.path else "-"
        operation = code(self.operation or "-")
        return [code(self.entry.id), self.severity, operation, self.kind, path, self.entry.first_seen or "-"]


def since_last_run(report: DriftReport) -> list[str]:
    """`## Since the last run`, or nothing when the run was not judged against a history or baseline."""
    block = report.history
    if block is None:
        return []
    counts = f"- **{block.new} new**, {block.persisting} persisting, {len(block.resolved)} resolved, "
    counts += f"{block.accepted} accepted" + (
        f", {len(block.unobserved)} unobserved" if block.unobserved else ""
    )
    lines = ["", "## Since the last run", "", _compared(block), "", counts]
    rows = tracked_lines(report)
    new = [r for r in rows if r.entry.status is FindingStatus.NEW]
    expired = [r for r in rows if r.entry.accepted is not None and r.entry.accepted.expired]
    accepted = [r for r in rows if r.entry.status is FindingStatus.ACCEPTED]
    lines += _listed("New", _HEADER, [r.cells() for r in new])
    lines += _listed(
        "Acceptance expired",
        [*_HEADER, "expired"],
        [[*r.cells(), r.entry.accepted.expires or "-"] for r in expired if r.entry.accepted],
    )
    resolved = [
        [
            code(p.id),
            p.severity.value,
            code(p.operation or "-"),
            p.kind,
            code(p.path) if p.path else "-",
            p.first_seen,
        ]
        for p in block.resolved
    ]
    lines += _listed("Resolved", _HEADER, resolved)
    lines += _listed(
        "Accepted",
        [*_HEADER, "owner", "reason", "expires"],
        [
            [*r.cells(), cell_text(a.owner), cell_text(a.reason), a.expires or "-"]
            for r in accepted
            if (a := r.entry.accepted) is not None
        ],
    )
    if block.unobserved:
        lines += ["", f"### Not observed tonight ({len(block.unobserved)})", ""]
        lines += [
            f"- {code(p.id)} {code(p.operation or '-')} {p.kind} {code(p.path)}" for p in block.unobserved
        ]
    if block.flapping:
        lines += ["", f"### Flapping ({len(block.flapping)})", ""]
        lines += [
            f"- {code(f.id)} {code(f.operation or '-')} {f.kind} {code(f.path or '-')}: came back {f.flaps}×"
            for f in block.flapping[:LIST_LIMIT]
        ]
    if block.baseline_issues:
        lines += ["", f"### Baseline entries to review ({len(block.baseline_issues)})", ""]
        lines += [f"- {i.problem}: {code(i.entry)}: {cell_text(i.detail)}" for i in block.baseline_issues]
    return lines


def status_text(entry: Tracked) -> str:
    """A finding's status cell: `new`, `persisting since DATE`, `accepted (owner)`."""
    if entry.status is None:
        return "-"
    if entry.status is FindingStatus.ACCEPTED and entry.accepted is not None:
        return f"accepted ({cell_text(entry.accepted.owner)})"
    if entry.status is FindingStatus.PERSISTING and entry.first_seen:
        return f"persisting since {entry.first_seen}"
    return entry.status.value


def tracked_lines(report: DriftReport) -> list[Line]:
    """Every tracked finding of the report, the first of each id."""
    lines = [Line(f, f.severity.value, f.operation, f.kind, f.path) for f in report.findings]
    lines += [Line(r, r.severity.value, r.operation, r.kind, f"{r.old} → {r.new}") for r in report.renames]
    lines += [
        Line(t, "warning", t.operation or f"{t.method} {t.path}", t.kind, "")
        for t in report.transport_findings
    ]
    seen: set[str] = set()
    unique = []
    for line in lines:
        if line.entry.id not in seen:
            seen.add(line.entry.id)
            unique.append(line)
    return unique


def _compared(block: HistoryBlock) -> str:
    if block.previous is not None:
        compared = f"Compared with run #{block.previous.run} of {block.previous.night[:10]}"
    elif block.store:
        compared = "First run of this series in the history"
    else:
        compared = "No history given: every finding counts as new"
    return f"{compared} ({cell_text(block.series)}); fails on: {block.fail_on or 'the run’s own rule'}."


def _listed(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    more = len(rows) - LIST_LIMIT
    tail = ["", f"… and {more} more: see report.html or report.json."] if more > 0 else []
    return ["", f"### {title} ({len(rows)})", "", *table(header, rows[:LIST_LIMIT]), *tail]
