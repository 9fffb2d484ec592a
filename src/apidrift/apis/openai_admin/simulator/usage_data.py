"""Usage and cost records of the simulated org, and their aggregation into time buckets.

Records are seeded per endpoint kind over the week before the simulated "now", and drawn per day for
any other day a request asks for (`usage_in`); a request's buckets sum the records that fall inside
them, grouped by the requested `group_by` dimensions.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

SECONDS: Final = {"1m": 60, "1h": 3600, "1d": 86_400}
# Documented defaults and maxima of `limit` (buckets per page) for each bucket width.
LIMITS: Final = {"1m": (60, 1440), "1h": (24, 168), "1d": (7, 31)}
COSTS_LIMITS: Final = (7, 180)
SEED_DAYS: Final = 7
MODELS: Final = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3")


@dataclass(frozen=True)
class UsageKind:
    """What one usage endpoint reports: its result object, metrics and groupable dimensions."""

    object: str
    metrics: tuple[str, ...]
    dims: tuple[str, ...]


_USER_DIMS: Final = ("project_id", "user_id", "api_key_id", "model")
KINDS: Final = {
    "completions": UsageKind(
        "organization.usage.completions.result",
        (
            "input_tokens",
            "output_tokens",
            "input_cached_tokens",
            "input_audio_tokens",
            "output_audio_tokens",
            "num_model_requests",
        ),
        (*_USER_DIMS, "batch", "service_tier"),
    ),
    "embeddings": UsageKind(
        "organization.usage.embeddings.result", ("input_tokens", "num_model_requests"), _USER_DIMS
    ),
    "moderations": UsageKind(
        "organization.usage.moderations.result", ("input_tokens", "num_model_requests"), _USER_DIMS
    ),
    "images": UsageKind(
        "organization.usage.images.result", ("images", "num_model_requests"), ("source", "size", *_USER_DIMS)
    ),
    "audio_speeches": UsageKind(
        "organization.usage.audio_speeches.result", ("characters", "num_model_requests"), _USER_DIMS
    ),
    "audio_transcriptions": UsageKind(
        "organization.usage.audio_transcriptions.result", ("seconds", "num_model_requests"), _USER_DIMS
    ),
    "vector_stores": UsageKind("organization.usage.vector_stores.result", ("usage_bytes",), ("project_id",)),
    "code_interpreter_sessions": UsageKind(
        "organization.usage.code_interpreter_sessions.result", ("num_sessions",), ("project_id",)
    ),
    "costs": UsageKind(
        "organization.costs.result", ("amount", "quantity"), ("line_item", "project_id", "api_key_id")
    ),
}
# Query filters (a list of allowed values) and the dimension each one narrows.
FILTERS: Final = {
    "project_ids": "project_id",
    "user_ids": "user_id",
    "api_key_ids": "api_key_id",
    "models": "model",
    "sources": "source",
    "sizes": "size",
}


@dataclass(frozen=True)
class UsageRecord:
    """One usage event: when, along which dimensions, and how much."""

    ts: int
    dims: Mapping[str, Any]
    metrics: Mapping[str, float] = field(default_factory=dict)


def seed_usage(
    rng: random.Random,
    now: int,
    projects: Sequence[str],
    users: Sequence[str],
    keys: Sequence[str],
    *,
    days: int = SEED_DAYS,
    kinds: Sequence[str] = tuple(KINDS),
) -> dict[str, list[UsageRecord]]:
    """Three records per kind per day over the `days` days that end `SEED_DAYS - days` days before `now`."""
    out: dict[str, list[UsageRecord]] = {}
    first_day = now - SEED_DAYS * SECONDS["1d"]
    for name in kinds:
        kind = KINDS[name]
        records = []
        for day in range(days):
            for _ in range(3):
                ts = first_day + day * SECONDS["1d"] + rng.randrange(SECONDS["1d"])
                dims = {
                    "project_id": rng.choice(projects),
                    "user_id": rng.choice(users),
                    "api_key_id": rng.choice(keys),
                    "model": rng.choice(MODELS),
                    "batch": rng.random() < 0.2,
                    "service_tier": rng.choice(("default", "flex")),
                    "source": rng.choice(("image.generation", "image.edit", "image.variation")),
                    "size": rng.choice(("1024x1024", "512x512")),
                    "line_item": rng.choice(("gpt-4o, input", "gpt-4o, output", "vector store storage")),
                }
                records.append(UsageRecord(ts, {d: dims[d] for d in kind.dims}, _metrics(rng, kind)))
        out[name] = sorted(records, key=lambda r: r.ts)
    return out


def usage_in(
    seeded: Mapping[str, Sequence[UsageRecord]],
    kind: str,
    start: int,
    end: int,
    *,
    seed: int,
    dims: tuple[Sequence[str], Sequence[str], Sequence[str]],
) -> list[UsageRecord]:
    """The records of `[start, end)`: the seeded week's where it covers a day, and for every other day
    three records drawn from `(seed, kind, day)`, so any window asked for (recent days included) has
    data, and the same day always has the same data."""
    seeded_days = {r.ts // SECONDS["1d"] for r in seeded.get(kind, ())}
    found = [r for r in seeded.get(kind, ()) if start <= r.ts < end]
    projects, users, keys = dims
    for day in range(start // SECONDS["1d"], (end - 1) // SECONDS["1d"] + 1):
        if day in seeded_days or not (projects and users and keys):
            continue
        rng = random.Random(f"{seed}:{kind}:{day}")
        one_day = seed_usage(
            rng, (day + SEED_DAYS) * SECONDS["1d"], projects, users, keys, days=1, kinds=(kind,)
        )
        found += [r for r in one_day[kind] if start <= r.ts < end]
    return sorted(found, key=lambda r: r.ts)


def _metrics(rng: random.Random, kind: UsageKind) -> dict[str, float]:
    values: dict[str, float] = {}
    for metric in kind.metrics:
        if metric == "amount":
            values[metric] = round(rng.uniform(0.01, 25.0), 4)
        elif metric == "quantity":
            values[metric] = float(rng.randrange(1, 10_000))
        elif metric == "num_model_requests":
            values[metric] = rng.randrange(1, 200)
        else:
            values[metric] = rng.randrange(0, 100_000)
    return values


def aggregate(
    kind_name: str,
    records: Iterable[UsageRecord],
    start: int,
    end: int,
    group_by: Sequence[str],
    filters: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """The results of one bucket `[start, end)`: summed metrics per group, ungrouped dimensions null."""
    kind = KINDS[kind_name]
    groups: dict[tuple[Any, ...], list[UsageRecord]] = {}
    for record in records:
        if not start <= record.ts < end or not _matches(record, filters):
            continue
        key = tuple(record.dims.get(dim) for dim in group_by if dim in kind.dims)
        groups.setdefault(key, []).append(record)
    results = []
    for key in sorted(groups, key=repr):
        members = groups[key]
        grouped = dict(zip([d for d in group_by if d in kind.dims], key, strict=True))
        result: dict[str, Any] = {"object": kind.object}
        for metric in kind.metrics:
            total = sum(r.metrics[metric] for r in members)
            if metric == "amount":
                result["amount"] = {"value": round(total, 6), "currency": "usd"}
            elif metric == "quantity":
                result["quantity"] = total if "line_item" in grouped else None
            else:
                result[metric] = int(total)
        for dim in kind.dims:
            result[dim] = grouped.get(dim)
        results.append(result)
    return results


def _matches(record: UsageRecord, filters: Mapping[str, Any]) -> bool:
    for name, wanted in filters.items():
        if name == "batch":
            if "batch" in record.dims and record.dims["batch"] is not wanted:
                return False
            continue
        dim = FILTERS.get(name, name)
        if dim in record.dims and wanted and record.dims[dim] not in wanted:
            return False
    return True
