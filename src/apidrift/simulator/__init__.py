"""A simulated API served over HTTP, answering as one contract version (optionally some endpoint
families as another), with the profile's handlers and seeded data, faults and a request log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.simulator.app import create_app
from apidrift.simulator.errors import ApiError, FaultPlanError, MixError, SimulatorError
from apidrift.simulator.families import family_of, parse_mix
from apidrift.simulator.faults import FAULT_KINDS, Fault, FaultPlan
from apidrift.simulator.overlay import Overlay
from apidrift.simulator.routes import BASE_PATH, CONTROL_PREFIX, LoggedRequest, Simulator, base_path_of

if TYPE_CHECKING:
    from apidrift.simulator.rehearse import Rehearsal, RehearsalPlan

__all__ = [
    "BASE_PATH",
    "CONTROL_PREFIX",
    "FAULT_KINDS",
    "ApiError",
    "Fault",
    "FaultPlan",
    "FaultPlanError",
    "LoggedRequest",
    "MixError",
    "Overlay",
    "Simulator",
    "SimulatorError",
    "base_path_of",
    "create_app",
    "family_of",
    "parse_mix",
    "serve",
]


def serve(
    version: str | ContractVersion,
    host: str = "127.0.0.1",
    port: int = 8000,
    mix: dict[str, str] | None = None,
    faults: FaultPlan | None = None,
    latency_ms: float = 0,
    seed: int = 0,
    store: ContractStore | None = None,
    rehearse: str | ContractVersion | RehearsalPlan | Rehearsal | None = None,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the simulator with uvicorn until interrupted (blocking); the API is at `http://host:port`
    and the base path `announce` is told before the server starts (`base_path_of`; `/v1` by default).
    `rehearse` names an older version whose clients its responses break (see `rehearse.py`)."""
    import socket

    import uvicorn

    # uvicorn logs a bind failure and exits: say it as every other bad input is said, before starting.
    try:
        with socket.create_server((host, port)):
            pass
    except (OSError, OverflowError) as exc:
        raise SimulatorError(
            f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    app = create_app(
        version, mix=mix, faults=faults, latency_ms=latency_ms, seed=seed, store=store, rehearse=rehearse
    )
    if announce is not None:
        announce(app.state.simulator.base_path)
    uvicorn.run(app, host=host, port=port, log_level="info")
