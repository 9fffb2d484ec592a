"""Judge a run against its history and baseline: each finding new, persisting or accepted, what was
resolved since the previous comparable run, what flaps, and the exit code the gate gives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from apidrift.diff.changes import Severity
from apidrift.history.baseline import AcceptRule, Baseline, Subject, load_baseline
from apidrift.history.gates import FailOn
from apidrift.history.store import UNOBSERVED, HistoryStore, NewRun, Observed, Seen
from apidrift.report.identity import rename_path, transport_subject
from apidrift.report.model import DriftReport, FindingEntry, RenameEntry, RunKind
from apidrift.report.run_entries import TransportFindingEntry
from apidrift.report.tracking import (
    Acceptance,
    BaselineIssue,
    FindingStatus,
    FlapEntry,
    HistoryBlock,
    PastFinding,
    RunRef,
    TrendPoint,
)

# A request that got no usable answer is not drift, but a client would notice: a warning.
TRANSPORT_SEVERITY = Severity.WARNING
TREND_NIGHTS = 30
TREND_OPERATIONS = 12

Tracked = FindingEntry | RenameEntry | TransportFindingEntry


@dataclass(frozen=True)
class HistoryOptions:
    """Where the history and the baseline are, what fails the run, and the night (default: now)."""

    history: Path | None = None
    baseline: Path | None = None
    fail_on: FailOn | None = None
    now: datetime | None = None

    @property
    def active(self) -> bool:
        return self.history is not None or self.baseline is not None or self.fail_on is not None


def series_of(report: DriftReport) -> tuple[str, str]:
    """(series, target): runs compare with the previous run of the same API, family and target."""
    meta = report.metadata
    family = "responses" if meta.kind in (RunKind.CHECK, RunKind.LIVE) else meta.kind.value
    if meta.kind is RunKind.DIFF:
        target = meta.versions[-1] if meta.versions else "-"
    else:
        target = meta.against or "own version"
    return f"{meta.api or '-'} / {family} / {target}", target


def judge_report(report: DriftReport, options: HistoryOptions) -> DriftReport:
    """Mark the report's findings against the baseline and the history, record the run, gate the exit."""
    if not options.active:
        return report
    if options.history is None and options.baseline is None and options.fail_on is not FailOn.NEW:
        # A severity gate alone needs no memory: no statuses, no history block.
        report.exit_code = gate(report, options.fail_on, baseline=False)
        return report
    now = options.now or datetime.now(UTC)
    night, today = now.isoformat(timespec="seconds"), now.date()
    series, target = series_of(report)
    block = HistoryBlock(
        series=series, night=night, fail_on=options.fail_on.value if options.fail_on else None
    )
    if options.baseline is not None:
        block.baseline = str(options.baseline)
        block.baseline_issues = _accept(report, load_baseline(options.baseline), today)
    store = HistoryStore(options.history) if options.history is not None else None
    try:
        previous = store.previous_run(series, night) if store else None
        before = store.findings_of(previous.run) if store and previous else {}
        ids = (e.id for e in _entries(report))
        tracked = store.tracked(series, ids, api=report.metadata.api or "-") if store else {}
        for entry in _entries(report):
            known = tracked.get(entry.id)
            entry.first_seen = known[0][:10] if known else today.isoformat()
            if entry.accepted is not None and not entry.accepted.expired:
                entry.status = FindingStatus.ACCEPTED
            else:
                entry.status = FindingStatus.PERSISTING if entry.id in before else FindingStatus.NEW
        resolved, unobserved = _gone(report, before)
        block.resolved, block.unobserved = [_past(s) for s in resolved], [_past(s) for s in unobserved]
        report.exit_code = gate(report, options.fail_on, baseline=options.baseline is not None)
        if store is not None:
            if previous is not None:
                block.previous = RunRef(run=previous.run, night=previous.night, exit_code=previous.exit_code)
            meta = report.metadata
            row = store.record(
                NewRun(
                    api=meta.api or "-",
                    kind=meta.kind.value,
                    series=series,
                    target=target,
                    night=night,
                    exit_code=report.exit_code,
                ),
                [*_observed(report), *(_carried(s) for s in unobserved)],
                previous=previous.run if previous else None,
                resolved=len(resolved),
            )
            block.store, block.run = str(options.history), row.run
            block.flapping = [_flap(s) for s in store.flapping(series)]
            block.trend = _trend(store, series)
    finally:
        if store is not None:
            store.close()
    statuses = list({e.id: e.status for e in _entries(report)}.values())
    block.new = statuses.count(FindingStatus.NEW)
    block.persisting = statuses.count(FindingStatus.PERSISTING)
    block.accepted = statuses.count(FindingStatus.ACCEPTED)
    report.history = block
    return report


