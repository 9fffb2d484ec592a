"""Lists as a version documents them: the envelope (which array holds the items, which fields say
`has_more`, `first_id`, `last_id`, `next_page`, ...), the cursor parameters (`limit`, `after`, `before`,
`page`, `order`, ...) and time windows (`start_time`/`end_time`/`bucket_width` style), all found by
name and schema, never by API; a profile can name the window's parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from apidrift.contracts.model import Operation
from apidrift.simulator.data import Schemas
from apidrift.simulator.errors import ApiError
from apidrift.simulator.resources import ITEM_ARRAYS

LIMIT_NAMES: Final = ("limit", "page_size", "per_page", "max_results", "size", "count")
AFTER_NAMES: Final = ("after", "starting_after", "after_id", "since_id")
BEFORE_NAMES: Final = ("before", "ending_before", "before_id")
TOKEN_NAMES: Final = ("page", "page_token", "cursor", "next", "next_page", "continuation_token", "offset")
ORDER_NAMES: Final = ("order", "sort_order", "direction")
# Envelope fields by what they say about the page.
HAS_MORE: Final = ("has_more", "hasMore", "more")
FIRST_ID: Final = ("first_id", "firstId")
LAST_ID: Final = ("last_id", "lastId")
NEXT: Final = ("next_page", "next", "next_cursor", "nextCursor", "next_page_token", "nextPageToken", "cursor")
TOTAL: Final = ("total", "total_count", "count", "totalCount")
WINDOW_START: Final = ("start_time", "start", "from", "since", "start_date", "begin", "starting_at")
WINDOW_END: Final = ("end_time", "end", "to", "until", "end_date", "ending_at")
WINDOW_WIDTH: Final = ("bucket_width", "interval", "granularity", "resolution", "bucket", "period")
DEFAULT_LIMIT: Final = 20
_DURATION: Final = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_WORDS: Final = {"second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800}


@dataclass(frozen=True)
class Envelope:
    """Where a list response puts its items (None: the body is the array) and its other fields."""

    items_key: str | None
    items_schema: Any
    fields: Mapping[str, Any] = field(default_factory=dict)


def envelope_of(schemas: Schemas, schema: Any) -> Envelope | None:
    """The list envelope of a response schema, or None when it is no list."""
    items = schemas.array_items(schema) if schemas.resolve(schema).get("type") == "array" else None
    if items is not None:
        return Envelope(None, items)
    props = schemas.properties(schema)
    arrays = [name for name, sub in props.items() if schemas.array_items(sub) is not None]
    if not arrays:
        return None
    key = next((name for name in ITEM_ARRAYS if name in arrays), arrays[0] if len(arrays) == 1 else None)
    if key is None:
        return None
    return Envelope(key, schemas.array_items(props[key]), {k: v for k, v in props.items() if k != key})


def named(op: Operation, names: Sequence[str]) -> str | None:
    """The first of `names` the operation takes as a query parameter."""
    taken = {p.name.removesuffix("[]") for p in op.query_params}
    return next((name for name in names if name in taken), None)


def limit_of(op: Operation, query: Mapping[str, Any], default: int = DEFAULT_LIMIT) -> int:
    """The page size asked for (its documented default otherwise), within the documented maximum."""
    name = named(op, LIMIT_NAMES)
    param = next((p for p in op.query_params if p.name == name), None)
    schema = param.schema if param is not None else {}
    value = query.get(name) if name else None
    if not isinstance(value, int) or isinstance(value, bool):
        value = schema.get("default", default)
    value = max(int(value), int(schema.get("minimum", 1)), 1)
    return min(value, int(schema.get("maximum", 10_000)))


def page_of(
    op: Operation, query: Mapping[str, Any], rows: Sequence[dict[str, Any]], key: str = "id"
) -> tuple[list[dict[str, Any]], bool, str | None]:
    """One page of `rows` (`order`, then `after`/`before` or a page token, then `limit`): the page,
    whether more follow, and the token of the next page. An unknown cursor starts nothing (empty)."""
    ordered = list(rows)
    order = named(op, ORDER_NAMES)
    if order and str(query.get(order, "")).lower() == "desc":
        ordered.reverse()
    ids = [str(row.get(key)) for row in ordered]
    limit = limit_of(op, query)
    token_name = named(op, TOKEN_NAMES)
    after = next((query[n] for n in AFTER_NAMES if query.get(n) is not None), None)
    if token_name is not None and query.get(token_name) is not None:
        token = query[token_name]
        if isinstance(token, int) and not isinstance(token, bool):  # a page number (1-based) or offset
            start = (token - 1) * limit if token_name == "page" else token
            return _cut(ordered, max(start, 0), limit, ids)
        after = token
    before = next((query[n] for n in BEFORE_NAMES if query.get(n) is not None), None)
    if before is not None:
        end = ids.index(str(before)) if str(before) in ids else 0
        start = max(end - limit, 0)
        return ordered[start:end], start > 0, ids[end - 1] if start > 0 and end else None
    start = ids.index(str(after)) + 1 if after is not None and str(after) in ids else 0
    if after is not None and str(after) not in ids:
        start = len(ordered)
    return _cut(ordered, start, limit, ids)


def _cut(
    rows: list[dict[str, Any]], start: int, limit: int, ids: list[str]
) -> tuple[list[dict[str, Any]], bool, str | None]:
    page = rows[start : start + limit]
    more = start + limit < len(rows)
    return page, more, ids[start + len(page) - 1] if more and page else None


def envelope_fields(
    envelope: Envelope, page: Sequence[dict[str, Any]], more: bool, token: str | None
) -> dict[str, Any]:
    """The envelope's paging fields for one page (the others are left to generation)."""
    out: dict[str, Any] = {}
    for name in envelope.fields:
        if name in HAS_MORE:
            out[name] = more
        elif name in FIRST_ID:
            out[name] = page[0].get("id") if page else None
        elif name in LAST_ID:
            out[name] = page[-1].get("id") if page else None
        elif name in NEXT:
            out[name] = token
        elif name in TOTAL:
            out[name] = len(page)
    return out


