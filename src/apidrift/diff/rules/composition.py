"""Composition: named schemas renamed (with evidence) and oneOf/anyOf branches added or removed,
graded by side (a new branch widens what a field admits); a new branch is never a rename."""

from __future__ import annotations

from collections import Counter
from functools import partial

from apidrift.check.shapes import FieldShape
from apidrift.diff.branches import branch_changes, is_inline, nested_branches, renamed_names
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import FieldPair, Walk, directional, most_similar

K, S = ChangeKind, Side
INFO = Severity.INFO
FAMILY = "composition"
INLINE = "(inline)"

RULES = (
    *directional(
        K.UNION_MEMBER_REMOVED, K.UNION_MEMBER_ADDED, "oneOf/anyOf branches", reader_harm=Severity.WARNING
    ),
    # A value must match every allOf part: a new part can only refuse more. Its fields and bounds are
    # compared one by one as well, so this says where they came from rather than breaking twice.
    *directional(
        K.ALLOF_PART_ADDED,
        K.ALLOF_PART_REMOVED,
        "allOf parts (its fields are compared one by one)",
        reader_harm=Severity.WARNING,
        sender_harm=Severity.WARNING,
    ),
    Rule(K.SCHEMA_RENAMED, S.PARAMETER, INFO, "same values under another type name"),
    Rule(K.SCHEMA_RENAMED, S.RESPONSE, INFO, "same data under another type name (generated code renames)"),
    Rule(K.SCHEMA_RENAMED, S.REQUEST, INFO, "same data under another type name (generated code renames)"),
)


def check(walk: Walk, pair: FieldPair) -> list[Change]:
    """Renamed schema names first (a renamed branch is a rename), then the branches and parts left."""
    renamed, paired = renames(walk, pair)
    return renamed + members(walk, pair, paired) + parts(pair, paired)


def parts(pair: FieldPair, paired: set[str]) -> list[Change]:
    """Named allOf parts added or removed where both versions compose the field with allOf."""
    a, b = set(pair.old.parts), set(pair.new.parts)
    if not a or not b or a == b:
        return []
    out = []
    came, gone = sorted(b - a - paired), sorted(a - b - paired)
    if came:
        message = f"{pair.label} must now also match {' and '.join(came)}"
        out.append(pair.change(K.ALLOF_PART_ADDED, sorted(a), sorted(b), message))
    if gone:
        message = f"{pair.label} no longer has to match {' and '.join(gone)}"
        out.append(pair.change(K.ALLOF_PART_REMOVED, sorted(a), sorted(b), message))
    return out


def members(walk: Walk, pair: FieldPair, paired: set[str]) -> list[Change]:
    """Branches of a union gained or lost, counted (inline branches of one JSON type share a label,
    so a second inline object is one more `object`); see `branch_changes`. A branch of a branch both
    versions have counts as one of the field's own."""
    fields = (pair.path, *pair.fields) if pair.fields is not None else None
    came, gone = branch_changes(pair.old, pair.new, paired, fields)
    came.update(nested_branches(partial(walk.branch_names, "new"), pair.new, pair.old) - paired)
    gone.update(nested_branches(partial(walk.branch_names, "old"), pair.old, pair.new) - paired)
    if _admits_anything(pair.new):
        gone.clear()  # a branch dropped into a schema that takes any value refuses nothing
    if not came and not gone:
        return []
    a, b = sorted(pair.old.union), sorted(pair.new.union)
    out = []
    if came:
        message = f"{pair.label} may now also be {' or '.join(_shown(came))}"
        out.append(pair.change(K.UNION_MEMBER_ADDED, a, b, message))
    if gone:
        message = f"{pair.label} can no longer be {' or '.join(_shown(gone))}"
        out.append(pair.change(K.UNION_MEMBER_REMOVED, a, b, message))
    return out


def _admits_anything(shape: FieldShape) -> bool:
    """The field takes any JSON value at its own level (`{}`): no type, enum, bound or union."""
    return not (shape.types or shape.enum is not None or shape.constraints or shape.union or shape.parts)


def _shown(labels: Counter[str]) -> list[str]:
    shown = []
    for label, n in sorted(labels.items()):
        if is_inline(label):
            shown.append(f"{n} inline {label} branches" if n > 1 else f"an inline {label}")
        else:
            shown.append(label)
    return shown


def renames(walk: Walk, pair: FieldPair) -> tuple[list[Change], set[str]]:
    """Schema names that changed at this path, and the names paired as renames."""
    a, b = pair.old, pair.new
    gone = sorted(set(a.refs) - set(b.refs))
    came = sorted(set(b.refs) - set(a.refs))
    if not gone and not came:
        return [], set()
    out = []
    used: set[str] = set()
    fields = (pair.path, *pair.fields) if pair.fields is not None else None
    for old_name, new_name, score, evidence in renamed_names(walk, a, b, fields):
        used |= {old_name, new_name}
        message = f"type {old_name} renamed to {new_name}"
        out.append(
            pair.change(
                K.SCHEMA_RENAMED,
                old_name,
                new_name,
                message,
                confidence=round(score, 2),
                evidence=tuple(evidence),
            )
        )
    # Names left over that came or went as union branches or allOf parts are reported as such, and
    # so are the names those branches bring (the branches of a branch that is a union itself).
    branches = (set(a.union) ^ set(b.union)) | (set(a.parts) ^ set(b.parts))
    for side, shape, other in (("old", a, b), ("new", b, a)):
        if shape.union:
            names = partial(walk.branch_names, side)
            for label in set(shape.union) - set(other.union):
                branches |= names(label)
            branches |= nested_branches(names, shape, other)
    gone = [n for n in gone if n not in used and n not in branches]
    came = [n for n in came if n not in used and n not in branches]
    # A name only lost or only gained. When the other side is still named (a new type that wraps
    # the old one through allOf, say), it is a rename from or to that name; otherwise an inlining.
    if not came:
        for old_name in gone:
            kept = most_similar(old_name, b.refs)
            message = (
                f"type {old_name} now {kept}" if kept else f"type {old_name} replaced by an inline schema"
            )
            out.append(pair.change(K.SCHEMA_RENAMED, old_name, kept or INLINE, message))
    if not gone:
        for new_name in came:
            kept = most_similar(new_name, a.refs)
            message = (
                f"type {kept} now {new_name}, which is built on it"
                if kept
                else f"inline schema now named {new_name}"
            )
            out.append(pair.change(K.SCHEMA_RENAMED, kept or INLINE, new_name, message))
    return out, used
