"""Percentiles and timers."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from decimal import Decimal


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


def _fixed_work() -> int:
    """Dicts, formatted Vietnamese strings, a sort, Decimal sums: what a page's Python does, without Django."""
    rows = [{"id": i, "name": f"Cơ sở sản xuất {i:05d}", "value": Decimal(i) / 7} for i in range(20_000)]
    rows.sort(key=lambda row: row["name"][::-1])
    total = sum((row["value"] for row in rows), Decimal(0))
    html = "".join(f"<td>{row['name']}</td><td>{row['value']:.2f}</td>" for row in rows)
    return len(html) + int(total)


def speed_check() -> float:
    """Milliseconds of a fixed pure-Python workload, best of five: the machine's speed for the kind of work a page
    does. Two runs of the benchmarks are comparable only if their speed checks are (the same code measured on
    two machines of the same name has differed by 1.5–2×)."""
    return min(timed(_fixed_work, 5, warmup=1))
