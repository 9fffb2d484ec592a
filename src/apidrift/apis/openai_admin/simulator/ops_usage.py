"""Handlers of the eight usage endpoints and costs: time buckets paged by `limit`/`page`."""

from __future__ import annotations

import time

from apidrift.apis.openai_admin.simulator.registry import Body, Call, handles
from apidrift.apis.openai_admin.simulator.state import NOW, OrgState
from apidrift.apis.openai_admin.simulator.usage_data import (
    COSTS_LIMITS,
    FILTERS,
    LIMITS,
    SECONDS,
    aggregate,
    usage_in,
)
from apidrift.simulator.errors import bad_request


def usage_dimensions(state: OrgState) -> tuple[list[str], list[str], list[str]]:
    """The projects, users and keys usage drawn for a day is spread over (as the seeded week's is)."""
    projects = list(state.projects)[:5]
    return projects, list(state.users), [k for p in state.projects for k in state.api_keys[p]]


_PAGE_PREFIX = "page_"


@handles(
    "usage-audio-speeches",
    "usage-audio-transcriptions",
    "usage-code-interpreter-sessions",
    "usage-completions",
    "usage-embeddings",
    "usage-images",
    "usage-moderations",
    "usage-vector-stores",
    "usage-costs",
)
def usage(call: Call) -> Body:
    """Buckets from `start_time` (aligned down to the width) to `end_time` (default: now)."""
    q = call.query
    kind = call.op.id.removeprefix("usage-").replace("-", "_")
    width_name = q.get("bucket_width", "1d")
    width = SECONDS[width_name]
    default_limit, max_limit = COSTS_LIMITS if kind == "costs" else LIMITS[width_name]
    limit = q.get("limit", default_limit)
    if not 1 <= limit <= max_limit:
        raise bad_request(
            f"Invalid value for 'limit': must be between 1 and {max_limit} for bucket_width={width_name}.",
            param="limit",
        )
    start = q["start_time"] - q["start_time"] % width
    # Without an end the window runs to the simulated org's now, or to the wall clock's for a window
    # that starts after it (a sweep asking for recent days).
    end = q.get("end_time", NOW if q["start_time"] < NOW else int(time.time()))
    if end <= q["start_time"]:
        raise bad_request("'end_time' must be after 'start_time'.", param="end_time")
    first = start
    if "page" in q:
        first = _page_start(q["page"], start, end, width)
    stops = range(first, end, width)
    page = stops[:limit]
    group_by = q.get("group_by") or []
    filters = {name: q[name] for name in (*FILTERS, "batch") if name in q}
    state = call.state
    span = (page[0], page[-1] + width) if page else (start, start)
    records = usage_in(state.usage, kind, *span, seed=state.seed, dims=usage_dimensions(state))
    data = [
        {
            "object": "bucket",
            "start_time": b,
            "end_time": b + width,
            "results": aggregate(kind, records, b, b + width, group_by, filters),
        }
        for b in page
    ]
    # Not len(stops): a range past sys.maxsize items (a start_time far in the past) has no len().
    has_more = first + limit * width < end
    return {
        "object": "page",
        "data": data,
        "has_more": has_more,
        "next_page": f"{_PAGE_PREFIX}{stops[limit]}" if has_more else None,
    }


def _page_start(token: str, start: int, end: int, width: int) -> int:
    """The first bucket of a `page` token (`page_<bucket start>`), checked against the range."""
    text = token.removeprefix(_PAGE_PREFIX)
    if token == text or not text.isdigit():
        raise bad_request(f"Invalid 'page' token {token!r}.", param="page")
    first = int(text)
    if not start <= first < end or (first - start) % width:
        raise bad_request(f"'page' token {token!r} does not belong to this time range.", param="page")
    return first
