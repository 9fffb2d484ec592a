"""How many processes a check can use: the cores that sat idle while it set up."""

from __future__ import annotations

import os

# Below this many files a pool costs more (worker start-up, contracts loaded again) than it saves.
PARALLEL_FROM = 2_000
# The least span (in clock ticks over all cores) that /proc/stat can tell idle cores by.
_MIN_TICKS = 10


def cpu_sample(stat: str = "/proc/stat") -> tuple[int, int] | None:
    """(idle, total) clock ticks of all cores so far, from /proc/stat; None where there is none."""
    try:
        with open(stat, "rb") as handle:
            fields = handle.readline().split()
        ticks = [int(x) for x in fields[1:9]]
    except (OSError, ValueError):
        return None
    if len(ticks) < 5 or fields[0] != b"cpu":
        return None
    return ticks[3] + ticks[4], sum(ticks)  # idle and iowait; guest time is inside user already


def idle_cores(since: tuple[int, int] | None, now: tuple[int, int] | None = None) -> float | None:
    """How many cores sat idle between two samples (the one taking them busy on its own core), or
    None when there is no sample or the span is too short to tell."""
    now = now if now is not None else cpu_sample()
    if since is None or now is None or now[1] - since[1] < _MIN_TICKS:
        return None
    return (os.cpu_count() or 1) * (now[0] - since[0]) / (now[1] - since[1])


def default_workers(files: int, idle: float | None = None) -> int:
    """This process and one more per idle core, from PARALLEL_FROM files on: a pool on cores other work
    already keeps busy only adds contention and each worker's warm-up (measured slower on a loaded
    machine). `idle`: idle cores measured while this run set up (`idle_cores`), else the load average
    tells, which lags by a minute and counts whatever ran just before."""
    if files < PARALLEL_FROM:
        return 1
    cores = os.cpu_count() or 1
    # A core counts when it is idle more than half the time: a busier one is someone else's. The load
    # average is taken before this run starts, so its idle cores include the one this process takes.
    jobs = 1 + round(idle) if idle is not None else round(cores - os.getloadavg()[0])
    return max(1, min(cores, jobs))
