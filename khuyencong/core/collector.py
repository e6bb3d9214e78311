"""Python's cyclic garbage collector during bulk work: an import's passes over tens of thousands of rows.

The collector examines the young objects every 700 new containers (lists, dicts, instances) and, every so
often, every object of the process: Django, the application, its caches — a few hundred thousand. An import
creates some thirty containers per row (the row, its cells and values, the profile…), freed by reference
counting once their chunk is written, so those passes find next to nothing, yet on a 50,000-row import they
took 1–3 s of the first process's 10–14 s (unpickling the rows sent by the second process alone took twice
as long with them).

`bulk_work()` therefore freezes the objects that exist when the work starts (`gc.freeze`: the collector no
longer visits them — and, as Python's documentation advises before a fork, the forked second process then
leaves their memory pages shared) and raises the young generation's threshold to BULK_THRESHOLD; both are
undone at the end. Cycles made during the work are still collected, less often: the 50,000-row import's peak
memory was the same (≈ 264 MB above Django's start-up either way).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 10_000

_lock = threading.Lock()
_depth = 0
_saved_thresholds: tuple[int, ...] = ()


@contextmanager
def bulk_work() -> Iterator[None]:
    """The collector tuned for bulk work while the block runs; nested or concurrent blocks share one setting,
    restored when the last one ends."""
    global _depth, _saved_thresholds
    with _lock:
        if _depth == 0:
            _saved_thresholds = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(BULK_THRESHOLD, *_saved_thresholds[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved_thresholds)
                gc.unfreeze()
