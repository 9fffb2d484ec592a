"""Time-windowed lists (usage-like): the window asked (`pages.window_of`), the fields that bound a
bucket, and a page of buckets, each the aggregate of seeded records (`aggregate`) where the
parameters say how to aggregate, else generated whole with non-empty inner lists."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from apidrift.contracts.model import Operation
from apidrift.simulator.aggregate import Records, plain, rollup_of
from apidrift.simulator.core import Call
from apidrift.simulator.data import Unsatisfiable
from apidrift.simulator.errors import ApiError
from apidrift.simulator.model import VersionModel
from apidrift.simulator.pages import (
    WINDOW_END,
    WINDOW_START,
    Envelope,
    Window,
    limit_of,
    named,
    time_value,
    to_seconds,
    window_of,
)


class Buckets:
    """What the engine keeps for windowed lists: per (version, operation) the bucket's bound fields
    and how its results aggregate."""

    def __init__(self, window_names: Mapping[str, str], now: Callable[[], int]) -> None:
        self.window_names = window_names
        self.now = now
        self._bounds: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self._rollups: dict[tuple[str, str], Records | None] = {}
        self._skeletons: dict[tuple[str, str], dict[str, Any]] = {}

    def bounds(self, model: VersionModel, op_id: str, items_schema: Any) -> tuple[str | None, str | None]:
        """A bucket's bounds: the profile's names, else by name, else its first two time fields."""
        key = (model.version.version, op_id)
        if key not in self._bounds:
            self._bounds[key] = self._bound_fields(model, items_schema)
        return self._bounds[key]

    def window(self, op: Operation, query: Mapping[str, Any], org: int | None) -> Window | None:
        """The asked window; without an end it runs to the overlay's clock where the state has one
        (a simulated org's now), unless it starts after that: then to the engine's own now."""
        if org is not None:
            window = window_of(op, query, org, self.window_names)
            if window is None or window.start < org:
                return window
        return window_of(op, query, self.now(), self.window_names)

    def page(
        self,
        model: VersionModel,
        call: Call,
        envelope: Envelope,
        window: Window,
        ids_of: Callable[[VersionModel, Records], dict[str, list[Any]]],
    ) -> tuple[list[dict[str, Any]], bool, str | None]:
        """Buckets of the asked window: aggregates of seeded records where the parameters say how
        (`aggregate`), else each with non-empty inner lists where the schema allows them."""
        op, props = call.op, model.schemas.properties(envelope.items_schema)
        token_name = named(op, ("page", "page_token", "cursor", "next_page"))
        first = window.start
        if token_name and call.query.get(token_name) is not None:
            asked = to_seconds(str(call.query[token_name]).rsplit("_", 1)[-1])
            if not window.start <= asked < window.end:
                raise ApiError(400, f"Invalid '{token_name}' token.", param=token_name)
            first = asked
        stops = range(first, window.end, window.width)
        limit = limit_of(op, call.query, default=7)
        records = self._records(model, op, envelope)
        ids = ids_of(model, records) if records is not None else {}
        bounds = self.bounds(model, op.id, envelope.items_schema)
        page = []
        for stop in stops[:limit]:
            item = None
            if records is not None:
                item = dict(self._skeleton(model, op.id, envelope.items_schema))  # bounds, results set here
                item[records.rollup.results] = records.aggregate(records.bucket(stop, ids), call.query)
                self._bound(model, item, bounds, props, window, stop)
            if item is None or not model.schemas.valid(envelope.items_schema, item):
                salt = f"bucket:{op.id}:{stop}"
                try:
                    item = model.forge.generate(envelope.items_schema, salt, accept=_filled)
                except Unsatisfiable:
                    item = model.forge.generate(envelope.items_schema, salt + ":any")
                self._bound(model, item, bounds, props, window, stop)
            page.append(item)
        more = first + limit * window.width < window.end  # not len(stops): it may pass sys.maxsize
        return page, more, str(stops[limit]) if more else None

    @staticmethod
    def _bound(
        model: VersionModel,
        item: dict[str, Any],
        bounds: tuple[str | None, str | None],
        props: Mapping[str, Any],
        window: Window,
        stop: int,
    ) -> None:
        for name, at in zip(bounds, (stop, stop + window.width), strict=True):
            if name is not None:
                item[name] = time_value(at, window.as_text, model.schemas.resolve(props[name]))

    def _skeleton(self, model: VersionModel, op_id: str, items_schema: Any) -> dict[str, Any]:
        key = (model.version.version, op_id)
        if key not in self._skeletons:
            item = plain(model.schemas, items_schema)
            if not isinstance(item, dict):
                item = model.forge.generate(items_schema, f"bucket:{op_id}")
            self._skeletons[key] = item if isinstance(item, dict) else {}
        return self._skeletons[key]

    def _records(self, model: VersionModel, op: Operation, envelope: Envelope) -> Records | None:
        key = (model.version.version, op.id)
        if key not in self._rollups:
            rollup = rollup_of(op, model.schemas, envelope.items_schema)
            records = Records(model.forge, rollup, f"usage:{op.id}") if rollup else None
            # No record of the result type could be made: buckets are generated whole instead.
            self._rollups[key] = records if records is not None and records.templates else None
        return self._rollups[key]

    def _bound_fields(self, model: VersionModel, items_schema: Any) -> tuple[str | None, str | None]:
        props = model.schemas.properties(items_schema)
        named_start, named_end = self.window_names.get("bucket_start"), self.window_names.get("bucket_end")
        start = named_start if named_start in props else None
        end = named_end if named_end in props else None
        start = start or next((n for n in props if n in WINDOW_START or n.startswith("start")), None)
        end = end or next((n for n in props if n in WINDOW_END or n.startswith("end")), None)
        if start is None:
            times = [n for n, sub in props.items() if _is_time(model.schemas.resolve(sub))]
            start, end = (times[0], times[1]) if len(times) >= 2 else (None, None)
        return start, end


def _is_time(schema: Mapping[str, Any]) -> bool:
    return schema.get("format") in ("date-time", "date") or schema.get("x-unix-time") is True


def _filled(value: Any) -> bool:
    """Whether every list directly inside an object is non-empty (a bucket with results)."""
    return not isinstance(value, dict) or all(v for v in value.values() if isinstance(v, list))
