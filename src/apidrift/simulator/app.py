"""The simulated API as a Starlette app: routes from a contract version, auth, request validation,
faults and latency, and an in-memory request log under `/__apidrift__/`; the answers come from the
profile's overlay (its handlers, state and per-version rendering) where it has a handler and speaks
the version, and from the generic, contract-driven engine (`engine`) everywhere else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route as StarletteRoute
from starlette.types import Receive, Scope, Send

from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.errors import ProfileError
from apidrift.profiles.model import ApiProfile, load_profile
from apidrift.simulator.core import Call, parse_query
from apidrift.simulator.data import load_examples
from apidrift.simulator.engine import Engine, error_body
from apidrift.simulator.errors import ApiError, SimulatorError
from apidrift.simulator.families import check_mix_item
from apidrift.simulator.faults import RAW_SEND_KEY, FaultPlan, fault_response, stall, truncate_json
from apidrift.simulator.overlay import Overlay
from apidrift.simulator.routes import (
    CONTROL_PREFIX,
    VALIDATION_BUDGET_S,
    BodyTransform,
    LoggedRequest,
    Route,
    Simulator,
    wall_clock,
)

if TYPE_CHECKING:
    from apidrift.simulator.rehearse import Rehearsal, RehearsalPlan

_logger = logging.getLogger("apidrift.simulator")


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
    rehearse: str | ContractVersion | RehearsalPlan | Rehearsal | None = None,
    examples: Path | None = None,
    clock: Callable[[], int] | None = None,
) -> Starlette:
    """A Starlette app serving one contract version's operations below its base path (`base_path_of`:
    the contract's servers, else the profile's base_url, else `/v1`; see the module doc);
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
        return Engine(
            versions,
            seed,
            clock or wall_clock,
            found,
            window,
            overlay.effects,
            overlay.tables,
            filter_names=profile.simulation.filters,
            clock_of=overlay.clock,
            native=store.load(overlay.native) if overlay.native in store.labels() else None,
            locks=profile.simulation.locks,
        )

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
        simulator.transform = _rehearsal(base, rehearse, store, mixed.values())
    app.state.simulator = simulator
    return app


def _rehearsal(
    new: ContractVersion,
    old: str | ContractVersion | RehearsalPlan | Rehearsal,
    store: ContractStore,
    answered_as: Iterable[ContractVersion],
) -> BodyTransform:
    """A plan per version answered as (the base, and each family's of a mix), for clients of `old`."""
    from apidrift.simulator.rehearse import Rehearsal, RehearsalPlan, plan_rehearsal

    every = [new, *answered_as]
    if isinstance(old, Rehearsal):
        return old.covering(every)
    if isinstance(old, RehearsalPlan):
        return Rehearsal.of(old, every)
    return Rehearsal.of(plan_rehearsal(new, store.load(old) if isinstance(old, str) else old), every)


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
            "base_path": sim.base_path,
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
        found = sim.match(request.method, request.url.path)
        guard = found[0].guard if found is not None else sim.default_guard
        if not guard.admits(request.headers, request.query_params, request.cookies):
            refusal = guard.refusal()
            if found is None or sim.handler_for(found[0]) is not None:
                raise refusal
            # In the shape the operation documents, as its other errors (never rehearsed: no body of
            # an authenticated answer).
            model = sim.engine.models[found[0].version.version]
            return JSONResponse(error_body(model, found[0].op, refusal), refusal.status)
        if found is None:
            raise ApiError(404, f"Invalid URL ({request.method} {request.url.path})")
        route, params = found
        raw_query = {k: request.query_params.getlist(k) for k in request.query_params}
        payload = await sim.checked_body(route, raw_body)
        call = Call(
            op=route.op,
            version=route.version,
            state=sim.state,
            params=params,
            query=parse_query(route.version, route.op, raw_query),
            body=payload if isinstance(payload, dict) else {},
            payload=payload,
        )
        handler = sim.handler_for(route)
        if handler is not None:
            body = handler(call)
            rendered = sim.overlay.render(route.op.id, route.version.version, body)
            if sim.transform is not None:
                rendered = sim.transform(route.op.id, route.version.version, 200, rendered)
            return JSONResponse(rendered)
        answer = sim.engine.answer(call, shared=sim.speaks(route.version.version))
        if answer.body is None:
            return Response(status_code=answer.status)
        generic = answer.body
        if sim.transform is not None:
            generic = sim.transform(route.op.id, route.version.version, answer.status, generic)
        return JSONResponse(generic, answer.status)
    except ApiError as exc:
        documented: Any = exc.body()
        if route is not None and sim.handler_for(route) is None:
            # A generically served operation answers its errors in the shape its version documents.
            documented = error_body(sim.engine.models[route.version.version], route.op, exc)
        if route is not None and sim.transform is not None:
            documented = sim.transform(route.op.id, route.version.version, exc.status, documented)
        return JSONResponse(documented, exc.status)
    except Exception as exc:
        # A simulator bug: still answer with the documented error object (and say so), so a client
        # under test sees a well-formed 500 rather than a bare "Internal Server Error".
        _logger.exception("simulator failed on %s %s", request.method, request.url.path)
        error = ApiError(500, f"apidrift simulator bug: {type(exc).__name__}", type="server_error")
        return JSONResponse(error.body(), 500)


def _log(sim: Simulator, request: Request, status: int | None, fault: str | None) -> None:
    sim.requests.append(LoggedRequest(request.method, request.url.path, request.url.query, status, fault))
