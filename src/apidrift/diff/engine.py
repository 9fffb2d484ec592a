"""Compare two contract versions into classified, rename-aware changes: walk both versions once
and ask the rules of `apidrift.diff.registry` at each operation, parameter, body, status and field."""

from __future__ import annotations

import fnmatch
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from apidrift.check.shapes import FieldShape, SchemaFlattener, refs_in
from apidrift.contracts.model import ContractVersion, JSONSchema, Operation
from apidrift.diff.changes import Change, ChangeKind, Severity, Side
from apidrift.diff.fields import ChangeContext, FieldPair
from apidrift.diff.findings import Finding, group
from apidrift.diff.policy import DEFAULT_POLICY, LifecyclePolicy
from apidrift.diff.registry import FIELD_CHECKS, RULES
from apidrift.diff.rules import (
    bodies,
    lifecycle,
    operations,
    parameters,
    presence,
    responses,
    security,
    servers,
    tags,
    void,
    webhooks,
)
from apidrift.diff.rules.composition import INLINE
from apidrift.diff.rules.operations import path_shape
from apidrift.forked import run_forked

K = ChangeKind
__all__ = ["INLINE", "VersionDiff", "diff_versions", "iter_changes", "path_shape"]


@dataclass
class VersionDiff:
    """Every change from `old` to `new`, ordered by operation, side, status and path."""

    old: str
    new: str
    changes: list[Change] = field(default_factory=list)
    # How many operations each side had and how many were matched and compared (None: not known).
    operations: tuple[int, int, int] | None = None

    def at_least(self, severity: Severity) -> list[Change]:
        return [c for c in self.changes if c.severity.rank >= severity.rank]

    def findings(self) -> list[Finding]:
        """The changes grouped one finding per change to a shared definition (see `diff/findings.py`)."""
        return group(self.changes)

    def only(
        self,
        *,
        operations: Sequence[str] = (),
        paths: Sequence[str] = (),
        severity: Severity | None = None,
        within: Collection[str] | None = None,
    ) -> VersionDiff:
        """The changes to look at: operations matching a glob (by id or `METHOD /path`), under a path
        prefix, at `severity` or worse, among the operations `within` (ids or keys: a `--tag`
        selection); every filter that is given must hold."""

        def keep(c: Change) -> bool:
            names = [n for n in (c.operation_id, c.operation) if n]
            path = (c.operation or "").partition(" ")[2]
            return (
                (within is None or any(n in within for n in names))
                and (not operations or any(fnmatch.fnmatchcase(n, g) for n in names for g in operations))
                and (not paths or any(path.startswith(p) for p in paths))
                and (severity is None or c.severity.rank >= severity.rank)
            )

        return replace(self, changes=[c for c in self.changes if keep(c)])

    def summary(self) -> dict[str, dict[str, int]]:
        by_kind: dict[str, int] = {}
        by_severity = {s.value: 0 for s in Severity}
        for c in self.changes:
            by_kind[c.kind.value] = by_kind.get(c.kind.value, 0) + 1
            by_severity[c.severity.value] += 1
        return {"by_kind": dict(sorted(by_kind.items())), "by_severity": by_severity}


def diff_versions(
    old: ContractVersion,
    new: ContractVersion,
    *,
    include_cosmetic: bool = False,
    policy: LifecyclePolicy = DEFAULT_POLICY,
    children: int = 0,
) -> VersionDiff:
    """Match operations by method and path shape and compare parameters, bodies and responses;
    with `children` > 0 (idle cores), half the operations are compared in a forked child."""
    walk = _Walk(old, new, policy)
    result = VersionDiff(old.version, new.version)
    changes, pairs = operations.match(RULES, old, new, policy)
    result.changes.extend(changes)
    result.changes.extend(security.schemes(RULES, old, new))
    result.changes.extend(servers.document(RULES, old, new))
    result.changes.extend(_compare_operations(walk, pairs, children))
    result.changes.extend(webhooks.check(walk, RULES, old, new))
    result.operations = (len(old.operations), len(new.operations), len(pairs))
    if not include_cosmetic:
        result.changes = [c for c in result.changes if not c.cosmetic]
    return result


# Below this many matched operations a forked child costs more than the half of them it compares.
FORK_FROM_OPERATIONS = 40


