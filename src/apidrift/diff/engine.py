"""Compare two contract versions into classified, rename-aware changes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from apidrift.check.renames import name_similarity, pair_renames
from apidrift.check.shapes import FieldShape, SchemaFlattener
from apidrift.contracts.model import ContractVersion, JSONSchema, Operation, Parameter
from apidrift.diff.changes import Change, ChangeKind, Severity, Side, severity_of
from apidrift.diff.fields import (
    ChangeContext,
    enum_changes,
    most_similar,
    moved,
    outermost,
    prefixed,
    type_label,
)

K = ChangeKind
_PARAM = re.compile(r"\{([^}]+)\}")
INLINE = "(inline)"


def path_shape(path: str) -> str:
    """`/a/{key_id}/b` -> `/a/{}/b`: operations are matched by method and this shape."""
    return _PARAM.sub("{}", path)


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

    def summary(self) -> dict[str, dict[str, int]]:
        by_kind: dict[str, int] = {}
        by_severity = {s.value: 0 for s in Severity}
        for c in self.changes:
            by_kind[c.kind.value] = by_kind.get(c.kind.value, 0) + 1
            by_severity[c.severity.value] += 1
        return {"by_kind": dict(sorted(by_kind.items())), "by_severity": by_severity}


def diff_versions(
    old: ContractVersion, new: ContractVersion, *, include_cosmetic: bool = False
) -> VersionDiff:
    """Match operations by method and path shape and compare parameters, bodies and responses."""
    differ = _Differ(old, new)
    result = VersionDiff(old.version, new.version)
    old_ops = {(op.method, path_shape(op.path)): op for op in old.operations.values()}
    new_ops = {(op.method, path_shape(op.path)): op for op in new.operations.values()}
    for key in sorted(old_ops.keys() - new_ops.keys()):
        op = old_ops[key]
        result.changes.append(_op_change(K.OPERATION_REMOVED, op, f"{op.key} was removed"))
    for key in sorted(new_ops.keys() - old_ops.keys()):
        op = new_ops[key]
        result.changes.append(_op_change(K.OPERATION_ADDED, op, f"{op.key} was added"))
    for key in sorted(old_ops.keys() & new_ops.keys()):
        result.changes.extend(differ.operation(old_ops[key], new_ops[key]))
    result.operations = (len(old.operations), len(new.operations), len(old_ops.keys() & new_ops.keys()))
    if not include_cosmetic:
        result.changes = [c for c in result.changes if not c.cosmetic]
    return result


def _op_change(kind: ChangeKind, op: Operation, message: str) -> Change:
    return Change(
        kind,
        severity_of(kind, Side.OPERATION),
        op.key,
        Side.OPERATION,
        None,
        "",
        None,
        None,
        message,
        operation_id=op.id,
    )


class _Differ:
    def __init__(self, old: ContractVersion, new: ContractVersion) -> None:
        self.old, self.new = old, new
        self.old_flat, self.new_flat = SchemaFlattener(old.schemas), SchemaFlattener(new.schemas)
        self._named_shape_cache: dict[tuple[str, str], dict[str, tuple[Any, ...]]] = {}
        self._flat_cache: dict[tuple[str, str], dict[str, FieldShape]] = {}

    def _flatten(self, side: str, schema: JSONSchema | None) -> dict[str, FieldShape]:
        """Flatten once per distinct schema: operations share response and parameter schemas."""
        if schema is None:
            return {}
        # Equal reprs mean equal JSON in the same order, so equal shapes; far cheaper than flattening.
        key = (side, repr(schema))
        shapes = self._flat_cache.get(key)
        if shapes is None:
            shapes = (self.old_flat if side == "old" else self.new_flat).flatten(schema)
            self._flat_cache[key] = shapes
        return dict(shapes)  # callers may reshape their copy; FieldShapes themselves are immutable

    def operation(self, old: Operation, new: Operation) -> list[Change]:
        changes = self._path_params(old, new)
        changes += self._params(old, new)
        changes += self._request(old, new)
        changes += self._responses(old, new)
        return changes

    # --- parameters ---------------------------------------------------------------------

    def _path_params(self, old: Operation, new: Operation) -> list[Change]:
        ctx = ChangeContext(new, Side.PARAMETER)
        changes = []
        old_names, new_names = _PARAM.findall(old.path), _PARAM.findall(new.path)
        old_by_name = {p.name: p for p in old.path_params}
        new_by_name = {p.name: p for p in new.path_params}
        for before, after in zip(old_names, new_names, strict=True):
            if before != after:
                score, evidence = name_similarity(before, after)
                changes.append(
                    ctx.change(
                        K.PATH_PARAM_RENAMED,
                        after,
                        before,
                        after,
                        f"path parameter {{{before}}} renamed to {{{after}}} ({old.path} -> {new.path})",
                        confidence=max(score, 0.5),
                        evidence=(*evidence, "same position in the same path shape"),
                    )
                )
            if before in old_by_name and after in new_by_name:
                changes += self._param_schema(ctx, after, old_by_name[before], new_by_name[after])
        return changes

    def _params(self, old: Operation, new: Operation) -> list[Change]:
        ctx = ChangeContext(new, Side.PARAMETER)
        before = {(p.location, p.name): p for p in old.parameters if p.location != "path"}
        after = {(p.location, p.name): p for p in new.parameters if p.location != "path"}
        changes = []
        for key in sorted(before.keys() - after.keys()):
            changes.append(
                ctx.change(K.PARAM_REMOVED, key[1], key[0], None, f"{key[0]} parameter {key[1]} removed")
            )
        for key in sorted(after.keys() - before.keys()):
            p = after[key]
            what = "required" if p.required else "optional"
            changes.append(
                ctx.change(
                    K.PARAM_ADDED,
                    key[1],
                    None,
                    key[0],
                    f"{what} {key[0]} parameter {key[1]} added",
                    required=p.required,
                )
            )
        for key in sorted(before.keys() & after.keys()):
            a, b = before[key], after[key]
            if a.required != b.required:
                kind = K.PARAM_BECAME_REQUIRED if b.required else K.PARAM_BECAME_OPTIONAL
                changes.append(
                    ctx.change(
                        kind,
                        key[1],
                        a.required,
                        b.required,
                        f"{key[1]} is now {'required' if b.required else 'optional'}",
                    )
                )
            changes += self._param_schema(ctx, key[1], a, b)
        return changes

    def _param_schema(self, ctx: ChangeContext, name: str, a: Parameter, b: Parameter) -> list[Change]:
        old_shapes = self._flatten("old", a.schema)
        new_shapes = self._flatten("new", b.schema)
        return self._compare(ctx, prefixed(old_shapes, name), prefixed(new_shapes, name), root=name)

    # --- bodies ---------------------------------------------------------------------------

    def _request(self, old: Operation, new: Operation) -> list[Change]:
        ctx = ChangeContext(new, Side.REQUEST)
        a, b = old.request_body, new.request_body
        if a is None and b is None:
            return []
        if a is None:
            assert b is not None
            return [
                ctx.change(K.FIELD_ADDED, "", None, "body", "a request body was added", required=b.required)
            ]
        if b is None:
            return [ctx.change(K.FIELD_REMOVED, "", "body", None, "the request body was removed")]
        changes = []
        if a.required != b.required:
            kind = K.BECAME_REQUIRED if b.required else K.BECAME_OPTIONAL
            changes.append(
                ctx.change(
                    kind,
                    "",
                    a.required,
                    b.required,
                    "the request body is now " + ("required" if b.required else "optional"),
                )
            )
        return changes + self._compare_schemas(ctx, a.schema, b.schema)

    def _responses(self, old: Operation, new: Operation) -> list[Change]:
        changes = []
        for status in sorted(old.responses.keys() - new.responses.keys()):
            ctx = ChangeContext(new, Side.RESPONSE, status)
            changes.append(
                ctx.change(K.STATUS_REMOVED, "", status, None, f"status {status} is no longer documented")
            )
        for status in sorted(new.responses.keys() - old.responses.keys()):
            ctx = ChangeContext(new, Side.RESPONSE, status)
            changes.append(ctx.change(K.STATUS_ADDED, "", None, status, f"status {status} is now documented"))
        for status in sorted(old.responses.keys() & new.responses.keys()):
            ctx = ChangeContext(new, Side.RESPONSE, status)
            changes += self._compare_schemas(ctx, old.responses[status].schema, new.responses[status].schema)
        return changes

    def _compare_schemas(
        self, ctx: ChangeContext, a: JSONSchema | None, b: JSONSchema | None
    ) -> list[Change]:
        if a is None and b is not None:
            return [ctx.change(K.FIELD_ADDED, "", None, "body", "a body is now documented")]
        if a is not None and b is None:
            return [ctx.change(K.FIELD_REMOVED, "", "body", None, "the body is no longer documented")]
        return self._compare(ctx, self._flatten("old", a), self._flatten("new", b), root="")

    # --- the structural comparison --------------------------------------------------------

    def _compare(
        self, ctx: ChangeContext, old: dict[str, FieldShape], new: dict[str, FieldShape], root: str
    ) -> list[Change]:
        changes: list[Change] = []
        old = dict(old)
        origin = {p: p for p in old}  # where each (possibly moved) old path really was
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
                        origin[pair.old],
                        pair.new,
                        f"{origin[pair.old]} renamed to {pair.new}",
                        confidence=pair.confidence,
                        evidence=pair.evidence,
                        required=new[pair.new].required,
                    )
                )
                old = {moved(p, pair.old, pair.new): s for p, s in old.items()}
                origin = {moved(p, pair.old, pair.new): o for p, o in origin.items()}
        for p in outermost(old, new):
            changes.append(ctx.change(K.FIELD_REMOVED, p, type_label(old[p]), None, f"{p} removed"))
        for p in outermost(new, old):
            shape = new[p]
            what = "required" if shape.required else "optional"
            changes.append(
                ctx.change(
                    K.FIELD_ADDED, p, None, type_label(shape), f"{what} {p} added", required=shape.required
                )
            )
        for p in sorted(old.keys() & new.keys()):
            changes += self._facets(ctx, p, old[p], new[p], is_root=(p == root))
        return changes

    def _facets(
        self, ctx: ChangeContext, path: str, a: FieldShape, b: FieldShape, *, is_root: bool
    ) -> list[Change]:
        out = []
        label = path or "(body)"
        if a.required != b.required and not is_root:
            kind = K.BECAME_REQUIRED if b.required else K.BECAME_OPTIONAL
            out.append(
                ctx.change(
                    kind,
                    path,
                    a.required,
                    b.required,
                    f"{label} is now {'required' if b.required else 'optional'}",
                )
            )
        ta, tb = set(a.types) - {"null"}, set(b.types) - {"null"}
        if ta and tb and ta != tb:
            out.append(
                ctx.change(
                    K.TYPE_CHANGED,
                    path,
                    sorted(ta),
                    sorted(tb),
                    f"{label} type {'|'.join(sorted(ta))} -> {'|'.join(sorted(tb))}",
                )
            )
        if a.nullable != b.nullable and ta and tb:
            kind = K.BECAME_NULLABLE if b.nullable else K.BECAME_NON_NULLABLE
            out.append(
                ctx.change(
                    kind,
                    path,
                    a.nullable,
                    b.nullable,
                    f"{label} {'may now be' if b.nullable else 'can no longer be'} null",
                )
            )
        out += enum_changes(ctx, path, label, a, b)
        out += self._schema_renames(ctx, path, a, b)
        if a.constraints != b.constraints:
            out.append(
                ctx.change(
                    K.CONSTRAINT_CHANGED,
                    path,
                    dict(a.constraints),
                    dict(b.constraints),
                    f"{label} constraints changed",
                )
            )
        if a.description != b.description and a.description and b.description:
            out.append(
                ctx.change(
                    K.DESCRIPTION_CHANGED, path, a.description, b.description, f"{label} description changed"
                )
            )
        return out

    def _schema_renames(self, ctx: ChangeContext, path: str, a: FieldShape, b: FieldShape) -> list[Change]:
        gone, came = sorted(set(a.refs) - set(b.refs)), sorted(set(b.refs) - set(a.refs))
        if not gone and not came:
            return []
        out = []
        pairs: list[tuple[str, str, float, list[str]]] = []
        for old_name in gone:
            for new_name in came:
                score, evidence = name_similarity(old_name, new_name)
                if self._same_named_shape(old_name, new_name):
                    score, evidence = max(score, 0.9), [*evidence, "identical shape"]
                if score >= 0.5 or (len(gone) == len(came) == 1):
                    pairs.append((old_name, new_name, max(score, 0.5), evidence))
        used: set[str] = set()
        for old_name, new_name, score, evidence in sorted(pairs, key=lambda t: -t[2]):
            if old_name in used or new_name in used:
                continue
            used |= {old_name, new_name}
            out.append(
                ctx.change(
                    K.SCHEMA_RENAMED,
                    path,
                    old_name,
                    new_name,
                    f"type {old_name} renamed to {new_name}",
                    confidence=round(score, 2),
                    evidence=tuple(evidence),
                )
            )
        # A name only lost or only gained. When the other side is still named (a new type that wraps
        # the old one through allOf, say), it is a rename from or to that name; otherwise an inlining.
        if not came:
            for old_name in gone:
                kept = most_similar(old_name, b.refs)
                if kept:
                    message = f"type {old_name} now {kept}"
                else:
                    message = f"type {old_name} replaced by an inline schema"
                out.append(ctx.change(K.SCHEMA_RENAMED, path, old_name, kept or INLINE, message))
        if not gone:
            for new_name in came:
                kept = most_similar(new_name, a.refs)
                if kept:
                    message = f"type {kept} now {new_name}, which is built on it"
                else:
                    message = f"inline schema now named {new_name}"
                out.append(ctx.change(K.SCHEMA_RENAMED, path, kept or INLINE, new_name, message))
        return out

    def _same_named_shape(self, old_name: str, new_name: str) -> bool:
        if old_name not in self.old.schemas or new_name not in self.new.schemas:
            return False
        return self._named_shape("old", old_name) == self._named_shape("new", new_name)

    def _named_shape(self, side: str, name: str) -> dict[str, tuple[Any, ...]]:
        key = (side, name)
        if key not in self._named_shape_cache:
            version = self.old if side == "old" else self.new
            shapes = self._flatten(side, version.schemas[name])
            self._named_shape_cache[key] = {p: (s.types, s.required, s.enum) for p, s in shapes.items()}
        return self._named_shape_cache[key]


def iter_changes(diff: VersionDiff, kinds: Iterable[ChangeKind]) -> list[Change]:
    wanted = set(kinds)
    return [c for c in diff.changes if c.kind in wanted]
