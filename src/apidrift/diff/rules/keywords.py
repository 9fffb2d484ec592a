"""Schema keywords: types, enums and every bound, graded by direction (who a change can break)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from apidrift.check.renames import name_similarity
from apidrift.check.schema_facts import DOMAIN, LOWER, SCHEMA_VALUED, UPPER, AllOf
from apidrift.check.shapes import PARTIAL, FieldShape
from apidrift.diff.branches import branch_values
from apidrift.diff.changes import Change, ChangeKind, Rule, Severity, Side
from apidrift.diff.fields import FieldPair, Walk, directional, type_label

K, S = ChangeKind, Side
B, W, INFO = Severity.BREAKING, Severity.WARNING, Severity.INFO
FAMILY = "schema keywords"

RULES = (
    *directional(K.TYPE_NARROWED, K.TYPE_WIDENED, "type"),
    *(
        Rule(K.TYPE_CHANGED, side, B, "old values are refused and readers get another type")
        for side in S
        if side is not S.OPERATION
    ),
    *directional(K.ENUM_VALUES_REMOVED, K.ENUM_VALUES_ADDED, "enum", reader_harm=W),
    *(
        Rule(
            K.ENUM_VALUE_RENAMED, side, B, "the old spelling is refused and readers meet one they do not know"
        )
        for side in S
        if side is not S.OPERATION
    ),
    *directional(K.CONSTRAINT_NARROWED, K.CONSTRAINT_WIDENED, "bound"),
    *(
        Rule(
            K.CONSTRAINT_REPLACED,
            side,
            B,
            "no value of the old admitted by the new (two distinct known formats): breaks both ways",
        )
        for side in S
        if side is not S.OPERATION
    ),
    *(
        Rule(
            K.CONSTRAINT_CHANGED,
            side,
            W,
            "neither narrower nor wider (e.g. two unrelated patterns): check by hand",
        )
        for side in S
        if side is not S.OPERATION
    ),
)


class Direction(StrEnum):
    """How a keyword change moves the set of values a schema admits."""

    NARROWED = "narrowed"
    WIDENED = "widened"
    UNDECIDED = "undecided"
    REPLACED = "replaced"  # nothing admitted before is admitted now


N, WD, U, R = Direction.NARROWED, Direction.WIDENED, Direction.UNDECIDED, Direction.REPLACED
KIND = {N: K.CONSTRAINT_NARROWED, WD: K.CONSTRAINT_WIDENED, U: K.CONSTRAINT_CHANGED, R: K.CONSTRAINT_REPLACED}
_ABSENT = object()
CONDITIONAL = ("if", "then", "else")
# How alike two enum values must be spelt to be one value renamed (plural, case, one letter).
RENAMED_VALUE = 0.75
# Keywords that change what a string means rather than which strings fit: no direction either way.
MEANING = frozenset({"contentMediaType", "contentEncoding"})
# Formats that admit every value of another (int32 values are all int64 values).
FORMAT_WITHIN = {("int32", "int64"), ("float", "double")}
# String formats no one string satisfies two of (JSON Schema 2020-12 and RFC 3339/3986/4122/5321
# syntax): a URI needs a scheme starting with a letter and a colon, which none of the others has.
# ipv6 (`fe80::1` is a URI too), hostname (a uuid is a hostname) and byte are left out for that reason.
FORMAT_DISJOINT = frozenset({"date", "date-time", "time", "duration", "email", "uuid", "ipv4", "uri"})
# What an absent keyword means, so that stating its default is no change.
DEFAULTS: dict[str, Any] = {
    "uniqueItems": False,
    "additionalProperties": True,
    "unevaluatedProperties": True,
    "unevaluatedItems": True,
    "items": True,
}


def types(pair: FieldPair) -> list[Change]:
    ta, tb = set(pair.old.types) - {"null"}, set(pair.new.types) - {"null"}
    if not ta or not tb:
        return _typed_or_untyped(pair, ta, tb)
    if ta == tb:
        return []
    wide_a, wide_b = _widened(ta), _widened(tb)
    kind = K.TYPE_CHANGED
    if wide_a <= wide_b:
        kind = K.TYPE_WIDENED
    elif wide_b <= wide_a:
        kind = K.TYPE_NARROWED
    message = f"{pair.label} type {'|'.join(sorted(ta))} -> {'|'.join(sorted(tb))}"
    return [pair.change(kind, sorted(ta), sorted(tb), message)]


def _widened(types: set[str]) -> set[str]:
    # Every integer is a number: `number` admits what `integer` does.
    return types | {"integer"} if "number" in types else types


def enums(walk: Walk, pair: FieldPair) -> list[Change]:
    a, b, label = pair.old, pair.new, pair.label
    if a.enum == b.enum:
        return []
    if a.enum is not None and b.enum is not None:
        added = [v for v in b.enum if v not in a.enum]
        removed = [v for v in a.enum if v not in b.enum]
        out, renamed = _value_renames(pair, removed, added)
        if added or removed:
            # Values a union branch that came (went) gives are that branch's: `union-member-added`.
            came, gone = branch_values(walk, pair, added, removed)
            added = [v for v in added if v not in came]
            removed = [v for v in removed if v not in gone]
        # Only strings are renamed; other values (objects, lists) need not be hashable.
        added = [v for v in added if not (isinstance(v, str) and v in renamed)]
        removed = [v for v in removed if not (isinstance(v, str) and v in renamed)]
        if added:
            out.append(
                pair.change(K.ENUM_VALUES_ADDED, list(a.enum), list(b.enum), f"{label} admits {added}")
            )
        if removed:
            message = f"{label} no longer admits {removed}"
            out.append(pair.change(K.ENUM_VALUES_REMOVED, list(a.enum), list(b.enum), message))
        return out
    if a.enum is not None:
        message = f"{label} enum {list(a.enum)} became a plain {type_label(b)}"
        # Dropping an enum widens the values: graded like added enum values (old ones still fit).
        return [
            pair.change(K.TYPE_CHANGED, list(a.enum), type_label(b), message, graded_as=K.ENUM_VALUES_ADDED)
        ]
    assert b.enum is not None
    message = f"{label} is now restricted to {list(b.enum)}"
    return [pair.change(K.CONSTRAINT_NARROWED, type_label(a), list(b.enum), message)]


def _value_renames(pair: FieldPair, removed: list[Any], added: list[Any]) -> tuple[list[Change], set[Any]]:
    """Enum values whose spelling changed (`cancelled` -> `canceled`): one rename each, with evidence."""
    candidates = []
    for old in removed:
        for new in added:
            if isinstance(old, str) and isinstance(new, str):
                score, evidence = name_similarity(old, new)
                if score >= RENAMED_VALUE:
                    candidates.append((score, old, new, evidence))
    out, used = [], set()
    for score, old, new, evidence in sorted(candidates, key=lambda c: -c[0]):
        if old in used or new in used:
            continue
        used |= {old, new}
        message = f"{pair.label} value {old!r} is now spelt {new!r}"
        out.append(
            pair.change(K.ENUM_VALUE_RENAMED, old, new, message, confidence=score, evidence=tuple(evidence))
        )
    return out, used


def constraints(pair: FieldPair) -> list[Change]:
    """One change per keyword whose value moved, graded by the direction it moved the values."""
    if pair.old.constraints == pair.new.constraints:
        return []
    old, new = _by_keyword(pair.old), _by_keyword(pair.new)
    for keyword in old.keys() | new.keys():
        domain = DOMAIN.get(keyword)
        if domain and not all(domain & set(shape.types) for shape in (pair.old, pair.new) if shape.types):
            # A keyword bounds only values of its types (`maxLength` strings, `items` arrays): where
            # one side admits none of them, no value it bounds is in both, and the type change says it.
            old.pop(keyword, None)
            new.pop(keyword, None)
    out = _bound_moves(pair, old, new) + _positions(pair, old, new)
    for keyword in sorted(old.keys() | new.keys()):
        default = DEFAULTS.get(keyword, _ABSENT)
        a, b = old.get(keyword, default), new.get(keyword, default)
        if a == b:
            continue
        direction, reason = direction_of(keyword, a, b)
        shown_a, shown_b = (None if v is _ABSENT else _shown(v) for v in (a, b))
        message = f"{pair.label} {keyword} {_text(shown_a)} -> {_text(shown_b)}: {direction.value}"
        if reason:
            message += f" ({reason})"
        out.append(
            pair.change(
                KIND[direction],
                {keyword: shown_a},
                {keyword: shown_b},
                message,
                evidence=(reason,) if reason else (),
            )
        )
    return out


# An inclusive bound and its exclusive twin bound one side of a number together: `maximum: 30` becoming
# `exclusiveMaximum: 30` refuses 30 only, so the pair is compared as one bound, never keyword by keyword.
_BOUND_PAIRS = (("minimum", "exclusiveMinimum", 1), ("maximum", "exclusiveMaximum", -1))


def _bound_moves(pair: FieldPair, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The change where a number's bound moved between `minimum` and `exclusiveMinimum` (or the
    maximums); both keywords are then taken out of `old` and `new`, so each is not graded alone."""
    out = []
    for inclusive, exclusive, sign in _BOUND_PAIRS:
        keys = (inclusive, exclusive)
        if {k for k in keys if k in old} == {k for k in keys if k in new}:
            continue  # the same keywords on both sides: compared one by one as before
        a, b = _effective_bound(old, keys, sign), _effective_bound(new, keys, sign)
        if a is None or b is None:
            continue  # a bound added or dropped: each keyword says so on its own
        for side in (old, new):
            for key in keys:
                side.pop(key, None)
        if a == b:
            continue
        # Compared as (value, exclusive) scaled by `sign`, larger is tighter for both ends.
        tighter = (sign * b[0], b[1]) > (sign * a[0], a[1])
        direction = N if tighter else WD
        shown_a, shown_b = {a[2]: a[0]}, {b[2]: b[0]}
        message = f"{pair.label} {a[2]} {a[0]!r} -> {b[2]} {b[0]!r}: {direction.value}"
        out.append(pair.change(KIND[direction], shown_a, shown_b, message))
    return out


