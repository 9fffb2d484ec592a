"""What a profile adds to the simulator: handlers per operation, a seeded state, per-version bodies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from apidrift.simulator.core import Body, Handler
from apidrift.simulator.errors import SimulatorError


def _as_is(op_id: str, version: str, body: Body) -> Body:
    return body


def _any_version(version: str) -> None:
    return None


def _no_table(state: Any, path: str, parents: tuple[str, ...]) -> None:
    return None


def _no_clock(state: Any) -> None:
    return None


@dataclass(frozen=True)
class Overlay:
    """Handlers answer in one native shape; `render` turns a body into what `version` documents,
    and `check_version` raises SimulatorError for a version it cannot render."""

    handlers: Mapping[str, Handler]
    new_state: Callable[[int], Any]
    render: Callable[[str, str, Body], Body] = _as_is
    check_version: Callable[[str], None] = _any_version
    # For versions the handlers do not speak: what an operation does to its item beyond what the
    # contract says (archiving sets `archived_at`), applied by the generic engine; op id -> effect.
    effects: Mapping[str, Callable[[dict[str, Any], int], None]] = field(default_factory=dict)
    # For versions the handlers speak, operations without a handler are answered by the generic engine
    # from the overlay's own state: `tables(state, collection path, parent ids)` is that collection's
    # live table (items by id; None: the engine's own). Rules on the state (an archived project is
    # read-only) are the profile's data, `[simulation.locks]`, applied by the engine in every version.
    tables: Callable[[Any, str, tuple[str, ...]], dict[str, dict[str, Any]] | None] = _no_table
    # The state's own now (a simulated org's), where its time is not the wall clock's: a time window
    # asked without an end runs to it.
    clock: Callable[[Any], int | None] = _no_clock
    # The version the state keeps its items in: a field another version renames (by the diff's
    # field-renamed findings) is shown and written under that version's name by the engine.
    native: str | None = None

    def speaks(self, version: str) -> bool:
        """Whether the handlers can answer as `version` (else the generic engine answers for them)."""
        try:
            self.check_version(version)
        except SimulatorError:
            return False
        return True
