"""Webhooks: requests the API sends. Added or removed, and each payload compared as its receivers
read it (side `webhook`, graded like a response: a payload that admits more can break receivers)."""

from __future__ import annotations

from apidrift.contracts.model import ContractVersion, Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, RuleTable, Walk
from apidrift.diff.rules import media, xml
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
    """The payload's media types, then its schema: at the root where both versions agree on the
    primary media type, else under each media type's name (as request bodies are compared)."""
    ctx = ChangeContext(new, Side.WEBHOOK, rules)
    a, b = old.request_body, new.request_body
    if a is None or b is None:
        return walk.compare_schemas(ctx, a.schema if a else None, b.schema if b else None)
    same = a.content_type == b.content_type
    changes = media.check(walk, ctx, a.all_media, b.all_media, primary=a.content_type if same else None)
    changes += xml.check(walk, ctx, a.all_media, b.all_media)
    return changes + (walk.compare_schemas(ctx, a.schema, b.schema) if same else [])
