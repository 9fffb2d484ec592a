"""Composition: named schemas renamed (with evidence) and oneOf/anyOf branches added or removed,
graded by side (a new branch widens what a field admits); a new branch is never a rename."""

from __future__ import annotations

from apidrift.check.renames import name_similarity
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
    """Branches of a union on both sides; a plain type becoming a union is a type change instead."""
    a, b = set(pair.old.union), set(pair.new.union)
    if not a or not b or a == b:
        return []
    out = []
    came, gone = b - a - paired, a - b - paired
    if set(pair.old.types) != set(pair.new.types):
        # Inline branches are labelled by their JSON type: the type rule reports those already.
        plain = set(pair.old.types) | set(pair.new.types)
        came, gone = came - plain, gone - plain
    if came:
        message = f"{pair.label} may now also be {' or '.join(sorted(came))}"
        out.append(pair.change(K.UNION_MEMBER_ADDED, sorted(a), sorted(b), message))
    if gone:
        message = f"{pair.label} can no longer be {' or '.join(sorted(gone))}"
        out.append(pair.change(K.UNION_MEMBER_REMOVED, sorted(a), sorted(b), message))
    return out


def renames(walk: Walk, pair: FieldPair) -> tuple[list[Change], set[str]]:
    """Schema names that changed at this path, and the names paired as renames."""
    a, b = pair.old, pair.new
    gone = sorted(set(a.refs) - set(b.refs))
    came = sorted(set(b.refs) - set(a.refs))
    if not gone and not came:
        return [], set()
    out = []
    pairs: list[tuple[str, str, float, list[str]]] = []
    for old_name in gone:
        for new_name in came:
            score, evidence = name_similarity(old_name, new_name)
            if walk.same_named_shape(old_name, new_name):
                score, evidence = max(score, 0.9), [*evidence, "identical shape"]
            if score >= 0.5 or (len(gone) == len(came) == 1):
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
