"""Where one mutation can break a request, found by walking the version's schemas, and how it is put
into a drawn request: a body field at any depth (inside objects and array items, through `$ref`,
`allOf` and the branches of `oneOf`/`anyOf`), an array or object query parameter, a path parameter
whose schema constrains it. Every mutation is confirmed invalid by the version's validator by the
caller; a site only says where a break may go.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from apidrift.contracts.model import JSONSchema

UNDOCUMENTED: Final = "apidrift_undocumented"
ITEM: Final = "[]"  # a path step into an array's first item
# A value of each JSON type, to put where the contract wants another type.
WRONG: Final[tuple[tuple[str, Any], ...]] = (
    ("string", "apidrift"),
    ("integer", 7),
    ("boolean", True),
    ("object", {}),
    ("array", []),
)
BOUNDS: Final = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)
# Deep enough for any real request body; bounded so a recursive schema ends.
MAX_DEPTH: Final = 8
MAX_SITES: Final = 400
# Strings tried where a path parameter's pattern or format is to be broken (each confirmed invalid).
PATH_CANDIDATES: Final = ("apidrift", "-1", "0", "a b", "~", "A" * 300)


@dataclass(frozen=True)
class Site:
    """One place a mutation can go: `what` (`missing`, `type`, `enum`, a bound keyword or
    `additionalProperties`) at `path` (keys and `[]` steps from the body's root)."""

    what: str
    path: tuple[str, ...]
    value: Any = None  # the breaking value (None for `missing` and `additionalProperties`)
    # The schema of each step of `path`: a part the drawn body left out is drawn from it, so a site
    # below an optional field is reached as often as one at the top.
    chain: tuple[JSONSchema, ...] = ()

    def describe(self) -> str:
        """The field as `body.a[].b` (the body itself: `body`)."""
        text = "body"
        for step in self.path:
            text += step if step == ITEM else f".{step}"
        return text

    def mutation(self) -> str:
        where = self.describe()
        if self.what == "missing":
            return f"{where} left out"
        if self.what == "additionalProperties":
            return f"{where}.{UNDOCUMENTED}: an undocumented field"
        if self.what == "type":
            return f"{where}: {type_of(self.value)} instead of the documented type"
        if self.what == "enum":
            return f"{where}: a value outside its enum"
        return f"{where}: {json.dumps(self.value)} breaks {self.what}"

    @property
    def keyword(self) -> str:
        return "required" if self.what == "missing" else self.what


class _NotThere:
    pass


NOT_THERE: Final = _NotThere()  # the drawn body has no place for the site (an optional part left out)


def resolve(schema: Any, defs: Mapping[str, JSONSchema]) -> JSONSchema:
    """`schema` with its `$ref` chain followed (an unknown reference is the empty schema)."""
    depth = 0
    while isinstance(schema, dict) and "$ref" in schema and depth < 32:
        schema, depth = defs.get(str(schema["$ref"]).split("/")[-1], {}), depth + 1
    return schema if isinstance(schema, dict) else {}


def types_of(schema: JSONSchema) -> set[str]:
    kind = schema.get("type")
    return {k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)}


def breaking_values(schema: JSONSchema) -> list[tuple[str, Any]]:
    """(keyword, value) pairs that break one keyword of a value's schema: another JSON type, a value
    outside its enum, a value just past each bound."""
    out: list[tuple[str, Any]] = []
    admitted = types_of(schema) | ({"integer"} if "number" in types_of(schema) else set())
    if admitted:
        wrong = next((value for kind, value in WRONG if kind not in admitted), None)
        if wrong is not None:
            out.append(("type", wrong))
    if isinstance(schema.get("enum"), list):
        out.append(("enum", "apidrift-not-in-the-enum"))
    for keyword in BOUNDS:
        if keyword in schema and (value := over_bound(keyword, schema[keyword])) is not None:
            out.append((keyword, value))
    return out


