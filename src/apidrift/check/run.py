"""A check run: validate recorded responses against a version, fingerprint each against all versions."""

from __future__ import annotations

import itertools
import os
import signal
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from apidrift.check.checker import (
    Alike,
    CheckedResponse,
    RecordingChecker,
    compact,
    response_kind,
    sample_group,
)
from apidrift.check.cores import cpu_sample, default_workers, idle_cores
from apidrift.check.patterns import UnsupportedPattern
from apidrift.check.recordings import recording_names
from apidrift.check.tally import ExactKind, ExactTally
from apidrift.contracts.model import ContractStore
from apidrift.contracts.soundness import SchemaNote
from apidrift.errors import (
    ApidriftError,
    InternalFault,
    RecordingError,
)

# Every response that is not exact is kept while its (operation, target, recorded version, status,
# outcome) has fewer than this many; past that, one of each kind stands for the rest (see `CheckRun.add`).
SAMPLE = 20


@dataclass
class CheckRun:
    """Everything a check found: the responses that are not exact (failed or drifted) in full, the
    exact ones counted by kind (`exact`), and the inputs it could not use."""

    versions: list[str]
    against: str | None
    recordings: str
    responses: list[CheckedResponse] = field(default_factory=list)
    input_errors: list[ApidriftError] = field(default_factory=list)
    # (version, note): documentation findings about the contracts themselves, e.g. unknown keywords.
    notes: list[tuple[str, SchemaNote]] = field(default_factory=list)
    # Documentation findings: patterns the regex engine cannot run, located as `<version>/<where>`.
    unchecked_patterns: list[UnsupportedPattern] = field(default_factory=list)
    exact: ExactTally = field(default_factory=ExactTally)
    # Why the run stopped before every recording was checked (Ctrl-C, SIGTERM); "" when it did not.
    interrupted: str = ""
    # Bounded memory for any corpus: kept responses per sample group, and the one that stands for
    # each kind once its group is full (index into `responses`) with how many more it stands for.
    _sampled: Counter[tuple[object, ...]] = field(default_factory=Counter, repr=False)
    _kinds: dict[tuple[object, ...], int] = field(default_factory=dict, repr=False)
    _also: Counter[int] = field(default_factory=Counter, repr=False)

    @property
    def failures(self) -> list[CheckedResponse]:
        return [r for r in self.responses if not r.ok]

    @property
    def checked(self) -> int:
        """How many responses were checked, exact ones included."""
        return sum(1 + r.also for r in self.responses) + sum(self._also.values()) + self.exact.total

    def add(self, checked: CheckedResponse) -> None:
        """Keep a response that is not exact; count one that is (it has nothing of its own to report).

        The first `SAMPLE` of each group are kept whole; after that a response of a kind already kept
        only adds to that one's count (`also`), so memory grows with kinds of response, not responses.
        """
        if checked.result.exact:
            self.exact.add(compact(checked), checked.file)
            return
        group = sample_group(checked)
        kind = response_kind(checked)
        if self._sampled[group] >= SAMPLE and kind in self._kinds:
            self._also[self._kinds[kind]] += 1
            return
        self._sampled[group] += 1
        self._kinds.setdefault(kind, len(self.responses))
        self.responses.append(checked)

    def add_alike(self, alike: Alike) -> None:
        """Count a response a pool worker left out (see `Alike`): the one of its kind stands for it."""
        self._also[self._kinds[alike.kind]] += 1

    def finish(self) -> None:
        """Give each response the count of those it stands for, then order them by operation and file."""
        for index, n in self._also.items():
            self.responses[index] = replace(self.responses[index], also=self.responses[index].also + n)
        self._also.clear()
        self._kinds.clear()
        self.responses.sort(key=lambda r: (r.operation, r.recorded_version or "", r.file))

    @property
    def exit_code(self) -> int:
        """3 when apidrift itself failed on a file, else 2 when some input was bad, else 1 when a
        response broke its version, else 0."""
        if any(isinstance(e, InternalFault) for e in self.input_errors):
            return 3
        if self.input_errors:
            return 2
        return 1 if self.failures else 0


_CHUNK = 500


def check_recordings(
    store: ContractStore,
    recordings: Path,
    *,
    against: str | None = None,
    versions: Sequence[str] | None = None,
    display_root: Path | None = None,
    workers: int | None = None,
) -> CheckRun:
    """Check every recording below `recordings`.

    Each is validated against `against`, or when that is None against the version its provenance
    names (falling back to the newest version), and fingerprinted against every version. Files are
    read and checked one at a time (no body is kept once checked), on every core for a large folder
    (`workers`: processes to use; default `default_workers`).
    """
    run = CheckRun([], against, display_path(recordings, display_root))
    # Idle cores are measured over the set-up below (contracts loaded, files listed), this process busy.
    setup = cpu_sample()
    try:
        labels = list(versions) if versions else store.require_labels()
    except ApidriftError as exc:
        run.input_errors.append(exc)
        return run
    if against is not None and against not in labels:
        labels.append(against)
    run.versions = labels
    checker = RecordingChecker.build(store, labels, against)
    run.input_errors.extend(checker.problems)
    for label, validator in checker.validators.items():
        run.notes.extend((label, note) for note in validator.version.notes)
        for pattern in validator.unsupported_patterns:
            run.unchecked_patterns.append(replace(pattern, pointer=f"{label}/{pattern.pointer}"))
    if not checker.validators or (against is not None and against not in checker.validators):
        return run
    if not recordings.is_dir():
        run.input_errors.append(RecordingError("no such recordings folder", file=run.recordings))
        return run
    files = recording_names(recordings)
    if not files:
        message = "no recordings (*.json files) in this folder"
        run.input_errors.append(RecordingError(message, file=run.recordings))
        return run
    jobs = workers if workers is not None else default_workers(len(files), idle_cores(setup))
    known: dict[tuple[int, int], ExactKind] = {}
    if jobs > 1:
        outcomes: Iterable[Outcome] = _in_pool(store, labels, against, recordings, files, jobs)
    else:
        base = os.path.join(str(recordings), "")
        outcomes = (checker.check_file(recordings, name, base=base) for name in files)
    try:
        for outcome in outcomes:
            if isinstance(outcome, CheckedResponse):
                run.add(outcome)
            elif isinstance(outcome, Alike):
                run.add_alike(outcome)
            elif isinstance(outcome, ChunkTally):
                outcome.add_to(run.exact, known)
            else:
                if outcome.file and not Path(outcome.file).is_absolute():
                    outcome.file = f"{run.recordings}/{outcome.file}"
                run.input_errors.append(outcome)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (a CI cancel): what was checked is still reported
        run.interrupted = f"stopped after {run.checked:,} of {len(files):,} recordings"
    run.finish()
    return run


