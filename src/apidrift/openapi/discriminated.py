"""The component schemas a discriminator reaches beyond `$ref`s: its mapping's and those extending
a discriminated base at any depth, and the values AutoRest declares for them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from apidrift.check.inheritance import descendants
from apidrift.contracts.model import JSONSchema

COMPONENT_PREFIX = "#/components/schemas/"

# Where a schema extending a discriminated base names the value that selects it (AutoRest's
# convention, in thousands of Azure documents), not by its own name.
DECLARED_VALUE = "x-ms-discriminator-value"


def inheritance(components: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(component -> the components it extends, component -> those extending it): `allOf` parts that
    are a `$ref` to a component schema, read from the document (nothing need be converted yet)."""
    parents: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for raw, node in components.items():
        parts = node.get("allOf") if isinstance(node, dict) else None
        for part in parts if isinstance(parts, list) else ():
            ref = part.get("$ref") if isinstance(part, dict) else None
            base = _component(ref, components)
            if base is not None and base != raw:
                parents.setdefault(raw, []).append(base)
                children.setdefault(base, []).append(raw)
    return parents, children


def _component(ref: Any, components: dict[str, Any]) -> str | None:
    """The component schema a `$ref` names (as written, else decoded), else None; never an error."""
    if not isinstance(ref, str) or not ref.startswith(COMPONENT_PREFIX):
        return None
    token = ref[len(COMPONENT_PREFIX) :]
    decoded = unquote(token).replace("~1", "/").replace("~0", "~")
    return next((name for name in (token, decoded) if name in components), None)


def _holds_discriminator(schema: Any) -> bool:
    return isinstance(schema, dict) and isinstance(schema.get("x-discriminator"), dict)


def declared_values(
    converted: dict[str, JSONSchema],
    components: dict[str, Any],
    rename: Callable[[str], str],
    parents: dict[str, list[str]],
) -> None:
    """Each `x-ms-discriminator-value` of a schema extending a base, at any depth, enters the mapping
    of the nearest base holding the discriminator (and of those further up holding the same one; a
    value a mapping already gives keeps its schema), so the value selects that schema."""
    for raw, node in components.items():
        value = node.get(DECLARED_VALUE) if isinstance(node, dict) else None
        if not isinstance(value, str) or rename(raw) not in converted:
            continue
        holders = [
            rename(base)
            for base in descendants([raw], parents)
            if base != raw and _holds_discriminator(converted.get(rename(base)))
        ]
        prop = converted[holders[0]]["x-discriminator"].get("propertyName") if holders else None
        for base in holders:
            found = converted[base]
            discriminator = found["x-discriminator"]
            mapping: Any = discriminator.get("mapping", {})
            if (
                discriminator.get("propertyName") == prop
                and isinstance(mapping, dict)
                and value not in mapping
            ):
                # A new value, never written into a schema another import may share.
                selects = {**discriminator, "mapping": {**mapping, value: rename(raw)}}
                converted[base] = {**found, "x-discriminator": selects}


def selected(schema: JSONSchema, inverse: dict[str, str]) -> list[str]:
    """The components a converted schema's discriminator maps values to."""
    discriminator = schema.get("x-discriminator") if isinstance(schema, dict) else None
    mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
    targets = mapping.values() if isinstance(mapping, dict) else ()
    return [inverse[t] for t in targets if isinstance(t, str) and t in inverse]


def extending(
    converted: dict[str, JSONSchema],
    components: dict[str, Any],
    rename: Callable[[str], str],
    children: dict[str, list[str]],
) -> list[str]:
    """Components not yet converted that extend (`allOf` a `$ref` to), directly or through others, a
    converted base schema with a discriminator and no union of its own: the schemas its value may
    select (a cycle of `allOf`s ends where it comes back; the import refuses it later)."""
    bases = [
        raw
        for raw in components
        if _holds_discriminator(converted.get(rename(raw)))
        and not {"oneOf", "anyOf"} & converted[rename(raw)].keys()
    ]
    return [raw for raw in descendants(bases, children) if rename(raw) not in converted]