def _positions(pair: FieldPair, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """prefixItems of the same length whose entries differ only in their types and in bounds whose
    direction is known: one change per position and aspect, graded like a field's, instead of one
    undecided change of the whole tuple."""
    a, b = old.get("prefixItems"), new.get("prefixItems")
    if not (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b) and a != b):
        return []
    pairs = [(_entry(x), _entry(y)) for x, y in zip(a, b, strict=True)]
    moves: list[tuple[int, set[str], set[str], dict[str, tuple[Direction, Any, Any]]]] = []
    for i, (x, y) in enumerate(pairs):
        if x is None or y is None:
            return []
        bounds = _bounds_moved(dict(x[1]), dict(y[1]))
        if bounds is None:
            return []  # something besides the type and ordered bounds differs: left to the keyword
        ta, tb = set(x[0]), set(y[0])
        # As for a field: a bound of a type only one side admits is part of the type change.
        kept = {k: v for k, v in bounds.items() if _in_domain(k, ta, tb)}
        moves.append((i, ta, tb, kept))
    out = []
    for i, ta, tb, bounds in moves:
        where, label = f"{pair.path}[{i}]", f"{pair.label}[{i}]"
        if ta != tb:
            kind = K.TYPE_CHANGED
            if not ta or (tb and _widened(ta) >= tb):
                kind = K.TYPE_NARROWED  # no type is any type
            if not tb or (ta and _widened(tb) >= ta):
                kind = K.TYPE_WIDENED
            message = f"{label} type {'|'.join(sorted(ta)) or 'any'} -> {'|'.join(sorted(tb)) or 'any'}"
            out.append(pair.ctx.change(kind, where, sorted(ta), sorted(tb), message))
        for keyword, (direction, before, after) in sorted(bounds.items()):
            message = f"{label} {keyword} {_text(before)} -> {_text(after)}: {direction.value}"
            out.append(pair.ctx.change(KIND[direction], where, {keyword: before}, {keyword: after}, message))
    old.pop("prefixItems")
    new.pop("prefixItems")
    return out


