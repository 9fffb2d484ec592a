"""Operations and paths: which operations the two versions share, and which came or went."""

from __future__ import annotations

import re

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import RuleTable, grade

K, S = ChangeKind, Side
FAMILY = "operations and paths"
PARAM = re.compile(r"\{([^}]+)\}")

RULES = (
    Rule(K.OPERATION_ADDED, S.OPERATION, Severity.INFO, "nothing existing calls it"),
    Rule(K.OPERATION_REMOVED, S.OPERATION, Severity.BREAKING, "every caller fails"),
)


def path_shape(path: str) -> str:
    """`/a/{key_id}/b` -> `/a/{}/b`: operations are matched by method and this shape."""
    return PARAM.sub("{}", path)


def operation_change(
    rules: RuleTable, kind: ChangeKind, op: Operation, message: str, **extra: object
) -> Change:
    return Change(
        kind=kind,
        severity=grade(rules, kind, Side.OPERATION),
        operation=op.key,
        side=Side.OPERATION,
        status=None,
        path="",
        old=extra.pop("old", None),
        new=extra.pop("new", None),
        message=message,
        operation_id=op.id,
        **extra,  # type: ignore[arg-type]
    )


def match(
    rules: RuleTable, old: ContractVersion, new: ContractVersion
) -> tuple[list[Change], list[tuple[Operation, Operation]]]:
    """The operation-level changes, and the pairs of operations to compare field by field."""
    old_ops = {(op.method, path_shape(op.path)): op for op in old.operations.values()}
    new_ops = {(op.method, path_shape(op.path)): op for op in new.operations.values()}
    changes = []
    for key in sorted(old_ops.keys() - new_ops.keys()):
        op = old_ops[key]
        changes.append(operation_change(rules, K.OPERATION_REMOVED, op, f"{op.key} was removed"))
    for key in sorted(new_ops.keys() - old_ops.keys()):
        op = new_ops[key]
        changes.append(operation_change(rules, K.OPERATION_ADDED, op, f"{op.key} was added"))
    pairs = [(old_ops[key], new_ops[key]) for key in sorted(old_ops.keys() & new_ops.keys())]
    return changes, pairs
