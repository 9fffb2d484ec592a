"""Building and writing a large report with the cyclic garbage collector paused."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside: a report is thousands of small objects that all live on, and
    every full collection while it grows walks all of them again (a third of building a large
    check's report went there). Reference counting still frees everything that is not a cycle."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