def _compare_operations(walk: _Walk, pairs: list[tuple[Operation, Operation]], children: int) -> list[Change]:
    """The changes of each matched pair, in order. With a child, every other pair is compared there
    (`forked.run_forked`: results and errors exactly as one after the other): the walk's caches are
    each process's own, and operations share too few schemas for that to cost much."""
    if children < 1 or len(pairs) < FORK_FROM_OPERATIONS:
        return [change for old, new in pairs for change in walk.operation(old, new)]
    halves = run_forked([partial(_each, walk, pairs[0::2]), partial(_each, walk, pairs[1::2])], children=1)
    return [change for i in range(len(pairs)) for change in halves[i % 2][i // 2]]


def _each(walk: _Walk, pairs: list[tuple[Operation, Operation]]) -> list[list[Change]]:
    return [walk.operation(old, new) for old, new in pairs]


class _Walk:
    """One pass over two versions; flattened shapes are cached per distinct schema and side."""

    def __init__(self, old: ContractVersion, new: ContractVersion, policy: LifecyclePolicy) -> None:
        self.old, self.new, self.policy = old, new, policy
        self.new_date = new.date
        self.old_flat, self.new_flat = (
            SchemaFlattener(old.schemas, detail=True),
            SchemaFlattener(new.schemas, detail=True),
        )
        # A component equal in both versions (with all it reaches) is flattened once, for both.
        self.new_flat.share_with(self.old_flat, self._same_component)
        self._named_shape_cache: dict[tuple[str, str], dict[str, tuple[Any, ...]]] = {}
        self._flat_cache: dict[tuple[str, str], dict[str, FieldShape]] = {}
        self._named_fields: dict[tuple[str, str], Mapping[str, FieldShape]] = {}
        self._same: dict[str, bool] = {}
        self._compared: dict[tuple[Side, str, str], list[Change]] = {}

    def flatten(self, side: str, schema: JSONSchema | None, text: str | None = None) -> dict[str, FieldShape]:
        """Flatten once per distinct schema: operations share response and parameter schemas.
        `text`: the schema's `repr`, where the caller has it already."""
        if schema is None:
            return {}
        # Equal reprs mean equal JSON in the same order, so equal shapes; far cheaper than flattening.
        key = (side, repr(schema) if text is None else text)
        shapes = self._flat_cache.get(key)
        if shapes is None:
            shapes = self._side(side)[1].flatten(schema)
            self._flat_cache[key] = shapes
        return dict(shapes)  # callers may reshape their copy; FieldShapes themselves are immutable

    def operation(self, old: Operation, new: Operation) -> list[Change]:
        changes = lifecycle.operation(self.policy, RULES, old, new)
        changes += security.check(RULES, old, new, (self.old.security_schemes, self.new.security_schemes))
        changes += servers.check(RULES, old, new, (self.old, self.new))
        changes += parameters.check(self, RULES, old, new)
        changes += bodies.check(self, RULES, old, new)
        changes += responses.check(self, RULES, old, new)
        changes += tags.check(RULES, old, new)
        return changes

    def unchanged(self, a: JSONSchema | None, b: JSONSchema | None) -> bool:
        """Equal schemas reaching only components equal in both versions: nothing can differ below
        them, so they need neither flattening nor comparing (most of two close versions)."""
        if a != b:
            return False
        return a is None or all(self._same_component(name) for name in refs_in(a))

    def _same_component(self, name: str) -> bool:
        same = self._same.get(name)
        if same is None:
            old, new = self.old.schemas.get(name), self.new.schemas.get(name)
            reached = self.old_flat.reaches(name) if name in self.old.schemas else frozenset()
            same = old is not None and old == new
            same = same and all(self.old.schemas.get(n) == self.new.schemas.get(n) for n in reached)
            self._same[name] = same
        return same

    def compare_schemas(self, ctx: ChangeContext, a: JSONSchema | None, b: JSONSchema | None) -> list[Change]:
        if self.unchanged(a, b):
            return []
        # Operations share bodies (a list page, an error): the same pair on the same side gives the
        # same changes, which only name another operation and status (no rule reads more of them).
        key = (ctx.side, repr(a), repr(b))
        done = self._compared.get(key)
        if done is not None:
            return [_restamped(c, ctx) for c in done]
        changes = self._compare_schemas(ctx, a, b, texts=key[1:])
        self._compared[key] = changes
        return changes

    def _compare_schemas(
        self,
        ctx: ChangeContext,
        a: JSONSchema | None,
        b: JSONSchema | None,
        texts: tuple[str, str] | tuple[None, None] = (None, None),
    ) -> list[Change]:
        if _admits_all(a) and _admits_all(b):
            return []
        if (a is None and _admits_none(b)) or (_admits_none(a) and b is None):
            a, b = a if a is not None else {}, b if b is not None else {}  # `false` is a bound on any body
        if a is None and b is not None:
            return [ctx.change(K.FIELD_ADDED, "", None, "body", "a body is now documented")]
        if a is not None and b is None:
            return [ctx.change(K.FIELD_REMOVED, "", "body", None, "the body is no longer documented")]
        old_text, new_text = texts
        return self.compare(ctx, self.flatten("old", a, old_text), self.flatten("new", b, new_text), root="")

    def compare(
        self, ctx: ChangeContext, old: dict[str, FieldShape], new: dict[str, FieldShape], root: str
    ) -> list[Change]:
        voids = void.transitions(old, new)
        if voids:
            old, new = void.without_below(old, voids), void.without_below(new, voids)
        changes, old = presence.structure(self, ctx, old, new)
        for path in sorted(old.keys() & new.keys()):
            if old[path] == new[path]:
                continue  # every rule compares facts of the two shapes: equal shapes give nothing
            pair = FieldPair(ctx, path, old[path], new[path], is_root=(path == root), fields=(old, new))
            if voids and path in voids:
                changes.append(void.check(pair))  # its keywords' moves are echoes of the one change
                continue
            for check in FIELD_CHECKS:
                changes += check(self, pair)
        return changes

    def same_named_shape(self, old_name: str, new_name: str) -> bool:
        if old_name not in self.old.schemas or new_name not in self.new.schemas:
            return False
        return self._named_shape("old", old_name) == self._named_shape("new", new_name)

    def _named_shape(self, side: str, name: str) -> dict[str, tuple[Any, ...]]:
        key = (side, name)
        if key not in self._named_shape_cache:
            shapes = self.named_fields(side, name)
            self._named_shape_cache[key] = {p: (s.types, s.required, s.enum) for p, s in shapes.items()}
        return self._named_shape_cache[key]

    def named_fields(self, side: str, name: str) -> Mapping[str, FieldShape]:
        """The fields of the named schema `name` on `side` ("old" or "new"); none if it has no such name."""
        key = (side, name)
        fields = self._named_fields.get(key)
        if fields is None:
            # Through a reference: the fields below each named schema are flattened once per version.
            known = name in self._side(side)[0].schemas
            fields = self.flatten(side, {"$ref": f"#/$defs/{name}"}) if known else {}
            self._named_fields[key] = fields
        return fields

    def values_at(self, side: str, name: str, rel: str) -> tuple[Any, ...] | None:
        """The enum values the named schema `name` gives its field `rel` ("" for itself): none where it
        has no such field, None where it admits any value there."""
        if "." not in rel and "[" not in rel and rel != "*":
            # A property of its own (a discriminator, say): read without flattening the whole schema.
            version, flattener = self._side(side)
            return flattener.values_at(name, rel) if name in version.schemas else ()
        field = self.named_fields(side, name).get(rel)
        return () if field is None else field.enum

    def reached(self, side: str, starts: Iterable[str], avoid: frozenset[str]) -> frozenset[str]:
        """The named schemas of `side` that `starts` reach (themselves included), not through `avoid`."""
        return self._side(side)[1].reached(starts, avoid)

    def branch_names(self, side: str, label: str) -> frozenset[str]:
        """The named schemas a union branch labelled `label` brings: itself and, where it is a union
        too, its own branches' names. An inline branch (a JSON type's label) brings none."""
        version, flattener = self._side(side)
        return flattener.member_names(label) if label in version.schemas else frozenset()

    def _side(self, side: str) -> tuple[ContractVersion, SchemaFlattener]:
        """The version ("old" or "new") and its flattener."""
        return (self.old, self.old_flat) if side == "old" else (self.new, self.new_flat)


def _restamped(change: Change, ctx: ChangeContext) -> Change:
    """`change` as found in `ctx`'s operation and status (built as `ChangeContext.change` does)."""
    return replace(change, operation=ctx.operation.key, operation_id=ctx.operation.id, status=ctx.status)


def iter_changes(diff: VersionDiff, kinds: Iterable[ChangeKind]) -> list[Change]:
    wanted = set(kinds)
    return [c for c in diff.changes if c.kind in wanted]


def _admits_all(schema: object) -> bool:
    """No schema, or `schema: true`: every body fits (one becoming the other is no change)."""
    return schema is None or schema is True


def _admits_none(schema: object) -> bool:
    return schema is False