# --- time windows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The window a usage-like list asks for: `[start, end)` in Unix seconds, cut in buckets of `width`."""

    start: int
    end: int
    width: int
    as_text: bool = False  # the parameters are date(-time) strings, so the buckets' bounds are too


def window_params(
    op: Operation, names: Mapping[str, str] | None = None
) -> tuple[str | None, str | None, str | None]:
    """The operation's (start, end, width) query parameters: the profile's names, else by name."""
    names = names or {}
    start = (
        names.get("start") if names.get("start") and named(op, [names["start"]]) else named(op, WINDOW_START)
    )
    end = names.get("end") if names.get("end") and named(op, [names["end"]]) else named(op, WINDOW_END)
    width = (
        names.get("width") if names.get("width") and named(op, [names["width"]]) else named(op, WINDOW_WIDTH)
    )
    return start, end, width


def window_of(
    op: Operation, query: Mapping[str, Any], now: int, names: Mapping[str, str] | None = None
) -> Window | None:
    """The window asked for (end: now when not given), or None when the operation takes no window;
    an end at or before the start asked is an ApiError (400)."""
    start_name, end_name, width_name = window_params(op, names)
    if start_name is None and end_name is None:
        return None
    width = seconds(query.get(width_name) if width_name else None, op, width_name)
    end_raw = query.get(end_name) if end_name else None
    start_raw = query.get(start_name) if start_name else None
    end = to_seconds(end_raw) if end_raw is not None else now
    start = to_seconds(start_raw) if start_raw is not None else end - 7 * width
    if start_raw is not None and end_raw is not None and end <= start:
        # Both bounds asked and inverted: a mistake a real API refuses, not a window to clamp.
        raise ApiError(400, f"{end_name} must be after {start_name}.", param=end_name, code="invalid_window")
    as_text = (
        isinstance(start_raw if start_raw is not None else end_raw, str)
        and not str(start_raw if start_raw is not None else end_raw).lstrip("-").isdigit()
    )
    return Window(start - start % width if width <= 86_400 else start, max(end, start + 1), width, as_text)


def seconds(value: Any, op: Operation, width_name: str | None) -> int:
    """A bucket width (`1d`, `1h`, `day`, `3600`) in seconds; the documented default, else a day."""
    if value is None and width_name is not None:
        param = next((p for p in op.query_params if p.name == width_name), None)
        value = param.schema.get("default") if param is not None else None
    text = str(value).strip().lower() if value is not None else "1d"
    if text.isdigit():
        return max(int(text), 1)
    if match := _DURATION.match(text):
        return int(match.group(1)) * _UNITS[match.group(2)]
    return next((size for word, size in _WORDS.items() if text.startswith(word) or text == word[0]), 86_400)


def to_seconds(value: Any) -> int:
    """Unix seconds from an integer or an ISO date(-time) string."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return 0
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp())


def time_value(seconds_: int, as_text: bool, schema: Mapping[str, Any]) -> Any:
    """A bucket bound as the item schema wants it: Unix seconds, or an ISO date(-time)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "string" in kinds or (as_text and "integer" not in kinds and "number" not in kinds):
        moment = datetime.fromtimestamp(seconds_, UTC)
        return (
            moment.date().isoformat()
            if schema.get("format") == "date"
            else moment.isoformat().replace("+00:00", "Z")
        )
    return seconds_