def _in_domain(keyword: str, *types: set[str]) -> bool:
    domain = DOMAIN.get(keyword)
    return not domain or all(domain & t for t in types if t)


def _bounds_moved(a: dict[str, Any], b: dict[str, Any]) -> dict[str, tuple[Direction, Any, Any]] | None:
    """keyword -> (direction, old, new) for each ordered keyword of a tuple entry that moved, or None
    when a keyword no rule orders (enum, a subschema) differs."""
    out = {}
    for keyword in a.keys() | b.keys():
        before, after = a.get(keyword, _ABSENT), b.get(keyword, _ABSENT)
        if before == after:
            continue
        if keyword not in _ORDERED or keyword in SCHEMA_VALUED:
            return None
        direction, _ = direction_of(keyword, before, after)
        out[keyword] = (direction, None if before is _ABSENT else before, None if after is _ABSENT else after)
    return out


def _entry(entry: Any) -> tuple[tuple[str, ...], tuple[Any, ...]] | None:
    """A prefixItems entry (as the flattener keeps it) split into its types and everything else."""
    if not isinstance(entry, tuple) or not all(isinstance(p, tuple) and len(p) == 2 for p in entry):
        return None
    rest = tuple(p for p in entry if p[0] != "type")
    kind = dict(entry).get("type", ())
    types = (kind,) if isinstance(kind, str) else kind if isinstance(kind, tuple) else None
    if types is None or not all(isinstance(t, str) for t in types):
        return None
    return types, rest


