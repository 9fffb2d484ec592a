"""Whether a field that only one version has came or went with what holds it: its parent's type
(`string` becoming `oneOf: [string, array]`), a union branch of its parent, or a branch of a union
above it. Those changes are reported once, as their own; the field is not also added or removed."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from apidrift.check.renames import parent_of
from apidrift.check.shapes import FieldShape
from apidrift.diff.branches import INLINE_TYPES, branch_changes, nested_branches, renamed_names
from apidrift.diff.fields import Walk

__all__ = ["BranchMemo", "came_with_its_container"]


@dataclass
class BranchMemo:
    """What `came_with_its_container` worked out per union field, for one side of one comparison."""

    parents: dict[str, _Branches] = field(default_factory=dict)
    ancestors: dict[str, _Reach | None] = field(default_factory=dict)


def came_with_its_container(
    path: str,
    these: dict[str, FieldShape],
    others: dict[str, FieldShape],
    walk: Walk,
    side: str,
    memo: BranchMemo,
) -> bool:
    """Whether the field at `path`, in `these` (the `side` version) only, came or went with what holds
    it, which a change of its own reports: its parent's type (`type-widened`), a union branch of its
    parent, or a branch of a union above it (`union-member-added`)."""
    return (
        _type_came(path, others)
        or _branch_moved(path, these, others, memo.parents, walk, side)
        or _reached_only_by_new_branches(path, these, others, memo.ancestors, walk, side)
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
    owner = _owner(shape.origin, branches.named)
    if owner is not None:
        return owner in branches.one_sided
    # Defined inline: one of the inline object branches this side has more of.
    return branches.inline_object


def _owner(origin: str, names: frozenset[str]) -> str | None:
    """The named schema of `names` that defines a field of this origin (`Name.field`), if any. Schema
    names may hold dots (`openai.Item`): the owner is the longest name the origin starts with."""
    owners = [n for n in names if origin.startswith((f"{n}.", f"{n}["))]
    return max(owners, key=len) if owners else None


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
        owner = _owner(origin, reach.any)
        if owner is not None and owner in reach.only_new:
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
    if "object" in labels or "array" in labels:
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
