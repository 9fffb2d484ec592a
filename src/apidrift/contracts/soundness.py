"""Is a contract's schema sound enough to judge anything? Checked once, when a version is loaded.

Refused (a ContractError naming `FILE#POINTER`): a schema invalid against the 2020-12 metaschema
(`type: 5`), a pattern that is no regular expression, anything that would make validation leave
the loaded files (`$id`, `$anchor`, `$dynamicRef`, a foreign `$schema`), and a reference cycle that
never descends into the instance (`a: {allOf: [{$ref: a}]}`), which validates anything or never ends.
Kept as notes (documentation findings): unknown keywords, with a "did you mean" for near misses.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jsonschema_rs

from apidrift.contracts.budget import WalkBudget
from apidrift.contracts.safeload import escape
from apidrift.errors import ContractError, WalkBudgetError

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
DEFS_PREFIX_LOCAL: Final = "#/$defs/"

# Keywords whose value is one schema, a list of schemas, or a mapping of names to schemas: the one
# vocabulary every schema walk of apidrift uses (`items` is one schema, or a list in older drafts).
SCHEMA_ONE: Final = frozenset(
    {"additionalProperties", "unevaluatedProperties", "propertyNames", "items", "additionalItems"}
    | {"unevaluatedItems", "contains", "not", "if", "then", "else", "contentSchema"}
)
SCHEMA_LISTS: Final = frozenset({"allOf", "anyOf", "oneOf", "prefixItems", "items"})
SCHEMA_MAPS: Final = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
# Applicators that apply to the same instance: a cycle through only these never ends.
_IN_PLACE: Final = frozenset({"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas"})
_OFFLINE_ONLY: Final = {
    "$id": "would change the base URI that references resolve against",
    "$anchor": "names a location outside the contract's $defs",
    "$dynamicRef": "resolves at validation time, possibly outside the loaded files",
    "$dynamicAnchor": "is only meaningful with $dynamicRef",
}
KNOWN_KEYWORDS: Final = frozenset(
    SCHEMA_ONE
    | SCHEMA_LISTS
    | SCHEMA_MAPS
    | {"$ref", "$schema", "$comment", "$vocabulary"}
    | {"type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"}
    | {"maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains"}
    | {"minContains", "maxProperties", "minProperties", "required", "dependentRequired", "format"}
    | {"contentMediaType", "contentEncoding", "title", "description", "default", "deprecated"}
    | {"readOnly", "writeOnly", "examples"}
    # OpenAPI's own schema keywords
    | {"discriminator", "xml", "externalDocs", "example", "nullable"}
)
# Known keywords `_check_keyword` has nothing to say about.
_PLAIN: Final = KNOWN_KEYWORDS - {"$schema", "pattern", "patternProperties"} - _OFFLINE_ONLY.keys()


@dataclass(frozen=True)
class SchemaNote:
    """Something in a contract schema worth a reader's attention that does not stop a check."""

    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}#{self.pointer}: {self.message}"


def check_schema(schema: Any, *, file: Path | str, pointer: str, meta: bool = True) -> list[SchemaNote]:
    """Refuse an unsound schema (ContractError); return notes about unknown keywords. `meta=False`
    skips the metaschema check, for a schema `repair_schema` has just made valid."""
    notes: list[SchemaNote] = []
    # Keywords first: the metaschema check itself would fetch a foreign `$schema` over the network.
    try:
        for at, node in _nodes(schema, pointer):
            for keyword, value in node.items():
                # Most keywords are plain known ones: no pointer is built for them (one per keyword
                # of every schema node was most of this check on a large document).
                if keyword not in _PLAIN and keyword[:2] != "x-":
                    _check_keyword(keyword, value, file=file, where=_pointer(at), notes=notes)
    except WalkBudgetError as exc:
        exc.file = str(file)
        raise
    if not meta:
        return notes
    try:
        jsonschema_rs.meta.validate(schema)
    except jsonschema_rs.ValidationError as exc:
        where = pointer + "".join(f"/{escape(str(p))}" for p in exc.instance_path)
        raise ContractError(f"not a valid JSON Schema: {exc.message}", file=file, pointer=where) from None
    return notes