def _effective_bound(
    values: dict[str, Any], keys: tuple[str, str], sign: int
) -> tuple[Any, bool, str] | None:
    """The tightest of a side's inclusive and exclusive bound: (value, exclusive, keyword), or None
    when one of them is not a plain number."""
    found = []
    for key, exclusive in zip(keys, (False, True), strict=True):
        if key in values:
            if not _number(values[key]):
                return None
            found.append((sign * values[key], exclusive, key))
    if not found:
        return None
    value, exclusive, key = max(found)
    return sign * value, exclusive, key


def _by_keyword(shape: FieldShape) -> dict[str, Any]:
    """keyword -> its value; a keyword with different values in different union members is a tuple
    tagged `_Several`, which no rule can order."""
    grouped: dict[str, list[Any]] = {}
    conditional = {}
    for keyword, value in shape.constraints:
        if keyword in CONDITIONAL:
            conditional[keyword] = value  # if/then/else is one construct: one change, not three
        else:
            grouped.setdefault(keyword, []).append(value)
    out: dict[str, Any] = {k: v[0] if len(v) == 1 else _Several(tuple(v)) for k, v in grouped.items()}
    # `then`/`else` without `if` are ignored, and `if` alone asserts nothing (JSON Schema 2020-12
    # 10.2.2): such a construct admits every value, as its absence does.
    if "if" in conditional and conditional.keys() - {"if"}:
        out["if/then/else"] = tuple(sorted(conditional.items()))
    return out


class _Several(tuple[Any, ...]):
    """Different values of one keyword across union members."""


def direction_of(keyword: str, old: Any, new: Any) -> tuple[Direction, str]:
    """Whether changing `keyword` from `old` to `new` narrows or widens the values, and why not when
    it cannot be told (`_ABSENT` stands for a keyword not given)."""
    if isinstance(old, _Several) or isinstance(new, _Several):
        return U, "the keyword differs between union members"
    if PARTIAL in (old, new):
        return (
            U,
            "the keyword bounds only some oneOf/anyOf branches here, so the field's direction is unknown",
        )
    if keyword in MEANING:
        return U, f"{keyword} changes how the string is read, for senders and readers alike"
    if isinstance(old, AllOf) or isinstance(new, AllOf):
        return _conjoined(keyword, old, new)
    if old is _ABSENT:
        return N, ""  # a bound that was not there refuses some values now
    if new is _ABSENT:
        return WD, ""
    rule = _ORDERED.get(keyword)
    if rule is not None:
        return rule(old, new)
    return U, f"the schema under {keyword} changed; whether it admits more or fewer values is not decided"


def _lower(old: Any, new: Any) -> tuple[Direction, str]:
    if _number(old) and _number(new):
        return (N, "") if new > old else (WD, "")
    return _flag(old, new)


def _upper(old: Any, new: Any) -> tuple[Direction, str]:
    if _number(old) and _number(new):
        return (N, "") if new < old else (WD, "")
    return _flag(old, new)


def _flag(old: Any, new: Any) -> tuple[Direction, str]:
    """A boolean keyword (uniqueItems, OpenAPI 3.0's exclusive bounds): turning it on narrows."""
    if isinstance(old, bool) and isinstance(new, bool):
        return (N, "") if new else (WD, "")
    return U, f"{old!r} and {new!r} cannot be ordered"


def _multiple_of(old: Any, new: Any) -> tuple[Direction, str]:
    if _number(old) and _number(new) and old and new:
        if (new / old).is_integer():
            return N, ""  # every multiple of the new step is a multiple of the old one
        if (old / new).is_integer():
            return WD, ""
    return U, f"neither of multipleOf {old} and {new} divides the other"


def _pattern(old: Any, new: Any) -> tuple[Direction, str]:
    if _anything(new):
        return WD, ""  # `.*` admits every string, as no pattern does
    if _anything(old):
        return N, ""
    return U, f"two different patterns ({old!r} -> {new!r}) cannot be compared statically"


# Patterns every string matches: `pattern` is searched, not anchored (JSON Schema), so one that may
# match nothing matches anywhere. `^.*$` is not among them: `.` stops at a line break.
_EVERYTHING = frozenset({"", ".*", "^.*", ".*$", "(.*)", "[\\s\\S]*", "^[\\s\\S]*$"})


