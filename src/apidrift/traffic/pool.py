"""Exchanges judged in chunks, in this process or on every idle core, results in exchange order.

A chunk's exact responses are sent back as numbers of kinds (each kind whole once per process, as
`check.run`'s pool does): pickling every checked response back cost more than checking it.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from apidrift.check.checker import CheckedResponse, compact
from apidrift.check.tally import ExactKind
from apidrift.contracts.model import ContractStore
from apidrift.live.redaction import RedactionRules
from apidrift.traffic.exchange import Exchange
from apidrift.traffic.judge import Judge, Judged

CHUNK = 200


@dataclass(frozen=True, slots=True)
class JudgedChunk:
    """A chunk's exchanges judged, in order; `new`: the exact kinds the judging process (`worker`)
    numbered in this chunk, each sent whole once."""

    worker: int
    judged: tuple[Judged, ...]
    new: tuple[tuple[int, ExactKind], ...] = ()


@dataclass
class Judging:
    """A judge and the exact kinds it has numbered so far."""

    judge: Judge
    numbers: dict[ExactKind, int] = field(default_factory=dict)

    def chunk(self, exchanges: Sequence[Exchange]) -> JudgedChunk:
        out, new = [], []
        for exchange in exchanges:
            judged = self.judge.judge(exchange)
            checked = judged.response
            if isinstance(checked, CheckedResponse) and checked.result.exact:
                kind = compact(checked)
                number = self.numbers.get(kind)
                if number is None:
                    number = self.numbers[kind] = len(self.numbers)
                    new.append((number, kind))
                judged = replace(judged, response=number)
            out.append(judged)
        return JudgedChunk(os.getpid(), tuple(out), tuple(new))


_WORKER: Judging | None = None


@dataclass(frozen=True)
class JudgeSpec:
    """How a pool worker builds its judge (the same one the check built)."""

    root: Path
    api: str
    labels: tuple[str, ...]
    label: str
    rules: RedactionRules
    keep_recordings: bool

    def build(self) -> Judge:
        store = ContractStore(self.root, self.api)
        return Judge.build(store, self.labels, self.label, self.rules, keep_recordings=self.keep_recordings)


def _start_worker(spec: JudgeSpec) -> None:
    global _WORKER
    # Ctrl-C reaches the whole process group: the parent stops the run, a worker just ends with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Judging(spec.build())


def _judge_chunk(exchanges: list[Exchange]) -> JudgedChunk:
    assert _WORKER is not None, "the pool's initializer builds the judge"
    return _WORKER.chunk(exchanges)


def chunks(exchanges: Iterable[Exchange], size: int = CHUNK) -> Iterator[list[Exchange]]:
    iterator = iter(exchanges)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def in_pool(spec: JudgeSpec, work: Iterator[list[Exchange]], jobs: int) -> Iterator[JudgedChunk]:
    """Each chunk of `work` judged by a pool of `jobs` processes, in order; at most two chunks per
    process are read ahead, so memory follows the chunk, not the corpus."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(spec,))
    pending: deque[Future[JudgedChunk]] = deque()
    try:
        for chunk in work:
            pending.append(pool.submit(_judge_chunk, chunk))
            while len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        # Interrupted: the chunks not started are dropped, not judged before the report is written.
        pool.shutdown(wait=True, cancel_futures=True)