def repair_schema(schema: Any, *, pointer: str, limit: int = 1_000) -> tuple[Any, list[tuple[str, str]]]:
    """A copy of `schema` valid against the 2020-12 metaschema, and what was changed: (pointer, why).

    For imported documents, whose schemas are often a little off (`required: [id, id]`): duplicates
    in `required` and `type` are removed, and any other keyword the metaschema refuses is dropped,
    so the contract written is sound and every change is a documentation finding.
    """
    if _first_error(schema) is None:
        return schema, []  # the common case: nothing to repair, nothing copied
    fixed = copy.deepcopy(schema)
    repairs: list[tuple[str, str]] = []
    # Each round validates the whole schema again: bounded in time as well as in rounds.
    budget = WalkBudget("repairing a schema", pointer=pointer)
    for _ in range(limit):
        budget.spend(clock=True)
        error = _first_error(fixed)
        if error is None:
            return fixed, repairs
        path = list(error.instance_path)
        if not path:
            raise ContractError(f"not a valid JSON Schema: {error.message}", pointer=pointer)
        parent = fixed
        for part in path[:-1]:
            parent = parent[part]
        keyword = path[-1]
        where = pointer + "".join(f"/{escape(str(p))}" for p in path)
        value = parent[keyword]
        if (
            keyword in ("required", "type")
            and isinstance(value, list)
            and len(set(map(str, value))) < len(value)
        ):
            parent[keyword] = list(dict.fromkeys(value))
            repairs.append((where, f"duplicates removed from {keyword!r}"))
        elif (negated := _innermost_not(path)) is not None:
            # Dropping a keyword under `not` would make the `not` refuse more (`not: {type: bool}`
            # would become `not: {}`, refusing everything): the whole `not` goes instead.
            holder = fixed
            for part in path[:negated]:
                holder = holder[part]
            del holder["not"]
            at = pointer + "".join(f"/{escape(str(p))}" for p in path[: negated + 1])
            repairs.append((at, f"dropped, with the invalid schema below it: {error.message}"))
        else:
            del parent[keyword]
            repairs.append((where, f"dropped: {error.message}"))
    raise ContractError(f"more than {limit} invalid keywords: not repaired", pointer=pointer)


# Keywords whose value maps names to schemas: a key there named `not` is a name, not the keyword.
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def _innermost_not(path: list[Any]) -> int | None:
    """The index in `path` of the innermost `not` keyword above its last step, when an odd number of
    them negate it (dropping what is below would then narrow the schema), else None."""
    nots = [
        i
        for i, part in enumerate(path[:-1])
        if part == "not" and (i == 0 or path[i - 1] not in _NAMED_SCHEMAS)
    ]
    return nots[-1] if len(nots) % 2 else None


def _first_error(schema: Any) -> Any:
    try:
        jsonschema_rs.meta.validate(schema)
    except jsonschema_rs.ValidationError as exc:
        return exc
    return None


