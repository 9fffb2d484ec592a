"""Nightly memory: a SQLite history of runs, a reviewed baseline (accept-list), and the judgement of a
run against both (new, persisting, resolved, accepted findings; flaps; the `--fail-on new` gate)."""

from __future__ import annotations

from apidrift.history.baseline import Baseline, load_baseline, render_baseline
from apidrift.history.judge import FailOn, HistoryOptions, gate, judge_report, series_of
from apidrift.history.store import HistoryStore

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
