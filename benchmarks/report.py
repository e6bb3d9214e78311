"""docs/benchmarks.md from the measured results: the machine, the dataset, one table per database, the notes
on every goal missed (kept in NOTES below, written by the people who investigated), how to reproduce."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path

import django

from benchmarks.databases import ROOT
from benchmarks.scenarios import WARMUP_ROUNDS
from benchmarks.server import WORKERS

NOTES_FILE = ROOT / "benchmarks" / "NOTES.md"


def _number(value, unit: str = "ms") -> str:
    if value is None:
        return "—"
    if unit in ("rows/s", "requests/s") or value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def _count(sizes: dict, key: str) -> str:
    return f"{sizes.get(key, 0):,}"


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        debian = Path("/etc/debian_version").read_text().strip()
    except OSError:
        debian = "?"
    try:
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0].strip()
    except OSError:
        wrk = "no wrk"
    return [
        f"- Machine: {os.cpu_count()} cores ({cpu}), {memory} RAM, Debian {debian}, Linux {platform.release()}",
        f"- Software: Python {platform.python_version()}, Django {django.get_version()}, gunicorn with 4 sync "
        f"workers on 127.0.0.1, {wrk}",
    ]


def write_report(path: Path, results: dict, *, args, started: float, load) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m benchmarks.run`): do not edit the tables by hand, run it again. The "
        "notes on each goal missed live in `benchmarks/NOTES.md` and are copied here.",
        "",
        (
            f"- Assembled on {time.strftime('%d/%m/%Y %H:%M', time.localtime(started))} from each database's last "
            "results (partial runs with `--only` replace their scenarios; each table says when it was measured)"
            if getattr(args, "report_only", False) or getattr(args, "only", "")
            else f"- Measured on {time.strftime('%d/%m/%Y %H:%M', time.localtime(started))} "
            f"(the run took {(time.time() - started) / 60:.0f} min)"
        )
        + f"; scale `{args.scale}`, seed {args.seed}, "
        f"{args.repeat} timed requests per page (after {WARMUP_ROUNDS} rounds of {WORKERS} simultaneous warm-up "
        "ones, so that every gunicorn worker has served the page), "
        f"mixed load for {args.load_seconds} s",
        *machine(),
        f"- Load average (1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in load[0])}; after: "
        f"{', '.join(f'{x:.1f}' for x in load[1])} (2 cores: above 2 means other work ran at the same time "
        "and the figures are noisy)",
        "- Speed check: before each scenario, the best of five runs of a fixed pure-Python workload "
        "(`benchmarks/stats.py`, no Django, no database), in ms: figures measured on machines whose speed checks "
        "differ are not comparable (lower is faster)",
        "",
    ]
    for db, result in results.items():
        if result.get("failed"):
            lines += [f"## {db}", "", f"The run failed before measuring: `{result['failed'][-300:]}`", ""]
            continue
        dataset = result.get("dataset", {})
        sizes = result.get("sizes", {})
        generated = (
            f"dataset reused, generated {dataset.get('generated_at')}"
            if dataset.get("reused")
            else f"generated for this run in {dataset.get('generate_seconds', 0) / 60:.1f} min"
        )
        lines += [
            f"## {'SQLite' if db == 'sqlite' else 'PostgreSQL'} {result.get('server_version', '')}",
            "",
            f"Data: {_count(sizes, 'establishments')} establishments, {_count(sizes, 'yearly_figures')} yearly "
            f"figures, {_count(sizes, 'projects')} projects, {_count(sizes, 'beneficiaries')} beneficiary links, "
            f"{_count(sizes, 'movements')} money movements, {_count(sizes, 'project_outputs')} project outputs "
            f"(indicator values planned and accepted), {_count(sizes, 'reported_values')} indicator values reported "
            f"by the provinces, {_count(sizes, 'analytics_facts')} analytics fact rows ({generated}).",
            "",
            "| Scenario | Measure | p50 | p95 | Floor p50 | Floor p95 | p95 / floor | Goal | Met? |",
            "|---|---|---:|---:|---:|---:|---:|---|---|",
        ]
        measured = [
            f"{e['code']} {e['measured_at']} ({', '.join(str(x) for x in e.get('load', []))}"
            + (f"; speed check {e['speed_check_ms']:.0f} ms)" if e.get("speed_check_ms") else ")")
            for e in result["scenarios"]
            if e.get("measured_at") and not e.get("unavailable")
        ]
        if measured:
            lines[-2:-2] = [
                "When and how loaded (load average after each scenario; the machine's speed check before it, see "
                "above): " + "; ".join(measured) + ".",
                "",
            ]
        for entry in result["scenarios"]:
            head = f"{entry['code']} {entry['title']}"
            if entry.get("unavailable"):
                lines.append(f"| {head} | {entry['unavailable']} | | | | | | {entry['goal']} | not measured |")
                continue
            if entry.get("error"):
                lines.append(f"| {head} | error: {entry['error']} | | | | | | {entry['goal']} | not measured |")
                continue
            for number, row in enumerate(entry["rows"]):
                unit = row["unit"]
                suffix = "" if unit == "ms" else f" {unit}"
                ratio = f"{row['ratio']:.1f}×" if row.get("ratio") else ""
                met = {True: "yes", False: "**no**", None: ""}[row["met"]]
                label = row["label"] + (f" (`{row['note']}`)" if row["note"].startswith("/") else "")
                note = "" if row["note"].startswith("/") or not row["note"] else f" — {row['note']}"
                lines.append(
                    f"| {head if number == 0 else ''} | {label}{note} | {_number(row['p50'], unit)}{suffix} | "
                    f"{_number(row['p95'], unit)}{suffix if row['p95'] is not None else ''} | "
                    f"{_number(row['floor_p50'], unit)} | {_number(row['floor_p95'], unit)} | {ratio} | "
                    f"{row['goal']} | {met} |"
                )
        lines.append("")
    lines += [
        "Times in milliseconds. The floor of an HTTP page is the page's own data SQL (captured while rendering the "
        "same URL in-process, sessions and users aside) replayed raw on the same database in the same run; for B4 "
        "the bare parse of the file (no checks, no writes); for B7 the process's memory right after Django's "
        "set-up. Pages are requested one after the other on one keep-alive connection, as one signed-in user.",
        "",
    ]
    if NOTES_FILE.exists():
        lines += [NOTES_FILE.read_text(encoding="utf-8").strip(), ""]
    lines += [
        "## How to reproduce",
        "",
        "```sh",
        "make bench                                   # national scale, seed 1, SQLite and PostgreSQL",
        "make bench BENCH_ARGS='--db sqlite --repeat 50'",
        ".venv/bin/python -m benchmarks.run --scale medium --seed 2 --db postgres --only B2,B3",
        ".venv/bin/python -m benchmarks.run --smoke --output /tmp/smoke.md   # each scenario once, tiny scale",
        "```",
        "",
        "The datasets live in `var/bench/` (git-ignored): the SQLite file `sqlite-<scale>-<seed>.sqlite3`, the "
        "PostgreSQL cluster `pg-data/` (started by the bench on a free port of 127.0.0.1 and stopped afterwards) "
        "and a marker `<db>-<scale>-<seed>.json` (scale, seed, the list of migrations): while it matches the "
        "dataset is reused, otherwise dropped and generated again. See `docs/data-generator.md`. Other options: "
        "`--repeat`, `--load-seconds`, `--import-rows`, `--memory-rows`, `--only`, `--output`, `--pg-server` (an "
        "existing PostgreSQL server instead of the bench's own cluster).",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
