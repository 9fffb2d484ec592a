"""Check traffic: HAR files and cassettes of any recorder (or exchanges a proxy saw), matched to operations,
redacted, then each response checked as a recording is (in memory) and each request against its
documentation.

The two entry points are `check_traffic_files` (files on disk) and `check_exchanges` (exchanges
already read, e.g. by a proxy); `apidrift.report.build_traffic.build_traffic_report` makes the report.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from apidrift.check.checker import CheckedResponse
from apidrift.check.cores import PARALLEL_FROM, cpu_sample, default_workers, idle_cores
from apidrift.check.recordings import write_recordings
from apidrift.check.run import CheckRun, display_path
from apidrift.check.tally import ExactKind
from apidrift.contracts.model import ContractStore
from apidrift.errors import ApidriftError, RecordingError
from apidrift.live.redaction import GENERIC, RedactionRules
from apidrift.profiles.model import ApiProfile
from apidrift.traffic.captures import capture_files, read_capture
from apidrift.traffic.exchange import Exchange, Unmatched
from apidrift.traffic.judge import Judge, Judged
from apidrift.traffic.ordered import NameOrder
from apidrift.traffic.pool import JudgedChunk, JudgeSpec, Judging, chunks, in_pool
from apidrift.traffic.redact import redact_unmatched
from apidrift.traffic.requests import CheckedRequest, RequestFit

_MAX_FITS = 10_000


@dataclass
class TrafficRun:
    """What a traffic check found: the responses (a `CheckRun`), the requests, what was not matched."""

    run: CheckRun
    requests: list[CheckedRequest] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def request_failures(self) -> list[CheckedRequest]:
        return [r for r in self.requests if not r.ok]

    @property
    def exit_code(self) -> int:
        """2 when some input was bad, else 1 when a response or a request broke its version, else 0."""
        if self.run.input_errors:
            return 2
        return 1 if self.run.failures or self.request_failures else 0


@dataclass
class Traffic:
    """What reading traffic files found besides exchanges: entries that are not exchanges, and files
    that are not traffic (filled as `iter_traffic` goes)."""

    unmatched: list[Unmatched] = field(default_factory=list)
    errors: list[ApidriftError] = field(default_factory=list)


def iter_traffic(
    traffic: Traffic, har: Sequence[Path] = (), cassettes: Sequence[Path] = ()
) -> Iterator[Exchange]:
    """Every exchange of the `har` files and of the captures below the `cassettes` folders (recursively,
    `.har`, `.yaml`, `.yml`, `.json`), one file at a time, so memory follows the largest file, not the
    corpus; each file is read as what it holds (HAR or any cassette family), whichever option named
    it; a file that cannot be read is an error about it in `traffic`, the rest go on."""
    sources = [(path, path.name) for path in har]
    for folder in cassettes:
        if not folder.exists():
            traffic.errors.append(RecordingError("no such cassette folder", file=folder))
            continue
        found = capture_files(folder)
        if not found:
            traffic.errors.append(
                RecordingError("no captures (.har, .yaml, .yml, .json) below it", file=folder)
            )
        root = folder if folder.is_dir() else folder.parent
        # HAR files first: the bodies Playwright attached beside one are part of it, not captures.
        found.sort(key=lambda p: p.suffix.lower() != ".har")
        sources += [(path, path.relative_to(root).as_posix()) for path in found]
    attached: set[Path] = set()
    for path, name in sources:
        if path in attached:
            continue
        items = read_capture(path, name=name, attachments=attached)
        try:
            # A reader refuses a file before its first item (what is wrong inside an entry is that
            # entry's reason), so a file is one error or all its items, and the rest stream: memory
            # follows the parsed file, not also every exchange made of it.
            first = next(items, None)
        except ApidriftError as exc:
            traffic.errors.append(exc)
            continue
        try:
            for item in itertools.chain([] if first is None else [first], items):
                if isinstance(item, Unmatched):
                    traffic.unmatched.append(item)
                else:
                    yield item
        except ApidriftError as exc:  # a streamed file that changed while it was read
            traffic.errors.append(exc)


def check_traffic_files(
    store: ContractStore,
    *,
    har: Sequence[Path] = (),
    cassettes: Sequence[Path] = (),
    profile: ApiProfile | None = None,
    against: str | None = None,
    record: Path | None = None,
) -> TrafficRun:
    """Check the exchanges of HAR files and cassette folders (see `check_exchanges`), file by file."""
    traffic = Traffic()
    names = [p.name for p in (*har, *cassettes)]
    return check_exchanges(
        store,
        iter_traffic(traffic, har, cassettes),
        profile=profile,
        against=against,
        record=record,
        unmatched=traffic.unmatched,
        errors=traffic.errors,
        source=", ".join(names) or "traffic",
    )


def check_exchanges(
    store: ContractStore,
    exchanges: Iterable[Exchange],
    *,
    profile: ApiProfile | None = None,
    against: str | None = None,
    record: Path | None = None,
    unmatched: Iterable[Unmatched] = (),
    errors: Iterable[ApidriftError] = (),
    source: str = "traffic",
    workers: int | None = None,
) -> TrafficRun:
    """Redact each exchange (the profile's rules, and the request's own credentials everywhere), match
    it to an operation of `against` (default: the newest version), check its request against every
    version and its JSON response as a recording is checked (in memory; written to `record` too when
    given). Exchanges no operation has are listed in `unmatched`, as are responses that are not JSON
    where the operation documents no JSON body; where it documents one, such a response is an error
    about the exchange, as a recording file with that body is.

    `exchanges` is consumed once, as it goes, in chunks: from `PARALLEL_FROM` exchanges on, on every
    idle core (`workers`: processes to use; default: measured). `unmatched` and `errors` are read
    after it, so a reader may fill them while it is consumed."""
    rules = RedactionRules.for_profile(profile) if profile is not None else GENERIC
    setup = cpu_sample()
    try:
        labels = store.require_labels()
        label = against or labels[-1]
        store.load(label)  # an unknown version is the one error, before any other is loaded
        if label not in labels:
            labels.append(label)
        judge = Judge.build(store, labels, label, rules, keep_recordings=record is not None)
    except ApidriftError as exc:
        run = CheckRun([], against, source)
        run.input_errors += [*errors, exc]
        return TrafficRun(run, unmatched=[redact_unmatched(u, rules) for u in unmatched])
    result = TrafficRun(CheckRun(labels, label, source))
    if record is not None:
        record.mkdir(parents=True, exist_ok=True)
    spec = JudgeSpec(store.root, store.api, tuple(labels), label, rules, record is not None)
    fold = _Fold(result.run, record)
    try:
        for chunk in _judged(Judging(judge), spec, exchanges, workers, setup):
            fold.add(chunk, result)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (a CI cancel): what was checked is still reported
        result.run.interrupted = f"stopped after {fold.seen:,} exchanges"
    if fold.written:
        fold.finish(judge, display_path(record, record.parent) if record is not None else source)
    result.run.input_errors.extend(fold.refused)
    # What the files held besides exchanges comes first, as it was read first.
    result.unmatched[:0] = [redact_unmatched(u, rules) for u in unmatched]
    if not fold.written and not result.requests:  # a check that checked nothing must not pass
        result.run.input_errors.append(
            RecordingError(f"no exchange of {source} answers an operation of {label}")
        )
    result.run.input_errors[:0] = list(errors)
    return result


def _judged(
    here: Judging,
    spec: JudgeSpec,
    exchanges: Iterable[Exchange],
    workers: int | None,
    setup: tuple[int, int] | None,
) -> Iterator[JudgedChunk]:
    """Chunks judged in this process until `PARALLEL_FROM` exchanges have gone by (how many a stream
    holds is not known ahead), then on every core that sat idle meanwhile."""
    jobs, seen = workers, 0
    work = chunks(exchanges)
    for chunk in work:
        if jobs is None and seen >= PARALLEL_FROM:
            jobs = default_workers(seen, idle_cores(setup))
        if jobs is not None and jobs > 1:
            yield from in_pool(spec, itertools.chain([chunk], work), jobs)
            return
        yield here.chunk(chunk)
        seen += len(chunk)


@dataclass
class _Fold:
    """Judged exchanges folded into the run in exchange order: each response named as its recording
    file would be (`<operation>.json`, then `<operation>.2.json`, ...), exact ones counted, the others
    sampled in name order (`NameOrder`), errors kept with the exchange they are about."""

    run: CheckRun
    record: Path | None
    seen: int = 0
    written: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    kinds: dict[tuple[int, int], ExactKind] = field(default_factory=dict)
    sample: NameOrder = field(default_factory=NameOrder)
    # (recording name, exchange, error): errors about checked responses, ordered by name at the end.
    failed: list[tuple[str, str, ApidriftError]] = field(default_factory=list)
    refused: list[ApidriftError] = field(default_factory=list)
    fits: dict[tuple[RequestFit, ...], tuple[RequestFit, ...]] = field(default_factory=dict)

    def add(self, chunk: JudgedChunk, result: TrafficRun) -> None:
        for number, kind in chunk.new:
            self.kinds[(chunk.worker, number)] = kind
        for judged in chunk.judged:
            self.seen += 1
            if judged.request is not None:
                result.requests.append(self._shared(judged.request))
            if judged.unmatched is not None:
                result.unmatched.append(judged.unmatched)
            elif judged.refused is not None:
                self.refused.append(judged.refused)
            elif judged.stem and judged.request is not None:
                self._response(judged, judged.stem, judged.request.where, chunk.worker)

    def _shared(self, request: CheckedRequest) -> CheckedRequest:
        """The request with the fits of an alike one kept before: every request is kept, and most fit
        the versions as a few others do, so memory follows kinds of request, not requests."""
        try:
            fits = self.fits.setdefault(request.fits, request.fits)
        except TypeError:  # a fit holding an unhashable value: kept as it is
            return request
        if len(self.fits) >= _MAX_FITS:
            self.fits.clear()
        return request if fits is request.fits else replace(request, fits=fits)

    def _response(self, judged: Judged, stem: str, where: str, worker: int) -> None:
        n = self.counts[stem] = self.counts.get(stem, 0) + 1
        name = f"{stem}.json" if n == 1 else f"{stem}.{n}.json"
        if self.record is not None and judged.recording is not None:
            write_recordings(self.record, [(name, judged.recording)])
        self.written += 1
        checked = judged.response
        if isinstance(checked, int):
            self.run.exact.add(self.kinds[(worker, checked)], name)
        elif isinstance(checked, CheckedResponse):
            self.sample.add(replace(checked, file=name))
        elif isinstance(checked, ApidriftError):
            self.failed.append((name, where, checked))

    def finish(self, judge: Judge, recordings: str) -> None:
        """The run as `check_recordings` gives it for the same responses as files in `recordings`."""
        run = self.run
        run.recordings = recordings
        run.input_errors.extend(judge.checker.problems)
        for label, validator in judge.checker.validators.items():
            run.notes.extend((label, note) for note in validator.version.notes)
            for pattern in validator.unsupported_patterns:
                run.unchecked_patterns.append(replace(pattern, pointer=f"{label}/{pattern.pointer}"))
        self.sample.into(run)
        for name, where, error in sorted(self.failed, key=lambda item: item[0]):
            if self.record is None:  # nothing was written: the error names the exchange
                error.file, _, error.pointer = where.partition("#")
            else:
                error.file = f"{recordings}/{name}"
            run.input_errors.append(error)
        run.finish()