def _check_keyword(
    keyword: str, value: Any, *, file: Path | str, where: str, notes: list[SchemaNote]
) -> None:
    here = f"{where}/{escape(keyword)}"
    if keyword in _OFFLINE_ONLY:
        raise ContractError(
            f"{keyword} is not allowed in a contract: it {_OFFLINE_ONLY[keyword]}; "
            "references resolve inside the contract only, never over the network",
            file=file,
            pointer=here,
        )
    if keyword == "$schema" and (not isinstance(value, str) or value.rstrip("#") != DIALECT):
        raise ContractError(
            f"$schema {value!r} is not supported: contracts are JSON Schema 2020-12 ({DIALECT})",
            file=file,
            pointer=here,
        )
    if keyword == "pattern" and isinstance(value, str):
        _check_pattern(value, file=file, pointer=here)
    elif keyword == "patternProperties" and isinstance(value, dict):
        for pattern in value:
            _check_pattern(pattern, file=file, pointer=f"{here}/{escape(pattern)}")
    elif keyword not in KNOWN_KEYWORDS and not keyword.startswith("x-"):
        close = difflib.get_close_matches(keyword, sorted(KNOWN_KEYWORDS), n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        notes.append(SchemaNote(str(file), here, f"unknown keyword {keyword!r} is ignored{hint}"))


def _check_pattern(pattern: str, *, file: Path | str, pointer: str) -> None:
    # The backtracking engine accepts the most ECMA-262 syntax: what it refuses is no regex at all.
    try:
        jsonschema_rs.validator_for({"pattern": pattern}, pattern_options=jsonschema_rs.FancyRegexOptions())
    except jsonschema_rs.ValidationError:
        raise ContractError(f"{pattern!r} is not a regular expression", file=file, pointer=pointer) from None


def schema_nodes(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object below `schema` (itself included), with its pointer; iterative, and
    bounded by a `WalkBudget`."""
    for at, node in _nodes(schema, pointer):
        yield _pointer(at), node


def refs_below(schema: Any, pointer: str = "") -> Iterator[tuple[Any, Any]]:
    """The `$ref` of every schema object below `schema` (a property named `$ref` is a name, not a
    reference; data in `enum` or `examples` is never walked), each with where it is: a chain that
    `pointer_at` makes a JSON pointer, for the rare one that is reported."""
    for at, node in _nodes(schema, pointer):
        if "$ref" in node:
            yield at, node["$ref"]


def pointer_at(at: Any) -> str:
    """The JSON pointer of a place `refs_below` gave."""
    return _pointer(at)


# Where a node is, as a chain (parent's chain, keyword, name or index or None) turned into a JSON
# pointer only when asked: most walks never need one.
At = tuple[Any, str, Any] | str


def _nodes(schema: Any, pointer: str) -> Iterator[tuple[At, dict[str, Any]]]:
    """`schema_nodes` with each pointer left as a chain (see `At`), in the same order."""
    budget = WalkBudget("walking a schema's keywords", pointer=pointer)
    stack: list[tuple[At, Any]] = [(pointer, schema)]
    while stack:
        budget.spend()
        at, node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield at, node
        children: list[tuple[At, Any]] = []
        for keyword, value in node.items():
            if keyword in SCHEMA_ONE and isinstance(value, dict):
                children.append(((at, keyword, None), value))
            elif keyword in SCHEMA_LISTS and isinstance(value, list):
                children.extend(((at, keyword, i), v) for i, v in enumerate(value))
            elif keyword in SCHEMA_MAPS and isinstance(value, dict):
                children.extend(((at, keyword, k), v) for k, v in value.items())
        stack.extend(reversed(children))  # in document order


def _pointer(at: At) -> str:
    parts: list[str] = []
    while not isinstance(at, str):
        at, keyword, key = at
        parts.append(f"/{escape(keyword)}" if key is None else f"/{escape(keyword)}/{escape(str(key))}")
    return at + "".join(reversed(parts))


def check_cycles(defs: Mapping[str, Any], *, file: Path | str, prefixes: tuple[str, ...]) -> None:
    """Refuse named schemas that reach themselves through `$ref` and in-place applicators only.

    Such a cycle never looks at a smaller part of the instance, so validation either recurses
    forever or (in engines that cut the loop) accepts anything: the body `42` would pass.
    """
    edges = {name: sorted(_in_place_refs(schema, prefixes)) for name, schema in defs.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for start in sorted(defs):
        if state.get(start):
            continue
        path: list[str] = [start]
        iters = [iter(edges[start])]
        state[start] = 1
        while iters:
            target = next(iters[-1], None)
            if target is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            if target not in edges or state.get(target) == 2:
                continue
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                raise ContractError(
                    "schema refers to itself without descending into the instance "
                    f"({' -> '.join(cycle)}): it would accept anything or never finish",
                    file=file,
                    pointer=f"/$defs/{escape(target)}",
                )
            state[target] = 1
            path.append(target)
            iters.append(iter(edges[target]))


def _in_place_refs(schema: Any, prefixes: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str):
            for prefix in prefixes:
                # Only a reference to a whole named schema: one into its parts may well descend.
                if ref.startswith(prefix) and "/" not in ref[len(prefix) :]:
                    found.add(ref[len(prefix) :])
        for keyword in _IN_PLACE & node.keys():
            value = node[keyword]
            if isinstance(value, list):
                stack.extend(value)
            elif keyword == "dependentSchemas" and isinstance(value, dict):
                stack.extend(value.values())
            else:
                stack.append(value)
    return found
