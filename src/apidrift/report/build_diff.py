"""Build a `DriftReport` from one version diff or a chain of consecutive ones (`VersionDiff`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from apidrift.diff.changes import Change, ChangeKind, Severity
from apidrift.diff.engine import VersionDiff
from apidrift.diff.findings import Finding, group
from apidrift.diff.registry import RULES
from apidrift.report.build import finding_order, rename_order, timestamp, to_json
from apidrift.report.model import (
    CellStatus,
    CounterexampleEntry,
    DriftReport,
    FindingEntry,
    MatrixCell,
    MatrixRow,
    RenameEntry,
    RunKind,
    RunMetadata,
)

RENAME_KINDS = frozenset({ChangeKind.FIELD_RENAMED, ChangeKind.PATH_PARAM_RENAMED, ChangeKind.SCHEMA_RENAMED})


def build_diff_report(
    diffs: VersionDiff | Sequence[VersionDiff],
    *,
    fail_on: Severity = Severity.BREAKING,
    sources: Sequence[str] = (),
    api: str | None = None,
    now: datetime | None = None,
) -> DriftReport:
    """One diff, or a chain of consecutive diffs (v1→v2, v2→v3, …), as a report."""
    steps = [diffs] if isinstance(diffs, VersionDiff) else list(diffs)
    if not steps:
        raise ValueError("no diff to report")
    for before, after in pairwise(steps):
        if before.new != after.old:
            raise ValueError(f"diffs are not consecutive: {before.old}→{before.new}, {after.old}→{after.new}")
    versions = [steps[0].old, *(d.new for d in steps)]
    changes = [(d, c) for d in steps for c in d.changes]
    return DriftReport(
        metadata=RunMetadata(
            kind=RunKind.DIFF,
            generated_at=timestamp(now),
            api=api,
            versions=versions,
            fail_on=fail_on,
            sources=list(sources) or versions,
        ),
        exit_code=1 if any(d.at_least(fail_on) for d in steps) else 0,
        matrix=_diff_matrix(steps, versions),
        # One change to a shared definition is one finding that lists where it reaches.
        findings=sorted((_finding(d, f) for d in steps for f in group(d.changes)), key=finding_order),
        renames=sorted(
            (_change_rename(d, c) for d, c in changes if c.kind in RENAME_KINDS and c.confidence is not None),
            key=rename_order,
        ),
        counterexamples=sorted(
            (_counterexample(c) for _, c in changes if c.counterexample is not None),
            key=lambda e: (e.operation or "", e.path, e.kind, e.valid_in, e.rejected_by),
        ),
    )


def operation_of(change: Change) -> str:
    """The operation id (stable across versions), else its `METHOD /path`."""
    return change.operation_id or change.operation or "(api)"


def _location(change: Change) -> str:
    return change.side.value + (f" {change.status}" if change.status else "")


def _finding(diff: VersionDiff, finding: Finding) -> FindingEntry:
    """A change as a finding; a group of changes from one shared definition as one finding whose
    operation is that definition (`schemas.json#/$defs/X`, stable whichever operations use it)."""
    if len(finding.changes) == 1:
        return _change_finding(diff, finding.changes[0])
    # Whatever the order of the changes, the same one stands for the group (ids must not move).
    first = min(finding.changes, key=lambda c: (c.path, operation_of(c), c.status or "", c.kind.value))
    entry = _change_finding(diff, first)
    operations = len({operation_of(c) for c in finding.changes})
    where = f"{len(finding.changes)} places across {operations} operations"
    return entry.model_copy(
        update={
            "operation": None,
            "path": str(finding.origin),
            "message": f"{finding.origin}: {first.message} (in {where})",
            "location": first.side.value,
            # What sets it apart from other changes to the same definition: its kind and two values.
            "detail": to_json([first.kind.value, _leaf(first.old), _leaf(first.new)]),
            "reaches": finding.locations,
            # Renderers show evidence: the first places, the whole list is `reaches`.
            "evidence": [
                *entry.evidence,
                *(f"reaches {place}" for place in finding.locations[:_SHOWN]),
                *(
                    [f"and {len(finding.locations) - _SHOWN} more places"]
                    if len(finding.locations) > _SHOWN
                    else []
                ),
            ],
        }
    )


_SHOWN = 10


def _leaf(value: Any) -> Any:
    return value.rsplit(".", 1)[-1] if isinstance(value, str) else value


def _change_finding(diff: VersionDiff, change: Change) -> FindingEntry:
    evidence = [f"{diff.old}: {to_json(change.old)}", f"{diff.new}: {to_json(change.new)}"]
    if change.confidence is not None:
        evidence.append(f"confidence {change.confidence:.2f}")
    evidence += change.evidence
    rule = RULES.get((change.kind, change.side))
    if rule is not None and rule.severity is change.severity:
        evidence.append(f"{change.severity.value}: {rule.why}")
    if change.counterexample is not None:
        c = change.counterexample
        found = f"valid in {c.valid_in}, rejected by {c.rejected_by} ({c.reason})"
        evidence.append(f"counterexample {to_json(c.instance)}: {found}")
    return FindingEntry(
        kind=change.kind.value,
        severity=change.severity,
        operation=operation_of(change),
        version=diff.new,
        path=change.path or ("(body)" if change.status else ""),
        message=change.message,
        evidence=evidence,
        location=_location(change),
        # Two changes of one kind at one place differ by their values (which type was renamed to what).
        detail=to_json([change.old, change.new]),
    )


def _change_rename(diff: VersionDiff, change: Change) -> RenameEntry:
    return RenameEntry(
        kind=change.kind.value,
        severity=change.severity,
        operation=operation_of(change),
        old=str(change.old),
        new=str(change.new),
        old_in=diff.old,
        new_in=diff.new,
        confidence=change.confidence or 0.0,
        evidence=list(change.evidence),
    )


def _counterexample(change: Change) -> CounterexampleEntry:
    assert change.counterexample is not None
    c = change.counterexample
    return CounterexampleEntry(
        operation=operation_of(change),
        kind=change.kind.value,
        path=change.path,
        instance=json.loads(json.dumps(c.instance, default=str)),
        valid_in=c.valid_in,
        rejected_by=c.rejected_by,
        reason=c.reason,
    )


def _diff_matrix(steps: Sequence[VersionDiff], versions: Sequence[str]) -> list[MatrixRow]:
    """A row per operation some step changes; a cell per version (the first: documented or not)."""
    by_op: dict[str, list[list[Change]]] = {}
    keys: dict[str, str] = {}
    for i, step in enumerate(steps):
        for change in step.changes:
            op = operation_of(change)
            by_op.setdefault(op, [[] for _ in steps])[i].append(change)
            keys.setdefault(op, change.operation or "")
    rows = []
    for op in sorted(by_op):
        per_step = by_op[op]
        first = next(changes for changes in per_step if changes)
        present = not any(c.kind is ChangeKind.OPERATION_ADDED for c in first)
        cells = [_presence_cell(versions[0], present)]
        worst = Severity.INFO
        for version, changes in zip(versions[1:], per_step, strict=True):
            cell_, present = _step_cell(version, changes, present)
            cells.append(cell_)
            worst = max([worst, *(c.severity for c in changes)], key=lambda s: s.rank)
        method, _, path = keys[op].partition(" ")
        rows.append(
            MatrixRow(operation=op, method=method or None, path=path or None, severity=worst, cells=cells)
        )
    return rows


def _presence_cell(version: str, present: bool) -> MatrixCell:
    if present:
        return MatrixCell(version=version, status=CellStatus.DOCUMENTED, label="documented")
    return MatrixCell(version=version, status=CellStatus.ABSENT, label="-")


def _step_cell(version: str, changes: list[Change], present: bool) -> tuple[MatrixCell, bool]:
    kinds = {c.kind for c in changes}
    details = [f"{c.severity.value}: {c.message}" for c in sorted(changes, key=_change_order)]
    if ChangeKind.OPERATION_REMOVED in kinds:
        return MatrixCell(version=version, status=CellStatus.REMOVED, label="removed", details=details), False
    if ChangeKind.OPERATION_ADDED in kinds:
        return MatrixCell(version=version, status=CellStatus.ADDED, label="added", details=details), True
    if not changes:
        status = CellStatus.UNCHANGED if present else CellStatus.ABSENT
        return MatrixCell(version=version, status=status, label="unchanged" if present else "-"), present
    worst = max((c.severity for c in changes), key=lambda s: s.rank)
    count = sum(c.severity is worst for c in changes)
    label = f"{worst.value} {count}" + (f" +{len(changes) - count}" if len(changes) > count else "")
    return MatrixCell(version=version, status=CellStatus(worst.value), label=label, details=details), present


def _change_order(change: Change) -> tuple[Any, ...]:
    return (
        -change.severity.rank,
        change.side.value,
        change.status or "",
        change.path,
        change.kind.value,
        change.message,
    )
