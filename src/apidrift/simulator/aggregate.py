"""Usage-like buckets as aggregates: each bucket of a window holds a few seeded records (result items
with their dimensions and metrics), and its results are those records filtered by the documented
filter parameters (`project_ids`, `models`, `batch`, ...) and summed per the dimensions `group_by`
asks for, with the dimensions not grouped by left null, as usage APIs report them. The dimensions are
the values of the `group_by` parameter's enum, the metrics every other numeric field; which result
type a bucket holds (a union's branch) is the one those names fit best. Nothing here knows any API."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from apidrift.contracts.model import Operation
from apidrift.simulator.data import Forge, Schemas, Unsatisfiable
from apidrift.simulator.filters import Filter, filters_of
from apidrift.simulator.filters import apply as apply_filters

GROUP_NAMES: Final = ("group_by", "groupBy", "group", "dimensions")
RECORDS: Final = 4  # records drawn per bucket
_REMEMBERED: Final = 4096  # buckets of records kept per operation
_TIME_WORDS: Final = ("_at", "time", "date")


@dataclass(frozen=True)
class Rollup:
    """How one operation's buckets aggregate: the bucket field of results, the result type, the
    dimensions, the `group_by` parameter and the filters on results."""

    results: str
    schema: Any
    dims: tuple[str, ...]
    group_param: str | None
    filters: tuple[Filter, ...]


def rollup_of(op: Operation, schemas: Schemas, bucket_schema: Any) -> Rollup | None:
    """The aggregation a bucket schema and the operation's parameters state, or None when the bucket
    has no one array of result objects or no parameter names a dimension."""
    props = schemas.properties(bucket_schema)
    arrays = [n for n, sub in props.items() if schemas.array_items(sub) is not None]
    if len(arrays) != 1:
        return None
    items = schemas.array_items(props[arrays[0]])
    group_param = next((p for p in op.query_params if p.name.removesuffix("[]") in GROUP_NAMES), None)
    grouped: list[str] = []
    if group_param is not None:
        enum = schemas.resolve(schemas.array_items(group_param.schema) or group_param.schema).get("enum")
        grouped = [str(v) for v in enum or ()]
    best: tuple[tuple[int, int, int], Any, tuple[Filter, ...]] | None = None
    for branch in _branches(schemas, items):
        fields = schemas.properties(branch)
        if not fields:
            continue
        found = filters_of(op, schemas, branch, skip=GROUP_NAMES)
        named = {f.paths[0][0] for f in found if len(f.paths) == 1 and len(f.paths[0]) == 1}
        fit = len({*grouped, *named} & set(fields))
        own = int(any(op.path.rstrip("/").rsplit("/", 1)[-1] in str(c) for c in _consts(schemas, fields)))
        score = (fit, own, -len(fields))
        if best is None or score > best[0]:
            best = (score, branch, found)
    if best is None or best[0][0] == 0:
        return None
    _, branch, found = best
    fields = schemas.properties(branch)
    singles = [f.paths[0][0] for f in found if len(f.paths) == 1 and len(f.paths[0]) == 1]
    dims = tuple(dict.fromkeys(d for d in (*grouped, *singles) if d in fields))
    name = group_param.name.removesuffix("[]") if group_param is not None else None
    return Rollup(arrays[0], branch, dims, name, found)


def _branches(schemas: Schemas, schema: Any) -> list[Any]:
    resolved = schemas.resolve(schema)
    union = [*resolved.get("oneOf", []), *resolved.get("anyOf", [])]
    return union or [schema]


def _consts(schemas: Schemas, fields: Mapping[str, Any]) -> list[Any]:
    return [schemas.resolve(sub).get("const") for sub in fields.values() if "const" in schemas.resolve(sub)]


class Records:
    """Seeded records of one operation's result type: one generated template with every dimension
    and metric set (the slow part, done once), varied per record of a bucket with a bucket-seeded
    random source (dimensions from their pools, metrics drawn anew), each kept only when valid."""

    def __init__(self, forge: Forge, rollup: Rollup, salt: str) -> None:
        self.forge, self.rollup, self.salt = forge, rollup, salt
        schemas = forge.schemas
        fields = schemas.properties(rollup.schema)
        self.fields = fields
        self.metrics = [
            n
            for n, sub in fields.items()
            if n not in rollup.dims and not any(w in n for w in _TIME_WORDS) and _numeric(schemas, sub)
        ]
        template = self._template()
        self._made: dict[tuple[int, str], list[dict[str, Any]]] = {}
        self.templates = [template] * RECORDS if template is not None else []
        self.pools: dict[str, list[Any]] = {}
        for dim in rollup.dims:
            resolved = schemas.resolve(fields[dim])
            kinds = resolved.get("type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            pool = [v for v in resolved.get("enum") or () if v is not None]
            if not pool and "boolean" in kinds:
                pool = [True, False]
            if not pool and "string" in kinds:
                # Words that tell groups apart (generation alone shrinks every string to one value).
                base = dim.removesuffix("_id").replace("_", " ")
                pool = [w for k in range(RECORDS) if schemas.valid(fields[dim], w := f"{base} {k + 1}")]
            own = template.get(dim) if template is not None else None
            self.pools[dim] = pool or ([own] if own is not None else [])

    def _template(self) -> dict[str, Any] | None:
        """A generated record with every dimension and metric set (generation leaves optional
        fields out): a plain value where one is valid, else a generated one."""
        schemas = self.forge.schemas
        made = plain(schemas, self.rollup.schema)
        if not isinstance(made, dict) or not schemas.valid(self.rollup.schema, made):
            try:
                made = self.forge.generate(self.rollup.schema, f"{self.salt}:record")
            except Unsatisfiable:
                return None
        if not isinstance(made, dict):
            return None
        for name in (*self.rollup.dims, *self.metrics):
            if made.get(name) not in (None, {}):
                continue
            value = plain(schemas, self.fields[name])
            if value is None or not schemas.valid(self.fields[name], value):
                try:
                    value = self.forge.generate(
                        self.fields[name], f"{self.salt}:{name}", accept=_complete(schemas, self.fields[name])
                    )
                except Unsatisfiable:
                    continue
            if schemas.valid(self.rollup.schema, {**made, name: value}):
                made[name] = value
        return made

    def bucket(self, start: int, ids: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
        """The records of the bucket starting at `start` (the same every time it is asked while the
        state holds); `ids`: a dimension's values where they are the ids of items the state holds."""
        key = (start, repr(sorted(ids.items())))
        if key not in self._made:
            if len(self._made) >= _REMEMBERED:  # bounded: a sweep asks the same few windows again
                self._made.clear()
            self._made[key] = self._draw_bucket(start, ids)
        return self._made[key]

    def _draw_bucket(self, start: int, ids: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
        rng = random.Random(f"{self.salt}:{start}")
        schemas, schema = self.forge.schemas, self.rollup.schema
        out = []
        for template in self.templates:
            record = dict(template)
            for dim, own in self.pools.items():
                pool = list(ids.get(dim) or own)
                if pool:
                    record[dim] = rng.choice(pool)
            for metric in self.metrics:
                record[metric] = _draw(record.get(metric), rng)
            out.append(record if schemas.valid(schema, record) else template)
        return out

    def aggregate(self, records: Sequence[dict[str, Any]], query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """One bucket's results: the records the asked filters keep, their metrics summed per the
        asked dimensions; a dimension not grouped by is null where the result type allows it."""
        rollup, schemas = self.rollup, self.forge.schemas
        kept = apply_filters(rollup.filters, query, records)
        asked = query.get(rollup.group_param) if rollup.group_param else None
        wanted = asked if isinstance(asked, list) else [asked] if asked else []
        by = [d for d in wanted if d in rollup.dims]
        groups: dict[str, list[dict[str, Any]]] = {}
        for record in kept:
            groups.setdefault(repr([record.get(d) for d in by]), []).append(record)
        results = []
        for members in groups.values():
            result = dict(members[0])
            for metric in self.metrics:
                if metric in result:
                    result[metric] = _sum([m.get(metric) for m in members], result[metric])
            for dim in rollup.dims:
                if dim not in by and schemas.valid(self.fields[dim], None):
                    result[dim] = None
            results.append(result)
        return results


def plain(schemas: Schemas, schema: Any, depth: int = 0) -> Any:
    """The plainest value a schema's type suggests (an object's with all its properties), or None;
    the caller validates it (generation is the slow fallback)."""
    resolved = schemas.resolve(schema)
    if "const" in resolved:
        return resolved["const"]
    enum = [v for v in resolved.get("enum") or () if v is not None]
    if enum:
        return enum[0]
    for branch in (*resolved.get("anyOf", ()), *resolved.get("oneOf", ())):
        found = plain(schemas, branch, depth + 1)
        if found is not None and schemas.valid(schema, found):
            return found
    kinds = resolved.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    simple: dict[str, Any] = {"integer": 1, "number": 1.0, "string": "x", "boolean": False, "array": []}
    kind = next((k for k in kinds if k in simple or k == "object"), None)
    if kind == "object" and depth < 3:
        props = schemas.properties(resolved)
        made = {n: plain(schemas, sub, depth + 1) for n, sub in props.items()}
        # A required name the schema gives no schema for takes any value: the plainest is 0.
        made.update({n: 0 for n in resolved.get("required", ()) if n not in made})
        return made or None
    return simple.get(kind or "")


def _complete(schemas: Schemas, schema: Any) -> Callable[[Any], bool]:
    """Whether a value is set, with every property its schema declares (a nested metric's too)."""
    wanted = set(schemas.properties(schema))

    def accept(value: Any) -> bool:
        return value is not None and (not isinstance(value, dict) or wanted <= set(value))

    return accept


def _numeric(schemas: Schemas, schema: Any, depth: int = 0) -> bool:
    resolved = schemas.resolve(schema)
    kinds = resolved.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds or "number" in kinds:
        return True
    props = schemas.properties(resolved) if depth < 3 else {}
    return any(_numeric(schemas, sub, depth + 1) for sub in props.values())


def _draw(value: Any, rng: random.Random) -> Any:
    """A new metric value of the same kind (nested numbers too)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return rng.randrange(1, 5000)
    if isinstance(value, float):
        return round(rng.uniform(0.01, 25.0), 4)
    if isinstance(value, dict):
        return {k: _draw(v, rng) for k, v in value.items()}
    return value


def _sum(values: list[Any], first: Any) -> Any:
    """Numbers summed (nested ones too); anything else as the first record has it."""
    if isinstance(first, bool) or first is None:
        return first
    if isinstance(first, int | float):
        total = sum(v for v in values if isinstance(v, int | float) and not isinstance(v, bool))
        return round(total, 6) if isinstance(total, float) else total
    if isinstance(first, dict):
        return {k: _sum([v.get(k) for v in values if isinstance(v, dict)], x) for k, x in first.items()}
    return first
