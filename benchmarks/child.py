"""One database's part of `make bench`, in its own process (Django is set up for that database):
`python -m benchmarks.child --db sqlite|postgres --url URL --scale S --seed N --out FILE.json [--smoke]`.

Prepares the bench personas and their sessions, starts gunicorn and runs every scenario of the registry.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from benchmarks.databases import ROOT, manage
from benchmarks.stats import speed_check


def bench_user(username: str, full_name: str, role: str, agency_code: str):
    from django.contrib.auth.models import Group

    from khuyencong.accounts.models import Agency, User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, password=None, full_name=full_name, agency=Agency.objects.get(code=agency_code)
        )
        user.groups.add(Group.objects.get(name=role))
    return user


def session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from khuyencong.accounts.backends import PASSWORD_BACKEND

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = PASSWORD_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def dataset_sizes() -> dict:
    from django.apps import apps

    from khuyencong.programmes.models import MoneyMovement, Project, ProjectBeneficiary, ProjectOutput
    from khuyencong.registry.models import Establishment, YearlyFigures

    indicators = {}
    if apps.is_installed("khuyencong.indicators"):
        from khuyencong.indicators.models import Fact, ManualValue

        indicators = {
            "project_outputs": ProjectOutput.objects.count(),
            "reported_values": ManualValue.objects.count(),
            "analytics_facts": Fact.objects.count(),
        }
    return {
        **indicators,
        "establishments": Establishment.objects.count(),
        "yearly_figures": YearlyFigures.objects.count(),
        "projects": Project.objects.count(),
        "beneficiaries": ProjectBeneficiary.objects.count(),
        "movements": MoneyMovement.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--memory-rows", default="10000,25000,50000")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--only", default="", help="codes of scenarios to run, e.g. B2,B3")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    import django

    django.setup()
    from django.db import connection

    from benchmarks.scenarios import SCENARIOS, Context, Row, temporary_dir
    from benchmarks.server import gunicorn
    from khuyencong.accounts.roles import Role
    from khuyencong.geo.models import Unit, UnitLevel

    env = dict(os.environ)
    manage(["collectstatic", "--noinput", "-v", "0"], env)
    coffee = Unit.objects.get(level=UnitLevel.PROVINCE, valid_to__isnull=True, code="66")
    users = {
        "national": bench_user("bench.cuc", "Cán bộ Cục (đo hiệu năng)", Role.CENTRAL_OFFICER, "CUC"),
        "provincial": bench_user("bench.66", "Cán bộ Sở Đắk Lắk (đo hiệu năng)", Role.PROVINCE_OFFICER, "SCT-66"),
    }
    cookies = {persona: session_cookie(user) for persona, user in users.items()}
    results = {"db": args.db, "vendor": connection.vendor, "sizes": dataset_sizes(), "scenarios": []}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            results["server_version"] = cursor.fetchone()[0]
    else:
        import sqlite3

        results["server_version"] = sqlite3.sqlite_version
    wanted = {code.strip() for code in args.only.split(",") if code.strip()}
    workdir = Path(os.environ.get("BENCH_WORKDIR") or temporary_dir())
    with gunicorn(env) as port:
        ctx = Context(
            vendor=connection.vendor, port=port, cookies=cookies, users=users, repeat=args.repeat, smoke=args.smoke,
            env=env, units={"coffee_province": coffee.pk}, workdir=workdir,
            load_seconds=args.load_seconds, import_rows=args.import_rows,
            memory_rows=tuple(int(n) for n in args.memory_rows.split(",")),
        )  # fmt: skip
        for item in sorted(SCENARIOS, key=lambda s: s.code):
            if wanted and item.code not in wanted:
                continue
            entry = {"code": item.code, "title": item.title, "goal": item.goal, "rows": [], "unavailable": None}
            entry["speed_check_ms"] = round(speed_check(), 1)
            began = time.monotonic()
            reason = item.available(ctx)
            if reason:
                entry["unavailable"] = reason
            else:
                try:
                    entry["rows"] = [asdict(row) | {"ratio": row.ratio} for row in item.measure(ctx)]
                except Exception as error:  # a broken scenario is reported, the others still run
                    entry["error"] = f"{type(error).__name__}: {error}"
                    traceback.print_exc()
            entry["seconds"] = round(time.monotonic() - began, 1)
            print(f"[{args.db}] {item.code}: {entry.get('unavailable') or entry.get('error') or 'ok'} "
                  f"({entry['seconds']} s)", flush=True)  # fmt: skip
            entry["measured_at"] = time.strftime("%d/%m/%Y %H:%M")
            entry["load"] = [round(x, 1) for x in os.getloadavg()]
            results["scenarios"].append(entry)
    assert Row  # the report reads the rows back as dicts
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
