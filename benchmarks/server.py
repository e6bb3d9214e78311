"""The production server for the HTTP scenarios: gunicorn on a free loopback port, DEBUG off, WhiteNoise
serving collected static files, the bench database; and a keep-alive HTTP client with session cookies."""

from __future__ import annotations

import http.client
import subprocess
import time
from contextlib import contextmanager

from benchmarks.databases import ROOT, free_port

# Sync workers for 2 cores: a request spends part of its time waiting for the database, so two per core keep
# both cores busy without the memory and context switches of more.
WORKERS = 4


@contextmanager
def gunicorn(env: dict, *, workers: int = WORKERS):
    port = free_port()
    log = open(ROOT / "var" / "bench" / "gunicorn.log", "ab")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "khuyencong.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--timeout", "120", "--keep-alive", "30"],
        env=env, cwd=ROOT, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/tai-khoan/dang-nhap/")
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start: see var/bench/gunicorn.log") from None
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


class Client:
    """One keep-alive connection with a session cookie; `get` returns (status, body)."""

    def __init__(self, port: int, cookie: str):
        self.port, self.cookie = port, cookie
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie, "Accept-Language": "vi"}
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.connection.close()