# --- the pool: each worker builds its own checker once, then checks chunks of files ----------------

_WORKER: RecordingChecker | None = None


@dataclass
class _Sent:
    """What a worker has sent whole so far, over all its chunks: the parent reads chunks in order and
    a worker takes them in order, so the parent has seen all of it before any later chunk."""

    groups: Counter[tuple[object, ...]] = field(default_factory=Counter)
    kinds: set[tuple[object, ...]] = field(default_factory=set)
    # Exact kinds by the number they were sent under (a kind, pickled, is most of a chunk's answer).
    exact: dict[ExactKind, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChunkTally:
    """A chunk's exact responses as one worker counts them: each kind it had not sent before in
    full, under a number, and the counts by number (`(number, count, first file)`)."""

    worker: int
    new: tuple[tuple[int, ExactKind], ...]
    counts: tuple[tuple[int, int, str], ...]

    def add_to(self, tally: ExactTally, known: dict[tuple[int, int], ExactKind]) -> None:
        """Fold into `tally`, with `known` the kinds every worker has sent so far (by worker, number)."""
        for number, kind in self.new:
            known[(self.worker, number)] = kind
        for number, count, first in self.counts:
            tally.add(known[(self.worker, number)], first, count)


_SENT = _Sent()
# What checking a file gives, as a pool's worker sends it back.
Outcome = CheckedResponse | ApidriftError | ChunkTally | Alike


def _start_worker(root: Path, api: str, labels: list[str], against: str | None) -> None:
    global _WORKER, _SENT
    # Ctrl-C reaches the whole process group: the parent stops the run, a worker just ends with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = RecordingChecker.build(ContractStore(root, api), labels, against)
    _SENT = _Sent()


def _check_chunk(folder: Path, paths: list[str]) -> list[Outcome]:
    """Check a chunk and count its exact responses here: only the few that are not exact, and one
    small tally, cross back to the parent (pickling every response cost more than checking it), and
    past the sample only the kind of a response this worker has sent one of (`Alike`)."""
    assert _WORKER is not None, "the pool's initializer builds the checker"
    tally = ExactTally()
    out: list[Outcome] = []
    base = os.path.join(str(folder), "")
    sent, kinds = _SENT.groups, _SENT.kinds
    for path in paths:
        outcome = _WORKER.check_file(folder, path, base=base)
        if not isinstance(outcome, CheckedResponse):
            out.append(outcome)
        elif outcome.result.exact:
            tally.add(compact(outcome), outcome.file)
        else:
            group, kind = sample_group(outcome), response_kind(outcome)
            if sent[group] >= SAMPLE and kind in kinds:
                out.append(Alike(kind))
                continue
            sent[group] += 1
            kinds.add(kind)
            out.append(outcome)
    numbers = _SENT.exact
    new = []
    for seen in tally.entries:
        if seen not in numbers:
            numbers[seen] = len(numbers)
            new.append((numbers[seen], seen))
    counts = tuple((numbers[seen], n, first) for seen, n, first in tally.groups())
    return [*out, ChunkTally(os.getpid(), tuple(new), counts)]


def _in_pool(
    store: ContractStore,
    labels: list[str],
    against: str | None,
    folder: Path,
    files: list[str],
    jobs: int,
) -> Iterator[Outcome]:
    chunks = [files[i : i + _CHUNK] for i in range(0, len(files), _CHUNK)]
    pool = ProcessPoolExecutor(
        max_workers=jobs, initializer=_start_worker, initargs=(store.root, store.api, labels, against)
    )
    try:
        # map keeps at most the pool's backlog of results in memory, in file order.
        for results in pool.map(_check_chunk, itertools.repeat(folder), chunks):
            yield from results
    finally:
        # Interrupted: the chunks not started are dropped, not checked before the report is written.
        pool.shutdown(wait=True, cancel_futures=True)


def display_path(path: Path, root: Path | None = None) -> str:
    """A path for reports: relative where possible, so reports carry no absolute paths."""
    if not path.is_absolute():
        return path.as_posix()
    resolved = path.resolve()
    for base in (root, Path.cwd()):
        if base is not None and resolved.is_relative_to(base.resolve()):
            return resolved.relative_to(base.resolve()).as_posix() or "."
    return path.name
