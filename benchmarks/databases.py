"""The benchmark databases under var/bench/ (git-ignored): a SQLite file, and a PostgreSQL 15 cluster that the
bench starts on a free loopback port and stops afterwards. Each dataset is generated once and reused while
its marker file (scale, seed, migrations) matches. When the code only added migrations, the dataset is
migrated forward (each migration fills what it adds for existing rows, as on a production database);
otherwise the database is dropped and generated again.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(args: list[str], env: dict, *, quiet: bool = True) -> str:
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def migration_state(env: dict) -> list[str]:
    """The migrations on disk (app.name), which a generated database must have been built with."""
    out = manage(["showmigrations", "--list", "-v", "0"], env)
    app, names = "", []
    for line in out.splitlines():
        if not line.startswith(" "):
            app = line.strip()
        elif line.strip():
            names.append(f"{app}.{line.strip()[4:]}")
    return sorted(names)


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".")])
    if not found or not (found[-1] / "initdb").exists():
        raise RuntimeError("PostgreSQL server binaries not found (install Debian's postgresql package).")
    return found[-1]


def _as_pg(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_cluster(data_dir: Path):
    """A PostgreSQL server on `data_dir` (created on first use), on a free port, for the `with` block."""
    pg = _pg_bin()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    socket_dir = data_dir.parent / "pg-socket"
    socket_dir.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        for path in (data_dir.parent, socket_dir):
            shutil.chown(path, "postgres")
    if not (data_dir / "PG_VERSION").exists():
        data_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(data_dir, "postgres")
        subprocess.run(
            _as_pg([str(pg / "initdb"), "-D", str(data_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                    "--locale=C.UTF-8"]),
            check=True, capture_output=True,
        )  # fmt: skip
    port = free_port()
    # Memory for a 24 GiB machine; durability stays on (the import's commits are measured as in production).
    options = (
        f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=2GB "
        "-c effective_cache_size=12GB -c work_mem=32MB -c maintenance_work_mem=512MB -c max_wal_size=8GB "
        "-c jit=off"
    )
    log = data_dir.parent / "pg-server.log"
    subprocess.run(
        _as_pg([str(pg / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-w", "-o", options, "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_pg([str(pg / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "stop"]), check=False, capture_output=True
        )


def pg_execute(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        connection.execute(sql)


# --- Preparing a dataset -----------------------------------------------------------------------------------


def marker_path(db: str, scale: str, seed: int) -> Path:
    return BENCH_DIR / f"{db}-{scale}-{seed}.json"


def prepare(db: str, scale: str, seed: int, env: dict, *, drop, log, exists, smoke: bool = False) -> dict:
    """Migrate and generate unless the marker says this database already holds the dataset; returns the
    marker (with `reused`). A smoke run never reuses and leaves no marker."""
    marker = marker_path(db, f"smoke-{scale}" if smoke else scale, seed)
    if not exists():
        drop()  # creates an empty database (PostgreSQL) so that the migration state can be read
    wanted = migration_state(env)
    if marker.exists() and exists() and not smoke:
        data = json.loads(marker.read_text())
        same_data = data.get("scale") == scale and data.get("seed") == seed
        if same_data and data.get("migrations") == wanted:
            log(f"[{db}] dataset {scale}/seed {seed} reused (generated {data['generated_at']})")
            return {**data, "reused": True}
        if same_data and set(data.get("migrations", [])) < set(wanted):
            return _migrate_forward(db, data, wanted, marker, env, log)
        log(f"[{db}] marker does not match (scale, seed or migrations changed): generating again")
    drop()
    marker.unlink(missing_ok=True)
    began = time.monotonic()
    manage(["migrate", "--noinput", "-v", "0"], env)
    migrated = time.monotonic() - began
    log(f"[{db}] migrated in {migrated:.0f} s; generating {scale} (seed {seed})…")
    out = manage(["generate_data", "--scale", scale, "--seed", str(seed), "-v", "1"], env)
    seconds = time.monotonic() - began - migrated
    counts = json.loads(out.strip().splitlines()[-1].split(": ", 1)[1])
    data = {
        "scale": scale,
        "seed": seed,
        "migrations": wanted,
        "generated_at": time.strftime("%Y-%m-%d %H:%M"),
        "generate_seconds": round(seconds, 1),
        "migrate_seconds": round(migrated, 1),
        "counts": counts,
    }
    if not smoke:
        marker.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    log(f"[{db}] generated in {seconds:.0f} s: {counts}")
    return {**data, "reused": False}


def _migrate_forward(db: str, data: dict, wanted: list[str], marker: Path, env: dict, log) -> dict:
    """Apply the migrations added since the dataset was generated, then refresh the planner's statistics."""
    added = sorted(set(wanted) - set(data.get("migrations", [])))
    log(f"[{db}] dataset reused, applying {len(added)} new migration(s): {', '.join(added)}")
    began = time.monotonic()
    manage(["migrate", "--noinput", "-v", "0"], env)
    manage(["shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')"], env)
    data = {**data, "migrations": wanted, "migrated_forward": {"at": time.strftime("%Y-%m-%d %H:%M"), "added": added,
            "seconds": round(time.monotonic() - began, 1)}}  # fmt: skip
    marker.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    log(f"[{db}] migrated forward in {data['migrated_forward']['seconds']:.0f} s")
    return {**data, "reused": True}
