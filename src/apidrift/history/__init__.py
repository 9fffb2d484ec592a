"""Nightly memory: a SQLite history of runs, a reviewed baseline (accept-list), and the judgement of a
run against both (new, persisting, resolved, accepted findings; flaps; the `--fail-on new` gate).

The names below load on first use: a command that only declares `--fail-on` (every `diff` start)
imports `history.gates`, never the store, the judge or the report model behind them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from apidrift.history.gates import FailOn

if TYPE_CHECKING:
    from apidrift.history.baseline import Baseline, load_baseline, render_baseline
    from apidrift.history.judge import HistoryOptions, gate, judge_report, series_of
    from apidrift.history.store import HistoryStore

_WHERE = {
    "Baseline": "baseline",
    "load_baseline": "baseline",
    "render_baseline": "baseline",
    "HistoryOptions": "judge",
    "gate": "judge",
    "judge_report": "judge",
    "series_of": "judge",
    "HistoryStore": "store",
}

__all__ = [
    "Baseline",
    "FailOn",
    "HistoryOptions",
    "HistoryStore",
    "gate",
    "judge_report",
    "load_baseline",
    "render_baseline",
    "series_of",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"apidrift.history.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'apidrift.history' has no attribute {name!r}")