def gate(report: DriftReport, fail_on: FailOn | None, *, baseline: bool) -> int:
    """The exit code: 2 and 3 stay; `new` fails on new (or no longer accepted) findings at warning or
    worse; a severity fails on unaccepted findings at or above it; neither keeps the run's own code
    unless a baseline accepts some of what made it fail."""
    if report.exit_code >= 2:  # bad input or a fault of apidrift's: no finding gate changes that
        return report.exit_code
    if fail_on is None and not baseline:
        return report.exit_code
    kind = report.metadata.kind
    if kind is RunKind.SDK and report.metadata.against is None and fail_on is not FailOn.NEW:
        # Without --against an SDK check fails when something matches no version, which no single
        # finding decides: a baseline cannot change it.
        return report.exit_code
    threshold = report.metadata.fail_on or Severity.BREAKING
    if fail_on is FailOn.NEW:
        threshold = Severity.WARNING
    elif fail_on is not None:
        threshold = Severity(fail_on.value)
    for entry in _relevant(report):
        acceptance = entry.accepted
        if acceptance is not None and not acceptance.expired:
            continue
        severity = _severity(entry)
        # A live run fails on any transport finding; a gate on severity keeps that rule.
        counts = severity.rank >= threshold.rank or (
            isinstance(entry, TransportFindingEntry) and fail_on is not FailOn.NEW
        )
        fresh = entry.status in (None, FindingStatus.NEW) or acceptance is not None
        if counts and (fail_on is not FailOn.NEW or fresh):
            return 1
    return 1 if report.interrupted else 0


def _relevant(report: DriftReport) -> Iterator[Tracked]:
    # An SDK check grades every version; only findings against the one it targets decide.
    against = report.metadata.against if report.metadata.kind is RunKind.SDK else None
    for entry in _entries(report):
        graded = None if isinstance(entry, TransportFindingEntry) else _version(entry)
        if against is None or graded is None or graded == against:
            yield entry


def _version(entry: FindingEntry | RenameEntry) -> str | None:
    return entry.version if isinstance(entry, FindingEntry) else entry.old_in


def _entries(report: DriftReport) -> Iterator[Tracked]:
    yield from report.findings
    yield from report.renames
    yield from report.transport_findings


def _severity(entry: Tracked) -> Severity:
    return TRANSPORT_SEVERITY if isinstance(entry, TransportFindingEntry) else entry.severity


def subject(entry: Tracked) -> Subject:
    """What a baseline entry matches a finding on."""
    if isinstance(entry, RenameEntry):
        return Subject(entry.id, entry.operation, entry.kind, rename_path(entry.old, entry.new))
    if isinstance(entry, TransportFindingEntry):
        return Subject(entry.id, transport_subject(entry.operation, entry.method, entry.path), entry.kind, "")
    return Subject(entry.id, entry.operation, entry.kind, entry.path)


