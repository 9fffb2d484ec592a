"""Webhooks: requests the API sends. Added or removed, and each payload compared as its receivers
read it (side `webhook`, graded like a response: a payload that admits more can break receivers)."""

from __future__ import annotations

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, RuleTable, Walk
from apidrift.diff.rules.operations import operation_change

K, S = ChangeKind, Side
FAMILY = "webhooks"

RULES = (
    Rule(K.WEBHOOK_ADDED, S.OPERATION, Severity.INFO, "receivers may get an event they do not handle yet"),
    Rule(K.WEBHOOK_REMOVED, S.OPERATION, Severity.WARNING, "receivers stop getting that event"),
)


def check(walk: Walk, rules: RuleTable, old: ContractVersion, new: ContractVersion) -> list[Change]:
    a = {(op.method, op.path): op for op in old.webhooks.values()}
    b = {(op.method, op.path): op for op in new.webhooks.values()}
    changes = []
    for key in sorted(a.keys() - b.keys()):
        changes.append(operation_change(rules, K.WEBHOOK_REMOVED, a[key], f"webhook {a[key].path} removed"))
    for key in sorted(b.keys() - a.keys()):
        changes.append(operation_change(rules, K.WEBHOOK_ADDED, b[key], f"webhook {b[key].path} added"))
    for key in sorted(a.keys() & b.keys()):
        changes += payload(walk, rules, a[key], b[key])
    return changes


def payload(walk: Walk, rules: RuleTable, old: Operation, new: Operation) -> list[Change]:
    ctx = ChangeContext(new, Side.WEBHOOK, rules)
    before = old.request_body.schema if old.request_body else None
    after = new.request_body.schema if new.request_body else None
    return walk.compare_schemas(ctx, before, after)
