"""Closed schemas: a strict check (no undocumented field) run by jsonschema-rs instead of Python.

A closed copy of a schema adds `unevaluatedProperties: false` to every object that declares fields
(`additionalProperties: false` where nothing in place beside `properties` could evaluate a key: the
same keys refused, at the open schema's cost), so a body the closed validator accepts has no field
its version does not document, and the strict check costs one compiled call instead of the open
check and a Python walk of the body. Only a body it refuses
(invalid, or with undocumented fields) takes the walk that names the fields.

What `patternProperties`, `additionalProperties` (and an `allOf` part's own `unevaluatedProperties`)
ask of the keys they cover is kept under `not` (which evaluates no key): closing must not loosen a
schema, nor let a part's map or pattern document keys the walk calls undocumented.

Closing may only ever refuse more than the walk does, never less; where a schema could let the two
disagree (a union of an object with fields and a free-form object at one place), `close_response`
returns None and every body takes the walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from apidrift.contracts.model import DEFS_PREFIX, SCHEMAS_FILE, JSONSchema, base_uri

# The variant of a named schema whose own top level stays open: what an `allOf` member refers to,
# since `unevaluatedProperties` belongs on the object that combines the parts, not on each part.
OPEN: Final = "~open"
_LOCAL: Final = "#/$defs/"
_MAPS: Final = ("properties", "patternProperties", "dependentSchemas", "$defs")
_ONE: Final = ("items", "additionalProperties", "contains", "unevaluatedItems", "propertyNames")
# Keywords whose subschemas apply to the object itself and may evaluate its keys (annotations that
# `unevaluatedProperties` sees and `additionalProperties` does not).
_IN_PLACE: Final = frozenset(
    {
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "$ref",
        "$dynamicRef",
        "$recursiveRef",
        "dependentSchemas",
    }
)


def closed_base(api: str, version: str) -> str:
    """Where closed schemas live: beside the open ones, never confused with them."""
    return base_uri(api, version) + "closed/"


def closed_document(api: str, version: str, defs: Mapping[str, JSONSchema]) -> JSONSchema:
    """The closed `schemas.json`: each named schema closed, and its `~open` variant."""
    closed: dict[str, JSONSchema] = {}
    for name, schema in defs.items():
        closed[name] = close(schema)
        closed[name + OPEN] = close(schema, top=False)
    return {"$id": closed_base(api, version) + SCHEMAS_FILE, "$defs": closed}


def close_response(
    schema: JSONSchema, defs: Mapping[str, JSONSchema], *, schema_id: str
) -> JSONSchema | None:
    """The closed form of one response schema, or None when closing could hide an undocumented field."""
    if not isinstance(schema, dict) or _ambiguous(schema, defs):
        return None  # a boolean schema (`true`, `false`) declares no field to close
    return {"$id": schema_id, **close(schema)}


def close(node: Any, *, top: bool = True) -> Any:
    """A copy of `node` with every object that declares fields closed (its top level too if `top`)."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    composes = "allOf" in node or ("$ref" in node and "properties" in node)
    for key, value in node.items():
        if key in _MAPS and isinstance(value, dict):
            out[key] = {name: close(sub) for name, sub in value.items()}
        elif key in _ONE and isinstance(value, dict):
            out[key] = close(value)
        elif key in ("anyOf", "oneOf", "prefixItems") and isinstance(value, list):
            out[key] = [close(member) for member in value]
        elif key == "allOf" and isinstance(value, list):
            out[key] = [_open_part(member) for member in value]
        elif key == "$ref" and composes and isinstance(value, str):
            out[key] = _open_ref(value)
        else:
            out[key] = value  # not, if/then/else, const, enum...: closing inside them could loosen
    if not top or composes or node.get("properties"):
        # Extra keys that `additionalProperties` or a pattern would admit are undocumented to the
        # walk too, also in an open part (an `allOf` member, a map or not), whose evaluated keys the
        # closed whole would otherwise take for documented ones. (A whole of maps alone, naming no
        # key, is then refused by its closed form: only slower, as the walk finds nothing.)
        alone = top and _IN_PLACE.isdisjoint(out)
        # Closed alone, every key but the named ones is refused: `additionalProperties` then asks
        # nothing of a key that is admitted, and only a pattern's schema still applies (to a name).
        kept = _key_constraints(out, additional=not alone)
        out.pop("additionalProperties", None)
        out.pop("patternProperties", None)
        if alone:
            # Nothing in place beside `properties` can evaluate a key, so both keywords refuse the
            # same keys; jsonschema-rs checks `additionalProperties` without tracking annotations.
            out.pop("unevaluatedProperties", None)
            out["additionalProperties"] = False
        elif top:
            out["unevaluatedProperties"] = False
        else:
            kept = _part_unevaluated(out, node, kept)
        if kept is not None:
            out["allOf"] = [*out.get("allOf", []), kept]
    return out


