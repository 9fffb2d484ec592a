"""What `apidrift history` and `apidrift baseline` show and write, as values the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from apidrift.diff.changes import Severity
from apidrift.errors import HistoryError
from apidrift.history.baseline import AcceptRule, Proposal, load_baseline, render_baseline
from apidrift.history.judge import TRANSPORT_SEVERITY, Tracked, subject
from apidrift.history.store import HistoryStore, RunRow, Seen
from apidrift.report.model import DriftReport
from apidrift.report.run_entries import TransportFindingEntry


@dataclass(frozen=True)
class FindingStory:
    """One finding in one series: when first and last seen, on how many nights, how often it flapped."""

    series: str
    finding: Seen
    nights: int
    resolved: bool


@dataclass(frozen=True)
class HistoryView:
    """The runs of a history, newest last, with the latest run's resolved findings and the flapping ones."""

    runs: list[RunRow]
    resolved: list[Seen]
    flapping: list[Seen]
    stories: list[FindingStory]


def describe_history(
    path: Path, *, api: str | None = None, finding: str | None = None, limit: int = 20
) -> HistoryView:
    """The history at `path`: its runs; what the latest run resolved; what flaps; one finding's story."""
    if not path.is_file():
        raise HistoryError("no history here (record one with --history)", file=path)
    with HistoryStore(path) as store:
        runs = store.runs(api=api, limit=limit)
        resolved: list[Seen] = []
        flapping: list[Seen] = []
        if runs:
            latest = runs[-1]
            flapping = store.flapping(latest.series, limit=limit)
            earlier = [r for r in store.runs(series=latest.series, limit=2) if r.run != latest.run]
            if earlier:
                tonight = store.findings_of(latest.run)
                before = store.findings_of(earlier[-1].run)
                resolved = sorted(
                    (s for fid, s in before.items() if fid not in tonight),
                    key=lambda s: (s.operation or "", s.path, s.kind),
                )
        stories = []
        if finding is not None:
            for series, seen, nights in store.finding(api, finding):
                last = store.runs(series=series, limit=1)
                now = store.findings_of(last[-1].run) if last else {}
                stories.append(FindingStory(series, seen, nights, resolved=finding not in now))
            if not stories:
                raise HistoryError(f"no finding {finding!r} in this history", file=path)
    return HistoryView(runs=runs, resolved=resolved, flapping=flapping, stories=stories)


def baseline_from_report(
    report: DriftReport,
    *,
    existing: Path | None,
    owner: str,
    reason: str,
    expires: date | None,
    min_severity: Severity = Severity.WARNING,
) -> tuple[str, int]:
    """A baseline accepting the report's findings at `min_severity` or worse that `existing` (a
    baseline file, kept as it is) does not accept yet: (the file's new text, entries added)."""
    kept = ""
    rules: tuple[AcceptRule, ...] = ()
    if existing is not None and existing.is_file():
        kept = existing.read_text(encoding="utf-8")
        rules = load_baseline(existing).rules
    proposals = []
    entries: list[Tracked] = [*report.findings, *report.renames, *report.transport_findings]
    for entry in entries:
        severity = TRANSPORT_SEVERITY if isinstance(entry, TransportFindingEntry) else entry.severity
        s = subject(entry)
        if severity.rank < min_severity.rank or any(r.matches(s) for r in rules):
            continue
        where = " · ".join(p for p in (entry.kind, s.operation or "", s.path, severity.value) if p)
        proposals.append(Proposal(s, where))
    source = report.metadata.generated_at
    text = render_baseline(
        proposals, reason=reason, owner=owner, expires=expires, source=f"a run of {source}"
    )
    added = len({p.subject.id for p in proposals})
    if kept:
        # Keep the reviewed file as it is; only the new entries are appended (without the header).
        body = text[text.index("\n[[accept]]") :] if added else ""
        return kept.rstrip("\n") + "\n" + body, added
    return text, added
