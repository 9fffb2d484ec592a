"""Lifecycle: operations, parameters and fields deprecated or brought back, sunset dates and
stability moved, and what removing something deprecated is worth under the lifecycle policy
(`diff/policy.py`: deprecated without a date, before its sunset, after it)."""

from __future__ import annotations

from typing import Any

from apidrift.contracts.model import Operation, Parameter
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import READ, SEND, ChangeContext, FieldPair, RuleTable, Walk
from apidrift.diff.policy import LifecyclePolicy, Status, sunset_date

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
FAMILY = "lifecycle"
# Stability levels from least to most settled; moving down is a warning.
STABILITY = ("experimental", "alpha", "beta", "preview", "stable", "ga")

RULES = (
    Rule(K.OPERATION_DEPRECATED, S.OPERATION, INFO, "still there; plan to move off it"),
    Rule(K.OPERATION_UNDEPRECATED, S.OPERATION, INFO, "no longer on its way out"),
    *(
        Rule(
            K.SUNSET_CHANGED, side, W, "the announced removal date moved (info when it moved later or is new)"
        )
        for side in (S.OPERATION, *READ, *SEND)
    ),
    Rule(K.STABILITY_CHANGED, S.OPERATION, W, "it claims to be less settled (info when more)"),
    Rule(
        K.DEPRECATED_OPERATION_REMOVED,
        S.OPERATION,
        W,
        "callers had notice (policy: `deprecated_removal`; `after_sunset`, info, once its sunset "
        "passed; `before_sunset`, breaking, before it)",
    ),
    *(
        Rule(
            K.DEPRECATED_FIELD_REMOVED,
            side,
            W,
            "readers had notice (policy: `deprecated_removal`, `after_sunset`, `before_sunset`)",
        )
        for side in READ
    ),
    *(Rule(K.DEPRECATED_FIELD_REMOVED, side, INFO, "senders had notice; it may be ignored") for side in SEND),
    Rule(K.PARAM_DEPRECATED, S.PARAMETER, INFO, "still read; plan to stop sending it"),
    Rule(K.PARAM_UNDEPRECATED, S.PARAMETER, INFO, "no longer on its way out"),
    Rule(
        K.DEPRECATED_PARAM_REMOVED,
        S.PARAMETER,
        W,
        "callers had notice (policy as for operations, never worse than `param-removed`)",
    ),
    *(
        Rule(K.FIELD_DEPRECATED, side, INFO, "still there; plan to stop relying on it")
        for side in (*READ, *SEND)
    ),
    *(Rule(K.FIELD_UNDEPRECATED, side, INFO, "no longer on its way out") for side in (*READ, *SEND)),
)


def fields(walk: Walk, pair: FieldPair) -> list[Change]:
    was = field_status(walk.policy, pair.old.annotations)
    now = field_status(walk.policy, pair.new.annotations)
    changes = []
    if was.deprecated != now.deprecated:
        kind = K.FIELD_DEPRECATED if now.deprecated else K.FIELD_UNDEPRECATED
        message = f"{pair.label} is {'now' if now.deprecated else 'no longer'} deprecated"
        changes.append(pair.change(kind, was.deprecated, now.deprecated, message))
    if was.sunset != now.sunset:
        message = f"{pair.label}: sunset {was.sunset or '(none)'} -> {now.sunset or '(none)'}"
        changes.append(
            pair.change(
                K.SUNSET_CHANGED,
                was.sunset,
                now.sunset,
                message,
                severity=_sunset_severity(was.sunset, now.sunset),
            )
        )
    return changes


def _sunset_severity(was: str | None, now: str | None) -> Severity | None:
    """A date announced for the first time, moved later or dropped gives more notice (info); moved
    earlier, it takes notice away (the rule's own severity, a warning)."""
    if was is None:
        return INFO
    if now is None:
        return INFO
    before, after = sunset_date(was), sunset_date(now)
    if before is None or after is None:
        return None  # a date it cannot read on either side: the rule's warning, to look at
    return INFO if after >= before else None  # the same day written another way gives as much notice


def field_status(policy: LifecyclePolicy, annotations: tuple[tuple[str, Any], ...]) -> Status:
    """A schema field's status: its `deprecated` keyword and the policy's extensions among its
    annotations (the flattener keeps every lifecycle-like `x-` keyword there)."""
    return policy.read(("deprecated", True) in annotations, annotations)


def parameter(policy: LifecyclePolicy, ctx: ChangeContext, old: Parameter, new: Parameter) -> list[Change]:
    """A parameter deprecated or brought back (`deprecated: true` or the policy's extensions), or its
    sunset date moved."""
    was, now = policy.status(old.lifecycle), policy.status(new.lifecycle)
    changes = []
    if was.deprecated != now.deprecated:
        kind = K.PARAM_DEPRECATED if now.deprecated else K.PARAM_UNDEPRECATED
        message = (
            f"{new.location} parameter {new.name} is {'now' if now.deprecated else 'no longer'} deprecated"
        )
        changes.append(ctx.change(kind, new.name, was.deprecated, now.deprecated, message))
    if was.sunset != now.sunset:
        dates = f"{was.sunset or '(none)'} -> {now.sunset or '(none)'}"
        message = f"{new.location} parameter {new.name}: sunset {dates}"
        severity = _sunset_severity(was.sunset, now.sunset)
        changes.append(
            ctx.change(K.SUNSET_CHANGED, new.name, was.sunset, now.sunset, message, severity=severity)
        )
    return changes


def operation(policy: LifecyclePolicy, rules: RuleTable, old: Operation, new: Operation) -> list[Change]:
    ctx = ChangeContext(new, Side.OPERATION, rules)
    a, b = old.lifecycle, new.lifecycle
    changes = []
    was, now = policy.status(a), policy.status(b)
    if was.deprecated != now.deprecated:
        kind = K.OPERATION_DEPRECATED if now.deprecated else K.OPERATION_UNDEPRECATED
        message = f"{new.key} is {'now' if now.deprecated else 'no longer'} deprecated"
        changes.append(ctx.change(kind, "deprecated", was.deprecated, now.deprecated, message))
    if was.sunset != now.sunset:
        message = f"sunset {was.sunset or '(none)'} -> {now.sunset or '(none)'}"
        severity = _sunset_severity(was.sunset, now.sunset)
        changes.append(
            ctx.change(K.SUNSET_CHANGED, "sunset", was.sunset, now.sunset, message, severity=severity)
        )
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
