"""A budget in steps and seconds for walks over schemas, so a hostile schema ends in an error, never a hang.

Depth and size limits bound what a schema holds; they do not bound a walk that revisits shared parts
(a union of unions of the same definitions grows exponentially). Every schema walk of apidrift
charges its steps to a `WalkBudget`, which stops it with a `WalkBudgetError` naming the walk.
"""

from __future__ import annotations

import time
from typing import Final

from apidrift.errors import WalkBudgetError

# Far above what any real document needs (a whole-document flatten of the OpenAI spec is ~10^5 steps),
# far below a hang: a walk that reaches either bound is stopped.
MAX_STEPS = 20_000_000
MAX_SECONDS = 10.0
# The clock is read once per this many steps: reading it every step would cost more than the walk.
_CLOCK_EVERY: Final = 4096


class WalkBudget:
    """Steps and seconds one walk may take; `spend` raises `WalkBudgetError` past either."""

    __slots__ = ("_deadline", "file", "pointer", "seconds", "steps", "used", "what")

    def __init__(
        self,
        what: str,
        *,
        steps: int | None = None,
        seconds: float | None = None,
        file: str | None = None,
        pointer: str = "",
    ) -> None:
        self.what, self.file, self.pointer = what, file, pointer
        self.steps = MAX_STEPS if steps is None else steps
        self.seconds = MAX_SECONDS if seconds is None else seconds
        self.used = 0
        self._deadline = time.monotonic() + self.seconds

    def spend(self, n: int = 1, *, clock: bool = False) -> None:
        """Charge `n` steps; `clock` reads the time now (for walks whose every step is costly)."""
        before = self.used
        self.used += n
        if self.used > self.steps:
            self._stop(f"more than {self.steps:,} steps")
        due = clock or before // _CLOCK_EVERY != self.used // _CLOCK_EVERY
        if due and time.monotonic() > self._deadline:
            self._stop(f"more than {self.seconds:g} s")

    def _stop(self, why: str) -> None:
        raise WalkBudgetError(
            f"{self.what} stopped after {why}: the schema is too wide or deep to walk "
            "(shared parts revisited too often); it is not checked",
            file=self.file,
            pointer=self.pointer,
        )
