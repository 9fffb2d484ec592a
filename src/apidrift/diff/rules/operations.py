"""Operations and paths: which operations the two versions share, which came or went, which moved to
another path (same operationId) and which changed operationId (generated method names change)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from apidrift.check.renames import name_similarity
from apidrift.contracts.model import ContractVersion, Operation
from apidrift.contracts.operations import derived_operation_id
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import RuleTable, grade
from apidrift.diff.policy import LifecyclePolicy, Status

K, S = ChangeKind, Side
FAMILY = "operations and paths"
PARAM = re.compile(r"\{([^}]+)\}")

RULES = (
    Rule(K.OPERATION_ADDED, S.OPERATION, Severity.INFO, "nothing existing calls it"),
    Rule(K.OPERATION_REMOVED, S.OPERATION, Severity.BREAKING, "every caller fails"),
    Rule(
        K.OPERATION_MOVED,
        S.OPERATION,
        Severity.BREAKING,
        "callers use the old path (one move, not a removal and an addition)",
    ),
    Rule(
        K.OPERATION_ID_RENAMED,
        S.OPERATION,
        Severity.WARNING,
        "the HTTP call is the same; generated method names change",
    ),
)


def path_shape(path: str) -> str:
    """`/a/{key_id}/b` -> `/a/{}/b`: operations are matched by method and this shape."""
    return PARAM.sub("{}", path)


def _segments(path: str) -> list[str]:
    """A path's segments without braces or empty ones (a trailing or doubled slash)."""
    return [part for part in path.replace("{", "").replace("}", "").split("/") if part]


def operation_change(
    rules: RuleTable, kind: ChangeKind, op: Operation, message: str, **extra: object
) -> Change:
    severity = extra.pop("severity", None) or grade(rules, kind, Side.OPERATION)
    return Change(
        kind=kind,
        severity=severity,  # type: ignore[arg-type]
        operation=op.key,
        side=Side.OPERATION,
        status=None,
        path=str(extra.pop("path", "")),
        old=extra.pop("old", None),
        new=extra.pop("new", None),
        message=message,
        operation_id=op.id,
        **extra,  # type: ignore[arg-type]
    )


def match(
    rules: RuleTable,
    old: ContractVersion,
    new: ContractVersion,
    policy: LifecyclePolicy,
) -> tuple[list[Change], list[tuple[Operation, Operation]]]:
    """The operation-level changes, and the pairs of operations to compare field by field."""
    return match_operations(rules, old.operations, new.operations, policy, new.date)


