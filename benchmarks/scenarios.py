"""The scenarios of `make bench`, as a registry: each one says whether its feature exists yet, measures, and
returns table rows for docs/benchmarks.md. A feature that lands later (the national dashboard, the annual
report) fills in its scenario by making `available()` true and, if needed, listing its URLs here.

Every HTTP scenario is measured against gunicorn (DEBUG off) with a signed-in persona, sequentially on one
keep-alive connection; its floor is the page's own SQL (captured while rendering the same URL in-process)
replayed raw on the same database, so the ratio says what Django, templates and Python add to the database.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.databases import PYTHON, ROOT
from benchmarks.server import WORKERS
from benchmarks.stats import percentile, summary, timed

# Before timing a page, every gunicorn worker serves it: the first request a worker serves pays for its imports,
# template compilation and database connection and page cache (a process start, not the page; ≈ 0.8 s on
# PostgreSQL for the dashboard). Sync workers close each connection, so requests sent one after the other go to
# whichever worker accepts first and some worker may get none: the warm-up sends rounds of WORKERS requests at
# once (a busy worker does not accept, so each goes to another one).
WARMUP_ROUNDS = 3

NOT_DATA = ('"django_session"', '"accounts_user"', '"auth_group"', '"accounts_user_groups"', '"axes_')


@dataclass
class Context:
    vendor: str
    port: int
    cookies: dict[str, str]  # persona → Cookie header
    users: dict  # persona → User
    repeat: int
    smoke: bool
    env: dict
    units: dict  # names of units the URLs use → ids
    workdir: Path
    load_seconds: int
    import_rows: int
    memory_rows: tuple[int, ...]


@dataclass
class Row:
    label: str
    p50: float | None = None
    p95: float | None = None
    floor_p50: float | None = None
    floor_p95: float | None = None
    unit: str = "ms"
    goal: str = ""
    met: bool | None = None
    note: str = ""
    slowdown: float | None = None  # explicit ratio to the floor, when p95 / floor p95 is not the right one

    @property
    def ratio(self) -> float | None:
        if self.slowdown is not None:
            return self.slowdown
        if self.p95 is None or not self.floor_p95:
            return None
        return self.p95 / self.floor_p95


@dataclass
class Scenario:
    code: str
    title: str
    goal: str
    measure: Callable[[Context], list[Row]]
    available: Callable[[Context], str | None] = lambda ctx: None  # None, or why it is not available yet
    notes: list[str] = field(default_factory=list)


SCENARIOS: list[Scenario] = []


def scenario(code: str, title: str, goal: str, *, available=None):
    def register(measure):
        SCENARIOS.append(Scenario(code, title, goal, measure, available or (lambda ctx: None)))
        return measure

    return register


# --- HTTP pages with their SQL floor -----------------------------------------------------------------------


def page_queries(user, path: str) -> list[str]:
    """The data SQL the page runs (sessions, users and groups aside), captured rendering it in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in-process")
    sqls = [_plain(query["sql"]) for query in captured.captured_queries]
    return [sql for sql in sqls if not any(t in sql for t in NOT_DATA) and not sql.startswith(("SAVEPOINT", "RELEASE"))]


def _plain(sql: str) -> str:
    """A PostgreSQL server-side cursor (`.iterator()`) is captured as DECLARE … CURSOR … FOR <query>: the floor
    runs the query itself."""
    if sql.startswith("DECLARE "):
        return sql[sql.index(" FOR ") + 5 :]
    return sql


def replay(queries: list[str]) -> Callable[[], None]:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    return run


def http_timings(ctx: Context, persona: str, path: str) -> list[float]:
    from benchmarks.server import Client

    client = Client(ctx.port, ctx.cookies[persona])

    def run() -> None:
        status, body = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} as {persona}: HTTP {status}")

    try:
        if not ctx.smoke:
            warm_up(ctx, persona, path)
        return timed(run, ctx.repeat, warmup=1)
    finally:
        client.close()


def warm_up(ctx: Context, persona: str, path: str) -> None:
    """WARMUP_ROUNDS rounds of WORKERS simultaneous requests of the page."""
    from benchmarks.server import Client

    def one(_index: int) -> int:
        client = Client(ctx.port, ctx.cookies[persona])
        try:
            return client.get(path)[0]
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for _round in range(WARMUP_ROUNDS):
            statuses = list(pool.map(one, range(WORKERS)))
            if any(status != 200 for status in statuses):
                raise RuntimeError(f"GET {path} as {persona} during the warm-up: HTTP {statuses}")


