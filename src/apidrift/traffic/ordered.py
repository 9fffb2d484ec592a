"""Responses that are not exact, taken in any order and handed to a `CheckRun` as if they had come in
the order of their file names, as `check_recordings` reads a folder: the report is the same whatever
order exchanges are checked in, and memory still follows kinds of response, not responses.

`CheckRun.add` keeps the first `SAMPLE` responses of each group and after that the first of each kind,
counting the rest into it; in name order, those are the `SAMPLE` smallest names of the group and the
smallest name of each kind, which a bounded sample per group finds in any order.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

from apidrift.check.checker import Alike, CheckedResponse, response_kind, sample_group
from apidrift.check.run import SAMPLE, CheckRun


@dataclass
class _Group:
    # The SAMPLE smallest (file, arrival, kind, response), in order; the smallest of each kind; counts.
    smallest: list[tuple[str, int, tuple[object, ...], CheckedResponse]] = field(default_factory=list)
    first: dict[tuple[object, ...], tuple[str, int, CheckedResponse]] = field(default_factory=dict)
    counts: Counter[tuple[object, ...]] = field(default_factory=Counter)


@dataclass
class NameOrder:
    """Collects responses that are not exact; `into` adds them to a run as name order would."""

    _groups: dict[tuple[object, ...], _Group] = field(default_factory=dict)
    _arrived: int = 0

    def add(self, checked: CheckedResponse) -> None:
        group = self._groups.setdefault(sample_group(checked), _Group())
        kind = response_kind(checked)
        # Arrival breaks ties between equal names (two operations whose ids make the same stem).
        self._arrived += 1
        entry = (checked.file, self._arrived, kind, checked)
        group.counts[kind] += 1
        known = group.first.get(kind)
        if known is None or (checked.file, self._arrived) < known[:2]:
            group.first[kind] = (checked.file, self._arrived, checked)
        if len(group.smallest) < SAMPLE or entry[:2] < group.smallest[-1][:2]:
            bisect.insort(group.smallest, entry, key=lambda e: e[:2])
            del group.smallest[SAMPLE:]

    def into(self, run: CheckRun) -> None:
        """Add every response kept to `run`, in name order, and count the others into their kind's."""
        for group in self._groups.values():
            kept = {arrival: (name, kind, r) for name, arrival, kind, r in group.smallest}
            for kind, (name, arrival, r) in group.first.items():
                kept[arrival] = (name, kind, r)
            held: Counter[tuple[object, ...]] = Counter()
            for _, (_, kind, r) in sorted(kept.items(), key=lambda item: (item[1][0], item[0])):
                run.add(r)
                held[kind] += 1
            for kind, n in group.counts.items():
                for _ in range(n - held[kind]):
                    run.add_alike(Alike(kind))
        self._groups.clear()
