"""`apidrift fuzz`: hypothesis-generated valid and invalid requests for every operation of a version,
and stateful chains, against the simulator or a base URL; failing examples shrunk, coverage counted."""

from __future__ import annotations

from apidrift.fuzz.engine import run_fuzz, selected
from apidrift.fuzz.model import Case, Failure, FoundBug, FuzzOptions, FuzzResult, OperationTally

__all__ = [
    "Case",
    "Failure",
    "FoundBug",
    "FuzzOptions",
    "FuzzResult",
    "OperationTally",
    "run_fuzz",
    "selected",
]