def page_row(ctx: Context, label: str, persona: str, path: str, goal_ms: float, floor_factor: float | None = None):
    times = http_timings(ctx, persona, path)
    floor = timed(replay(page_queries(ctx.users[persona], path)), ctx.repeat, warmup=1)
    page, base = summary(times), summary(floor)
    met = page["p95"] <= goal_ms
    if floor_factor is not None:
        met = met and page["p95"] <= floor_factor * base["p95"]
    goal = f"p95 ≤ {goal_ms:g} ms" + (f" and ≤ {floor_factor:g}× floor" if floor_factor else "")
    return Row(label, page["p50"], page["p95"], base["p50"], base["p95"], goal=goal, met=met, note=path)


# --- B1 national dashboard ---------------------------------------------------------------------------------

DASHBOARD_URLS = ("dashboards:national", "indicators:dashboard", "indicators:national")


def _dashboard_url() -> str | None:
    from django.urls import NoReverseMatch, reverse

    for name in DASHBOARD_URLS:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _dashboard_available(ctx: Context) -> str | None:
    from django.apps import apps

    if not apps.is_installed("khuyencong.indicators"):
        return "not yet available (national dashboard not built: no khuyencong/indicators)"
    if _dashboard_url() is None:
        return f"not yet available (khuyencong/indicators has none of the pages {', '.join(DASHBOARD_URLS)})"
    from khuyencong.indicators.models import Fact

    if not Fact.objects.exists():
        return "not measured (dataset generated before the indicator-values step: no analytics facts)"
    return None


@scenario("B1", "National dashboard over HTTP", "p95 ≤ 150 ms and ≤ 2× floor", available=_dashboard_available)
def b1_dashboard(ctx: Context) -> list[Row]:
    url = _dashboard_url()
    return [page_row(ctx, "Central officer: national dashboard", "national", url, 150, 2)]


# --- B2 establishment search ---------------------------------------------------------------------------


@scenario("B2", "Establishment search “ca phe” with filters", "p95 ≤ 50 ms")
def b2_search(ctx: Context) -> list[Row]:
    province = ctx.units["coffee_province"]
    return [
        page_row(ctx, "Central officer: “ca phe”, whole country", "national", "/co-so/?q=ca+phe", 50),
        page_row(
            ctx,
            "Central officer: “ca phe”, Đắk Lắk, micro",
            "national",
            f"/co-so/?q=ca+phe&province={province}&size_class=micro",
            50,
        ),  # fmt: skip
        page_row(
            ctx,
            "Provincial officer (Đắk Lắk): “ca phe”, household businesses",
            "provincial",
            "/co-so/?q=ca+phe&legal_form=ho_kinh_doanh",
            50,
        ),
        page_row(ctx, "Central officer: unfiltered list, page 200", "national", "/co-so/?page=200", 50),
    ]


# --- B3 project list ------------------------------------------------------------------------------------


@scenario("B3", "Project list with filters and totals", "p95 ≤ 100 ms")
def b3_projects(ctx: Context) -> list[Row]:
    province = ctx.units["coffee_province"]
    return [
        page_row(ctx, "Central officer: all projects (national totals)", "national", "/de-an/", 100),
        page_row(ctx, "Central officer: 2024, closed", "national", "/de-an/?year=2024&status=closed", 100),
        page_row(
            ctx, "Central officer: local funds, Đắk Lắk", "national", f"/de-an/?kind=local&province={province}", 100
        ),
        page_row(ctx, "Provincial officer (Đắk Lắk): 2025", "provincial", "/de-an/?year=2025", 100),
    ]


# --- B4 import and B7 memory ----------------------------------------------------------------------------


def run_import_child(ctx: Context, action: str, path: Path) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "benchmarks.importing", action, str(path)],
        env=ctx.env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"import child {action} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    if action == "import":
        vacuum_after_rolled_back_import()
    return json.loads(done.stdout.strip().splitlines()[-1])


