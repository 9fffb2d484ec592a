"""Run a few independent jobs at once: the first here, the others in forked children on idle cores.

For importing the two documents of a diff side by side (each a third of a second of parsing,
converting and checking), and comparing half of their operations in a child. A child's result
comes back pickled through a pipe of its own; a multiprocessing pool would cost more to start than
the jobs take, and pickles its jobs too.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import BinaryIO, TypeVar

from apidrift.check.cores import cpu_sample, idle_cores

T = TypeVar("T")

__all__ = ["free_cores", "run_forked"]

# Idle time of the machine from here on: a sample taken when the run's modules are loaded, so the
# span up to the jobs (the rest of the start) tells whether another core is free; with the CPU time
# this process's own children took since, which a later call counts as free as well.
_LOADED = cpu_sample()
_SINCE = (time.monotonic(), os.times())


def free_cores(loadavg: str = "/proc/loadavg") -> int:
    """Cores beside this process's own that sat idle since the modules were loaded, or (a command
    starts its imports a few milliseconds after that: too short a span to tell) that no runnable
    task holds right now; 0 if unknown. One busy half the time with other work is not free."""
    idle = idle_cores(_LOADED)
    if idle is None:
        idle = _idle_now(loadavg)
    else:
        idle += _own_children()
    return 0 if idle is None else max(0, round(idle))


def _own_children() -> float:
    """Cores this process's finished children kept busy since the modules loaded (a diff's second
    import, say): the core is free again for the next jobs."""
    start, before = _SINCE
    after, span = os.times(), time.monotonic() - start
    used = after.children_user + after.children_system - before.children_user - before.children_system
    return used / span if span > 0 else 0.0


def _idle_now(loadavg: str) -> float | None:
    """Cores no runnable task (this process among them) holds now: /proc/loadavg's fourth field."""
    try:
        with open(loadavg, encoding="ascii") as handle:
            runnable = int(handle.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None
    return float(max(0, (os.cpu_count() or 1) - runnable))


def can_fork() -> bool:
    """Fork only where it is cheap and safe: Linux, and no other thread that could hold a lock."""
    return sys.platform == "linux" and threading.active_count() == 1


def run_forked(jobs: Sequence[Callable[[], T]], *, children: int, here: int = 0) -> list[T]:
    """Each job's result, in order. Job `here` (the longest, say) runs in this process while up to
    `children` of the others run in forked children; the rest run here after it. A job whose child
    fails (or dies) runs again here, and errors are raised in the jobs' order, so the result or the
    error is exactly what running them one after the other gives."""
    if not jobs:
        return []
    others = [i for i in range(len(jobs)) if i != here]
    forked = others[: min(children, len(others))] if can_fork() else []
    started = {i: _start(jobs[i]) for i in forked}
    try:
        try:
            mine: tuple[T] | BaseException = (jobs[here](),)
        except Exception as exc:  # raised below, in its turn
            mine = exc
        results: list[T] = []
        for i, job in enumerate(jobs):
            if i == here:
                if isinstance(mine, BaseException):
                    raise mine
                results.append(mine[0])
                continue
            sent: tuple[T] | None = _collect(started[i]) if i in started else None
            results.append(job() if sent is None else sent[0])
        return results
    finally:
        for pid, reader in started.values():
            reader.close()
            _reap(pid)


def _start(job: Callable[[], T]) -> tuple[int, BinaryIO]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the job, send its result, and leave without the parent's cleanup
        os.close(read_end)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        code = 1
        try:
            with os.fdopen(write_end, "wb") as out:
                pickle.dump((job(),), out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, os.fdopen(read_end, "rb")


def _collect(child: tuple[int, BinaryIO]) -> tuple[T] | None:
    """The child's `(result,)`, or None when it failed or died before sending it whole."""
    _, reader = child
    try:
        loaded = pickle.load(reader)
    except (EOFError, pickle.UnpicklingError, OSError):
        return None
    return loaded if isinstance(loaded, tuple) else None


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
