"""Schema fields: fields added, removed or renamed (with evidence), required-ness, nullability and
descriptions; the structural walk that pairs the fields of two flattened schemas."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from apidrift.check.renames import pair_renames, parent_of
from apidrift.check.shapes import FieldShape
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import READ, SEND, ChangeContext, FieldPair, Walk, moved, outermost, type_label
from apidrift.diff.rules.composition import INLINE_TYPES, branch_changes, nested_branches, renamed_names
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


def _branch_moved(
    path: str,
    these: dict[str, FieldShape],
    others: dict[str, FieldShape],
    memo: dict[str, _Branches],
    walk: Walk,
    side: str,
) -> bool:
    """Whether the field at `path` (in `these`, the `side` version, only) was defined by a oneOf/anyOf
    branch of its parent that the other version does not have, renamed branches aside (or by a
    branch of that branch): the branch came or went, which `union-member-added` or `-removed`
    reports, not the field of a value that still comes. `memo` keeps each parent's branches."""
    shape = these[path]
    parent = path.rsplit(".", 1)[0] if "." in path else ""
    here, there = these.get(parent), others.get(parent)
    # Both must be unions: only then is the branch reported as one.
    if here is None or there is None or not (here.union or there.union):
        return False
    if not there.union and not _has_fields(parent, others):
        return False  # a free-form object now (or before): its fields did go (or come) with it
    branches = memo.get(parent)
    if branches is None:
        names = partial(walk.branch_names, side)
        only_here = branch_changes(
            there, here, _renamed(walk, side, parent, these, others), (parent, others, these)
        )[0]
        named = [n for n in here.union or here.refs[-1:] if n not in INLINE_TYPES]
        one_sided = {n for n in named if only_here[n]}
        brought = frozenset().union(*(names(n) or {n} for n in one_sided))
        kept = frozenset().union(*(names(n) or {n} for n in named if n not in one_sided))
        nested = nested_branches(names, here, there)
        branches = memo[parent] = _Branches(
            (brought - kept) | nested, brought | kept, only_here["object"] > 0
        )
    origin = shape.origin
    # Schema names may hold dots (`openai.Item`): the owner is the name the origin starts with.
    owners = [n for n in branches.named if origin.startswith((f"{n}.", f"{n}["))]
    if owners:
        return max(owners, key=len) in branches.one_sided
    # Defined inline: one of the inline object branches this side has more of.
    return branches.inline_object


@dataclass(frozen=True)
class _Branches:
    """A union parent's branches as `_branch_moved` asks of them: the named schemas only this side's
    branches bring, those every named branch brings, and whether this side has more inline objects."""

    one_sided: frozenset[str]
    named: frozenset[str]
    inline_object: bool


def _reached_only_by_new_branches(
    path: str,
    these: dict[str, FieldShape],
    others: dict[str, FieldShape],
    memo: dict[str, _Reach | None],
    walk: Walk,
    side: str,
) -> bool:
    """Whether the named schema that defines the field at `path` is reached, at some oneOf/anyOf
    ancestor, only through branches the other version lacks (a branch of a new branch's field:
    `input[].action.command` of a new `LocalShellToolCall` item): that branch's change says it."""
    origin = these[path].origin
    at = path
    while origin and at:
        at = parent_of(at)
        here, there = these.get(at), others.get(at)
        if here is None or there is None:
            return False
        if not (here.union or there.union):
            continue
        if at not in memo:
            memo[at] = _reach(at, here, there, these, others, walk, side)
        reach = memo[at]
        if reach is None:
            continue
        owners = [n for n in reach.any if origin.startswith((f"{n}.", f"{n}["))]
        if owners and max(owners, key=len) in reach.only_new:
            return True
    return False


@dataclass(frozen=True)
class _Reach:
    """The named schemas a union's branches reach: `any` through some branch, `only_new` only
    through branches the other version lacks."""

    any: frozenset[str]
    only_new: frozenset[str]


def _reach(
    at: str,
    here: FieldShape,
    there: FieldShape,
    these: dict[str, FieldShape],
    others: dict[str, FieldShape],
    walk: Walk,
    side: str,
) -> _Reach | None:
    labels = here.union or here.refs[-1:]
    if any(n in INLINE_TYPES and n in {"object", "array"} for n in labels):
        return None  # an inline branch may reach anything: none is only the new branches'
    if not there.union and not _has_fields(at, others):
        return None  # a free-form object on the other side: the fields below did go (or come)
    only_here = branch_changes(there, here, _renamed(walk, side, at, these, others), (at, others, these))[0]
    one_sided = {n for n in labels if only_here[n] and n not in INLINE_TYPES}
    one_sided |= nested_branches(partial(walk.branch_names, side), here, there)
    if not one_sided:
        return None
    kept = walk.reached(side, [n for n in labels if n not in one_sided], frozenset(one_sided))
    new = walk.reached(side, one_sided, frozenset())
    return _Reach(any=kept | new, only_new=new - kept)


def _renamed(
    walk: Walk, side: str, at: str, these: dict[str, FieldShape], others: dict[str, FieldShape]
) -> set[str]:
    """The schema names at the field `at` taken as renamed between the versions (both of each pair)."""
    old, new = (these, others) if side == "old" else (others, these)
    pairs = renamed_names(walk, old[at], new[at], (at, old, new))
    return {name for pair in pairs for name in pair[:2]}


def _type_came(path: str, others: dict[str, FieldShape]) -> bool:
    """Whether the field at `path` is there only because its parent may now be (or no longer be) the
    array or object that holds it: `type-widened` (or `-narrowed`) on the parent says so."""
    there = others.get(parent_of(path))
    if there is None or not there.types:
        return False  # a parent of no stated type may have been that array or object all along
    return ("array" if path.endswith("[]") else "object") not in there.types


def _has_fields(parent: str, shapes: dict[str, FieldShape]) -> bool:
    below = f"{parent}." if parent else ""
    return any(p != parent and p.startswith(below) and not p.startswith(f"{parent}[]") for p in shapes)


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
    gone_branches: dict[str, _Branches] = {}
    gone_reach: dict[str, _Reach | None] = {}
    for p in outermost(old, new):
        if (
            _type_came(p, new)
            or _branch_moved(p, old, new, gone_branches, walk, "old")
            or _reached_only_by_new_branches(p, old, new, gone_reach, walk, "old")
        ):
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
    came_branches: dict[str, _Branches] = {}
    came_reach: dict[str, _Reach | None] = {}
    for p in outermost(new, old):
        if (
            _type_came(p, old)
            or _branch_moved(p, new, old, came_branches, walk, "new")
            or _reached_only_by_new_branches(p, new, old, came_reach, walk, "new")
        ):
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
