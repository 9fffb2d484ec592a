"""Parameters: path parameters renamed in place, query and header parameters added, removed or
made required, and each parameter's schema compared field by field."""

from __future__ import annotations

from dataclasses import replace

from apidrift.check.renames import name_similarity
from apidrift.contracts.model import Operation, Parameter
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, RuleTable, Walk, prefixed
from apidrift.diff.rules import lifecycle, style
from apidrift.diff.rules.operations import PARAM, lifecycle_note, path_shape

K, S = ChangeKind, Side
B, INFO, W = Severity.BREAKING, Severity.INFO, Severity.WARNING
FAMILY = "parameters"

RULES = (
    Rule(K.PATH_PARAM_RENAMED, S.PARAMETER, B, "the URL shape is the same, but SDKs name their arguments"),
    Rule(
        K.PARAM_ADDED,
        S.PARAMETER,
        INFO,
        "optional: old calls still work (breaking when required)",
        if_required=B,
    ),
    Rule(K.PARAM_REMOVED, S.PARAMETER, W, "callers still sending it may be ignored or refused"),
    Rule(K.PARAM_BECAME_REQUIRED, S.PARAMETER, B, "calls without it are refused"),
    Rule(K.PARAM_BECAME_OPTIONAL, S.PARAMETER, INFO, "old calls still work"),
    Rule(K.PARAM_RENAMED, S.PARAMETER, B, "callers send the old name, which is no longer read"),
)
# How alike two parameter names must be to be one renamed (a lone pair of one type needs less).
RENAMED, LONE_RENAMED = 0.5, 0.3


def check(walk: Walk, rules: RuleTable, old: Operation, new: Operation) -> list[Change]:
    ctx = ChangeContext(new, Side.PARAMETER, rules)
    if path_shape(old.path) != path_shape(new.path):
        # A moved operation: its path parameters are matched by name like the others.
        return _params(walk, ctx, old, new, locations=("path",))
    return _path_params(walk, ctx, old, new) + _params(walk, ctx, old, new)


def _path_params(walk: Walk, ctx: ChangeContext, old: Operation, new: Operation) -> list[Change]:
    changes = []
    old_names, new_names = PARAM.findall(old.path), PARAM.findall(new.path)
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
            changes += style.check(ctx, old_by_name[before], new_by_name[after])
            changes += param_schema(walk, ctx, after, old_by_name[before], new_by_name[after])
    return changes


def _params(
    walk: Walk, ctx: ChangeContext, old: Operation, new: Operation, locations: tuple[str, ...] = ()
) -> list[Change]:
    before = {_key(p): p for p in old.parameters if p.location != "path" or p.location in locations}
    after = {_key(p): p for p in new.parameters if p.location != "path" or p.location in locations}
    changes = []
    for old_key, new_key, score, evidence in _renames(walk, before, after):
        a, b = before.pop(old_key), after.pop(new_key)
        message = f"{old_key[0]} parameter {a.name} renamed to {b.name}"
        changes.append(
            ctx.change(
                K.PARAM_RENAMED,
                b.name,
                a.name,
                b.name,
                message,
                confidence=score,
                evidence=evidence,
            )
        )
        if a.required != b.required:
            kind = K.PARAM_BECAME_REQUIRED if b.required else K.PARAM_BECAME_OPTIONAL
            message = f"{b.name} is now {'required' if b.required else 'optional'}"
            changes.append(ctx.change(kind, b.name, a.required, b.required, message))
        changes += param_schema(walk, ctx, b.name, a, b)
    for key in sorted(before.keys() - after.keys()):
        name = before[key].name
        status = walk.policy.status(before[key].lifecycle)
        severity = walk.policy.graded(
            status, ctx.rules[(K.PARAM_REMOVED, S.PARAMETER)].severity, walk.new_date
        )
        if severity is None:
            message = f"{key[0]} parameter {name} removed"
            changes.append(ctx.change(K.PARAM_REMOVED, name, key[0], None, message))
        else:
            note = lifecycle_note(walk.policy, status, walk.new_date)
            message = f"{key[0]} parameter {name} removed; {note}"
            changes.append(
                ctx.change(K.DEPRECATED_PARAM_REMOVED, name, key[0], None, message, severity=severity)
            )
    for key in sorted(after.keys() - before.keys()):
        p = after[key]
        what = "required" if p.required else "optional"
        message = f"{what} {key[0]} parameter {p.name} added"
        changes.append(ctx.change(K.PARAM_ADDED, p.name, None, key[0], message, required=p.required))
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if a.required != b.required:
            kind = K.PARAM_BECAME_REQUIRED if b.required else K.PARAM_BECAME_OPTIONAL
            message = f"{b.name} is now {'required' if b.required else 'optional'}"
            changes.append(ctx.change(kind, b.name, a.required, b.required, message))
        changes += lifecycle.parameter(walk.policy, ctx, a, b)
        changes += style.check(ctx, a, b)
        changes += param_schema(walk, ctx, b.name, a, b)
    return changes


Key = tuple[str, str]


def _key(parameter: Parameter) -> Key:
    """Where a parameter is and its name; HTTP header names are case-insensitive (RFC 9110), so
    `X-Trace` becoming `x-trace` is the same parameter."""
    name = parameter.name.lower() if parameter.location == "header" else parameter.name
    return parameter.location, name


def _renames(
    walk: Walk, before: dict[Key, Parameter], after: dict[Key, Parameter]
) -> list[tuple[Key, Key, float, tuple[str, ...]]]:
    """Removed and added parameters of one location that are one parameter renamed."""
    gone, came = sorted(before.keys() - after.keys()), sorted(after.keys() - before.keys())
    candidates = []
    for old_key in gone:
        for new_key in came:
            if old_key[0] != new_key[0]:
                continue
            same_type = _type(walk, "old", before[old_key]) == _type(walk, "new", after[new_key])
            if not same_type:
                continue
            score, similar = name_similarity(before[old_key].name, after[new_key].name)
            lone = sum(k[0] == old_key[0] for k in gone) == sum(k[0] == new_key[0] for k in came) == 1
            if score >= RENAMED or (lone and score >= LONE_RENAMED):
                candidates.append((old_key, new_key, score, (*similar, "same location and type")))
    out, used = [], set()
    for old_key, new_key, score, evidence in sorted(candidates, key=lambda c: -c[2]):
        if old_key not in used and new_key not in used:
            used |= {old_key, new_key}
            out.append((old_key, new_key, max(score, 0.5), evidence))
    return out


def _type(walk: Walk, side: str, parameter: Parameter) -> tuple[str, ...]:
    root = walk.flatten(side, parameter.schema).get("")
    return root.types if root else ()


def param_schema(walk: Walk, ctx: ChangeContext, name: str, a: Parameter, b: Parameter) -> list[Change]:
    if walk.unchanged(a.schema, b.schema):
        return []
    old_shapes = walk.flatten("old", a.schema)
    new_shapes = walk.flatten("new", b.schema)
    changes = walk.compare(ctx, prefixed(old_shapes, name), prefixed(new_shapes, name), root=name)
    if a.required and b.required:
        # A required parameter is always sent: its default is never filled in for callers.
        changes = [
            replace(
                c, severity=Severity.INFO, message=f"{c.message}; it is required, so callers always send it"
            )
            if c.kind is K.DEFAULT_CHANGED and c.path == name
            else c
            for c in changes
        ]
    return changes
