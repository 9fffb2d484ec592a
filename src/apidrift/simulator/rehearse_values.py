"""Where a field path lands in a JSON value and in a schema, and the values a rehearsal puts there:
admitted by the new version's schema of the field, refused by the old one's."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, Final

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from apidrift.check.patterns import compile_validator, rs_registry
from apidrift.check.schema_facts import ref_name
from apidrift.contracts.model import SCHEMAS_FILE, ContractVersion, JSONSchema, rooted, schemas_document
from apidrift.generate.strategies import from_schema

ITEMS, ANY_KEY = "[]", "*"
_TOKEN = re.compile(r"\[\]|[^.\[\]]+")
# Plain values of each JSON type, tried before any search: most type changes are met by one of them.
SAMPLES: Final[tuple[Any, ...]] = ("apidrift-rehearsal", 0, 1, 0.5, True, [], {}, None)
SEARCH = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    phases=[Phase.generate, Phase.shrink],
)
_MAX_EXPANSIONS = 64  # $ref / allOf / anyOf steps while looking through one schema (cycles end here)


def tokens(path: str) -> tuple[str, ...]:
    """`data[].owner.name` -> ("data", "[]", "owner", "name"); `*` stands for any key of a map."""
    return tuple(_TOKEN.findall(path))


# --- JSON values ------------------------------------------------------------------------------


def containers(value: Any, steps: Sequence[str]) -> Iterator[Any]:
    """Every list or object reached by following `steps` from `value` (all items, all map values)."""
    if not steps:
        yield value
        return
    step, rest = steps[0], steps[1:]
    if step == ITEMS:
        if isinstance(value, list):
            for item in value:
                yield from containers(item, rest)
    elif step == ANY_KEY:
        if isinstance(value, dict):
            for item in value.values():
                yield from containers(item, rest)
    elif isinstance(value, dict) and step in value:
        yield from containers(value[step], rest)


# One change made to a body, so it can be undone: the container, the key or index, what was there.
Edit = tuple[Any, Any, Any]
_MISSING: Final = object()


def omit(body: Any, path: str) -> list[Edit]:
    """Leave out the field at `path` everywhere in `body` (in place); the edits made."""
    steps = tokens(path)
    if not steps or steps[-1] in (ITEMS, ANY_KEY):
        return []
    edits: list[Edit] = []
    for parent in containers(body, steps[:-1]):
        if isinstance(parent, dict) and steps[-1] in parent:
            edits.append((parent, steps[-1], parent.pop(steps[-1])))
    return edits


def put(body: Any, path: str, value: Any, *, first_only: bool = False) -> list[Edit]:
    """Set `value` at `path` in every place of `body` whose parent exists (in place; an optional
    field is added), or in the first only; the edits made."""
    steps = tokens(path)
    if not steps:
        return []
    edits: list[Edit] = []
    last = steps[-1]
    for parent in containers(body, steps[:-1]):
        if last == ITEMS and isinstance(parent, list):
            places: list[Any] = list(range(len(parent)))
        elif last == ANY_KEY and isinstance(parent, dict):
            places = list(parent)
        elif last not in (ITEMS, ANY_KEY) and isinstance(parent, dict):
            places = [last]
        else:
            continue
        for place in places:
            before = parent[place] if isinstance(parent, list) or place in parent else _MISSING
            parent[place] = json_copy(value)
            edits.append((parent, place, before))
            if first_only:
                return edits
    return edits


def undo(edits: list[Edit]) -> None:
    """Put back what `edits` changed, last first."""
    for container, place, before in reversed(edits):
        if before is _MISSING:
            del container[place]
        else:
            container[place] = before


def json_copy(value: Any) -> Any:
    """A copy of a JSON value (several times faster than `copy.deepcopy`, which handles anything)."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


# --- schemas ----------------------------------------------------------------------------------


def field_schemas(schema: JSONSchema | None, path: str, defs: dict[str, JSONSchema]) -> list[JSONSchema]:
    """The schemas a field at `path` has below `schema`: one per allOf part, union branch or
    definition that declares it ($refs followed into `defs`); empty when none does."""
    if schema is None:
        return []
    current = [schema]
    for step in tokens(path):
        below: list[JSONSchema] = []
        for node in (n for s in current for n in _members(s, defs)):
            below += _child(node, step)
        current = below
    return [_relocated(c) for c in current]


def _relocated(node: Any) -> Any:
    """A schema lifted out of `schemas.json`: its local `#/$defs/X` references made to point there."""
    if isinstance(node, dict):
        out = {k: _relocated(v) for k, v in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = SCHEMAS_FILE + ref
        return out
    if isinstance(node, list):
        return [_relocated(v) for v in node]
    return node


def _child(node: JSONSchema, step: str) -> list[JSONSchema]:
    if step == ITEMS:
        items = node.get("items")
        return [items] if isinstance(items, dict) else []
    if step == ANY_KEY:
        found = [s for s in (node.get("patternProperties") or {}).values() if isinstance(s, dict)]
        extra = node.get("additionalProperties")
        return found + ([extra] if isinstance(extra, dict) else [])
    sub = (node.get("properties") or {}).get(step)
    return [sub] if isinstance(sub, dict) else []


def _members(schema: JSONSchema, defs: dict[str, JSONSchema]) -> list[JSONSchema]:
    """`schema` with $refs followed and allOf parts and anyOf/oneOf branches spread out."""
    out: list[JSONSchema] = []
    pending, steps = [schema], 0
    while pending and steps < _MAX_EXPANSIONS:
        node, steps = pending.pop(0), steps + 1
        if not isinstance(node, dict):
            continue
        if "$ref" in node:
            target = defs.get(ref_name(str(node["$ref"])))
            if isinstance(target, dict):
                pending.append(target)
            continue
        out.append(node)
        for keyword in ("allOf", "anyOf", "oneOf"):
            parts = node.get(keyword)
            if isinstance(parts, list):
                pending += [p for p in parts if isinstance(p, dict)]
    return out


def registry_of(version: ContractVersion) -> Any:
    """The jsonschema-rs registry of a version's named schemas (build once per version: it is costly)."""
    document = schemas_document(version.api, version.version, version.schemas)
    return rs_registry(version.base + SCHEMAS_FILE, document)


class FieldJudge:
    """Which values a field may hold in one version, by its schemas there (compiled once)."""

    def __init__(self, version: ContractVersion, schemas: Sequence[JSONSchema], registry: Any) -> None:
        self.version, self.schemas = version, list(schemas)
        where = version.base + "rehearsal-field.json"
        self._validators = [compile_validator(rooted(s, where), registry) for s in self.schemas]

    def admits(self, value: Any) -> bool:
        return any(v.is_valid(value) for v in self._validators)


def breaking_values(
    new: FieldJudge, old: FieldJudge, first: Sequence[Any] = (), *, search: bool = True
) -> tuple[Any, ...]:
    """Values the new schemas of a field admit and the old ones all refuse: those of `first` that
    qualify, else the first such value a (derandomized) search of the new schemas finds."""
    found = tuple(v for v in first if new.admits(v) and not old.admits(v))
    if found or not search or not new.schemas:
        return found
    strategy = st.one_of(*(from_schema(s, new.version.schemas) for s in new.schemas))
    try:
        value = find(strategy, lambda v: new.admits(v) and not old.admits(v), settings=SEARCH)
    except (NoSuchExample, Unsatisfiable):
        return ()
    return (value,)