def _accept(report: DriftReport, baseline: Baseline, today: date) -> list[BaselineIssue]:
    used: set[int] = set()
    expired: dict[int, AcceptRule] = {}
    for entry in _entries(report):
        current, stale = baseline.match(subject(entry), today)
        rule = current or stale
        if rule is None:
            continue
        entry.accepted = Acceptance(
            entry=rule.label(),
            reason=rule.reason,
            owner=rule.owner,
            expires=rule.expires.isoformat() if rule.expires else None,
            expired=current is None,
        )
        used.add(rule.index)
        if current is None:
            expired[rule.index] = rule
    issues = []
    for rule in baseline.rules:
        if rule.expired(today):
            hits = "; its findings fail again" if rule.index in expired else ""
            detail = f"expired on {rule.expires} (owner {rule.owner}){hits}"
            issues.append(BaselineIssue(entry=rule.label(), problem="expired", detail=detail))
        elif rule.index not in used:
            detail = f"matches no finding of this run (owner {rule.owner}): remove it if the drift is gone"
            issues.append(BaselineIssue(entry=rule.label(), problem="unused", detail=detail))
    return issues


def _gone(report: DriftReport, before: dict[str, Seen]) -> tuple[list[Seen], list[Seen]]:
    """Findings of the previous run missing tonight: resolved, or unobserved when tonight could not
    see their operation (a transport failure, a skipped operation)."""
    tonight = {e.id for e in _entries(report)}
    blind = {t.operation for t in report.transport_findings if t.operation}
    blind |= {s.operation for s in report.skipped}
    order = sorted(
        (s for fid, s in before.items() if fid not in tonight),
        key=lambda s: (s.operation or "", s.path, s.kind),
    )
    unobserved = [s for s in order if s.operation in blind and not s.kind.startswith(("http_", "timeout"))]
    return [s for s in order if s not in unobserved], unobserved


def _observed(report: DriftReport) -> list[Observed]:
    """One row per id, at the worst severity any of its entries has."""
    worst: dict[str, tuple[int, Observed]] = {}
    ranks = {s: s.rank for s in Severity}
    for entry in _entries(report):
        severity = _severity(entry)
        known = worst.get(entry.id)
        if known is not None and known[0] >= ranks[severity]:
            continue
        if isinstance(entry, FindingEntry):  # the common case, without building a Subject
            operation, path = entry.operation, entry.path
        else:
            s = subject(entry)
            operation, path = s.operation, s.path
        status = (entry.status or FindingStatus.NEW).value
        row = Observed(entry.id, entry.kind, severity.value, operation, path, status)
        worst[entry.id] = (ranks[severity], row)
    return [row for _, row in worst.values()]


def _carried(seen: Seen) -> Observed:
    return Observed(seen.id, seen.kind, seen.severity, seen.operation, seen.path, UNOBSERVED)


def _past(seen: Seen) -> PastFinding:
    return PastFinding(
        id=seen.id,
        kind=seen.kind,
        severity=Severity(seen.severity),
        operation=seen.operation,
        path=seen.path,
        first_seen=seen.first_seen[:10],
        last_seen=seen.last_seen[:10],
    )


def _flap(seen: Seen) -> FlapEntry:
    return FlapEntry(id=seen.id, kind=seen.kind, operation=seen.operation, path=seen.path, flaps=seen.flaps)


def _trend(store: HistoryStore, series: str) -> list[TrendPoint]:
    runs = store.runs(series=series, limit=TREND_NIGHTS)
    per_run = store.operations_of(r.run for r in runs)
    totals: dict[str, int] = {}
    for counts in per_run.values():
        for op, n in counts.items():
            totals[op] = totals.get(op, 0) + n
    # The operations with the most findings over the window; the rest are summed as "(other)".
    top = set(sorted(totals, key=lambda op: (-totals[op], op))[:TREND_OPERATIONS])
    points = []
    for r in runs:
        by_op: dict[str, int] = {}
        for op, n in per_run[r.run].items():
            key = op if op in top else "(other)"
            by_op[key] = by_op.get(key, 0) + n
        points.append(
            TrendPoint(
                night=r.night,
                run=r.run,
                breaking=r.breaking,
                warning=r.warning,
                info=r.info,
                new=r.new,
                resolved=r.resolved,
                by_operation=dict(sorted(by_op.items())),
            )
        )
    return points
