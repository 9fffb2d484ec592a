"""Lifecycle: fields deprecated or brought back (operations' deprecation and sunset come later)."""

from __future__ import annotations

from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import READ, SEND, FieldPair

K, S = ChangeKind, Side
INFO = Severity.INFO
FAMILY = "lifecycle"

RULES = (
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
