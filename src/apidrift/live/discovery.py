"""What a read-only sweep calls and where each path parameter's value comes from.

A path parameter's id comes, in this order, from the profile's `ids` table, from an OpenAPI link of
a GET operation's response, or from the parent collection (`/pets` for `/pets/{pet_id}`, or the
one list documented with that path under a longer prefix). Query
values come from the profile's sweep rules, else from the parameter's enum or default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from apidrift.contracts import templates
from apidrift.contracts.model import ContractVersion, Operation, Parameter
from apidrift.live.events import SkippedOperation, SkipReason, SweepOptions
from apidrift.profiles.model import ApiProfile, SweepRules, relative_time


class IdOrigin(StrEnum):
    PROFILE = "profile"
    LINK = "link"
    PARENT = "parent"


@dataclass(frozen=True)
class IdSource:
    """A path parameter and the GET (a path template) whose answer supplies it.

    `items` points (JSON pointer segments) at the array whose first active item is used; None means
    the answer's list items (`data`, a bare array, or the one array it holds). `field` is the id's
    path inside an item; empty means the parameter's own name, else `id`.
    """

    name: str
    collection: str
    items: tuple[str, ...] | None = None
    field: tuple[str, ...] = ()
    origin: IdOrigin = IdOrigin.PARENT


@dataclass(frozen=True)
class PlannedRead:
    """A GET operation with its query and the answers its path parameters come from."""

    operation: str
    path_template: str
    query: dict[str, str]
    ids: tuple[IdSource, ...]


def plan_reads(
    version: ContractVersion, options: SweepOptions, profile: ApiProfile
) -> tuple[list[PlannedRead], list[SkippedOperation]]:
    """Every GET operation, ordered so that lists tend to come before the operations needing their ids."""
    gets = {op.path: op for op in version.operations.values() if op.method == "GET"}
    links = _link_sources(version)
    reads, skipped = [], []
    for op in sorted(gets.values(), key=lambda o: (o.path.count("{"), o.path)):
        query = read_query(op, options, profile.sweep)
        if isinstance(query, str):
            skipped.append(SkippedOperation(op.id, SkipReason.MISSING_QUERY_VALUE, f"no value for {query}"))
            continue
        ids: list[IdSource] = []
        for param in op.path_params:
            source = _id_source(op, param.name, gets, links, profile)
            if isinstance(source, str):
                skipped.append(SkippedOperation(op.id, SkipReason.NO_ID_SOURCE, source))
                break
            ids.append(source)
        else:
            reads.append(PlannedRead(op.id, op.path, query, tuple(ids)))
    return reads, skipped


def _id_source(
    op: Operation,
    param: str,
    gets: Mapping[str, Operation],
    links: Mapping[tuple[str, str], list[IdSource]],
    profile: ApiProfile,
) -> IdSource | str:
    """Where `param` of `op` comes from, or why nothing supplies it."""
    if param in profile.ids:
        collection = profile.ids[param]
        if collection in gets and collection != op.path:
            return IdSource(param, collection, origin=IdOrigin.PROFILE)
        return f"the profile's ids.{param} names {collection}, which is no documented GET"
    for source in links.get((op.id, param), []):
        if source.collection in gets and source.collection != op.path:
            return source
    parent = op.path.split("/{" + param + "}")[0]
    # The parent collection, or the one list that ends like it (the same collection documented
    # under a longer prefix, as `/a/things` for `/things/{thing_id}/parts`).
    candidates = [p for p in gets if p.endswith(parent) and "{" + param not in p] if parent else []
    if parent in gets:
        candidates = [parent]
    if len(candidates) == 1 and candidates[0] != op.path:
        return IdSource(param, candidates[0])
    return f"no list operation returns {{{param}}} (give it in the profile's ids table)"


def _link_sources(version: ContractVersion) -> dict[tuple[str, str], list[IdSource]]:
    """(target operation, parameter) -> the answers OpenAPI links say supply it, from GETs' 2xx."""
    found: dict[tuple[str, str], list[IdSource]] = {}
    for op in version.operations.values():
        if op.method != "GET":
            continue  # a read-only sweep only has the answers of reads to take ids from
        for status, spec in op.responses.items():
            if not status.startswith("2"):
                continue
            for link in spec.links.values():
                if not isinstance(link, Mapping) or not isinstance(link.get("operationId"), str):
                    continue
                for name, expression in dict(link.get("parameters") or {}).items():
                    source = _from_expression(op.path, str(name).removeprefix("path."), expression)
                    if source is not None:
                        found.setdefault((link["operationId"], source.name), []).append(source)
    return found


