"""One hypothesis search: draw examples, run each against the target, and keep the smallest failing one.

Hypothesis tells bugs apart by where they raise, not by what they are, so one search follows one kind of
failure: the first kind it meets becomes the one shrunk, others are passed over (and a later search,
told which kinds are known, can find them). The example hypothesis replays last is the shrunk one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, given, reject, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

from apidrift.fuzz.model import Case, Failure

T = TypeVar("T")


class Skip(Exception):
    """An example that cannot be run (no id to put in its path, say): hypothesis draws another."""


@dataclass(frozen=True)
class Step:
    """What running one example came to: the request that failed (or the last one), its failure, and
    the requests of a chain that came before it."""

    case: Case
    failure: Failure | None
    before: tuple[Case, ...] = ()


class _Found(Exception):
    pass


class Clock:
    """The run's deadline: examples after it return at once (hypothesis then ends its search quickly)."""

    def __init__(self, deadline_s: float | None) -> None:
        self._end = None if deadline_s is None else time.monotonic() + deadline_s

    @property
    def expired(self) -> bool:
        return self._end is not None and time.monotonic() > self._end


def search(
    strategy: st.SearchStrategy[T],
    run: Callable[[T], Step],
    *,
    max_examples: int,
    seed_value: int,
    clock: Clock,
    known: Collection[str] = (),
) -> Step | None:
    """The smallest example whose step fails with a kind not in `known` (None if none did)."""
    wanted: list[str] = []
    last: list[Step] = []
    # Skipped examples do not count towards max_examples; without a cap a target that refuses every
    # chain would be asked again and again. Shrinking (once an example failed) is never capped.
    calls = [0]
    cap = 3 * max_examples + 10

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=False,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        print_blob=False,
    )
    @seed(seed_value)
    @given(strategy)
    def example(drawn: Any) -> None:
        calls[0] += 1
        if clock.expired or (calls[0] > cap and not last):
            return
        try:
            step = run(drawn)
        except Skip:
            reject()
        failure = step.failure
        if failure is None or failure.kind in known or (wanted and failure.kind != wanted[0]):
            return
        wanted[:1] = [failure.kind]
        last[:] = [step]
        raise _Found(failure.kind)

    try:
        example()
    except _Found:
        return last[0]
    except HypothesisException:
        # Unsatisfiable (every example skipped), or flaky (a state-dependent answer did not repeat):
        # the last failing example still stands, only perhaps not the smallest.
        return last[0] if last else None
    except BaseException as exc:  # hypothesis wraps a flaky failure in an ExceptionGroup of ours
        if last and _only_found(exc):
            return last[0]
        raise
    return None


def _only_found(exc: BaseException) -> bool:
    if isinstance(exc, _Found):
        return True
    inner = getattr(exc, "exceptions", None)
    return inner is not None and all(_only_found(e) for e in inner)
