"""What the flattener reads off one schema node: the keywords it keeps, the JSON types each bound
applies to, its types, enum and references."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from apidrift.contracts.model import DEFS_PREFIX, JSONSchema

TYPE_OF_VALUE = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}
# Keywords that narrow the values a field admits, beyond its type and enum.
CONSTRAINT_KEYWORDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "additionalProperties",
)
# JSON Schema 2020-12 keywords only a diff looks at (`SchemaFlattener(detail=True)`).
DETAIL_KEYWORDS = (
    "minContains",
    "maxContains",
    "contains",
    "prefixItems",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
    "not",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    # Compared only as present, a schema or false (`items: false` after prefixItems closes the array);
    # a schema under it is walked as the field `[]`.
    "items",
)
# Keywords that describe rather than constrain, yet matter to clients (`detail=True` only).
ANNOTATION_KEYWORDS = (
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "x-extensible-enum",
    "x-discriminator",
    "xml",
)
# Applicators whose schema `detail=True` walks as the child path `*` instead of comparing it whole.
WALKED_APPLICATORS = ("additionalProperties", "unevaluatedProperties")
# Keywords whose schema value a diff compares as the word "schema" (its content is walked elsewhere).
SCHEMA_VALUED = (*WALKED_APPLICATORS, "items")


def sorted_unique(values: tuple[Any, ...]) -> list[Any]:
    seen: dict[str, Any] = {}
    for v in values:
        seen.setdefault(repr(v), v)
    return [seen[k] for k in sorted(seen)]


# The JSON types each keyword constrains: a union branch of another type is not loosened by lacking it.
DOMAIN: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("minLength", "maxLength", "pattern", "contentMediaType", "contentEncoding", "contentSchema"),
        frozenset({"string"}),
    ),
    "format": frozenset({"string", "number", "integer"}),
    **dict.fromkeys(
        ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
        frozenset({"number", "integer"}),
    ),
    **dict.fromkeys(
        (
            "minItems",
            "maxItems",
            "uniqueItems",
            "contains",
            "minContains",
            "maxContains",
            "prefixItems",
            "items",
        ),
        frozenset({"array"}),
    ),
    "unevaluatedItems": frozenset({"array"}),
    **dict.fromkeys(
        ("minProperties", "maxProperties", "additionalProperties", "dependentRequired", "dependentSchemas"),
        frozenset({"object"}),
    ),
    **dict.fromkeys(("patternProperties", "propertyNames", "unevaluatedProperties"), frozenset({"object"})),
}
# What a bound becomes when only some union branches give it: it no longer bounds the field as a whole.
PARTIAL = "(some branches only)"


def partial(
    constraints: set[tuple[str, Any]], branches: list[tuple[list[str], set[str]]]
) -> set[tuple[str, Any]]:
    """`constraints` with every keyword that a branch it applies to lacks marked PARTIAL."""
    out: set[tuple[str, Any]] = set()
    for keyword, value in constraints:
        domain = DOMAIN.get(keyword)
        lacking = any(
            keyword not in given and (not types or domain is None or domain & set(types))
            for types, given in branches
        )
        out.add((keyword, PARTIAL) if lacking else (keyword, value))
    # Once partial, always partial: merges then give the same result in any order (the cache relies on it).
    partial = {k for k, v in out if v == PARTIAL}
    return {(k, v) for k, v in out if k not in partial} | {(k, PARTIAL) for k in partial}


def refs_in(node: Any) -> set[str]:
    """The names of every schema `node` refers to directly (anywhere below it)."""
    out: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                out.add(ref_name(ref))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


# Detail keywords whose value holds schemas compared whole (not walked as fields): a `$ref` in them
# is compared by what it names, so a change to the component it names is a change of the keyword.
INLINED = frozenset(
    {
        "prefixItems",
        "contains",
        "not",
        "if",
        "then",
        "else",
        "propertyNames",
        "dependentSchemas",
        "patternProperties",
        "unevaluatedItems",
        "contentSchema",
    }
)
# Past this many nodes inlined, the rest of the `$ref`s stay names (bounded work on hostile input).
INLINE_BUDGET = 10_000


def inline_refs(value: Any, defs: Any, path: tuple[str, ...] = (), budget: list[int] | None = None) -> Any:
    """`value` with each `$ref` to a known schema replaced by that schema (a ref that recurses, or
    one past INLINE_BUDGET nodes, stays as it is)."""
    budget = [INLINE_BUDGET] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        return value
    if isinstance(value, list):
        return [inline_refs(v, defs, path, budget) for v in value]
    if not isinstance(value, dict):
        return value
    ref = value.get("$ref")
    if isinstance(ref, str):
        name = ref_name(ref)
        if name in defs and name not in path:
            rest = {k: v for k, v in value.items() if k != "$ref"}
            target = inline_refs(defs[name], defs, (*path, name), budget)
            return {**target, **rest} if rest and isinstance(target, dict) else target
        return value
    return {k: inline_refs(v, defs, path, budget) for k, v in value.items()}


def hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(hashable(v) for v in value)
    return value


_DESCRIBING = frozenset({"description", "title", "examples", "default", "$schema", "$id"})


def is_constraining(node: JSONSchema) -> bool:
    return not node.keys() <= _DESCRIBING


# What a flattener adds to a union member (where it came from), beside the schema's own keywords.
_MEMBER_MARKS = frozenset({"__refs__", "__owner__"})


def says_nothing(member: JSONSchema) -> bool:
    """The union member admits every value (`{}`, `true`, or only describing keywords)."""
    return member.keys() - _MEMBER_MARKS <= _DESCRIBING


def types_of(member: JSONSchema) -> list[str]:
    kind = member.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [str(k) for k in kind]
    if "const" in member:
        return [TYPE_OF_VALUE.get(type(member["const"]), "object")]
    if "enum" in member:
        return sorted({TYPE_OF_VALUE.get(type(v), "object") for v in member["enum"]})
    if "properties" in member:
        return ["object"]
    if "items" in member:
        return ["array"]
    return []


def enum_of(members: list[JSONSchema]) -> tuple[Any, ...] | None:
    """The closed set of non-null values a field may take, or None when it is open."""
    values: list[Any] = []
    for m in members:
        if "const" in m:
            values.append(m["const"])
        elif "enum" in m:
            values.extend(v for v in m["enum"] if v is not None)
        elif types_of(m) != ["null"]:
            return None
    return tuple(sorted_unique(tuple(values))) if values else None


# Keywords beside a `$ref` that only describe: the reference alone says what validates.
_DESCRIBING = frozenset({*ANNOTATION_KEYWORDS, "title", "description", "examples", "$comment"})


def ref_with_siblings(node: Any) -> Any:
    """A `$ref` beside keywords that constrain (JSON Schema 2020-12 applies them both: `maxLength`
    beside a string's reference) as the `allOf` it means, so walks that follow the reference keep
    them; any other node (beside only annotations, too) as it is."""
    if not isinstance(node, dict) or len(node) < 2 or "$ref" not in node:
        return node
    rest = {k: v for k, v in node.items() if k != "$ref"}
    if all(k in _DESCRIBING or k[:2] == "x-" for k in rest):
        return node
    return {**rest, "allOf": [{"$ref": node["$ref"]}, *(rest.get("allOf") or [])]}


def ref_name(ref: str) -> str:
    for prefix in (DEFS_PREFIX, "#/$defs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


# Bounds a value must stay under (UPPER) or over (LOWER): raising a lower one narrows, and so on.
UPPER = frozenset({"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains"})
LOWER = frozenset({"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains"})


# Keywords whose values in several allOf parts all hold at once, none implying another.
CONJOINED = frozenset({"pattern", "format"})


class AllOf(tuple[Any, ...]):
    """Values of one keyword that allOf parts each give (sorted, distinct): a value meets every one."""

    def __repr__(self) -> str:
        # Clipped: a message names the values, and an allOf may have thousands of parts.
        shown = ", ".join(repr(v) for v in self[:4])
        return f"allOf({shown}{f', ... {len(self) - 4} more' if len(self) > 4 else ''})"


def tightest(key: str, a: Any, b: Any) -> Any:
    """Of two allOf parts' values of bound `key`, what a value must meet to meet both: the tighter
    bound, a multiple of both steps; for other keywords the first part's (CONJOINED ones: `conjoined`)."""
    if a == b:
        return a
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))
    if numbers and key in UPPER:
        return min(a, b)
    if numbers and key in LOWER:
        return max(a, b)
    if key == "uniqueItems" and isinstance(a, bool) and isinstance(b, bool):
        return a or b
    if numbers and key == "multipleOf" and a and b:
        if (a / b).is_integer():
            return a
        if (b / a).is_integer():
            return b
        if isinstance(a, int) and isinstance(b, int):
            return abs(a * b) // math.gcd(a, b)
    return a


