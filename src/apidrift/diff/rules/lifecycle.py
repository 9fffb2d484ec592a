"""Lifecycle: operations and fields deprecated or brought back, sunset dates and stability moved,
and what removing something deprecated is worth under the lifecycle policy (`diff/policy.py`)."""

from __future__ import annotations

from apidrift.contracts.model import Operation
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import READ, SEND, ChangeContext, FieldPair, RuleTable

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
FAMILY = "lifecycle"
# Stability levels from least to most settled; moving down is a warning.
STABILITY = ("experimental", "alpha", "beta", "preview", "stable", "ga")

RULES = (
    Rule(K.OPERATION_DEPRECATED, S.OPERATION, INFO, "still there; plan to move off it"),
    Rule(K.OPERATION_UNDEPRECATED, S.OPERATION, INFO, "no longer on its way out"),
    Rule(K.SUNSET_CHANGED, S.OPERATION, W, "the announced removal date moved (info when it moved later)"),
    Rule(K.STABILITY_CHANGED, S.OPERATION, W, "it claims to be less settled (info when more)"),
    Rule(
        K.DEPRECATED_OPERATION_REMOVED,
        S.OPERATION,
        W,
        "callers had notice (policy: `deprecated_removal`; `after_sunset`, info, once its sunset passed)",
    ),
    *(
        Rule(
            K.DEPRECATED_FIELD_REMOVED,
            side,
            W,
            "readers had notice (policy: `deprecated_removal`)",
        )
        for side in READ
    ),
    *(Rule(K.DEPRECATED_FIELD_REMOVED, side, INFO, "senders had notice; it may be ignored") for side in SEND),
    *(
        Rule(K.FIELD_DEPRECATED, side, INFO, "still there; plan to stop relying on it")
        for side in (*READ, *SEND)
    ),
    *(Rule(K.FIELD_UNDEPRECATED, side, INFO, "no longer on its way out") for side in (*READ, *SEND)),
)


def fields(pair: FieldPair) -> list[Change]:
    before = ("deprecated", True) in pair.old.annotations
    after = ("deprecated", True) in pair.new.annotations
    if before == after:
        return []
    kind = K.FIELD_DEPRECATED if after else K.FIELD_UNDEPRECATED
    return [pair.change(kind, before, after, f"{pair.label} is {'now' if after else 'no longer'} deprecated")]


def operation(rules: RuleTable, old: Operation, new: Operation) -> list[Change]:
    ctx = ChangeContext(new, Side.OPERATION, rules)
    a, b = old.lifecycle, new.lifecycle
    changes = []
    if a.deprecated != b.deprecated:
        kind = K.OPERATION_DEPRECATED if b.deprecated else K.OPERATION_UNDEPRECATED
        message = f"{new.key} is {'now' if b.deprecated else 'no longer'} deprecated"
        changes.append(ctx.change(kind, "deprecated", a.deprecated, b.deprecated, message))
    if a.sunset != b.sunset:
        later = a.sunset is not None and (b.sunset is None or b.sunset > a.sunset)
        message = f"sunset {a.sunset or '(none)'} -> {b.sunset or '(none)'}"
        severity = INFO if later or a.sunset is None else None
        changes.append(ctx.change(K.SUNSET_CHANGED, "sunset", a.sunset, b.sunset, message, severity=severity))
    if a.stability != b.stability:
        settled = _rank(b.stability) >= _rank(a.stability)
        message = f"stability {a.stability or '(none)'} -> {b.stability or '(none)'}"
        severity = INFO if settled else None
        changes.append(
            ctx.change(K.STABILITY_CHANGED, "stability", a.stability, b.stability, message, severity=severity)
        )
    return changes


def _rank(stability: str | None) -> int:
    if stability is None:
        return len(STABILITY)  # undocumented: read as the default, stable
    return STABILITY.index(stability.lower()) if stability.lower() in STABILITY else len(STABILITY)
