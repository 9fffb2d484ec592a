"""Composition: named schemas renamed (with evidence) and oneOf/anyOf branches added or removed,
graded by side (a new branch widens what a field admits); a new branch is never a rename."""

from __future__ import annotations

from collections import Counter

from apidrift.check.renames import name_similarity
from apidrift.check.shapes import FieldShape
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
    return renamed + members(pair, paired) + parts(pair, paired)


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


def members(pair: FieldPair, paired: set[str]) -> list[Change]:
    """Branches of a union on both sides, counted (inline branches of one JSON type share a label, so
    a second inline object is one more `object`); a plain type becoming a union is a type change."""
    came, gone = branch_changes(*branches(pair.old, pair.new), paired)
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


def branches(old: FieldShape, new: FieldShape) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The union branches of both shapes; where one of them is a union, the plain other is a union of
    one branch (its type name, else its JSON type), so a type becoming `oneOf: [itself, Other]`
    gains a branch. JSON types that came or went are the type rule's, so plain ones are not labelled."""
    if bool(old.union) == bool(new.union):
        return old.union, new.union
    return tuple(_compound(s.union) if s.union else _single(s) for s in (old, new))  # type: ignore[return-value]


def _compound(labels: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(label for label in labels if label not in PRIMITIVE)


def _single(shape: FieldShape) -> tuple[str, ...]:
    if shape.refs:
        return (shape.refs[-1],)
    label = "|".join(sorted(set(shape.types) - {"null"}))
    return (label,) if label and label not in PRIMITIVE else ()


def branch_changes(
    old: tuple[str, ...], new: tuple[str, ...], paired: set[str] = frozenset()  # type: ignore[assignment]
) -> tuple[Counter[str], Counter[str]]:
    """The branches a union gained and lost (by label, with counts), when both versions are unions.
    A JSON type another branch now admits is no loss (`integer` within a new `number`)."""
    if not old or not new:
        return Counter(), Counter()
    before, after = Counter(old), Counter(new)
    came, gone = after - before, before - after
    # A null branch is nullability, which its own rule reports.
    came.pop("null", None)
    gone.pop("null", None)
    for name in paired:
        came.pop(name, None)
        gone.pop(name, None)
    wide_old, wide_new = _admitted(before), _admitted(after)
    for label in list(gone):
        if label in PRIMITIVE and label in wide_new:
            del gone[label]
    for label in list(came):
        if label in PRIMITIVE and label in wide_old:
            del came[label]
    return came, gone


# JSON types whose branches are told apart by their type alone (an `object` branch has fields).
PRIMITIVE = frozenset({"string", "integer", "number", "boolean", "null"})


def _admitted(labels: Counter[str]) -> set[str]:
    types = {t for label in labels for t in label.split("|")}
    return types | {"integer"} if "number" in types else types


def _shown(labels: Counter[str]) -> list[str]:
    return [
        (f"{n} more " if n > 1 else "") + (label if label not in INLINE_TYPES else f"an inline {label}")
        for label, n in sorted(labels.items())
    ]


INLINE_TYPES = PRIMITIVE | {"object", "array"}


def renames(walk: Walk, pair: FieldPair) -> tuple[list[Change], set[str]]:
    """Schema names that changed at this path, and the names paired as renames."""
    a, b = pair.old, pair.new
    gone = sorted(set(a.refs) - set(b.refs))
    came = sorted(set(b.refs) - set(a.refs))
    if not gone and not came:
        return [], set()
    out = []
    pairs: list[tuple[str, str, float, list[str]]] = []
    # A part or branch swapped for an unrelated one is a part or branch added and removed, never a
    # rename; a lone name changed elsewhere (a field's own type) is taken as one.
    members = set(a.union) | set(b.union) | set(a.parts) | set(b.parts)
    for old_name in gone:
        for new_name in came:
            score, evidence = name_similarity(old_name, new_name)
            if walk.same_named_shape(old_name, new_name):
                score, evidence = max(score, 0.9), [*evidence, "identical shape"]
            lone = len(gone) == len(came) == 1 and not {old_name, new_name} & members
            if score >= 0.5 or lone:
                pairs.append((old_name, new_name, max(score, 0.5), evidence))
    used: set[str] = set()
    for old_name, new_name, score, evidence in sorted(pairs, key=lambda t: -t[2]):
        if old_name in used or new_name in used:
            continue
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
    # Names left over that came or went as union branches or allOf parts are reported as such.
    branches = (set(a.union) ^ set(b.union)) | (set(a.parts) ^ set(b.parts))
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
