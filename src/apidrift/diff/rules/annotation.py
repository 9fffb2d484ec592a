"""Schema annotations that clients act on: defaults, readOnly/writeOnly, `x-extensible-enum` values."""

from __future__ import annotations

from typing import Any

from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import READ, SEND, FieldPair

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
FAMILY = "schema annotations"
_ABSENT = object()

RULES = (
    *(Rule(K.DEFAULT_CHANGED, side, W, "senders that omit it now get another value") for side in SEND),
    Rule(K.DEFAULT_CHANGED, S.RESPONSE, INFO, "it documents what the server fills in"),
    Rule(K.BECAME_READ_ONLY, S.REQUEST, B, "senders that set it are refused or ignored"),
    Rule(K.BECAME_READ_ONLY, S.RESPONSE, INFO, "readers still get it"),
    Rule(K.BECAME_WRITE_ONLY, S.RESPONSE, B, "readers no longer get it"),
    Rule(K.BECAME_WRITE_ONLY, S.REQUEST, INFO, "senders still send it"),
    *(
        Rule(K.ACCESS_RELAXED, side, INFO, "readOnly or writeOnly dropped: it flows both ways")
        for side in (*READ, S.REQUEST)
    ),
    # An extensible enum tells readers to expect unknown values; senders still only have the listed ones.
    *(
        Rule(
            K.EXTENSIBLE_ENUM_VALUES_ADDED, side, INFO, "x-extensible-enum: readers were told to expect more"
        )
        for side in (*READ, *SEND)
    ),
    *(Rule(K.EXTENSIBLE_ENUM_VALUES_REMOVED, side, B, "old values may be refused") for side in SEND),
    Rule(K.EXTENSIBLE_ENUM_VALUES_REMOVED, S.RESPONSE, INFO, "readers never see that value again"),
)


def _get(pair_side: tuple[tuple[str, Any], ...], keyword: str) -> Any:
    values = [v for k, v in pair_side if k == keyword]
    return values[0] if len(values) == 1 else (_ABSENT if not values else tuple(values))


def check(pair: FieldPair) -> list[Change]:
    a, b = pair.old.annotations, pair.new.annotations
    if a == b:
        return []
    out = []
    old_default, new_default = _get(a, "default"), _get(b, "default")
    if old_default is _ABSENT and new_default is not _ABSENT:
        # Documented for the first time: what the server did without it is not known to have changed.
        message = f"{pair.label} default now documented as {new_default!r}"
        out.append(pair.change(K.DEFAULT_CHANGED, None, new_default, message, severity=INFO))
    elif old_default != new_default:
        shown = None if new_default is _ABSENT else new_default
        message = f"{pair.label} default {old_default!r} -> {'(none)' if shown is None else repr(shown)}"
        if pair.ctx.side in SEND and pair.old.required and pair.new.required and not pair.is_root:
            # Senders must send a required field: its default is never filled in for them.
            message += "; it is required, so senders always send it"
            out.append(pair.change(K.DEFAULT_CHANGED, old_default, shown, message, severity=INFO))
        else:
            out.append(pair.change(K.DEFAULT_CHANGED, old_default, shown, message))
    out += _access(pair, "readOnly", K.BECAME_READ_ONLY)
    out += _access(pair, "writeOnly", K.BECAME_WRITE_ONLY)
    out += _extensible(pair)
    return out


def _access(pair: FieldPair, keyword: str, became: ChangeKind) -> list[Change]:
    before = _get(pair.old.annotations, keyword) is True
    after = _get(pair.new.annotations, keyword) is True
    if before == after or pair.ctx.side is S.PARAMETER:
        return []
    if after:
        return [pair.change(became, False, True, f"{pair.label} is now {keyword}")]
    out = [
        pair.change(
            K.ACCESS_RELAXED, {keyword: True}, {keyword: False}, f"{pair.label} is no longer {keyword}"
        )
    ]
    if keyword == "readOnly" and pair.ctx.side is S.REQUEST and pair.old.required and pair.new.required:
        # A required readOnly field is not the sender's to send (OpenAPI 3.0); writable, it must be sent.
        message = f"{pair.label} is required and no longer readOnly: senders must now send it"
        out.append(pair.change(K.BECAME_REQUIRED, False, True, message))
    return out


def _extensible(pair: FieldPair) -> list[Change]:
    before, after = (
        _get(pair.old.annotations, "x-extensible-enum"),
        _get(pair.new.annotations, "x-extensible-enum"),
    )
    if before == after or not isinstance(before, tuple) or not isinstance(after, tuple):
        return []
    out = []
    added, removed = [v for v in after if v not in before], [v for v in before if v not in after]
    if added:
        message = f"{pair.label} lists {added} among its extensible values"
        out.append(pair.change(K.EXTENSIBLE_ENUM_VALUES_ADDED, list(before), list(after), message))
    if removed:
        message = f"{pair.label} no longer lists {removed} among its extensible values"
        out.append(pair.change(K.EXTENSIBLE_ENUM_VALUES_REMOVED, list(before), list(after), message))
    return out
