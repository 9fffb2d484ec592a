"""Response headers: added, removed, renamed (HTTP names compare case-insensitively), made required
or optional, deprecated, and each header's schema compared field by field."""

from __future__ import annotations

from apidrift.check.renames import name_similarity
from apidrift.contracts.model import Header, ResponseSpec
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, Walk, prefixed
from apidrift.diff.policy import Status
from apidrift.diff.rules.operations import lifecycle_note

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
FAMILY = "headers"
# How alike two header names must be to be one header renamed.
RENAMED = 0.6

RULES = (
    Rule(K.HEADER_ADDED, S.RESPONSE, INFO, "readers ignore headers they do not know"),
    Rule(
        K.HEADER_REMOVED,
        S.RESPONSE,
        B,
        "readers lose a header they may rely on (warning when it was optional; a deprecated one is "
        "graded by the lifecycle policy, never worse)",
    ),
    Rule(K.HEADER_RENAMED, S.RESPONSE, B, "readers look under the old name"),
    Rule(K.HEADER_BECAME_REQUIRED, S.RESPONSE, INFO, "readers always get it now"),
    Rule(K.HEADER_BECAME_OPTIONAL, S.RESPONSE, B, "readers may find it missing"),
    Rule(K.HEADER_DEPRECATED, S.RESPONSE, INFO, "still sent; readers are told it will go"),
    Rule(K.HEADER_UNDEPRECATED, S.RESPONSE, INFO, "readers may keep relying on it"),
)


def check(walk: Walk, ctx: ChangeContext, old: ResponseSpec, new: ResponseSpec) -> list[Change]:
    a = {name.lower(): h for name, h in old.headers.items()}
    b = {name.lower(): h for name, h in new.headers.items()}
    changes = []
    gone, came = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    pairs = _renames(gone, came)
    for before, after, score, evidence in pairs:
        message = f"header {a[before].name} renamed to {b[after].name}"
        changes.append(
            ctx.change(
                K.HEADER_RENAMED,
                b[after].name,
                a[before].name,
                b[after].name,
                message,
                confidence=score,
                evidence=evidence,
            )
        )
        changes += _compare(walk, ctx, a[before], b[after])
    paired_old, paired_new = {p[0] for p in pairs}, {p[1] for p in pairs}
    for name in gone:
        if name not in paired_old:
            header = a[name]
            severity = None if header.required else W
            message = f"{'required' if header.required else 'optional'} header {header.name} removed"
            if header.deprecated:  # readers had notice: the lifecycle policy grades it, as a field's
                status = Status(deprecated=True)
                severity = walk.policy.graded(status, B if header.required else W, walk.new_date)
                message += "; " + lifecycle_note(walk.policy, status, walk.new_date)
            changes.append(
                ctx.change(K.HEADER_REMOVED, header.name, header.name, None, message, severity=severity)
            )
    for name in came:
        if name not in paired_new:
            changes.append(
                ctx.change(K.HEADER_ADDED, b[name].name, None, b[name].name, f"header {b[name].name} added")
            )
    for name in sorted(a.keys() & b.keys()):
        changes += _compare(walk, ctx, a[name], b[name])
    return changes


def _renames(gone: list[str], came: list[str]) -> list[tuple[str, str, float, tuple[str, ...]]]:
    candidates = []
    for before in gone:
        for after in came:
            score, similar = name_similarity(before, after)
            if score >= RENAMED:
                candidates.append((before, after, score, tuple(similar)))
    out, used = [], set()
    for before, after, score, evidence in sorted(candidates, key=lambda c: -c[2]):
        if before not in used and after not in used:
            used |= {before, after}
            out.append((before, after, score, evidence))
    return out


def _compare(walk: Walk, ctx: ChangeContext, a: Header, b: Header) -> list[Change]:
    changes = []
    if a.required != b.required:
        kind = K.HEADER_BECAME_REQUIRED if b.required else K.HEADER_BECAME_OPTIONAL
        message = f"header {b.name} is now {'required' if b.required else 'optional'}"
        changes.append(ctx.change(kind, b.name, a.required, b.required, message))
    if a.deprecated != b.deprecated:
        kind = K.HEADER_DEPRECATED if b.deprecated else K.HEADER_UNDEPRECATED
        message = f"header {b.name} is {'now' if b.deprecated else 'no longer'} deprecated"
        changes.append(ctx.change(kind, b.name, a.deprecated, b.deprecated, message))
    if walk.unchanged(a.schema, b.schema):
        return changes
    root = f"header {b.name}"
    old_shapes = prefixed(walk.flatten("old", a.schema), root)
    new_shapes = prefixed(walk.flatten("new", b.schema), root)
    return changes + walk.compare(ctx, old_shapes, new_shapes, root=root)