def _part_unevaluated(out: dict[str, Any], node: dict[str, Any], kept: dict[str, Any] | None) -> Any:
    """A part's own `unevaluatedProperties` evaluates every key the part leaves, which the closed whole
    would take for documented: it is dropped, and what it asks of those keys kept with the part as
    written (under `not`, evaluating none). `kept`, with that added."""
    own = out.get("unevaluatedProperties", False)
    if own is False:
        return kept
    del out["unevaluatedProperties"]
    if own in (True, {}):
        return kept
    whole = {"not": {"not": node}}
    return {"allOf": [kept, whole]} if kept else whole


def _key_constraints(node: dict[str, Any], *, additional: bool) -> dict[str, Any] | None:
    """What `patternProperties` (and, if `additional`, `additionalProperties`) ask of the keys they
    cover (a documented key matching a pattern, a key another part declares), as a part that evaluates
    no key: a schema under `not` yields no annotations, so closing still refuses every key that
    `properties` does not name."""
    keys = ("patternProperties", "additionalProperties") if additional else ("patternProperties",)
    kept = {key: node[key] for key in keys if key in node and node[key] not in (True, {})}
    if not kept:
        return None
    names = node.get("properties")
    # `additionalProperties` means "keys neither named nor matched": the names say which.
    kept["properties"] = {name: True for name in names} if isinstance(names, dict) else {}
    return {"not": {"not": kept}}


def _open_part(member: Any) -> Any:
    if isinstance(member, dict) and set(member) == {"$ref"} and isinstance(member["$ref"], str):
        return {"$ref": _open_ref(member["$ref"])}
    return close(member, top=False)


def _open_ref(ref: str) -> str:
    for prefix in (DEFS_PREFIX, _LOCAL):
        if ref.startswith(prefix) and "/" not in ref[len(prefix) :]:
            return ref + OPEN
    return ref


def _ambiguous(schema: JSONSchema, defs: Mapping[str, JSONSchema]) -> bool:
    """Does any union reachable from `schema` offer both an object with fields and a free-form one?"""
    seen: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        name = _ref_name(node.get("$ref"))
        if name is not None and name not in seen and name in defs:
            seen.add(name)
            stack.append(defs[name])
        for key in ("anyOf", "oneOf"):
            members = [_deref(m, defs) for m in node.get(key) or [] if isinstance(m, dict)]
            if any(m.get("properties") for m in members) and any(_free_form(m) for m in members):
                return True
        for key, value in node.items():
            if key in _MAPS and isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, (dict, list)) and key not in ("enum", "const", "examples", "default"):
                stack.append(value)
    return False


def _deref(node: dict[str, Any], defs: Mapping[str, JSONSchema]) -> dict[str, Any]:
    for _ in range(16):
        name = _ref_name(node.get("$ref"))
        if name is None or name not in defs:
            break
        node = defs[name]
    return node


def _free_form(member: dict[str, Any]) -> bool:
    """An object (or anything) whose keys are not declared: a map, or no constraint at all."""
    if member.get("properties") or member.get("additionalProperties") is False:
        return False
    kinds = member.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    return kinds is None or "object" in kinds


def _ref_name(ref: Any) -> str | None:
    if not isinstance(ref, str):
        return None
    for prefix in (DEFS_PREFIX, _LOCAL):
        if ref.startswith(prefix) and "/" not in ref[len(prefix) :]:
            return ref[len(prefix) :]
    return None
