"""Per-field facts of a diff: where a change sits, and the small comparisons shared by every side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from apidrift.check.renames import name_similarity, parent_of
from apidrift.check.shapes import FieldShape
from apidrift.contracts.model import Operation
from apidrift.diff.changes import Change, ChangeKind, Side, severity_of

K = ChangeKind


@dataclass
class ChangeContext:
    """The operation, side and status a change is found in; it grades what it builds."""

    operation: Operation
    side: Side
    status: str | None = None

    def change(self, kind: ChangeKind, path: str, old: Any, new: Any, message: str, **extra: Any) -> Change:
        required = bool(extra.pop("required", False))
        graded_as = extra.pop("graded_as", kind)
        return Change(
            kind=kind,
            severity=severity_of(graded_as, self.side, required=required),
            operation=self.operation.key,
            side=self.side,
            status=self.status,
            path=path,
            old=old,
            new=new,
            message=message,
            operation_id=self.operation.id,
            **extra,
        )


def enum_changes(ctx: ChangeContext, path: str, label: str, a: FieldShape, b: FieldShape) -> list[Change]:
    if a.enum == b.enum:
        return []
    if a.enum is not None and b.enum is not None:
        out = []
        added = [v for v in b.enum if v not in a.enum]
        removed = [v for v in a.enum if v not in b.enum]
        if added:
            out.append(
                ctx.change(K.ENUM_VALUES_ADDED, path, list(a.enum), list(b.enum), f"{label} admits {added}")
            )
        if removed:
            out.append(
                ctx.change(
                    K.ENUM_VALUES_REMOVED,
                    path,
                    list(a.enum),
                    list(b.enum),
                    f"{label} no longer admits {removed}",
                )
            )
        return out
    if a.enum is not None:
        return [
            ctx.change(
                K.TYPE_CHANGED,
                path,
                list(a.enum),
                type_label(b),
                f"{label} enum {list(a.enum)} became a plain {type_label(b)}",
                # Dropping an enum widens the values: graded like added enum values (old ones still fit).
                graded_as=K.ENUM_VALUES_ADDED,
            )
        ]
    assert b.enum is not None
    return [
        ctx.change(
            K.CONSTRAINT_CHANGED,
            path,
            type_label(a),
            list(b.enum),
            f"{label} is now restricted to {list(b.enum)}",
        )
    ]


def most_similar(name: str, candidates: Iterable[str]) -> str | None:
    scored = sorted(((name_similarity(name, c)[0], c) for c in candidates), reverse=True)
    return scored[0][1] if scored else None


def type_label(shape: FieldShape) -> str:
    return "|".join(shape.types)


def outermost(these: dict[str, FieldShape], others: dict[str, FieldShape]) -> list[str]:
    """Paths of `these` missing from `others` whose parent both have (children come with them)."""
    return sorted(
        p for p in these if p not in others and p and parent_of(p) in others and parent_of(p) in these
    )


def moved(path: str, old: str, new: str) -> str:
    """Where `path` is once the field `old` (and everything below it) is renamed to `new`."""
    if path == old or path.startswith((old + ".", old + "[]")):
        return new + path[len(old) :]
    return path


def prefixed(shapes: dict[str, FieldShape], name: str) -> dict[str, FieldShape]:
    return {
        (name + ("" if not p or p.startswith("[]") else ".") + p if p else name): s for p, s in shapes.items()
    }
