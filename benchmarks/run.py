"""`make bench`: python -m benchmarks.run [--scale national] [--seed 1] [--db sqlite,postgres] [--repeat 30]
[--load-seconds 60] [--output docs/benchmarks.md] [--only B2,B3] [--smoke]

For each database: prepare the dataset (generated once under var/bench/, reused while scale, seed and
migrations match), then a child process measures every scenario against gunicorn; finally the report.
`--smoke` (what `make test` runs): tiny scale in fresh throwaway databases, each scenario once, seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.databases import BENCH_DIR, PYTHON, ROOT, pg_execute, postgres_cluster, prepare
from benchmarks.report import write_report


def log(text: str) -> None:
    print(text, flush=True)


def base_env() -> dict:
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env["DJANGO_SETTINGS_MODULE"] = "khuyencong.settings"
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env["STATIC_ROOT"] = str(BENCH_DIR / "static")
    env["LOG_LEVEL"] = "WARNING"
    var_dir = Path(env.get("KHUYENCONG_VAR_DIR") or ROOT / "var")
    if not env.get("SECRET_KEY") and not (var_dir / "secret_key").exists():
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def run_child(db: str, env: dict, args, out: Path, dataset: dict) -> dict:
    command = [PYTHON, "-m", "benchmarks.child", "--db", db, "--out", str(out), "--repeat", str(args.repeat),
               "--load-seconds", str(args.load_seconds), "--import-rows", str(args.import_rows),
               "--memory-rows", args.memory_rows, "--only", args.only]  # fmt: skip
    if args.smoke:
        command.append("--smoke")
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    result = {**json.loads(out.read_text()), "dataset": dataset}
    if args.smoke:
        return result
    kept = BENCH_DIR / f"results-{db}.json"  # `--report-only` rewrites the report from the last results
    if args.only and kept.exists():  # a partial run replaces its scenarios in the last full results
        previous = json.loads(kept.read_text())
        fresh = {entry["code"]: entry for entry in result["scenarios"]}
        previous["scenarios"] = [fresh.pop(entry["code"], entry) for entry in previous["scenarios"]]
        previous["scenarios"] += list(fresh.values())
        result = {**previous, "sizes": result["sizes"], "dataset": dataset}  # the dataset as counted now
    kept.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result


def bench_sqlite(args, workdir: Path) -> dict:
    env = base_env()
    path = (
        workdir / "test-bench-smoke.sqlite3" if args.smoke else BENCH_DIR / f"sqlite-{args.scale}-{args.seed}.sqlite3"
    )
    env["DATABASE_URL"] = f"sqlite:///{path}"

    def drop() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    if args.smoke:
        drop()
    dataset = prepare("sqlite", args.scale, args.seed, env, drop=drop, log=log, exists=path.exists, smoke=args.smoke)
    return run_child("sqlite", env, args, workdir / "sqlite.json", dataset)


def bench_postgres(args, workdir: Path) -> dict:
    def with_server(server: str) -> dict:
        env = base_env()
        name = "test_bench_smoke" if args.smoke else f"bench_{args.scale}_{args.seed}"
        env["DATABASE_URL"] = f"{server}/{name}"

        def drop() -> None:
            pg_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            pg_execute(server, f'CREATE DATABASE "{name}"')

        def exists() -> bool:
            import psycopg

            with psycopg.connect(f"{server}/postgres") as connection:
                return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None

        if args.smoke:
            drop()
        try:
            dataset = prepare("postgres", args.scale, args.seed, env, drop=drop, log=log, exists=exists,
                              smoke=args.smoke)  # fmt: skip
            return run_child("postgres", env, args, workdir / "postgres.json", dataset)
        finally:
            if args.smoke:
                pg_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    if args.pg_server:
        return with_server(args.pg_server)
    with postgres_cluster(BENCH_DIR / "pg-data") as server:
        return with_server(server)


def main(argv: list[str] | None = None) -> int:
    # Every time in the report in Vietnam's time, as the Django child writes its own (settings.TIME_ZONE; this
    # parent process does not load Django's settings).
    os.environ["TZ"] = "Asia/Ho_Chi_Minh"
    time.tzset()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--memory-rows", default="10000,25000,50000")
    parser.add_argument("--only", default="")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--pg-server", default="", help="an existing PostgreSQL server URL (no database name)")
    parser.add_argument("--smoke", action="store_true", help="tiny scale, each scenario once (make test)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from the last results")
    args = parser.parse_args(argv)
    if args.smoke:
        args.scale, args.repeat, args.load_seconds = "tiny", 2, 2
        args.import_rows, args.memory_rows = 200, "100,200"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="khuyencong-bench-"))
    os.environ["BENCH_WORKDIR"] = str(workdir)
    began = time.time()
    results = {}
    load_before = os.getloadavg()
    databases = [name.strip() for name in args.db.split(",") if name.strip()]
    try:
        for db in databases:
            if args.report_only:
                results[db] = json.loads((BENCH_DIR / f"results-{db}.json").read_text())
                continue
            log(f"=== {db} ===")
            try:
                results[db] = bench_sqlite(args, workdir) if db == "sqlite" else bench_postgres(args, workdir)
            except Exception as error:  # the other database is still measured, and the report written
                log(f"[{db}] failed: {error}")
                results[db] = {"scenarios": [], "failed": str(error)[-2000:]}
            write_report(Path(args.output), results, args=args, started=began, load=(load_before, os.getloadavg()))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    write_report(Path(args.output), results, args=args, started=began, load=(load_before, os.getloadavg()))
    log(f"Report: {args.output}")
    failed = [f"{db}/{s['code']}" for db, r in results.items() for s in r["scenarios"] if s.get("error")]
    failed += [db for db, r in results.items() if r.get("failed")]
    if failed:
        log(f"Scenarios that failed to run: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
