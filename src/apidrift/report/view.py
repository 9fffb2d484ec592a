"""What report.md and report.html list, in the order they list it: severity first, new since the last
run first when a history says so, grouped by operation; a rename as one row (not a removed field plus
an undocumented one), the same finding in many responses as one row, and each rename once across
operations and directions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from apidrift.diff.changes import Severity
from apidrift.report.model import DriftReport, FindingEntry, RenameEntry
from apidrift.report.tracking import FindingStatus

# The two findings a rename leaves in a checked response: the old name missing, the new one undocumented.
_MISSING = "schema-violation"
_UNDOCUMENTED = "undocumented-field"


@dataclass(frozen=True)
class FindingRow:
    """One row of a findings table: one finding, or the same finding in several responses, or a
    rename's missing and undocumented pair."""

    entry: FindingEntry  # the first finding the row stands for (its id, status and first night)
    severity: Severity
    kind: str
    path: str
    message: str
    evidence: tuple[str, ...]
    files: tuple[str, ...]
    ids: tuple[str, ...]
    rename: RenameEntry | None = None
    statuses: tuple[FindingStatus | None, ...] = ()
    count: int = 1  # the findings of this severity the row stands for

    @property
    def operation(self) -> str | None:
        return self.entry.operation

    @property
    def new(self) -> bool:
        return any(s is FindingStatus.NEW for s in self.statuses)

    @property
    def responses(self) -> int:
        return max(1, len(self.files))


@dataclass(frozen=True)
class OperationGroup:
    """The rows of one operation within one severity; `anchor` is the HTML id of its first row."""

    operation: str | None
    anchor: str
    rows: list[FindingRow]


@dataclass(frozen=True)
class SeverityBlock:
    """The findings of one severity: new since the last run first (when known), then the rest."""

    severity: Severity
    findings: int  # findings in report.json (a row may stand for several)
    new: list[OperationGroup]
    rest: list[OperationGroup]

    @property
    def groups(self) -> list[OperationGroup]:
        return [*self.new, *self.rest]

    @property
    def rows(self) -> list[FindingRow]:
        return [row for group in self.groups for row in group.rows]


@dataclass(frozen=True)
class RenameRow:
    """One rename, once: both directions and every operation and response it was seen in."""

    severity: Severity
    old: str
    new: str
    old_in: str
    new_in: str
    confidence: float
    evidence: tuple[str, ...]
    operations: tuple[str, ...]
    files: int
    ids: tuple[str, ...] = field(default=())
    # "request" when the names were sent (traffic checks), else the names were read in responses.
    side: str | None = None


def anchor(prefix: str, name: str | None) -> str:
    """An HTML id from a name: letters, digits and dashes only."""
    return prefix + "-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", name or "none").strip("-") or "none")


def severity_blocks(report: DriftReport) -> list[SeverityBlock]:
    """The findings by severity, worst first (severities without findings left out)."""
    rows = _rows(report)
    known = report.history is not None
    blocks = []
    for severity in Severity:
        mine = [r for r in rows if r.severity is severity]
        if not mine:
            continue
        count = sum(r.count for r in mine)
        new = _grouped([r for r in mine if known and r.new], severity, "new")
        rest = _grouped([r for r in mine if not (known and r.new)], severity, "")
        blocks.append(SeverityBlock(severity, count, new, rest))
    return blocks


def first_anchors(blocks: Sequence[SeverityBlock]) -> dict[str, str]:
    """Each operation's worst (first) findings group: where a matrix row links to."""
    anchors: dict[str, str] = {}
    for block in blocks:
        for group in block.groups:
            if group.operation is not None:
                anchors.setdefault(group.operation, group.anchor)
    return anchors


def _grouped(rows: list[FindingRow], severity: Severity, tag: str) -> list[OperationGroup]:
    by_operation: dict[str | None, list[FindingRow]] = {}
    for row in sorted(rows, key=lambda r: r.operation or ""):
        by_operation.setdefault(row.operation, []).append(row)
    prefix = f"f-{severity.value}" + (f"-{tag}" if tag else "")
    return [OperationGroup(op, anchor(prefix, op), members) for op, members in by_operation.items()]


