"""Responses and statuses: statuses documented or dropped, then each shared status's body."""

from __future__ import annotations

from apidrift.contracts.model import Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, RuleTable, Walk
from apidrift.diff.rules import headers, media

K, S = ChangeKind, Side
FAMILY = "responses and statuses"
JSON = "application/json"

RULES = (
    Rule(K.STATUS_ADDED, S.RESPONSE, Severity.WARNING, "clients meet a status they do not handle"),
    Rule(K.STATUS_REMOVED, S.RESPONSE, Severity.INFO, "an error status no longer occurs"),
    Rule(
        K.SUCCESS_STATUS_REMOVED,
        S.RESPONSE,
        Severity.BREAKING,
        "clients waiting for that success (and its body) get another status",
    ),
)


def is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


def check(walk: Walk, rules: RuleTable, old: Operation, new: Operation) -> list[Change]:
    changes = []
    for status in sorted(old.responses.keys() - new.responses.keys()):
        ctx = ChangeContext(new, Side.RESPONSE, rules, status)
        kind = K.SUCCESS_STATUS_REMOVED if is_success(status) else K.STATUS_REMOVED
        changes.append(ctx.change(kind, "", status, None, f"status {status} is no longer documented"))
    for status in sorted(new.responses.keys() - old.responses.keys()):
        ctx = ChangeContext(new, Side.RESPONSE, rules, status)
        changes.append(ctx.change(K.STATUS_ADDED, "", None, status, f"status {status} is now documented"))
    for status in sorted(old.responses.keys() & new.responses.keys()):
        ctx = ChangeContext(new, Side.RESPONSE, rules, status)
        a, b = old.responses[status], new.responses[status]
        changes += headers.check(walk, ctx, a, b)
        primary = a.content_type or JSON
        # Same primary type (or a body only on one side): compare at the body's root as always.
        same = primary == (b.content_type or JSON) or not a.all_media or not b.all_media
        changes += media.check(walk, ctx, a.all_media, b.all_media, primary=primary if same else None)
        changes += walk.compare_schemas(ctx, a.schema, b.schema) if same else []
    return changes
