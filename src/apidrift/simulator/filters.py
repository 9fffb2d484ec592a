"""A list's documented query parameters applied to its items: filters found from the parameters'
names and schemas against the item schema (`status=`, `project_ids[]=` -> `project.id`, a ref'd enum
`event_types[]` -> the field of that enum, `effective_at[gte]=` ranges, `include_archived=` hiding
archived items), the ones a profile names in `[simulation.filters]`, and the documented order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from apidrift.contracts.model import Operation
from apidrift.simulator.data import Schemas
from apidrift.simulator.pages import (
    AFTER_NAMES,
    BEFORE_NAMES,
    LIMIT_NAMES,
    ORDER_NAMES,
    TOKEN_NAMES,
    WINDOW_END,
    WINDOW_START,
    WINDOW_WIDTH,
)

_RANGE: Final = frozenset({"gt", "gte", "lt", "lte"})
_NOT_FILTERS: Final = frozenset(
    (*LIMIT_NAMES, *AFTER_NAMES, *BEFORE_NAMES, *TOKEN_NAMES, *ORDER_NAMES, "group_by")
)
# Fields that say when an item was made, most likely first: what a documented `order` sorts by.
CREATED: Final = ("created_at", "created", "createdAt", "inserted_at", "timestamp", "effective_at")
Path = tuple[str, ...]  # one field path; a `{field}` segment is that field's value (`{type}.id`)


class Rule(StrEnum):
    IN = "in"  # the item's value is one of the asked values (an array parameter)
    EQUALS = "equals"  # the item's value is the asked value
    RANGE = "range"  # the item's value lies in the asked `gt`/`gte`/`lt`/`lte` bounds
    INCLUDE = "include"  # items in a state (archived) are hidden unless the parameter is true


@dataclass(frozen=True)
class Filter:
    """One query parameter and the item field paths it looks at (any of them may match)."""

    param: str
    rule: Rule
    paths: tuple[Path, ...]
    state: str = ""  # for INCLUDE: the state hidden (`archived`)


def filters_of(
    op: Operation,
    schemas: Schemas,
    item_schema: Any,
    named: Mapping[str, Sequence[str]] | None = None,
    skip: Sequence[str] = (),
) -> tuple[Filter, ...]:
    """The filters an operation's query parameters state on its items; `named`: parameter -> field
    paths the profile gives (where a contract's names cannot tell); `skip`: parameters used otherwise."""
    props = schemas.properties(item_schema)
    taken = {*_NOT_FILTERS, *WINDOW_START, *WINDOW_END, *WINDOW_WIDTH, *skip}
    found: list[Filter] = []
    for param in op.query_params:
        name = param.name.removesuffix("[]")
        if name in taken:
            continue
        schema = schemas.resolve(param.schema)
        kind = schema.get("type")
        rule = Rule.IN if kind == "array" else Rule.EQUALS
        if named and name in named:
            paths = tuple(tuple(p.split(".")) for p in named[name])
            rule = Rule.RANGE if _is_range(schemas, schema) else rule
            found.append(Filter(name, rule, paths))
            continue
        if _is_range(schemas, schema):
            if name in props:
                found.append(Filter(name, Rule.RANGE, ((name,),)))
            continue
        if kind == "boolean" and name.startswith("include_"):
            state = name.removeprefix("include_")
            hidden = _state_paths(schemas, props, state)
            if hidden:
                found.append(Filter(name, Rule.INCLUDE, hidden, state))
            continue
        paths = _field_paths(schemas, props, name, param.schema)
        if paths:
            found.append(Filter(name, rule, paths))
    return tuple(found)


def apply(filters: Sequence[Filter], query: Mapping[str, Any], items: Sequence[Any]) -> list[Any]:
    """The items every asked filter keeps (a filter not asked, or asked empty, keeps all)."""
    kept = list(items)
    for f in filters:
        wanted = query.get(f.param)
        if f.rule is Rule.INCLUDE:
            if wanted is not True:
                kept = [item for item in kept if not _in_state(item, f)]
            continue
        if wanted is None or wanted == [] or wanted == {}:
            continue
        kept = [item for item in kept if _keeps(f, wanted, item)]
    return kept


def ordered(op: Operation, schemas: Schemas, item_schema: Any, items: list[Any]) -> list[Any]:
    """Items oldest first by their creation-time field where the list documents an `order` (whose
    direction, default included, the page then applies); as stored otherwise."""
    if not any(p.name in ORDER_NAMES for p in op.query_params):
        return items
    props = schemas.properties(item_schema)
    field = next((name for name in CREATED if name in props), None)
    if field is None:
        return items
    return sorted(items, key=lambda item: _number(item.get(field) if isinstance(item, dict) else None))


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else float("-inf")


def _is_range(schemas: Schemas, schema: Mapping[str, Any]) -> bool:
    keys = set(schemas.properties(schema)) if schema.get("type") == "object" else set()
    return bool(keys) and keys <= _RANGE


def _singulars(name: str) -> list[str]:
    out = [name]
    if name.endswith("ies"):
        out.append(name[:-3] + "y")
    if name.endswith("es"):
        out.append(name[:-2])
    if name.endswith("s"):
        out.append(name[:-1])
    return out


def _field_paths(schemas: Schemas, props: Mapping[str, Any], name: str, schema: Any) -> tuple[Path, ...]:
    """The item field a parameter names: itself or its singular (`models` -> `model`), an embedded
    object's field (`project_ids` -> `project.id`), else the one field of the same named schema."""
    for single in _singulars(name):
        if single in props:
            return ((single,),)
        head, _, tail = single.partition("_")
        while tail:
            if head in props and tail in schemas.properties(props[head]):
                return ((head, tail),)
            more, _, tail = tail.partition("_")
            head = f"{head}_{more}"
    ref = _ref(schema.get("items", schema) if isinstance(schema, Mapping) else None)
    if ref is None:
        return ()
    same = [(field,) for field, sub in props.items() if _ref(sub) == ref]
    return tuple(same) if len(same) == 1 else ()


def _ref(schema: Any) -> str | None:
    if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None


def _state_paths(schemas: Schemas, props: Mapping[str, Any], state: str) -> tuple[Path, ...]:
    """Where an item says it is in `state`: `<state>_at` set, `<state>` true, or an enum field equal
    to it (`status: archived`)."""
    paths: list[Path] = [(f,) for f in (f"{state}_at", state) if f in props]
    for field, sub in props.items():
        if state in (schemas.resolve(sub).get("enum") or ()):
            paths.append((field,))
    return tuple(paths)


def _in_state(item: Any, f: Filter) -> bool:
    for path in f.paths:
        value = _value(item, path)
        if value == f.state or value is True or (path[-1].endswith("_at") and value is not None):
            return True
    return False


def _keeps(f: Filter, wanted: Any, item: Any) -> bool:
    values = [_value(item, path) for path in f.paths]
    if f.rule is Rule.IN:
        asked = wanted if isinstance(wanted, list) else [wanted]
        return any(v in asked for v in values if v is not None)
    if f.rule is Rule.RANGE and isinstance(wanted, Mapping):
        return any(_within(v, wanted) for v in values)
    return any(v == wanted for v in values)


def _within(value: Any, bounds: Mapping[str, Any]) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    checks = {
        "gt": lambda b: value > b,
        "gte": lambda b: value >= b,
        "lt": lambda b: value < b,
        "lte": lambda b: value <= b,
    }
    return all(checks[k](b) for k, b in bounds.items() if k in checks and isinstance(b, int | float))


_ABSENT: Final = object()


def _value(item: Any, path: Path) -> Any:
    node = item
    for segment in path:
        if not isinstance(node, Mapping):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            segment = str(item.get(segment[1:-1], "")) if isinstance(item, Mapping) else ""
        node = node.get(segment, _ABSENT)
        if node is _ABSENT:
            return None
    return node
