"""What every operation handler shares: the call context, query parsing, cursor pages, lookups."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from apidrift.check.linear import LinearValidator
from apidrift.contracts.model import ContractVersion, Operation, rooted
from apidrift.simulator.errors import bad_request, not_found

Body = dict[str, Any]
Entity = dict[str, Any]
Handler = Callable[["Call"], Body]
DEFAULT_LIMIT: Final = 20
DEFAULT_MAX_LIMIT: Final = 100


class Handlers(dict[str, Handler]):
    """One overlay's handlers by operation id (ids are stable across versions)."""

    def handles(self, *op_ids: str) -> Callable[[Handler], Handler]:
        """Register a handler for operation ids."""

        def register(fn: Handler) -> Handler:
            for op_id in op_ids:
                self[op_id] = fn
            return fn

        return register


@dataclass
class Call:
    """One request as a handler sees it: typed query values, the JSON body, the org state."""

    op: Operation
    version: ContractVersion
    state: Any  # the overlay's own state object
    params: Mapping[str, str]
    query: Mapping[str, Any]
    body: Mapping[str, Any]
    # The JSON body as sent, of whatever type its schema admits; `body` is it when it is an object.
    payload: Any = None

    def param(self, *names: str) -> str:
        """The first present path parameter among `names` (a parameter renamed between versions)."""
        for name in names:
            if name in self.params:
                return self.params[name]
        raise KeyError(names[0])


# --- query parameters ----------------------------------------------------------------------


def parse_query(version: ContractVersion, op: Operation, raw: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Typed values of the operation's documented query parameters (defaults applied), or a 400."""
    out: dict[str, Any] = {}
    for param in op.query_params:
        name = param.name.removesuffix("[]")
        kind = _json_type(param.schema)
        if kind == "object":
            value: Any = _object_value(name, raw)
        else:
            values = [*raw.get(name, ()), *raw.get(name + "[]", ())]
            if not values:
                value = None
            elif kind == "array":
                item_kind = _json_type(param.schema.get("items", {}))
                value = [_scalar(name, v, item_kind) for v in values]
            else:
                value = _scalar(name, values[-1], kind)
        if value is None:
            if param.required:
                raise bad_request(
                    f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter"
                )
            if "default" in param.schema:
                out[name] = param.schema["default"]
            continue
        if name == "limit" and isinstance(value, int) and "maximum" in param.schema:
            # A page size above the documented maximum is clamped (as the API does), not refused.
            value = min(value, int(param.schema["maximum"]))
        error = next(iter(_param_validator(version, op, name, param.schema).iter_errors(value)), None)
        if error is not None:
            raise bad_request(f"Invalid value for '{name}': {error.message}", param=name)
        out[name] = value
    return out


# Bounded by the parameters of the versions served (keyed by version and operation).
_PARAM_VALIDATORS: dict[tuple[str, str, str, str], tuple[Mapping[str, Any], Any]] = {}


def _param_validator(version: ContractVersion, op: Operation, name: str, schema: Mapping[str, Any]) -> Any:
    """One compiled validator per documented query parameter (building one costs more than a request)."""
    key = (version.base, op.id, op.method, name)
    hit = _PARAM_VALIDATORS.get(key)
    if hit is None or hit[0] is not schema:
        rooted_schema = rooted(dict(schema), f"{version.base}op-{op.id}-query-{name}.json")
        hit = (schema, LinearValidator(rooted_schema, registry=version.registry))
        _PARAM_VALIDATORS[key] = hit
    return hit[1]


def _json_type(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return str(kind)


def _scalar(name: str, text: str, kind: str) -> Any:
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise bad_request(
                f"Invalid value for '{name}': {text!r} is not an integer.", param=name
            ) from None
    if kind == "boolean":
        if text.lower() in ("true", "1"):
            return True
        if text.lower() in ("false", "0"):
            return False
        raise bad_request(f"Invalid value for '{name}': {text!r} is not a boolean.", param=name)
    return text


def _object_value(name: str, raw: Mapping[str, Sequence[str]]) -> dict[str, Any] | None:
    """`effective_at[gte]=1&effective_at[lt]=2` -> `{"gte": 1, "lt": 2}` (integers where they parse)."""
    found: dict[str, Any] = {}
    for key, values in raw.items():
        if key.startswith(name + "[") and key.endswith("]") and values:
            sub = key[len(name) + 1 : -1]
            found[sub] = _scalar(f"{name}[{sub}]", values[-1], "integer")
    return found or None


# --- cursor pages --------------------------------------------------------------------------


def cursor_page(
    call: Call,
    items: Sequence[Entity],
    *,
    style: str = "first_last",
    key: str = "id",
    default_order: str = "asc",
) -> Body:
    """One page of `items` by `limit`/`after`/`before`/`order`, in the envelope the list documents:
    `first_last` (`first_id`, `last_id`, `has_more`) or `next` (`has_more`, `next`)."""
    limit_param = next((p for p in call.op.query_params if p.name == "limit"), None)
    maximum = int(limit_param.schema.get("maximum", DEFAULT_MAX_LIMIT)) if limit_param else DEFAULT_MAX_LIMIT
    limit = call.query.get("limit", DEFAULT_LIMIT)
    if limit < 0:
        raise bad_request("Invalid value for 'limit': must not be negative.", param="limit")
    limit = min(limit, maximum)
    rows = list(items)
    if (call.query.get("order") or default_order) == "desc":
        rows.reverse()
    ids = [row[key] for row in rows]
    for cursor in ("after", "before"):
        value = call.query.get(cursor)
        if value is not None and value not in ids:
            raise bad_request(f"Invalid '{cursor}' cursor: no item with id '{value}'.", param=cursor)
    after, before = call.query.get("after"), call.query.get("before")
    if after is not None:
        start = ids.index(after) + 1
        rows, ids = rows[start:], ids[start:]
    if before is not None and before in ids:
        rows = rows[: ids.index(before)]
        page, has_more = rows[-limit:] if limit else [], len(rows) > limit
    else:
        page, has_more = rows[:limit], len(rows) > limit
    if style == "next":
        return {
            "object": "list",
            "data": page,
            "has_more": has_more,
            "next": page[-1][key] if has_more and page else None,
        }
    return {
        "object": "list",
        "data": page,
        "first_id": page[0][key] if page else None,
        "last_id": page[-1][key] if page else None,
        "has_more": has_more,
    }


# --- lookups -------------------------------------------------------------------------------


def lookup(table: Mapping[str, Entity], ident: str, kind: str, param: str) -> Entity:
    found = table.get(ident)
    if found is None:
        raise not_found(kind, ident, param)
    return found


def public(value: Any) -> Any:
    """A deep copy without bookkeeping keys (those starting with `_`)."""
    if isinstance(value, dict):
        return {k: public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value