def body_sites(schema: JSONSchema, defs: Mapping[str, JSONSchema]) -> list[Site]:
    """Every site of a body schema, outermost first (bounded in depth and count)."""
    found: dict[tuple[str, tuple[str, ...]], Site] = {}

    def add(site: Site) -> None:
        if len(found) < MAX_SITES:
            found.setdefault((site.what, site.path), site)

    def walk(node: Any, path: tuple[str, ...], chain: tuple[JSONSchema, ...], depth: int) -> None:
        node = resolve(node, defs)
        if depth > MAX_DEPTH or len(found) >= MAX_SITES:
            return
        parts = [node] + [resolve(p, defs) for p in node.get("allOf", []) if isinstance(p, dict)]
        required = {str(n) for p in parts for n in p.get("required", []) if isinstance(n, str)}
        if node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False:
            add(Site("additionalProperties", path, chain=chain))
        for part in parts:
            props = part.get("properties")
            for name, sub in (props if isinstance(props, dict) else {}).items():
                if not isinstance(sub, dict):
                    continue
                child, below = (*path, str(name)), (*chain, sub)
                if name in required:
                    add(Site("missing", child, chain=below))
                for keyword, value in breaking_values(resolve(sub, defs)):
                    add(Site(keyword, child, value, below))
                walk(sub, child, below, depth + 1)
            items = part.get("items")
            if isinstance(items, dict):
                child, below = (*path, ITEM), (*chain, items)
                for keyword, value in breaking_values(resolve(items, defs)):
                    add(Site(keyword, child, value, below))
                walk(items, child, below, depth + 1)
        for key in ("oneOf", "anyOf"):
            for branch in node.get(key, []) if isinstance(node.get(key), list) else []:
                walk(branch, path, chain, depth + 1)

    walk(schema, (), (), 0)
    return list(found.values())


def apply(body: Any, site: Site) -> Any:
    """A copy of `body` with the site's mutation in, or NOT_THERE when the body lacks its parent."""
    out = copy.deepcopy(body)
    steps = site.path if site.what == "additionalProperties" else site.path[:-1]
    node = out
    for step in steps:
        if step == ITEM:
            if not isinstance(node, list) or not node:
                return NOT_THERE
            node = node[0]
        else:
            if not isinstance(node, dict) or step not in node:
                return NOT_THERE
            node = node[step]
    if site.what == "additionalProperties":
        if not isinstance(node, dict):
            return NOT_THERE
        node[UNDOCUMENTED] = 1
        return out
    last = site.path[-1]
    if last == ITEM:
        if not isinstance(node, list):
            return NOT_THERE
        if node:
            node[0] = site.value
        else:
            node.append(site.value)
        return out
    if not isinstance(node, dict) or (site.what == "missing" and last not in node):
        return NOT_THERE
    if site.what == "missing":
        del node[last]
    else:
        node[last] = site.value
    return out


def structured_query_breaks(
    name: str, schema: JSONSchema, defs: Mapping[str, JSONSchema]
) -> Iterator[tuple[str, str, Any, JSONSchema]]:
    """(query key, keyword, value, the schema it breaks) for an array parameter (one item, `name=v`,
    as the exploded form style spells it) or an object one (a property, `name[prop]=v`, as deepObject
    spells it, the style the traffic reader reads)."""
    kinds = types_of(schema)
    if "array" in kinds and isinstance(schema.get("items"), dict):
        items = resolve(schema["items"], defs)
        for keyword, value in breaking_values(items):
            if not isinstance(value, (dict, list)):
                yield name, keyword, value, items
    if "object" in kinds and isinstance(schema.get("properties"), dict):
        for prop, sub in sorted(schema["properties"].items()):
            resolved = resolve(sub, defs)
            for keyword, value in breaking_values(resolved):
                if not isinstance(value, (dict, list)):
                    yield f"{name}[{prop}]", keyword, value, resolved


def path_breaks(schema: JSONSchema) -> list[tuple[str, Any]]:
    """Values that may break a path parameter's schema (a string in the path): the breaking values of
    its keywords, and, where a pattern, format or length constrains it, strings likely outside it."""
    out = [(k, v) for k, v in breaking_values(schema) if not isinstance(v, (dict, list))]
    if any(k in schema for k in ("pattern", "format", "minLength", "maxLength", "const")):
        keyword = next(k for k in ("pattern", "format", "minLength", "maxLength", "const") if k in schema)
        out += [(keyword, text) for text in PATH_CANDIDATES]
    return out


def over_bound(keyword: str, bound: Any) -> Any:
    """A value just outside one bound (None when the bound cannot be stepped over)."""
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        return None
    steps: dict[str, Callable[[Any], Any]] = {
        "minimum": lambda b: b - 1,
        "exclusiveMinimum": lambda b: b,
        "maximum": lambda b: b + 1,
        "exclusiveMaximum": lambda b: b,
        "minLength": lambda b: "a" * (int(b) - 1) if b >= 1 else None,
        "maxLength": lambda b: "a" * (int(b) + 1) if b < 10_000 else None,
        "minItems": lambda b: [] if b >= 1 else None,
        "maxItems": lambda b: [None] * (int(b) + 1) if b < 1_000 else None,
    }
    return steps[keyword](bound)


def type_of(value: Any) -> str:
    return next((kind for kind, sample in WRONG if type(sample) is type(value)), type(value).__name__)