def match_operations(
    rules: RuleTable,
    old: dict[str, Operation],
    new: dict[str, Operation],
    policy: LifecyclePolicy,
    new_date: str | None,
) -> tuple[list[Change], list[tuple[Operation, Operation]]]:
    old_ops, new_ops = _by_shape(old.values(), new.values())
    changes: list[Change] = []
    pairs = [(old_ops[key], new_ops[key]) for key in sorted(old_ops.keys() & new_ops.keys())]
    for before, after in pairs:
        # Ids derived from the path on both sides: no operationId to rename, the path says the change.
        derived = before.id == derived_operation_id(before.method, before.path) and after.id == (
            derived_operation_id(after.method, after.path)
        )
        if before.id != after.id and not derived:
            _, similar = name_similarity(before.id, after.id)
            message = f"operationId {before.id} is now {after.id}"
            changes.append(
                operation_change(
                    rules,
                    K.OPERATION_ID_RENAMED,
                    after,
                    message,
                    path="operationId",
                    old=before.id,
                    new=after.id,
                    confidence=1.0,
                    evidence=("same method and path", *similar),
                )
            )
    gone = {old_ops[k].id: old_ops[k] for k in old_ops.keys() - new_ops.keys()}
    came = {new_ops[k].id: new_ops[k] for k in new_ops.keys() - old_ops.keys()}
    for op_id in sorted(gone.keys() & came.keys()):
        before, after = gone.pop(op_id), came.pop(op_id)
        if before.method != after.method:
            gone[op_id], came[op_id] = before, after
            continue
        named = f"same operationId {op_id}"
        if op_id == derived_operation_id(before.method, before.path):
            if _segments(before.path) != _segments(after.path):
                # A slug, not an identity: `/books-new` and `/books/new` both derive `get-books-new`.
                gone[op_id], came[op_id] = before, after
                continue
            named = "no operationId; the same path but for its slashes and braces"
        message = f"{before.key} moved to {after.path}"
        evidence = (named, f"same method {after.method}")
        changes.append(
            operation_change(
                rules,
                K.OPERATION_MOVED,
                after,
                message,
                old=before.path,
                new=after.path,
                confidence=1.0,
                evidence=evidence,
            )
        )
        pairs.append((before, after))
    for op in sorted(gone.values(), key=lambda o: (o.method, path_shape(o.path))):
        status = policy.status(op.lifecycle)
        severity = policy.graded(status, Severity.BREAKING, new_date)
        if severity is None:
            changes.append(operation_change(rules, K.OPERATION_REMOVED, op, f"{op.key} was removed"))
        else:
            message = f"{op.key} was removed; {lifecycle_note(policy, status, new_date)}"
            changes.append(
                operation_change(rules, K.DEPRECATED_OPERATION_REMOVED, op, message, severity=severity)
            )
    for op in sorted(came.values(), key=lambda o: (o.method, path_shape(o.path))):
        changes.append(operation_change(rules, K.OPERATION_ADDED, op, f"{op.key} was added"))
    return changes, pairs


def _by_shape(
    old: Iterable[Operation], new: Iterable[Operation]
) -> tuple[dict[tuple[str, ...], Operation], dict[tuple[str, ...], Operation]]:
    """Each side's operations keyed by method and path shape, the key its counterpart has on the other
    side. Paths of one shape (`/pet/{id}` and `/pet/{name}`, which OpenAPI forbids but documents
    hold) are told apart by their path, then their operationId, then by being the only ones left;
    the rest get keys of their own, so each is compared, added or removed, never dropped."""
    groups: dict[tuple[str, str], tuple[list[Operation], list[Operation]]] = {}
    for side, ops in enumerate((old, new)):
        for op in ops:
            groups.setdefault((op.method, path_shape(op.path)), ([], []))[side].append(op)
    keyed: tuple[dict[tuple[str, ...], Operation], dict[tuple[str, ...], Operation]] = ({}, {})
    for key, (before, after) in groups.items():
        if len(before) <= 1 and len(after) <= 1:
            for side, ops in enumerate((before, after)):
                if ops:
                    keyed[side][key] = ops[0]
            continue
        for attribute in ("path", "id"):
            for op in list(before):
                twin = next((o for o in after if getattr(o, attribute) == getattr(op, attribute)), None)
                if twin is not None:
                    before.remove(op)
                    after.remove(twin)
                    keyed[0][(*key, op.path)], keyed[1][(*key, op.path)] = op, twin
        if len(before) == 1 and len(after) == 1:
            keyed[0][(*key, "")], keyed[1][(*key, "")] = before[0], after[0]
            continue
        for side, ops in enumerate((before, after)):
            keyed[side].update({(*key, str(side), op.path): op for op in ops})
    return keyed


def lifecycle_note(policy: LifecyclePolicy, status: Status, new_date: str | None) -> str:
    """Why a removal is graded by the lifecycle policy: deprecated, and where its sunset stands."""
    what = "it was deprecated" if status.deprecated else "it had a sunset date"
    if not status.sunset:
        return what
    passed = policy.passed(status.sunset, new_date)
    where = "not a date it can read" if passed is None else "passed" if passed else "not reached yet"
    return f"{what} (sunset {status.sunset}, {where})"