def _anything(pattern: Any) -> bool:
    return isinstance(pattern, str) and pattern in _EVERYTHING


def _conjoined(keyword: str, old: Any, new: Any) -> tuple[Direction, str]:
    """Patterns or formats that allOf parts each give: one more that must hold narrows, one fewer widens."""
    a, b = ({v} if not isinstance(v, AllOf) else set(v) for v in (old, new))
    a.discard(_ABSENT)
    b.discard(_ABSENT)
    if a < b:
        return N, f"a value must now also meet {_some(b - a)}"
    if b < a:
        return WD, f"a value no longer needs to meet {_some(a - b)}"
    return U, f"the {keyword}s a value must meet went from {_text(old)} to {_text(new)}: not decided"


def _some(values: set[Any]) -> str:
    shown = sorted(values, key=repr)
    more = f" and {len(shown) - 4} more" if len(shown) > 4 else ""
    return ", ".join(repr(v) for v in shown[:4]) + more


def _format(old: Any, new: Any) -> tuple[Direction, str]:
    if (old, new) in FORMAT_WITHIN:
        return WD, ""
    if (new, old) in FORMAT_WITHIN:
        return N, ""
    if old in FORMAT_DISJOINT and new in FORMAT_DISJOINT:
        return R, f"no {old} is a {new}: every old value is refused and every new one unexpected"
    return U, f"formats {old!r} and {new!r} are not known to contain one another"


def _additional(old: Any, new: Any) -> tuple[Direction, str]:
    # True admits anything, a schema some values, False none; the schemas themselves are walked as `*`.
    rank = {True: 2, "schema": 1, False: 0}
    a, b = rank.get(_kind_of_additional(old)), rank.get(_kind_of_additional(new))
    if a is None or b is None or a == b:
        return U, "additional properties changed"
    return (N, "") if b < a else (WD, "")


def _kind_of_additional(value: Any) -> Any:
    return value if isinstance(value, bool) else "schema"


def _dependent_required(old: Any, new: Any) -> tuple[Direction, str]:
    """More names required alongside a property narrows; fewer widens; both at once cannot be told."""
    a = {k: set(v) for k, v in old}
    b = {k: set(v) for k, v in new}
    more = any(b.get(k, set()) - a.get(k, set()) for k in b)
    fewer = any(a.get(k, set()) - b.get(k, set()) for k in a)
    if more and fewer:
        return U, "dependentRequired both adds and drops dependencies"
    return (N, "") if more else (WD, "")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, _Several) else value


def _text(value: Any) -> str:
    return "(none)" if value is None else repr(value)


_ORDERED: dict[str, Callable[[Any, Any], tuple[Direction, str]]] = {
    **dict.fromkeys(LOWER, _lower),
    **dict.fromkeys(UPPER, _upper),
    "uniqueItems": _flag,
    "multipleOf": _multiple_of,
    "pattern": _pattern,
    "format": _format,
    "additionalProperties": _additional,
    "unevaluatedProperties": _additional,
    "unevaluatedItems": _additional,
    "items": _additional,
    "dependentRequired": _dependent_required,
}


def _typed_or_untyped(pair: FieldPair, ta: set[str], tb: set[str]) -> list[Change]:
    """A type given where the schema said nothing at all (`{}`: every value fits), or taken away
    to leave nothing; a schema that leaves `type` out but says more (properties, bounds) is left be."""
    if ta == tb or pair.fields is None:
        return []
    if not ta and _says_nothing(pair.old, pair.fields[0]):
        kind, message = K.TYPE_NARROWED, f"{pair.label} type any -> {'|'.join(sorted(tb))}"
    elif not tb and _says_nothing(pair.new, pair.fields[1]):
        kind, message = K.TYPE_WIDENED, f"{pair.label} type {'|'.join(sorted(ta))} -> any"
    else:
        return []
    return [pair.change(kind, sorted(ta) or None, sorted(tb) or None, message)]


def _says_nothing(shape: FieldShape, fields: Mapping[str, FieldShape]) -> bool:
    """The field's schema is `{}` (or only describes), named or not: no type, bound, enum or field
    below. A union with no type has a branch of no type: it takes any value, as `{}` does."""
    if shape.types or shape.constraints or shape.enum is not None or shape.parts:
        return False
    path = shape.path
    if not path:
        return len(fields) == 1
    return not any(p.startswith((path + ".", path + "[")) for p in fields if p != path)
