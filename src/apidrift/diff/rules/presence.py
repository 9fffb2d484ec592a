"""Schema fields: fields added, removed or renamed (with evidence), required-ness, nullability and
descriptions; the structural walk that pairs the fields of two flattened schemas."""

from __future__ import annotations

from apidrift.check.renames import pair_renames
from apidrift.check.shapes import FieldShape
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.containers import BranchMemo, came_with_its_container
from apidrift.diff.fields import READ, SEND, ChangeContext, FieldPair, Walk, moved, outermost, type_label
from apidrift.diff.rules.operations import lifecycle_note

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
FAMILY = "schema fields"

RULES = (
    # Parameters whose schema is an object (e.g. `effective_at[gte]`) change like request fields.
    Rule(
        K.FIELD_ADDED,
        S.PARAMETER,
        INFO,
        "optional: old calls still work (breaking when required)",
        if_required=B,
    ),
    Rule(K.FIELD_REMOVED, S.PARAMETER, W, "callers still sending it may be ignored or refused"),
    Rule(K.FIELD_RENAMED, S.PARAMETER, B, "callers use the old name"),
    Rule(K.BECAME_REQUIRED, S.PARAMETER, B, "calls without it are refused"),
    Rule(K.BECAME_OPTIONAL, S.PARAMETER, INFO, "old calls still work"),
    Rule(K.BECAME_NULLABLE, S.PARAMETER, INFO, "old values still accepted"),
    Rule(K.BECAME_NON_NULLABLE, S.PARAMETER, B, "null is refused"),
    Rule(K.DESCRIPTION_CHANGED, S.PARAMETER, INFO, "documentation only"),
    Rule(K.FIELD_ADDED, S.RESPONSE, INFO, "readers ignore what they do not know"),
    Rule(K.FIELD_REMOVED, S.RESPONSE, B, "readers lose a field they may rely on"),
    Rule(K.FIELD_RENAMED, S.RESPONSE, B, "readers look under the old name"),
    Rule(K.BECAME_REQUIRED, S.RESPONSE, INFO, "readers always get it now"),
    Rule(
        K.BECAME_OPTIONAL,
        S.RESPONSE,
        B,
        "readers may find it missing (info when it is writeOnly: readers never get it)",
    ),
    Rule(K.BECAME_NULLABLE, S.RESPONSE, B, "readers may get null"),
    Rule(K.BECAME_NON_NULLABLE, S.RESPONSE, INFO, "readers no longer get null"),
    Rule(K.DESCRIPTION_CHANGED, S.RESPONSE, INFO, "documentation only"),
    Rule(
        K.FIELD_ADDED,
        S.REQUEST,
        INFO,
        "optional: old bodies still valid (breaking when required)",
        if_required=B,
    ),
    Rule(K.FIELD_REMOVED, S.REQUEST, W, "senders still sending it may be ignored or refused"),
    Rule(K.FIELD_RENAMED, S.REQUEST, B, "senders use the old name"),
    Rule(
        K.BECAME_REQUIRED,
        S.REQUEST,
        B,
        "bodies without it are refused (info when it is readOnly: senders never send it)",
    ),
    Rule(K.BECAME_OPTIONAL, S.REQUEST, INFO, "old bodies still valid"),
    Rule(K.BECAME_NULLABLE, S.REQUEST, INFO, "old values still accepted"),
    Rule(K.BECAME_NON_NULLABLE, S.REQUEST, B, "null is refused"),
    Rule(K.DESCRIPTION_CHANGED, S.REQUEST, INFO, "documentation only"),
)


