"""Hypothesis strategies from contract schemas (JSON Schema 2020-12, the subset contracts use).

Why not hypothesis-jsonschema: its 0.23.1 release fails on current Hypothesis internals (every
contract schema raised `AttributeError: 'many' object has no attribute 'more'` here), and it does
not support recursive `$ref`s, which real specs have. This module covers what contracts contain:
`$ref` into named schemas, type (incl. lists and "null"), enum/const, objects with optional
fields, arrays, anyOf/oneOf/allOf and the usual string/number/array bounds.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from datetime import UTC
from typing import Any

from hypothesis import strategies as st

from apidrift.contracts.model import JSONSchema
from apidrift.contracts.refs import target
from apidrift.errors import ContractError

MAX_ITEMS = 3  # keep generated lists small: counterexamples are read by people
MAX_DEPTH = 6  # recursion through named schemas stops here (optional fields are left out)

_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", max_size=12)


class SchemaStrategies:
    """Builds strategies for schemas whose `$ref`s point into `defs`."""

    def __init__(
        self, defs: Mapping[str, JSONSchema], include_optional: Callable[[str], bool] | None = None
    ) -> None:
        self.defs = defs
        # Which optional fields (by path, `data[].owner.name`) may appear; all of them by default.
        self.include_optional = include_optional or (lambda path: True)

    def for_schema(self, schema: JSONSchema | None) -> st.SearchStrategy[Any]:
        return self._build(schema or {}, 0)

    def _build(
        self, schema: JSONSchema | bool, depth: int, path: str = "", chain: tuple[str, ...] = ()
    ) -> st.SearchStrategy[Any]:
        """`chain`: the named schemas followed in place (no property or item entered) to reach here."""
        if schema is False:  # a boolean subschema: `false` admits nothing, `true` anything
            return st.nothing()
        if schema is True:
            schema = {}
        assert isinstance(schema, dict)
        if "$ref" in schema:
            name, found = target(self.defs, schema["$ref"], where=path or "the body")
            _refuse_loop(name, chain)
            extra = {k: v for k, v in schema.items() if k != "$ref"}
            merged = {**found, **extra} if extra and isinstance(found, dict) else found
            return st.deferred(lambda: self._build(merged, depth + 1, path, (*chain, name)))
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(list(schema["enum"]))
        if "allOf" in schema:
            if any(part is False for part in schema["allOf"]):
                return st.nothing()
            return self._build(self._combine_all_of(schema, chain), depth, path, chain)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                base = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
                members = [
                    self._build(
                        m if isinstance(m, bool) or "$ref" in m else {**base, **m}, depth, path, chain
                    )
                    for m in schema[key]
                ]
                return st.one_of(*members)
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of(*(self._build({**schema, "type": k}, depth, path, chain) for k in kind))
        if kind is None:
            kind = "object" if "properties" in schema else "array" if "items" in schema else None
        return self._typed(schema, kind, depth, path)

    def _typed(self, schema: JSONSchema, kind: str | None, depth: int, path: str) -> st.SearchStrategy[Any]:
        if kind == "null":
            return st.none()
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            return st.integers(*_format_bounds(schema))
        if kind == "number":
            return st.one_of(
                st.integers(schema.get("minimum"), schema.get("maximum")),
                st.floats(
                    schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False
                ),
            )
        if kind == "string":
            formatted = _FORMATTED.get(schema.get("format")) if _plain(schema) else None
            return formatted if formatted is not None else self._string(schema)
        if kind == "array":
            items = schema.get("items")
            low = int(schema.get("minItems", 0))
            high = min(int(schema.get("maxItems", MAX_ITEMS)), max(MAX_ITEMS, low))
            if not isinstance(items, dict) or (depth >= MAX_DEPTH and low == 0):
                return st.just([]) if low == 0 else st.lists(st.none(), min_size=low, max_size=low)
            element = self._build(items, depth + 1, f"{path}[]")
            if element.is_empty:  # items that admit nothing (`false`, through a `$ref` or an allOf)
                return st.just([]) if low == 0 else st.nothing()
            return st.lists(element, min_size=low, max_size=high)
        if kind == "object" or "properties" in schema:
            return self._object(schema, depth, path)
        return st.one_of(st.none(), st.booleans(), st.integers(), _TEXT)  # an unconstrained value

    def _string(self, schema: JSONSchema) -> st.SearchStrategy[Any]:
        low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
        if "pattern" in schema:
            try:
                strategy = st.from_regex(re.compile(str(schema["pattern"])))
            except re.error:
                # An ECMA-262 pattern Python cannot read (`\cA`): any text; the callers keep only
                # values their validator (the one regex engine) admits.
                strategy = st.text(max_size=high if high is not None else max(low, 12))
            return strategy.filter(lambda s: len(s) >= low and (high is None or len(s) <= high))
        return st.text(
            alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=low, max_size=high or max(low, 12)
        )

    def _object(self, schema: JSONSchema, depth: int, path: str) -> st.SearchStrategy[dict[str, Any]]:
        properties: dict[str, JSONSchema] = schema.get("properties", {})
        required = set(schema.get("required", []))

        def child(name: str) -> str:
            return f"{path}.{name}" if path else name

        needed = {n: self._build(sub, depth + 1, child(n)) for n, sub in properties.items() if n in required}
        optional = (
            {
                n: self._build(sub, depth + 1, child(n))
                for n, sub in properties.items()
                if n not in required and self.include_optional(child(n))
            }
            if depth < MAX_DEPTH
            else {}
        )
        return st.fixed_dictionaries(needed, optional=optional)

    def _combine_all_of(self, schema: JSONSchema, chain: tuple[str, ...] = ()) -> JSONSchema:
        """Merge allOf parts (objects in practice) into one schema: properties and required unite."""
        combined: JSONSchema = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = dict(combined.get("properties", {}))
        required: list[str] = list(combined.get("required", []))
        for part in schema["allOf"]:
            inner = chain
            while isinstance(part, dict) and "$ref" in part:
                name, part = target(self.defs, part["$ref"], where="an allOf part")
                _refuse_loop(name, inner)
                inner = (*inner, name)
            if isinstance(part, bool):  # `true` adds nothing; `false` is left to the caller's check
                continue
            if "allOf" in part:
                part = self._combine_all_of(part, inner)
            properties.update(part.get("properties", {}))
            required += [r for r in part.get("required", []) if r not in required]
            if "type" in part:
                combined.setdefault("type", part["type"])
        combined["properties"], combined["required"] = properties, required
        return combined


def _refuse_loop(name: str, chain: tuple[str, ...]) -> None:
    """A named schema reached again without entering a property or an item admits anything (or never
    ends): refused, as a version refuses it when it is built."""
    if name in chain:
        loop = " -> ".join([*chain[chain.index(name) :], name])
        raise ContractError(f"schema refers to itself without descending into the instance ({loop})")


def from_schema(
    schema: JSONSchema | None,
    defs: Mapping[str, JSONSchema],
    include_optional: Callable[[str], bool] | None = None,
) -> st.SearchStrategy[Any]:
    """A strategy of instances of `schema` (whose `$ref`s resolve in `defs`); `include_optional`
    limits which optional fields may appear, by field path, to keep instances small and focused."""
    return SchemaStrategies(defs, include_optional).for_schema(schema)


# OpenAPI's data-type formats, which validation asserts (`check/openapi_view.py`): values that hold.
_FORMATTED: dict[Any, st.SearchStrategy[str]] = {
    "date": st.dates().map(lambda d: d.isoformat()),
    "date-time": st.datetimes(timezones=st.just(UTC)).map(lambda t: t.isoformat()),
    "byte": st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode("ascii")),
}
_FORMAT_BOUNDS: dict[Any, tuple[int, int]] = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _plain(schema: JSONSchema) -> bool:
    """A string schema with no bound of its own beside its format (else the bounds decide)."""
    return not any(key in schema for key in ("pattern", "minLength", "maxLength"))


def _format_bounds(schema: JSONSchema) -> tuple[Any, Any]:
    """An integer schema's bounds, narrowed to its format's (`int32`, `int64`)."""
    low, high = schema.get("minimum"), schema.get("maximum")
    bounds = _FORMAT_BOUNDS.get(schema.get("format"))
    if bounds is None:
        return low, high
    low = bounds[0] if not isinstance(low, int | float) else max(low, bounds[0])
    high = bounds[1] if not isinstance(high, int | float) else min(high, bounds[1])
    return low, high