def conjoined(values: Iterable[Any]) -> Any:
    """The value of a CONJOINED keyword that allOf parts gave as `values` (strings, or AllOfs of them)."""
    distinct = sorted({v for value in values for v in (value if isinstance(value, AllOf) else (value,))})
    return distinct[0] if len(distinct) == 1 else AllOf(distinct)


def trimmed_prefix(node: JSONSchema) -> JSONSchema:
    """`node` without the trailing prefixItems entries that say what `items` says: the positions
    they bound are bound the same way without them (prefixItems equal to items is no change)."""
    prefix, rest = node["prefixItems"], node.get("items", {})
    if not isinstance(prefix, list):
        return node
    kept = len(prefix)
    while kept and (prefix[kept - 1] == rest or (prefix[kept - 1] in ({}, True) and rest in ({}, True))):
        kept -= 1
    if kept == len(prefix):
        return node
    trimmed = {k: v for k, v in node.items() if k != "prefixItems"}
    if kept:
        trimmed["prefixItems"] = prefix[:kept]
    return trimmed


def unschemed_required(member: JSONSchema, members: list[JSONSchema]) -> list[str]:
    """Names `member` requires that no member gives a schema: in an open object each is a field of
    any value that must be sent (JSON Schema `required` without `properties`); a closed one has none."""
    if member.get("additionalProperties") is False:
        return []
    names = [n for n in member["required"] if isinstance(n, str) and n not in member.get("properties", ())]
    if not names:
        return []
    schemed = {p for m in members for p in m.get("properties", ())}
    return [n for n in dict.fromkeys(names) if n not in schemed]


def requires_unschemed(member: JSONSchema, key: str, members: list[JSONSchema]) -> bool:
    return bool(member.get("required")) and key in unschemed_required(member, members)
