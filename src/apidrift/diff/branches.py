"""The oneOf/anyOf branches of a field on both sides: which came, went or were renamed, and what
each brings with it (its fields, those below them, its discriminating constant, its own branches).
Composition reports the branches; keywords (and `containers`, for fields) ask here what a branch
brings, so a change is reported once, as the branch's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from apidrift.check.renames import name_similarity, parent_of
from apidrift.check.shapes import FieldShape
from apidrift.diff.fields import FieldPair, Walk

__all__ = [
    "INLINE_TYPES",
    "branch_changes",
    "branch_values",
    "is_inline",
    "nested_branches",
    "renamed_names",
]


Fields = Mapping[str, FieldShape]


def branch_changes(
    old: FieldShape,
    new: FieldShape,
    paired: set[str] = frozenset(),  # type: ignore[assignment]
    fields: tuple[str, Fields, Fields] | None = None,
) -> tuple[Counter[str], Counter[str]]:
    """The oneOf/anyOf branches a field gained and lost, by label with counts, where either version
    is a union; a plain other side is a union of one branch (its type name, or one inline object),
    so a type becoming `oneOf: [itself, Other]` gains one branch. Named branches and inline objects
    count; a JSON type that came or went is the type rule's, and a named type the other version is
    itself (or reaches below another branch) neither came nor went. An inline object whose place a
    named branch took was given a name, unless `fields` (both versions' flattened fields) show the
    named one holds other fields: then one branch went and another came. `fields` is where the
    field is in them (its path there) and the two versions' fields."""
    if not old.union and not new.union:
        return Counter(), Counter()
    before, after = Counter(_labels(old, new)), Counter(_labels(new, old))
    came, gone = after - before, before - after
    for label in ("null", *paired):
        came.pop(label, None)
        gone.pop(label, None)
    named_came, named_gone = ([x for x in c if not is_inline(x)] for c in (came, gone))
    if fields is not None:
        path, old_fields, new_fields = fields
        # Asked only where an inline object went as a named branch came (or back): the field scan
        # is linear in the schema's fields, and most union changes are no such swap.
        if named_came and gone["object"] and not _named_alike(path, old_fields, old, new_fields):
            named_came = []
        if named_gone and came["object"] and not _named_alike(path, new_fields, new, old_fields):
            named_gone = []
    for counter, other, renamed in ((gone, new, bool(named_came)), (came, old, bool(named_gone))):
        admitted = _admitted(other.types)
        for label in list(counter):
            if is_inline(label):
                # A JSON type that came or went is the type rule's (`type-widened`: one finding); an
                # unnamed branch of a type still admitted matters only as one more or fewer object
                # (a scalar branch more or less is a bound, compared as such), and not where named
                # branches came in its place (it was given a name).
                kept = all(t in admitted for t in label.split("|"))
                if not kept or label != "object" or renamed:
                    del counter[label]
            elif _is_itself(label, other):
                del counter[label]
    return came, gone


def branch_values(
    walk: Walk, pair: FieldPair, added: list[Any], removed: list[Any]
) -> tuple[list[Any], list[Any]]:
    """Of the enum values this field gained (`added`) and lost (`removed`), those that only the named
    union branches gained (lost) at its nearest union ancestor give: a discriminator's new `const` is
    the new branch, which `union-member-added` (`-removed`) reports, not a second change to the field."""
    if pair.fields is None:
        return [], []
    old_fields, new_fields = pair.fields
    at = pair.path
    while True:
        a, b = old_fields.get(at), new_fields.get(at)
        if a is None or b is None:
            return [], []
        if a.union or b.union:
            break
        if not at:
            return [], []
        at = parent_of(at)
    rel = pair.path[len(at) :].removeprefix(".")
    # A renamed branch neither came nor went: a constant it changed is the field's change.
    renamed = {
        name for found in renamed_names(walk, a, b, (at, old_fields, new_fields)) for name in found[:2]
    }
    came, gone = branch_changes(a, b, renamed, (at, old_fields, new_fields))
    came.update(nested_branches(partial(walk.branch_names, "new"), b, a))
    gone.update(nested_branches(partial(walk.branch_names, "old"), a, b))
    return (
        _given_by(walk, "new", b, set(came), rel, added) if added else [],
        _given_by(walk, "old", a, set(gone), rel, removed) if removed else [],
    )


def _given_by(
    walk: Walk, side: str, shape: FieldShape, one_sided: set[str], rel: str, wanted: list[Any]
) -> list[Any]:
    """The values of `wanted` at `rel` that the named branches `one_sided` of the union `shape` give
    and its other branches do not. An inline branch that may hold the field gives values nobody can
    name: then none is theirs. A branch equal in both versions gives no value only one has."""
    holders = {"object", "array"} if rel else INLINE_TYPES - {"null"}
    if not one_sided or any(is_inline(n) and holders & set(n.split("|")) for n in shape.union):
        return []
    names = partial(walk.branch_names, side)
    theirs = frozenset().union(*(names(n) for n in one_sided if not is_inline(n)))
    given = _values_at(walk, side, theirs, rel)
    candidates = [v for v in wanted if v in given] if given else []
    if not candidates:
        return []
    changed = [n for n in shape.union if n not in one_sided and not is_inline(n) and not _same(walk, n)]
    # The names a changed branch brings, but not those that bring one of `one_sided` (a branch both
    # sides have that gained a branch of its own gives its values too).
    others = frozenset().union(*(names(n) for n in changed)) - theirs
    kept = _values_at(walk, side, frozenset(n for n in others if not names(n) & theirs), rel)
    return [] if kept is None else [v for v in candidates if v not in kept]


def _same(walk: Walk, name: str) -> bool:
    ref = {"$ref": f"#/$defs/{name}"}
    return walk.unchanged(ref, ref)


def _values_at(walk: Walk, side: str, names: frozenset[str], rel: str) -> list[Any] | None:
    """The enum values the named schemas give at `rel`; None where one admits any value there."""
    found: list[Any] = []
    for name in sorted(names):
        values = walk.values_at(side, name, rel)
        if values is None:
            return None
        found.extend(values)
    return found


def nested_branches(
    names: Callable[[str], frozenset[str]], here: FieldShape, there: FieldShape
) -> frozenset[str]:
    """Named branches of branches (a union inside a branch both versions have) that only `here` has,
    and that are nowhere in `there`: each came (or went) on its own. `names` is `Walk.branch_names`
    for `here`'s side."""
    kept = [n for n in here.union if n in there.union and not is_inline(n)]
    if not kept or not here.refs:
        return frozenset()
    inner = frozenset().union(*(names(n) for n in kept))
    return inner - set(here.union) - set(there.refs) - set(there.union)


def _named_alike(path: str, inline_fields: Fields, inline_shape: FieldShape, named_fields: Fields) -> bool:
    """Whether more than half the fields the inline object branches at `path` held are still fields
    there on the other side (whichever branch now holds them, a named one or one a level down): the
    branch was given a name, not swapped for an unrelated one."""
    named_here = tuple(f"{n}." for n in inline_shape.union if not is_inline(n))
    inline = _direct(path, inline_fields, lambda origin: not origin.startswith(named_here))
    if not inline:
        return True  # an inline object of no fields of its own: nothing tells the two apart
    held = _direct(path, named_fields, lambda origin: True)
    return 2 * len(inline & held) > len(inline)


def _direct(path: str, fields: Fields, origin_ok: Callable[[str], bool]) -> set[str]:
    """Names of the fields right below `path` whose origin `origin_ok` takes."""
    prefix = f"{path}." if path else ""
    names = set()
    for p, shape in fields.items():
        if p.startswith(prefix) and p != path:
            name = p[len(prefix) :]
            if "." not in name and "[" not in name and origin_ok(shape.origin):
                names.add(name)
    return names


def _labels(shape: FieldShape, other: FieldShape) -> tuple[str, ...]:
    """A shape's branch labels as compared with `other`'s. A branch without a type of its own (only
    `required`, say) constrains the value rather than being one: it is no branch here."""
    if shape.union and other.union:
        return tuple(x for x in shape.union if x)
    if shape.union:
        # Against a plain type, JSON types that came or went are the type rule's to report: only
        # named branches count, and inline objects against a plain object.
        plain_object = set(other.types) - {"null"} == {"object"}
        return tuple(x for x in shape.union if x and (not is_inline(x) or (x == "object" and plain_object)))
    if shape.refs and shape.refs[-1] in other.union:
        return (shape.refs[-1],)
    # A plain object is one inline object branch, where the union has inline object branches at all
    # (else its objects come from named branches, or from the field itself around typeless ones).
    if set(shape.types) - {"null"} == {"object"} and "object" in other.union:
        return ("object",)
    return ()


def is_inline(label: str) -> bool:
    """An unnamed branch, labelled by its JSON type or types (`array|string`)."""
    return all(t in INLINE_TYPES for t in label.split("|"))


def _is_itself(name: str, shape: FieldShape) -> bool:
    """Whether the field `shape` is the named type `name` itself (or reaches it below a branch of
    another name) rather than having it as a branch of its own."""
    return name in shape.refs and name not in shape.union


# JSON types whose branches are told apart by their type alone (an `object` branch has fields).
PRIMITIVE = frozenset({"string", "integer", "number", "boolean", "null"})


def _admitted(types: tuple[str, ...]) -> set[str]:
    return {*types, "integer"} if "number" in types else set(types)


INLINE_TYPES = PRIMITIVE | {"object", "array"}


def renamed_names(
    walk: Walk, old: FieldShape, new: FieldShape, fields: tuple[str, Fields, Fields] | None = None
) -> list[tuple[str, str, float, list[str]]]:
    """The schema names at one field taken as renamed, best first: (old name, new name, confidence,
    evidence), each name in one pair at most. A part or branch swapped for an unrelated one is a
    part or branch added and removed, never a rename; a lone name changed elsewhere (a field's own
    type) is taken as one; two union branches with the same discriminating constant are one branch
    renamed. `fields`: where the field is and both versions' fields (for the constants)."""
    gone = sorted(set(old.refs) - set(new.refs))
    came = sorted(set(new.refs) - set(old.refs))
    pairs: list[_Pair] = []
    members = set(old.union) | set(new.union) | set(old.parts) | set(new.parts)
    keys = _constant_keys(fields) if gone and came and old.union and new.union else []
    if len(gone) * len(came) > _PAIRS_COMPARED:
        return _choose(_paired_by_constant(walk, keys, gone, came))
    for old_name in gone:
        for new_name in came:
            score, evidence = name_similarity(old_name, new_name)
            if walk.same_named_shape(old_name, new_name):
                score, evidence = max(score, 0.9), [*evidence, "identical shape"]
            same = _same_constant(walk, keys, old_name, new_name)
            if same:
                score, evidence = max(score, 0.9), [*evidence, same]
            lone = len(gone) == len(came) == 1 and not {old_name, new_name} & members
            if score >= 0.5 or lone:
                pairs.append((old_name, new_name, max(score, 0.5), evidence))
    return _choose(pairs)


# Past this many (old name, new name) pairs at one field, names are paired only by a discriminating
# constant: weighing every name against every other grows with the square of a union's size.
_PAIRS_COMPARED = 2_500
_Pair = tuple[str, str, float, list[str]]


def _choose(pairs: list[_Pair]) -> list[_Pair]:
    """The best pairs, each name in one at most."""
    used: set[str] = set()
    chosen = []
    for old_name, new_name, score, evidence in sorted(pairs, key=lambda t: -t[2]):
        if old_name not in used and new_name not in used:
            used |= {old_name, new_name}
            chosen.append((old_name, new_name, score, evidence))
    return chosen


def _paired_by_constant(walk: Walk, keys: list[str], gone: list[str], came: list[str]) -> list[_Pair]:
    """Gone and new names whose single value of a constant property is the same, and no other name's
    on either side, found through an index: linear in the names."""
    pairs = []
    for key in keys:
        by_value: dict[str, list[str]] = {}
        for name in came:
            values = walk.values_at("new", name, key)
            if values is not None and len(values) == 1:
                by_value.setdefault(repr(values[0]), []).append(name)
        taken: dict[str, list[str]] = {}
        for name in gone:
            values = walk.values_at("old", name, key)
            if values is not None and len(values) == 1:
                taken.setdefault(repr(values[0]), []).append(name)
        for value, olds in taken.items():
            news = by_value.get(value, [])
            if len(olds) == 1 and len(news) == 1:
                pairs.append((olds[0], news[0], 0.9, [f"same {key} {value}"]))
    return pairs


def _constant_keys(fields: tuple[str, Fields, Fields] | None) -> list[str]:
    """The properties right below a union field that both versions bound by an enum or `const`:
    where its branches may be told apart (`type`, `object`, `event`)."""
    if fields is None:
        return []
    path, old_fields, new_fields = fields
    prefix = f"{path}." if path else ""
    keys = []
    for p, shape in new_fields.items():
        key = p[len(prefix) :] if p.startswith(prefix) else ""
        if key and "." not in key and "[" not in key and shape.enum is not None:
            other = old_fields.get(p)
            if other is not None and other.enum is not None:
                keys.append(key)
    return sorted(keys)


def _same_constant(walk: Walk, keys: list[str], old_name: str, new_name: str) -> str:
    """Evidence that two branches are one: the same single value of a property (`type:
    response.created`) in both, else ""."""
    for key in keys:
        before, after = walk.values_at("old", old_name, key), walk.values_at("new", new_name, key)
        if before is not None and after is not None and len(before) == 1 and before == after:
            return f"same {key} {before[0]!r}"
    return ""
