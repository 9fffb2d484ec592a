"""A schema becoming `false` (admitting no value) or ceasing to: one change at the node, none below it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from apidrift.check.shapes import FieldShape
from apidrift.diff.changes import Change, ChangeKind, Severity
from apidrift.diff.fields import READ, FieldPair

# How the flattener records `false` (and `not: {}`): the constraint `not` over a schema of no keywords.
_NOTHING: Final = ("not", ())


def admits_nothing(shape: FieldShape) -> bool:
    return _NOTHING in shape.constraints


def transitions(old: Mapping[str, FieldShape], new: Mapping[str, FieldShape]) -> list[str]:
    """Paths both versions have where exactly one of them admits no value."""
    return sorted(
        p
        for p in old.keys() & new.keys()
        if old[p] is not new[p] and admits_nothing(old[p]) != admits_nothing(new[p])
    )


def without_below(shapes: dict[str, FieldShape], voids: list[str]) -> dict[str, FieldShape]:
    """`shapes` less the fields below each of `voids`: beside a schema that admits nothing, what the
    other version declares there are echoes of the one replacement, never changes of their own."""
    if "" in voids:
        return {p: s for p, s in shapes.items() if p == ""}
    below = tuple(prefix for v in voids for prefix in (v + ".", v + "["))
    return {p: s for p, s in shapes.items() if not p.startswith(below)}


def check(pair: FieldPair) -> Change:
    """The one change of a void transition: narrowed to nothing, or widened from it. A reader never
    received a body or property whose schema admitted none: one arriving is new to it, like an added
    field. Array elements and map entries are left to the usual grade (the container grows)."""
    if admits_nothing(pair.new):
        return pair.change(
            ChangeKind.CONSTRAINT_NARROWED,
            None,
            {"schema": False},
            f"{pair.label} schema became false: no value is valid there now",
        )
    element = pair.path.endswith(("[]", "*"))
    severity = Severity.INFO if pair.ctx.side in READ and not element else None
    return pair.change(
        ChangeKind.CONSTRAINT_WIDENED,
        {"schema": False},
        None,
        f"{pair.label} schema was false: values are valid there now",
        severity=severity,
    )
