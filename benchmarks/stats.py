"""Percentiles and timers."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(run: Callable[[], object], repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls of `run`, after `warmup` unmeasured calls."""
    for _ in range(warmup):
        run()
    result = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        result.append((time.perf_counter() - began) * 1000)
    return result


def summary(values: list[float]) -> dict:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "n": len(values)}
