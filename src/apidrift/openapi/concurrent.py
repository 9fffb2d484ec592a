"""Run a few independent jobs at once: the largest in a forked child, the rest in this process.

A whole-document diff imports two OpenAPI documents that do not depend on each other; with a second
core the child's import (parse, convert, soundness check) overlaps this process's, and only its
pickled result crosses back (0.01-0.03 s for a 3 MB document that takes a third of a second to
build). Written on `os.fork` and a pipe rather than `concurrent.futures`: a pool costs its own
import, a worker start and a task queue per call, where this needs one child and one result.
"""

from __future__ import annotations

import atexit
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# Below this much work (in the caller's units: bytes to parse) for the job a child would take over,
# the fork and the pickling cost more than the overlap saves.
MIN_WORK = 256 * 1024

# Children that sent their result and are finishing their `after` step (a cache write): reaped at
# the next call or at exit, so their CPU time is counted and no zombie outlives the run.
_finishing: list[int] = []
_registered: list[bool] = []


@dataclass(frozen=True)
class Job(Generic[T]):
    """`run` builds the result; `after` (optional) is done with it once it is delivered, off the
    caller's critical path when a child ran the job; `work` sizes the job (bytes, say)."""

    run: Callable[[], T]
    work: int
    after: Callable[[T], None] | None = None


def run_all(jobs: Sequence[Job[T]]) -> list[T]:
    """Each job's result, in order. The largest runs in a child when it is worth it; a child that
    fails is run again here, so its exception (the exact error) is raised as if it ran here."""
    reap(block=True)
    order = sorted(range(len(jobs)), key=lambda i: jobs[i].work, reverse=True)
    forked = order[0] if len(jobs) > 1 and _worth_forking(jobs, order) else None
    child = _fork(jobs[forked]) if forked is not None else None
    results: dict[int, T] = {}
    current = -1
    try:
        for current in range(len(jobs)):  # in order: the first failure is the one a serial run meets
            if current != forked:
                results[current] = _here(jobs[current])
    except Exception:
        # Collect the child either way; when its job comes first and failed too, its error is the
        # one a serial run would have raised.
        received = child.receive() if child is not None else None
        if forked is not None and forked < current and received is None:
            _here(jobs[forked])
        raise
    if forked is not None:
        received = child.receive() if child is not None else None
        results[forked] = received if received is not None else _here(jobs[forked])
    return [results[i] for i in range(len(jobs))]


def _here(job: Job[T]) -> T:
    result = job.run()
    if job.after is not None:
        job.after(result)
    return result


def _worth_forking(jobs: Sequence[Job[T]], order: list[int]) -> bool:
    """A second core, no other thread (forking a threaded process can copy a held lock), and enough
    work left here to overlap the child's."""
    if sys.platform != "linux" or not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    if len(os.sched_getaffinity(0)) < 2:
        return False
    return sum(jobs[i].work for i in order[1:]) >= MIN_WORK


@dataclass
class _Child(Generic[T]):
    pid: int
    fd: int

    def receive(self) -> T | None:
        """The child's result, or None when it failed (or sent something unreadable)."""
        with os.fdopen(self.fd, "rb") as pipe:
            payload = pipe.read()
        if not payload:
            reap_one(self.pid)
            return None
        _finishing.append(self.pid)
        try:
            result: T = pickle.loads(payload)  # our own child's bytes, never input
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return result


def _fork(job: Job[T]) -> _Child[T] | None:
    try:
        read, write = os.pipe()
        pid = os.fork()
    except OSError:
        return None  # no processes or descriptors left: the job runs here
    if pid:
        os.close(write)
        if not _registered:
            _registered.append(True)
            atexit.register(reap, block=True)
        return _Child(pid, read)
    # The child: never return into the caller's code, never run its exit handlers or flush its buffers.
    code = 1
    try:
        os.close(read)
        result = job.run()
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
        if job.after is not None:
            job.after(result)
        code = 0
    except BaseException:
        pass  # the parent runs the job again and raises its error there
    finally:
        os._exit(code)


def reap(*, block: bool) -> None:
    """Collect the children still finishing (all of them when `block`, else those already done)."""
    for pid in list(_finishing):
        reap_one(pid, block=block)


def reap_one(pid: int, *, block: bool = True) -> None:
    try:
        done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        done = pid  # already collected elsewhere
    if done and pid in _finishing:
        _finishing.remove(pid)
