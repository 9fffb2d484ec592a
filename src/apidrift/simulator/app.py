"""The simulated API as a Starlette app: routes from a contract version, auth, request validation,
faults and latency, and an in-memory request log under `/__apidrift__/`; the answers come from the
profile's overlay (its handlers, state and per-version rendering) where it has a handler and speaks
the version, and from the generic, contract-driven engine (`engine`) everywhere else."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from jsonschema.exceptions import best_match
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route as StarletteRoute
from starlette.types import Receive, Scope, Send

from apidrift.check.linear import LinearValidator
from apidrift.contracts.model import ContractStore, ContractVersion, Operation
from apidrift.errors import ProfileError
from apidrift.profiles.model import ApiProfile, load_profile
from apidrift.simulator.core import Call, Handler, parse_query
from apidrift.simulator.data import load_examples
from apidrift.simulator.engine import Engine, error_body
from apidrift.simulator.errors import ApiError, SimulatorError
from apidrift.simulator.families import Families, check_mix_item, family_of
from apidrift.simulator.faults import RAW_SEND_KEY, FaultPlan, fault_response, stall, truncate_json
from apidrift.simulator.overlay import Overlay

if TYPE_CHECKING:
    from apidrift.simulator.rehearse import RehearsalPlan

_logger = logging.getLogger("apidrift.simulator")
BASE_PATH: Final = "/v1"
CONTROL_PREFIX: Final = "/__apidrift__"
# How long one request's body validation may take before the request is answered with a 503.
VALIDATION_BUDGET_S: Final = 2.0
_PARAM = re.compile(r"\{(\w+)\}")
_BEARER = re.compile(r"^\s*bearer\s+\S+", re.IGNORECASE)
_ANY = re.compile(r"\S")


class BodyTransform(Protocol):
    """Alters a rendered body (operation id, version label, status, body) before it is sent."""

    def __call__(self, op_id: str, version: str, status: int, body: Any) -> Any: ...

    def info(self) -> dict[str, Any]: ...


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
    """One operation served at `/v1<template>`, answering as `version`."""

    op: Operation
    version: ContractVersion
    pattern: re.Pattern[str]

    @classmethod
    def build(cls, op: Operation, version: ContractVersion) -> Route:
        parts = _PARAM.split(op.path)
        # split() alternates literal text and parameter names.
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
        return cls(op, version, re.compile(f"^{re.escape(BASE_PATH)}{regex}$"))

    @property
    def literal_segments(self) -> int:
        return sum(1 for seg in self.op.path.split("/") if seg and not seg.startswith("{"))


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
        self._new_engine = new_engine or (lambda: Engine([base, *mix.values()], seed, _wall_clock))
        self.engine = self._new_engine()
        self.requests: list[LoggedRequest] = []
        self.routes = _route_table(base, mix, profile.families)
        self._shapes: dict[tuple[str, int], list[Route]] | None = None
        self._speaks: dict[str, bool] = {}
        auth = profile.auth
        self.auth_header = "authorization" if auth.scheme == "bearer" else auth.header.lower()
        self.auth_value = _BEARER if auth.scheme == "bearer" else _ANY
        self._fault_counter = 0
        self.validation_budget_s = validation_budget_s
        self._request_validators: dict[tuple[str, str], Any] = {}
        # What every rendered body passes through before it is sent (a rehearsal), if anything.
        self.transform: BodyTransform | None = None

    def reset(self) -> None:
        """Back to the seed state: a fresh org, an empty request log, the fault sequence from the start."""
        self.state = self.overlay.new_state(self.seed)
        self.engine = self._new_engine()
        self.requests.clear()
        self._fault_counter = 0

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        # Only routes of this method and number of segments can match (a parameter is one segment).
        shape = (method, path.count("/"))
        if self._shapes is None:
            self._shapes = {}
            for route in self.routes:
                key = (route.op.method, (BASE_PATH + route.op.path).count("/"))
                self._shapes.setdefault(key, []).append(route)
        for route in self._shapes.get(shape, ()):
            if m := route.pattern.match(path):
                return route, m.groupdict()
        return None

    def handler_for(self, route: Route) -> Handler | None:
        """The overlay's handler of a route, if it has one and renders the route's version."""
        handler = self.overlay.handlers.get(route.op.id)
        if handler is None:
            return None
        label = route.version.version
        if label not in self._speaks:
            self._speaks[label] = self.overlay.speaks(label)
        return handler if self._speaks[label] else None

    def next_fault_number(self) -> int:
        self._fault_counter += 1
        return self._fault_counter

    async def checked_body(self, route: Route, raw: bytes) -> dict[str, Any]:
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

    def check_body(self, route: Route, raw: bytes) -> dict[str, Any]:
        """The request's JSON body, validated against the route version's request schema (else a 400)."""
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
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object.", code="invalid_request_body")
        return body


def _route_table(base: ContractVersion, mix: dict[str, ContractVersion], families: Families) -> list[Route]:
    """Each operation from the version its family answers in (the base unless mixed)."""
    routes: dict[str, Route] = {}
    for op in base.operations.values():
        version = mix.get(family_of(op.path, families) or "", base)
        routes[op.id] = Route.build(version.operations.get(op.id, op), version)
    for family, version in mix.items():
        for op in version.operations.values():
            if op.id not in routes and family_of(op.path, families) == family:
                routes[op.id] = Route.build(op, version)
    return sorted(routes.values(), key=lambda r: -r.literal_segments)


class SimulatorApp(Starlette):
    """Starlette, keeping the server's own `send` in the scope so a fault can drop the connection."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[RAW_SEND_KEY] = send
        await super().__call__(scope, receive, send)


