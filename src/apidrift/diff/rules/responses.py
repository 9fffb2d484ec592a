"""Responses and statuses: statuses documented or dropped (or as their range), then each shared
status's body."""

from __future__ import annotations

from apidrift.contracts.model import Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import ChangeContext, RuleTable, Walk
from apidrift.diff.rules import headers, links, media, xml

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
    Rule(
        K.STATUS_BECAME_RANGE,
        S.RESPONSE,
        Severity.WARNING,
        "documented as its range (200 as 2XX): clients may meet another status of the class",
    ),
    Rule(
        K.RANGE_BECAME_STATUS,
        S.RESPONSE,
        Severity.INFO,
        "a range narrowed to one status of it (2XX as 200): clients handling the range handle it",
    ),
)


def is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


def _ranged(gone: list[str], came: list[str]) -> list[tuple[str, str]]:
    """Statuses documented as their range instead (200 -> 2XX) or a range as one of its statuses,
    where that is the only status of the class to go and to come."""
    pairs = []
    for before in gone:
        for after in came:
            if before[:1] != after[:1] or _is_range(before) == _is_range(after):
                continue
            alone = [s for s in gone if s[:1] == before[:1]] == [before]
            if alone and [s for s in came if s[:1] == after[:1]] == [after]:
                pairs.append((before, after))
    return pairs


def _is_range(status: str) -> bool:
    return status[1:].upper() == "XX"


def check(walk: Walk, rules: RuleTable, old: Operation, new: Operation) -> list[Change]:
    changes = []
    gone = sorted(old.responses.keys() - new.responses.keys())
    came = sorted(new.responses.keys() - old.responses.keys())
    compared = [(s, s) for s in sorted(old.responses.keys() & new.responses.keys())]
    for before, after in _ranged(gone, came):
        gone.remove(before)
        came.remove(after)
        compared.append((before, after))
        ctx = ChangeContext(new, Side.RESPONSE, rules, after)
        kind = K.STATUS_BECAME_RANGE if _is_range(after) else K.RANGE_BECAME_STATUS
        message = f"status {before} is now documented as {after}"
        changes.append(ctx.change(kind, "", before, after, message))
    for status in gone:
        ctx = ChangeContext(new, Side.RESPONSE, rules, status)
        kind = K.SUCCESS_STATUS_REMOVED if is_success(status) else K.STATUS_REMOVED
        changes.append(ctx.change(kind, "", status, None, f"status {status} is no longer documented"))
    for status in came:
        ctx = ChangeContext(new, Side.RESPONSE, rules, status)
        changes.append(ctx.change(K.STATUS_ADDED, "", None, status, f"status {status} is now documented"))
    for before, status in compared:
        ctx = ChangeContext(new, Side.RESPONSE, rules, status)
        a, b = old.responses[before], new.responses[status]
        changes += headers.check(walk, ctx, a, b)
        changes += links.check(ctx, a, b)
        primary = a.content_type or JSON
        # Same primary type (or a body only on one side): compare at the body's root as always.
        same = primary == (b.content_type or JSON) or not a.all_media or not b.all_media
        changes += media.check(walk, ctx, a.all_media, b.all_media, primary=primary if same else None)
        changes += xml.check(walk, ctx, a.all_media, b.all_media)
        changes += walk.compare_schemas(ctx, a.schema, b.schema) if same else []
    return changes