def _rows(report: DriftReport) -> list[FindingRow]:
    paired, consumed = _rename_pairs(report)
    rows: dict[tuple[object, ...], list[tuple[FindingEntry, RenameEntry | None, FindingEntry | None]]] = {}
    for index, f in enumerate(report.findings):
        if index in consumed:
            continue
        rename, other = paired.get(index, (None, None))
        if rename is not None:
            key: tuple[object, ...] = ("rename", f.operation, f.version, f.location, rename.old, rename.new)
        else:
            key = (f.severity, f.operation, f.version, f.location, f.kind, f.path, f.message)
        rows.setdefault(key, []).append((f, rename, other))
    out = []
    for members in rows.values():
        first, rename, partner = members[0]
        if len(members) == 1:  # most rows: no merging to do
            files: tuple[str, ...] = (first.file,) if first.file else ()
            ids: tuple[str, ...] = (first.id, partner.id) if partner else (first.id,)
            statuses: tuple[FindingStatus | None, ...] = (first.status, partner.status if partner else None)
        else:
            files = tuple(dict.fromkeys(m.file for m, _, _ in members if m.file))
            ids = tuple(dict.fromkeys(i for m, _, o in members for i in (m.id, *([o.id] if o else []))))
            statuses = tuple(s for m, _, o in members for s in (m.status, o.status if o else None))
        if rename is not None:
            worst = max((m.severity for m, _, o in members), key=lambda s: s.rank)
            out.append(
                FindingRow(
                    entry=first,
                    severity=worst,
                    kind="field-renamed",
                    path=f"{rename.old} → {rename.new}",
                    message=(
                        f"`{rename.old}` is missing and `{rename.new}` undocumented: renamed "
                        f"(confidence {rename.confidence:.2f})"
                    ),
                    evidence=tuple(rename.evidence),
                    files=files,
                    ids=ids,
                    rename=rename,
                    statuses=statuses,
                    count=len(members),
                )
            )
        else:
            out.append(
                FindingRow(
                    entry=first,
                    severity=first.severity,
                    kind=first.kind,
                    path=first.path,
                    message=first.message,
                    evidence=tuple(first.evidence),
                    files=files,
                    ids=ids,
                    statuses=statuses,
                    count=len(members),
                )
            )
    return out


def _rename_pairs(
    report: DriftReport,
) -> tuple[dict[int, tuple[RenameEntry, FindingEntry]], set[int]]:
    """The missing-field finding of each rename (index -> its rename and undocumented partner), and
    the partners' indexes, which the pair's row stands for."""
    # Indexed by where the old name went missing: a run of many failures pairs in linear time.
    renames: dict[tuple[str | None, str | None, str | None, str], list[RenameEntry]] = {}
    for r in report.renames:
        renames.setdefault((r.operation, r.old_in, r.file, r.old), []).append(r)
    undocumented = {
        (f.operation, f.version, f.location, f.file, f.path): i
        for i, f in enumerate(report.findings)
        if f.kind == _UNDOCUMENTED
    }
    paired: dict[int, tuple[RenameEntry, FindingEntry]] = {}
    consumed: set[int] = set()
    for i, f in enumerate(report.findings):
        if f.kind != _MISSING or f.operation is None:
            continue
        for rename in renames.get((f.operation, f.version, f.file, f.path), ()):
            partner = undocumented.get((f.operation, f.version, f.location, f.file, rename.new))
            if partner is not None and partner not in consumed:
                paired[i] = (rename, report.findings[partner])
                consumed.add(partner)
                break
    return paired, consumed


def rename_rows(report: DriftReport) -> list[RenameRow]:
    """Every rename once: A→B seen against one version and B→A against the other are one row, and
    the same rename in many operations is one row naming them (worst severity, best confidence)."""
    order = {v: i for i, v in enumerate(report.metadata.versions)}
    groups: dict[tuple[str, str, str, str, str | None], list[RenameEntry]] = {}
    for r in report.renames:
        forward = (r.old_in, r.old, r.new_in, r.new, r.side)
        flip = r.new_in in order and r.old_in in order and order[r.new_in] < order[r.old_in]
        key = (r.new_in, r.new, r.old_in, r.old, r.side) if flip else forward
        groups.setdefault(key, []).append(r)
    rows = []
    for (old_in, old, new_in, new, side), members in groups.items():
        best = max(members, key=lambda m: m.confidence)
        rows.append(
            RenameRow(
                severity=max((m.severity for m in members), key=lambda s: s.rank),
                old=old,
                new=new,
                old_in=old_in,
                new_in=new_in,
                confidence=best.confidence,
                evidence=tuple(best.evidence),
                operations=tuple(sorted({m.operation for m in members})),
                files=len({m.file for m in members if m.file}) or len(members),
                ids=tuple(dict.fromkeys(m.id for m in members)),
                side=side,
            )
        )
    return sorted(rows, key=lambda r: (-r.severity.rank, r.operations, r.old, r.new))
