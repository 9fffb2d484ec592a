"""What the simulated API serves from: its routes (each operation from the version its family answers
in), the org state, the fault plan, the request log and the body checks; `app` puts it behind HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import unquote, urlsplit

from jsonschema.exceptions import best_match

from apidrift.check.linear import LinearValidator
from apidrift.contracts import templates
from apidrift.contracts.model import ContractVersion, Operation
from apidrift.profiles.model import ApiProfile
from apidrift.simulator.auth import Guard, common_guard, guard_of
from apidrift.simulator.core import Handler
from apidrift.simulator.engine import Engine
from apidrift.simulator.errors import ApiError
from apidrift.simulator.families import Families, family_of
from apidrift.simulator.faults import FaultPlan
from apidrift.simulator.overlay import Overlay

if TYPE_CHECKING:
    pass

# Where the API is served when neither its contract's servers nor its profile's base_url say.
BASE_PATH: Final = "/v1"
CONTROL_PREFIX: Final = "/__apidrift__"
# How long one request's body validation may take before the request is answered with a 503.
VALIDATION_BUDGET_S: Final = 2.0


class BodyTransform(Protocol):
    """Alters a rendered body (operation id, version label, status, body) before it is sent."""

    def __call__(self, op_id: str, version: str, status: int, body: Any) -> Any: ...

    def info(self) -> dict[str, Any]: ...

    def reset(self) -> None:
        """Start again, as a fresh server would (`Simulator.reset`)."""


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it: no headers, no bodies (so never a key)."""

    method: str
    path: str
    query: str
    status: int | None
    fault: str | None = None


@dataclass(frozen=True)
class Route:
    """One operation served at `<base path><template>`, answering as `version`, behind `guard`."""

    op: Operation
    version: ContractVersion
    pattern: re.Pattern[str]
    guard: Guard = dataclasses.field(default_factory=Guard)

    @classmethod
    def build(cls, op: Operation, version: ContractVersion, base_path: str = BASE_PATH) -> Route:
        return cls(op, version, re.compile(f"^{re.escape(base_path)}{templates.regex(op.path)}$"))

    @property
    def params(self) -> tuple[str, ...]:
        return templates.names(self.op.path)

    @property
    def specificity(self) -> tuple[int, int]:
        """Literal segments, then literal text beside expressions (`{name}.json` over `{id}`)."""
        segments = templates.segments(self.op.path)
        return (
            sum(1 for s in segments if s.text and s.is_literal),
            sum(len(s.literal) for s in segments if not s.is_literal),
        )