def structure(
    walk: Walk, ctx: ChangeContext, old: dict[str, FieldShape], new: dict[str, FieldShape]
) -> tuple[list[Change], dict[str, FieldShape]]:
    """Renames, removals and additions; returns them and the old shapes moved to their new names."""
    policy, new_date = walk.policy, walk.new_date
    changes: list[Change] = []
    old = dict(old)
    was = {p: p for p in old}  # where each (possibly moved) old path really was
    for _ in range(8):  # renames nest (a renamed field inside a renamed field); each pass peels one
        removed, added = outermost(old, new), outermost(new, old)
        pairs = pair_renames(
            [(p, type_label(old[p])) for p in removed], [(p, type_label(new[p])) for p in added]
        )
        if not pairs:
            break
        for pair in pairs:
            changes.append(
                ctx.change(
                    K.FIELD_RENAMED,
                    pair.new,
                    was[pair.old],
                    pair.new,
                    f"{was[pair.old]} renamed to {pair.new}",
                    confidence=pair.confidence,
                    evidence=pair.evidence,
                    required=new[pair.new].required,
                    origin=new[pair.new].origin or None,
                )
            )
            old = {moved(p, pair.old, pair.new): s for p, s in old.items()}
            was = {moved(p, pair.old, pair.new): o for p, o in was.items()}
    gone = BranchMemo()
    for p in outermost(old, new):
        if came_with_its_container(p, old, new, walk, "old", gone):
            continue  # its parent's type or union branch went: `type-narrowed`, `union-member-removed`
        status = policy.read(("deprecated", True) in old[p].annotations, old[p].annotations)
        if status.deprecated or status.sunset:
            # Readers were given notice: the lifecycle policy grades it, never worse than removing a
            # live field; senders' rule (info: what they still send may be ignored) stands.
            live = ctx.rules[(K.FIELD_REMOVED, ctx.side)].severity
            severity = policy.graded(status, live, new_date) if ctx.side in READ else None
            message = f"{p} removed; {lifecycle_note(policy, status, new_date)}"
            defined = old[p].origin or None
            changes.append(
                ctx.change(
                    K.DEPRECATED_FIELD_REMOVED,
                    p,
                    type_label(old[p]),
                    None,
                    message,
                    severity=severity,
                    origin=defined,
                )
            )
        else:
            defined = old[p].origin or None
            changes.append(
                ctx.change(K.FIELD_REMOVED, p, type_label(old[p]), None, f"{p} removed", origin=defined)
            )
    came = BranchMemo()
    for p in outermost(new, old):
        if came_with_its_container(p, new, old, walk, "new", came):
            continue  # its parent's type or union branch came: `type-widened`, `union-member-added`
        shape = new[p]
        what = "required" if shape.required else "optional"
        message = f"{what} {p} added"
        changes.append(
            ctx.change(
                K.FIELD_ADDED,
                p,
                None,
                type_label(shape),
                message,
                required=shape.required,
                origin=shape.origin or None,
            )
        )
    return changes, old


def required(pair: FieldPair) -> list[Change]:
    a, b = pair.old, pair.new
    if a.required == b.required or pair.is_root:
        return []
    kind = K.BECAME_REQUIRED if b.required else K.BECAME_OPTIONAL
    message = f"{pair.label} is now {'required' if b.required else 'optional'}"
    # A readOnly field is never the sender's to send, a writeOnly one never the reader's to get
    # (OpenAPI): whether it is required does not bind that side.
    hidden = "readOnly" if pair.ctx.side in SEND else "writeOnly"
    if all((hidden, True) in shape.annotations for shape in (a, b)):
        note = f"; it is {hidden}, so this does not bind {'senders' if hidden == 'readOnly' else 'readers'}"
        return [pair.change(kind, a.required, b.required, message + note, severity=INFO)]
    return [pair.change(kind, a.required, b.required, message)]


def nullability(pair: FieldPair) -> list[Change]:
    a, b = pair.old, pair.new
    if a.nullable == b.nullable or not (set(a.types) - {"null"}) or not (set(b.types) - {"null"}):
        return []
    kind = K.BECAME_NULLABLE if b.nullable else K.BECAME_NON_NULLABLE
    message = f"{pair.label} {'may now be' if b.nullable else 'can no longer be'} null"
    return [pair.change(kind, a.nullable, b.nullable, message)]


def description(pair: FieldPair) -> list[Change]:
    a, b = pair.old.description, pair.new.description
    if a == b or not a or not b:
        return []
    return [pair.change(K.DESCRIPTION_CHANGED, a, b, f"{pair.label} description changed")]
