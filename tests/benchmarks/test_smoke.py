"""`make test` runs every benchmark scenario once at tiny scale, on the suite's own database engine, to prove
the suite still works. Never a timed assertion: speed is measured by `make bench`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]


def test_every_scenario_runs_once_at_tiny_scale(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    command = [sys.executable, "-m", "benchmarks.run", "--smoke", "--output", str(tmp_path / "smoke.md")]
    if url.startswith("postgres"):
        command += ["--db", "postgres", "--pg-server", url.rsplit("/", 1)[0]]
    else:
        command += ["--db", "sqlite"]
    env = {**os.environ, "KHUYENCONG_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-6000:]
    report = (tmp_path / "smoke.md").read_text()
    for item in SCENARIOS:
        assert f"| {item.code} {item.title} |" in report, item.code
    assert "| error: " not in report
    measured = re.findall(r"^\| (B\d) ", report, flags=re.MULTILINE)
    assert {"B2", "B3", "B4", "B7"} <= set(measured)
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (make test installs it): B6 was reported as unavailable")