def create_app(
    version: str | ContractVersion,
    *,
    mix: dict[str, str] | None = None,
    faults: FaultPlan | None = None,
    latency_ms: float = 0,
    seed: int = 0,
    store: ContractStore | None = None,
    profile: ApiProfile | None = None,
    validation_budget_s: float = VALIDATION_BUDGET_S,
    rehearse: str | ContractVersion | RehearsalPlan | None = None,
    examples: Path | None = None,
    clock: Callable[[], int] | None = None,
) -> Starlette:
    """A Starlette app serving one contract version's operations under `/v1` (see the module doc);
    the profile (by default that of the version's API) supplies the overlay and the families.
    `validation_budget_s` bounds how long one request's body validation may take. `rehearse` (an
    older version) alters responses, still valid, to break that version's clients (`rehearse.py`).
    The generic engine takes its examples from `examples/<version>/` (default: the `recordings/<api>/`
    folder beside the contracts root, where `import-openapi` writes them) and its time from `clock`
    (default: now)."""
    store = store or ContractStore()
    base = store.load(version) if isinstance(version, str) else version
    profile = profile or load_profile(base.api, contracts_root=store.root)
    overlay = _overlay(profile)
    mixed: dict[str, ContractVersion] = {}
    known = sorted({*store.labels(), base.version})
    for family, label in (mix or {}).items():
        check_mix_item(family, label, profile.families, known)
        mixed[family] = base if label == base.version else store.load(label)
    if latency_ms < 0:
        raise SimulatorError(f"latency_ms must not be negative, got {latency_ms}")
    versions = list({v.version: v for v in (base, *mixed.values())}.values())
    folder = examples if examples is not None else store.root.parent / "recordings" / base.api
    found = {v.version: load_examples(folder / v.version) for v in versions}
    window = {str(k): v for k, v in profile.simulation.window.items()}

    def new_engine() -> Engine:
        return Engine(versions, seed, clock or _wall_clock, found, window, overlay.effects)

    simulator = Simulator(
        base,
        mixed,
        faults,
        latency_ms,
        seed,
        profile=profile,
        overlay=overlay,
        validation_budget_s=validation_budget_s,
        new_engine=new_engine,
    )
    app = SimulatorApp(
        routes=[
            StarletteRoute(f"{CONTROL_PREFIX}/requests", _control_requests, methods=["GET", "DELETE"]),
            StarletteRoute(f"{CONTROL_PREFIX}/reset", _control_reset, methods=["POST"]),
            StarletteRoute(f"{CONTROL_PREFIX}/info", _control_info, methods=["GET"]),
            StarletteRoute("/{path:path}", _dispatch, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]),
        ]
    )
    if rehearse is not None:
        simulator.transform = _rehearsal(base, rehearse, store)
    app.state.simulator = simulator
    return app


def _rehearsal(
    new: ContractVersion, old: str | ContractVersion | RehearsalPlan, store: ContractStore
) -> BodyTransform:
    from apidrift.simulator.rehearse import Rehearsal, RehearsalPlan, plan_rehearsal

    if isinstance(old, RehearsalPlan):
        return Rehearsal(old)
    return Rehearsal(plan_rehearsal(new, store.load(old) if isinstance(old, str) else old))


def _wall_clock() -> int:
    return int(time.time())


def _overlay(profile: ApiProfile) -> Overlay:
    """The profile's simulator overlay; an API without one is served by the generic engine alone."""
    if profile.extensions.simulator is None:
        return Overlay(handlers={}, new_state=lambda seed: None)
    try:
        overlay = profile.extension("simulator")
    except ProfileError as exc:
        raise SimulatorError(f"cannot simulate {profile.name!r}: {exc.message}", file=exc.file) from None
    if not isinstance(overlay, Overlay):
        message = f"the {profile.name!r} profile's simulator is not an Overlay"
        raise SimulatorError(message, file=profile.source)
    return overlay