class Simulator:
    """What the app serves from: the org state, the route table, the fault plan and the request log."""

    def __init__(
        self,
        base: ContractVersion,
        mix: dict[str, ContractVersion],
        faults: FaultPlan | None,
        latency_ms: float,
        seed: int,
        *,
        profile: ApiProfile,
        overlay: Overlay,
        validation_budget_s: float = VALIDATION_BUDGET_S,
        new_engine: Callable[[], Engine] | None = None,
    ) -> None:
        self.base = base
        self.mix = mix
        self.faults = faults or FaultPlan()
        self.latency_ms = latency_ms
        self.seed = seed
        self.profile = profile
        self.overlay = overlay
        self.state = overlay.new_state(seed)
        self._new_engine = new_engine or (lambda: Engine([base, *mix.values()], seed, wall_clock))
        self.engine = self._new_engine()
        self.requests: list[LoggedRequest] = []
        self.base_path = base_path_of(base, profile)
        self.routes = [
            dataclasses.replace(r, guard=guard_of(r.op, r.version, profile))
            for r in route_table(base, mix, profile.families, self.base_path)
        ]
        # What a request to a path no operation serves must pass before it is told so.
        self.default_guard = common_guard((r.guard for r in self.routes), Guard(message=profile.auth.message))
        self._shapes: dict[tuple[str, int], list[Route]] | None = None
        self._speaks: dict[str, bool] = {}
        self._fault_counter = 0
        self.validation_budget_s = validation_budget_s
        self._request_validators: dict[tuple[str, str], Any] = {}
        # What every rendered body passes through before it is sent (a rehearsal), if anything.
        self.transform: BodyTransform | None = None

    def reset(self) -> None:
        """Back to the seed state: a fresh org, an empty request log, the fault sequence and a
        rehearsal's turns from the start."""
        self.state = self.overlay.new_state(self.seed)
        self.engine = self._new_engine()
        self.requests.clear()
        self._fault_counter = 0
        if self.transform is not None:
            self.transform.reset()

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        # Only routes of this method and number of segments can match (a parameter is one segment).
        shape = (method, path.count("/"))
        if self._shapes is None:
            self._shapes = {}
            for route in self.routes:
                key = (route.op.method, (self.base_path + route.op.path).count("/"))
                self._shapes.setdefault(key, []).append(route)
        for route in self._shapes.get(shape, ()):
            if m := route.pattern.match(path):
                return route, dict(zip(route.params, m.groups(), strict=True))
        return None

    def handler_for(self, route: Route) -> Handler | None:
        """The overlay's handler of a route, if it has one and renders the route's version."""
        handler = self.overlay.handlers.get(route.op.id)
        if handler is None:
            return None
        return handler if self.speaks(route.version.version) else None

    def speaks(self, label: str) -> bool:
        """Whether the overlay answers as version `label` (its handlers, and its state shared)."""
        if label not in self._speaks:
            self._speaks[label] = self.overlay.speaks(label)
        return self._speaks[label]

    def next_fault_number(self) -> int:
        self._fault_counter += 1
        return self._fault_counter

    async def checked_body(self, route: Route, raw: bytes) -> Any:
        """`check_body` in a worker thread, within the time budget: a slow validation never stalls
        the event loop (every other request), and its request is answered with a 503 in bounded time."""
        if route.op.request_body is None or not raw.strip():
            return self.check_body(route, raw)  # nothing to validate: no thread needed
        work = asyncio.to_thread(self.check_body, route, raw)
        try:
            return await asyncio.wait_for(work, self.validation_budget_s)
        except TimeoutError:
            message = f"Validating the request body took longer than {self.validation_budget_s:g}s."
            raise ApiError(503, message, type="server_error", code="validation_timeout") from None

    def check_body(self, route: Route, raw: bytes) -> Any:
        """The request's JSON body, validated against the route version's request schema (else a 400):
        valid is what the schema admits, of any JSON type (an array, a string), not objects alone."""
        spec = route.op.request_body
        if spec is None:
            return {}
        if not raw.strip():
            if spec.required:
                raise ApiError(400, "This operation requires a JSON request body.", code="missing_body")
            return {}
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ApiError(
                400, "We could not parse the JSON body of your request.", code="invalid_json"
            ) from None
        key = (route.version.version, route.op.id)
        validator = self._request_validators.get(key)
        if validator is None:
            schema = route.version.request_schema(route.op.id)
            validator = LinearValidator(schema or {}, registry=route.version.registry)
            self._request_validators[key] = validator
        error = best_match(validator.iter_errors(body))
        if error is not None:
            where = ".".join(str(p) for p in error.absolute_path)
            if error.validator == "required" and "'" in error.message:
                missing = error.message.split("'")[1]
                where = f"{where}.{missing}" if where else missing
            raise ApiError(
                400,
                f"Invalid request body: {error.message}",
                param=where or None,
                code="invalid_request_body",
            )
        return body


def route_table(
    base: ContractVersion, mix: dict[str, ContractVersion], families: Families, base_path: str = BASE_PATH
) -> list[Route]:
    """Each operation from the version its family answers in (the base unless mixed)."""
    routes: dict[str, Route] = {}
    for op in base.operations.values():
        version = mix.get(family_of(op.path, families) or "", base)
        routes[op.id] = Route.build(version.operations.get(op.id, op), version, base_path)
    for family, version in mix.items():
        for op in version.operations.values():
            if op.id not in routes and family_of(op.path, families) == family:
                routes[op.id] = Route.build(op, version, base_path)
    return sorted(routes.values(), key=lambda r: tuple(-n for n in r.specificity))


def base_path_of(version: ContractVersion, profile: ApiProfile) -> str:
    """The path the API is served below: that of the contract's first server URL, else of the
    profile's base_url, else `/v1`; `""` is the root. A relative server URL is a path already."""
    for url in (*version.servers[:1], *([profile.base_url] if profile.base_url else [])):
        path = unquote(urlsplit(url).path).rstrip("/")
        # A template left in the path (a variable without a default) cannot be served literally.
        if "{" not in path:
            return path
    return BASE_PATH


def wall_clock() -> int:
    return int(time.time())
