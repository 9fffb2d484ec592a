"""OpenAPI inheritance: a base schema's discriminator chooses among the schemas extending it (`allOf`
a `$ref` to it), however deep, and a schema between them inherits that discriminator.

`Pet` holds `discriminator: {propertyName: petType}`, `Dog` extends Pet and `Puppy` extends Dog: a
body of Pet, or of Dog, whose value is `Puppy` is a Puppy (OpenAPI's Discriminator Object, as
AutoRest-style documents use it through several levels).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from apidrift.contracts.model import DEFS_PREFIX, JSONSchema
from apidrift.contracts.safeload import escape

LOCAL: Final = "#/$defs/"
_UNIONS: Final = ("oneOf", "anyOf")


def ref_name(ref: Any) -> str | None:
    """The named schema a reference points at (in `schemas.json` or beside it), else None."""
    if not isinstance(ref, str):
        return None
    for prefix in (DEFS_PREFIX, LOCAL):
        if ref.startswith(prefix):
            rest = ref[len(prefix) :]
            if "/" not in rest:
                return rest.replace("~1", "/").replace("~0", "~")
    return None


def descendants(roots: Iterable[str], children: Mapping[str, list[str]]) -> list[str]:
    """Every name below `roots` in `children` (nearest first), each once: a cycle ends where it
    comes back, so the walk is bounded by the number of names."""
    found: dict[str, None] = {}
    level = list(roots)
    while level:
        below = []
        for name in level:
            for child in children.get(name, ()):
                if child not in found:
                    found[child] = None
                    below.append(child)
        level = below
    return list(found)


def _discriminator(schema: Any) -> dict[str, Any] | None:
    """A schema's own discriminator when it chooses by inheritance (not among a union's members)."""
    found = schema.get("x-discriminator") if isinstance(schema, dict) else None
    if not isinstance(found, dict) or not isinstance(found.get("propertyName"), str):
        return None
    return None if any(isinstance(schema.get(kind), list) for kind in _UNIONS) else found


def _graph(schemas: Mapping[str, JSONSchema]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(name -> the schemas it extends, name -> the schemas extending it), by `allOf` `$ref` parts."""
    parents: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for name, schema in schemas.items():
        parts = schema.get("allOf") if isinstance(schema, dict) else None
        for part in parts if isinstance(parts, list) else ():
            base = ref_name(part.get("$ref")) if isinstance(part, dict) and len(part) == 1 else None
            if base is not None and base != name and base in schemas:
                parents.setdefault(name, []).append(base)
                children.setdefault(base, []).append(name)
    return parents, children


def discriminated_bases(schemas: Mapping[str, JSONSchema]) -> dict[str, tuple[str, dict[str, str]]]:
    """Named schemas whose discriminator, their own or the nearest one they inherit, chooses among the
    schemas extending them at any depth (and, on the schema holding it, its mapping's), not among
    members of a union: name -> (property, value -> schema)."""
    parents, children = _graph(schemas)
    bases: dict[str, tuple[str, dict[str, str]]] = {}
    for name, schema in schemas.items():
        if not isinstance(schema, dict) or any(isinstance(schema.get(kind), list) for kind in _UNIONS):
            continue  # a union's discriminator: see `OpenApiView._discriminated`
        if name not in children and _discriminator(schema) is None:
            continue  # selects nothing: no mapping of its own, nothing below it
        ancestry = [name, *descendants([name], parents)]  # nearest first
        holders = [(h, d) for h in ancestry if (d := _discriminator(schemas[h])) is not None]
        if not holders:
            continue
        prop = str(holders[0][1]["propertyName"])
        below = [child for child in descendants([name], children) if child != name]
        inside = set(below)
        chosen: dict[str, str] = {}
        for holder, found in holders:
            mapping = found.get("mapping") if found["propertyName"] == prop else None
            for value, target in mapping.items() if isinstance(mapping, dict) else ():
                # An inherited mapping selects only what lies below this schema: a body of Dog whose
                # value maps to Cat is no Cat.
                if isinstance(target, str) and target in schemas and (holder == name or target in inside):
                    chosen.setdefault(str(value), target)
        for child in below:
            chosen.setdefault(child, child)
        chosen = {value: target for value, target in chosen.items() if target != name}
        if chosen:
            bases[name] = (prop, chosen)
    return bases


def with_extensions(schemas: Mapping[str, JSONSchema]) -> Mapping[str, JSONSchema]:
    """The named schemas with each discriminated base offering what it may select as union members
    (`anyOf`), for the field walk: a body of the base may carry the fields of the schema its value
    selects. What extends a base refers to the base as written (a copy), so nothing recurses."""
    bases = discriminated_bases(schemas)
    if not bases:
        return schemas
    copies = {base: unused(f"{base}__as_written", schemas) for base in bases}
    out = {name: extended(schema, copies) for name, schema in schemas.items()}
    for base, (_, chosen) in bases.items():
        out[copies[base]] = out[base]
        members = [{"$ref": LOCAL + escape(target)} for target in dict.fromkeys(chosen.values())]
        out[base] = {**out[base], "anyOf": members}
    return out


def extended(schema: Any, copies: Mapping[str, str]) -> Any:
    """`schema` with its `allOf` references to a discriminating base pointed at the base's copy (the
    base as written: the schema a value selects must not select again); else `schema` itself."""
    parts = schema.get("allOf") if isinstance(schema, dict) else None
    if not isinstance(parts, list) or not copies:
        return schema
    renamed = []
    for part in parts:
        base = ref_name(part.get("$ref")) if isinstance(part, dict) and len(part) == 1 else None
        if base in copies:
            part = {"$ref": part["$ref"][: -len(escape(str(base)))] + escape(copies[str(base)])}
        renamed.append(part)
    return {**schema, "allOf": renamed} if renamed != parts else schema


def unused(name: str, taken: Mapping[str, Any]) -> str:
    """`name`, lengthened until no schema in `taken` has it."""
    while name in taken:
        name += "~"
    return name