def vacuum_after_rolled_back_import() -> None:
    """PostgreSQL keeps the rows of a rolled-back import (and their index entries) as dead tuples until a vacuum:
    the next run would insert beside 50,000 dead entries per index, or meet autovacuum cleaning them up on the
    same two cores. Vacuumed here, untimed, so that every run starts from the dataset as generated, as on SQLite,
    where a rollback leaves nothing behind."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def import_file(ctx: Context, rows: int, province: str = "") -> Path:
    path = ctx.workdir / f"import-{rows}{'-' + province if province else ''}.xlsx"
    if not path.exists():
        subprocess.run(
            [PYTHON, "-m", "benchmarks.importing", "write", str(path), str(rows), province],
            env=ctx.env, cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
    return path


@scenario("B4", "Import of 50,000 establishment rows end to end (vs bare parse)", "≥ 5,000 rows/s")
def b4_import(ctx: Context) -> list[Row]:
    path = import_file(ctx, ctx.import_rows)
    runs = 1 if ctx.smoke else 3
    imports = [run_import_child(ctx, "import", path) for _ in range(runs)]
    parses = [run_import_child(ctx, "parse", path) for _ in range(runs)]
    for result in imports:
        if result["created"] != ctx.import_rows:
            raise RuntimeError(f"import created {result['created']} of {ctx.import_rows} rows: {result['message']}")
    rates = [result["rows"] / result["seconds"] for result in imports]
    parse_rates = [result["rows"] / result["seconds"] for result in parses]
    seconds = [result["seconds"] * 1000 for result in imports]
    floor = [result["seconds"] * 1000 for result in parses]
    rate = percentile(rates, 50)
    local = run_import_child(ctx, "import", import_file(ctx, ctx.import_rows, "01"))
    local_rate = local["rows"] / local["seconds"]
    return [
        Row(
            f"Import of {ctx.import_rows:,} rows (.xlsx): time",
            percentile(seconds, 50), percentile(seconds, 95), percentile(floor, 50), percentile(floor, 95),
            goal="", note=f"{runs} runs",
        ),
        Row(
            "Import rate (rows/s; floor: bare parse)", rate, min(rates), percentile(parse_rates, 50),
            min(parse_rates), unit="rows/s", goal="≥ 5,000 rows/s", met=rate >= 5000,
            note="p95 column = slowest run", slowdown=percentile(parse_rates, 50) / rate,
        ),
        Row(
            "Import rate, one province's file (Hà Nội's 126 communes)", local_rate, None, percentile(parse_rates, 50),
            None, unit="rows/s", goal="≥ 5,000 rows/s", met=local_rate >= 5000, note="1 run",
            slowdown=percentile(parse_rates, 50) / local_rate,
        ),
    ]  # fmt: skip


@scenario("B7", "Peak memory of import and report generation", "flat in file size")
def b7_memory(ctx: Context) -> list[Row]:
    rows = []
    peaks = []
    for size in ctx.memory_rows:
        result = run_import_child(ctx, "import", import_file(ctx, size))
        peaks.append(result["peak_mb"] - result["baseline_mb"])
        rows.append(
            Row(
                f"Import of {size:,} rows: process peak RSS",
                result["peak_mb"], None, result["baseline_mb"], None, unit="MB",
                note=f"+{result['peak_mb'] - result['baseline_mb']:.0f} MB over the process after Django set-up",
            )
        )  # fmt: skip
    flat = max(peaks) <= 1.5 * max(1.0, min(peaks)) + 20
    rows.append(Row("Import: is the increase flat in file size?", goal="flat (≤ 1.5× + 20 MB)", met=flat,
                    note=" / ".join(f"{peak:.0f} MB" for peak in peaks)))  # fmt: skip
    for basis, result in getattr(ctx, "report_peaks", [])[:1] + getattr(ctx, "report_peaks", [])[-1:]:
        rows.append(
            Row(
                f"National annual report ({basis}): process peak RSS", result["peak_mb"], None,
                result["baseline_mb"], None, unit="MB",
                note=f"+{result['peak_mb'] - result['baseline_mb']:.0f} MB over the process after Django set-up",
            )
        )  # fmt: skip
    if not getattr(ctx, "report_peaks", None):
        rows.append(Row("Annual report: peak memory", note="not measured (B5 not available)"))
    return rows


# --- B5 annual report -------------------------------------------------------------------------------------


NATIONAL_REPORT = "bc-tong-hop-quoc-gia"  # reports app: the national summary report (annual period)
REPORT_YEAR = "2025"


def _report_available(ctx: Context) -> str | None:
    from django.apps import apps

    if not apps.is_installed("khuyencong.reports"):
        return "not yet available (national annual report in Excel/PDF not built: no khuyencong/reports)"
    from khuyencong.reports.models import ReportDefinition

    if not ReportDefinition.objects.filter(code=NATIONAL_REPORT).exists():
        return f"not yet available (no report definition {NATIONAL_REPORT})"
    return None


def run_report_child(ctx: Context, basis: str) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "benchmarks.importing", "report", NATIONAL_REPORT, REPORT_YEAR, basis],
        env=ctx.env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"build_report failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@scenario("B5", "National annual report (Excel and PDF)", "≤ 10 s", available=_report_available)
def b5_report(ctx: Context) -> list[Row]:
    rows = []
    runs = 1 if ctx.smoke else 3
    ctx.report_peaks = []
    for basis, label in (("current", "today's 34 provinces"), ("as_was", "units as they were")):
        results = [run_report_child(ctx, basis) for _ in range(runs)]
        seconds = [result["seconds"] * 1000 for result in results]
        ctx.report_peaks += [(basis, result) for result in results]
        sizes = ", ".join(f"{suffix} {size / 1024:.0f} KiB" for suffix, size in sorted(results[0]["files"].items()))
        rows.append(
            Row(
                f"build_report {NATIONAL_REPORT} {REPORT_YEAR}, {label}: snapshot + Excel + PDF",
                percentile(seconds, 50), percentile(seconds, 95), goal="≤ 10 s", met=percentile(seconds, 95) <= 10_000,
                note=f"{runs} runs; {sizes}",
            )
        )  # fmt: skip
    return rows


# --- B6 mixed workload ------------------------------------------------------------------------------------


def mixed_paths(ctx: Context) -> dict[str, list[str]]:
    """What people open most, per persona: lists, searches, one record, the API."""
    from khuyencong.programmes.models import Project
    from khuyencong.registry.models import Establishment

    province = ctx.units["coffee_province"]
    national = ["/", "/co-so/", "/co-so/?q=ca+phe", "/co-so/?q=hat+dieu&size_class=micro", "/de-an/",
                "/de-an/?year=2024", "/de-an/?year=2026&status=in_progress", f"/co-so/?province={province}",
                "/co-so/?page=3", "/api/v1/establishments?q=gom", "/de-an/?kind=national&year=2025"]  # fmt: skip
    provincial = ["/", "/co-so/", "/co-so/?q=ca+phe", "/de-an/", "/de-an/?year=2025", "/co-so/?page=2"]
    establishments = list(Establishment.objects.order_by("?").values_list("pk", "province_id")[:200])
    projects = list(Project.objects.order_by("?").values_list("pk", "province_id")[:200])
    national += [f"/co-so/{pk}/" for pk, _p in establishments[:60]] + [f"/de-an/{pk}/" for pk, _p in projects[:40]]
    own = ctx.units["coffee_province"]
    provincial += [f"/co-so/{pk}/" for pk, p in establishments if p == own][:30]
    provincial += [f"/de-an/{pk}/" for pk, p in projects if p == own][:20]
    return {"national": national, "provincial": provincial}


LUA = """
local paths = {PATHS}
local cookies = {COOKIES}
local counter = 0
local statuses = {}
request = function()
  counter = counter + 1
  local item = paths[(counter * 7919) % #paths + 1]
  return wrk.format("GET", item[2], {["Cookie"] = cookies[item[1]], ["Accept-Language"] = "vi"})
end
response = function(status, headers, body)
  if status ~= 200 then
    statuses[status] = (statuses[status] or 0) + 1
  end
end
done = function(summary, latency, requests)
  io.write(string.format('WRK {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
"""


def _lua_list(items) -> str:
    return "{" + ", ".join(items) + "}"


def _wrk_available(ctx: Context) -> str | None:
    return None if shutil.which("wrk") else "not measured (wrk missing: make bench installs the Debian package)"


@scenario(
    "B6", "Mixed workload over HTTP, many concurrent users (wrk, 2 cores)", "≥ 150 requests/s, 0 errors",
    available=_wrk_available,
)  # fmt: skip
def b6_load(ctx: Context) -> list[Row]:
    paths = mixed_paths(ctx)
    entries = [f'{{"{persona}", "{path}"}}' for persona, items in paths.items() for path in items]
    cookies = [f'["{persona}"] = "{cookie}"' for persona, cookie in ctx.cookies.items()]
    script = ctx.workdir / "mixed.lua"
    script.write_text(LUA.replace("{PATHS}", _lua_list(entries)).replace("{COOKIES}", _lua_list(cookies)))
    connections = 8 if ctx.smoke else 32
    done = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{ctx.load_seconds}s", "--timeout", "10s", "-s", str(script),
         f"http://127.0.0.1:{ctx.port}/"],
        capture_output=True, text=True, check=True, timeout=ctx.load_seconds + 60,
    )  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK "))
    result = json.loads(line[4:])
    errors = sum(result[key] for key in ("connect", "read", "write", "timeout", "status"))
    rate = result["requests"] / result["seconds"]
    note = (
        f"{connections} connections, {result['seconds']:.0f} s, {result['requests']} requests, "
        f"{len(entries)} URLs (2 personas); errors: {errors}; p99 {result['p99']:.0f} ms"
    )
    return [
        Row("Throughput (requests/s)", rate, None, unit="requests/s", goal="≥ 150 requests/s, 0 errors",
            met=rate >= 150 and errors == 0, note=note),
        Row("Latency under load", result["p50"], result["p95"], note="measured by wrk"),
    ]  # fmt: skip


def elapsed(since: float) -> str:
    return f"{time.monotonic() - since:.0f} s"


def environment_note() -> str:
    return os.environ.get("BENCH_NOTE", "")


def temporary_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="khuyencong-bench-"))