def simulator_of(request: Request) -> Simulator:
    sim: Simulator = request.app.state.simulator
    return sim


async def _control_requests(request: Request) -> Response:
    sim = simulator_of(request)
    if request.method == "DELETE":
        count = len(sim.requests)
        sim.requests.clear()
        return JSONResponse({"deleted": count})
    return JSONResponse({"object": "list", "data": [asdict(r) for r in sim.requests]})


async def _control_reset(request: Request) -> Response:
    sim = simulator_of(request)
    sim.reset()
    return JSONResponse({"reset": True, "seed": sim.seed})


async def _control_info(request: Request) -> Response:
    sim = simulator_of(request)
    return JSONResponse(
        {
            "version": sim.base.version,
            "mix": {f: v.version for f, v in sim.mix.items()},
            "seed": sim.seed,
            "operations": len(sim.routes),
            **({"rehearsal": sim.transform.info()} if sim.transform is not None else {}),
            "generic": sorted(r.op.id for r in sim.routes if sim.handler_for(r) is None),
            "unsatisfiable": dict(sorted(sim.engine.unsatisfiable.items())),
        }
    )


async def _dispatch(request: Request) -> Response:
    """Every API request: latency, maybe a fault, then auth, routing, validation, the handler."""
    sim = simulator_of(request)
    raw_body = await request.body()
    if sim.latency_ms:
        await asyncio.sleep(sim.latency_ms / 1000)
    fault = sim.faults.decide(sim.next_fault_number(), sim.seed)
    replaced = fault_response(fault) if fault else None
    if replaced is not None and fault is not None:
        _log(sim, request, None if fault.kind == "drop" else replaced.status_code, fault.kind)
        return replaced
    if fault is not None and fault.kind == "timeout":
        await stall(sim.faults.timeout_s, request.is_disconnected)
    response = await _answer(sim, request, raw_body)
    if fault is not None and fault.kind == "malformed":
        response = truncate_json(response)
    _log(sim, request, response.status_code, fault.kind if fault else None)
    return response


async def _answer(sim: Simulator, request: Request, raw_body: bytes) -> Response:
    route: Route | None = None
    try:
        if not sim.auth_value.match(request.headers.get(sim.auth_header, "")):
            where = (
                "an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)"
                if sim.auth_header == "authorization"
                else f"the {sim.auth_header} header"
            )
            message = f"You didn't provide an API key. You need to provide your API key in {where}."
            raise ApiError(401, message)
        found = sim.match(request.method, request.url.path)
        if found is None:
            raise ApiError(404, f"Invalid URL ({request.method} {request.url.path})")
        route, params = found
        raw_query = {k: request.query_params.getlist(k) for k in request.query_params}
        call = Call(
            op=route.op,
            version=route.version,
            state=sim.state,
            params=params,
            query=parse_query(route.version, route.op, raw_query),
            body=await sim.checked_body(route, raw_body),
        )
        handler = sim.handler_for(route)
        if handler is not None:
            body = handler(call)
            rendered = sim.overlay.render(route.op.id, route.version.version, body)
            if sim.transform is not None:
                rendered = sim.transform(route.op.id, route.version.version, 200, rendered)
            return JSONResponse(rendered)
        answer = sim.engine.answer(call)
        if answer.body is None:
            return Response(status_code=answer.status)
        generic = answer.body
        if sim.transform is not None and 200 <= answer.status < 300:
            generic = sim.transform(route.op.id, route.version.version, answer.status, generic)
        return JSONResponse(generic, answer.status)
    except ApiError as exc:
        if route is not None and sim.handler_for(route) is None:
            # A generically served operation answers its errors in the shape its version documents.
            model = sim.engine.models[route.version.version]
            return JSONResponse(error_body(model, route.op, exc), exc.status)
        return JSONResponse(exc.body(), exc.status)
    except Exception as exc:
        # A simulator bug: still answer with the documented error object (and say so), so a client
        # under test sees a well-formed 500 rather than a bare "Internal Server Error".
        _logger.exception("simulator failed on %s %s", request.method, request.url.path)
        error = ApiError(500, f"apidrift simulator bug: {type(exc).__name__}", type="server_error")
        return JSONResponse(error.body(), 500)


def _log(sim: Simulator, request: Request, status: int | None, fault: str | None) -> None:
    sim.requests.append(LoggedRequest(request.method, request.url.path, request.url.query, status, fault))