def _from_expression(collection: str, param: str, expression: Any) -> IdSource | None:
    """An id source from a runtime expression `$response.body#/data/0/id`: the array before the last
    index is the items, what follows is the field; a pointer without an index names one value."""
    if not isinstance(expression, str) or not expression.startswith("$response.body#"):
        return None
    pointer = expression.removeprefix("$response.body#")
    segments = [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]]
    indexes = [i for i, s in enumerate(segments) if s.isdigit()]
    if indexes:
        last = indexes[-1]
        items, field = tuple(segments[:last]), tuple(segments[last + 1 :])
    else:  # one object answers: it is the only item
        items, field = tuple(segments[:-1]), tuple(segments[-1:])
    return IdSource(param, collection, items, field, IdOrigin.LINK)


def read_query(op: Operation, options: SweepOptions, rules: SweepRules) -> dict[str, str] | str:
    """The query a read sends, or the name of a required parameter nothing gives a value."""
    now = options.now().timestamp()
    query: dict[str, str] = {}
    for param in op.query_params:
        if param.name in rules.query_defaults:
            query[param.name] = relative_time(rules.query_defaults[param.name], now)
        elif param.name == "limit":
            query["limit"] = str(_limit(op.path, rules, options.list_limit))
        elif param.required:
            value = _schema_value(param)
            if value is None:
                return param.name
            query[param.name] = value
    return query


def _limit(path: str, rules: SweepRules, default: int) -> int:
    prefixes = [p for p in rules.list_limits if path.startswith(p)]
    return rules.list_limits[max(prefixes, key=len)] if prefixes else default


def _schema_value(param: Parameter) -> str | None:
    """A required parameter's value from its schema: its default, else its first enum value."""
    schema = param.schema
    if "default" in schema:
        value = schema["default"]
    elif isinstance(schema.get("enum"), list) and schema["enum"]:
        value = schema["enum"][0]
    else:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None or isinstance(value, (dict, list)) else str(value)


# --- picking an id from an answer ---------------------------------------------------------------


def list_items(body: Any) -> list[dict[str, Any]]:
    """The items of a list answer: `data`, a bare array, or the one array the object holds."""
    if isinstance(body, list):
        return [item for item in body if isinstance(item, dict)]
    if not isinstance(body, dict):
        return []
    data = body.get("data")
    if not isinstance(data, list):
        arrays = [v for v in body.values() if isinstance(v, list)]
        data = arrays[0] if len(arrays) == 1 else []
    return [item for item in data if isinstance(item, dict)]


def _at(value: Any, segments: tuple[str, ...]) -> Any:
    for segment in segments:
        if isinstance(value, dict):
            value = value.get(segment)
        elif isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        else:
            return None
    return value


def is_inactive(item: Mapping[str, Any], rules: SweepRules) -> bool:
    """Whether the profile says to pass this item over (archived, deleted, ...)."""
    for field, rule in rules.inactive_when.items():
        value = item.get(field)
        if (rule == "present" and value is not None) or (rule != "present" and value in rule):
            return True
    return False


def pick(body: Any, source: IdSource, rules: SweepRules) -> str | None:
    """The id of the first active item of an answer, as the source says where to look."""
    if source.items is None:
        items = list_items(body)
    else:
        found = _at(body, source.items)
        items = [found] if isinstance(found, dict) else list_items(found)
    fields = [source.field] if source.field else [(source.name,), ("id",)]
    for item in items:
        if is_inactive(item, rules):
            continue
        for field in fields:
            value = _at(item, field)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
                return str(value)
    return None


def placeholders(template: str) -> list[str]:
    return list(templates.names(template))


def id_source(
    op: Operation, param: str, gets: Mapping[str, Operation], version: ContractVersion, profile: ApiProfile
) -> IdSource | str:
    """Where `param` of `op` (any method) comes from, as a read sweep finds it, or why nothing supplies it."""
    return _id_source(op, param, gets, _link_sources(version), profile)
