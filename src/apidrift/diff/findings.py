"""One change, one finding: the per-operation changes that come from one change to a shared
definition (a component schema) grouped into a finding that lists the places it reaches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from apidrift.diff.changes import Change, ChangeKind, Severity, Side

# Kinds whose old/new are field paths: the same change reads differently under each operation.
_PATH_VALUED = frozenset({ChangeKind.FIELD_RENAMED})


@dataclass(frozen=True)
class Finding:
    """A change as a reviewer meets it once, with every (operation, side, status, path) it reaches."""

    kind: ChangeKind
    severity: Severity
    side: Side
    origin: str | None
    message: str
    changes: tuple[Change, ...]

    @property
    def operations(self) -> list[str]:
        return sorted({c.operation or "" for c in self.changes} - {""})

    @property
    def locations(self) -> list[str]:
        """`GET /a response 200 data[].x`, one per change the finding stands for."""
        return sorted(
            " ".join(p for p in (c.operation or "(api)", c.side.value, c.status or "", c.path) if p)
            for c in self.changes
        )

    def to_json(self) -> dict[str, Any]:
        first = self.changes[0]
        return {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "side": self.side.value,
            "origin": self.origin,
            "message": self.message,
            "old": first.old,
            "new": first.new,
            "count": len(self.changes),
            "operations": self.operations,
            "locations": self.locations,
        }


def _key(change: Change) -> tuple[Any, ...]:
    if change.kind is ChangeKind.SCHEMA_RENAMED:
        # A type renamed is one fact about the document, however many operations reach the type.
        return (change.kind, change.severity, change.side, repr(change.old), repr(change.new))
    if not change.origin:
        return ("one", id(change))  # nothing shared to group by: a finding of its own
    old, new = change.old, change.new
    if change.kind in _PATH_VALUED:
        old, new = _leaf(old), _leaf(new)
    return (change.kind, change.severity, change.side, change.origin, repr(old), repr(new))


def _type_origin(change: Change) -> str | None:
    """What a group of one type rename stands for: the old type's name."""
    return str(change.old) if change.kind is ChangeKind.SCHEMA_RENAMED and change.old else None


def _leaf(value: Any) -> Any:
    return value.rsplit(".", 1)[-1] if isinstance(value, str) else value


def group(changes: Iterable[Change]) -> list[Finding]:
    """Findings in the order of their first change; each keeps its changes for per-operation views."""
    grouped: dict[tuple[Any, ...], list[Change]] = {}
    for change in changes:
        grouped.setdefault(_key(change), []).append(change)
    findings = []
    for members in grouped.values():
        first = members[0]
        message = first.message
        origin = first.origin or (_type_origin(first) if len(members) > 1 else None)
        if origin and len(members) > 1:
            where = len({c.operation for c in members})
            message = f"{origin}: {first.message} (in {len(members)} places across {where} operations)"
        findings.append(
            Finding(
                kind=first.kind,
                severity=first.severity,
                side=first.side,
                origin=origin,
                message=message,
                changes=tuple(members),
            )
        )
    return findings
