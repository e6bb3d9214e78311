"""Routes of the dashboards, the indicator catalogue, targets and provincial reports.

The world holds, in province A, a draft report with one value (ready for the Sở's leader to submit). Rows are
created directly (the services are exercised in tests/indicators); what matters here is who reaches each route.
"""

from __future__ import annotations

from decimal import Decimal

from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.indicators.models import Indicator, ManualReport, ManualValue
from khuyencong.programmes.models import Programme
from tests.policy.model import NATIONAL, PROVINCE_A_STAFF, SEES_PROVINCE_A, SIGNED_IN, Check

STAFF = SIGNED_IN - {"establishment_user"}
# The national pages take a province's staff to their own province (a redirect, so they get through).
DASHBOARD_USERS = NATIONAL | PROVINCE_A_STAFF | {"province_b_officer"}
HIDDEN_A = frozenset({"province_b_officer"})
REPORT_HIDDEN = frozenset({"province_b_officer", "establishment_user"})
ENTER_A = frozenset({"province_a_officer", "central_admin"})
SUBMIT_A = frozenset({"province_a_leader"})
CUC_LEADER = frozenset({"central_leader", "central_admin"})
OPENERS = frozenset({"province_a_officer", "province_b_officer", "central_admin"})


def build(world) -> None:
    world.national_programme = Programme.objects.get(code="ctkcqg-2021-2025")
    world.jobs_indicator = Indicator.objects.get(code="viec_lam_moi")
    world.commune_a = Unit.objects.filter(
        province=world.province_a, level=UnitLevel.COMMUNE, valid_to__isnull=True
    ).first()
    world.report_a = ManualReport.objects.create(
        province=world.province_a, year=2024, created_by=world.province_a_officer
    )
    ManualValue.objects.create(report=world.report_a, indicator=world.jobs_indicator, value=Decimal(12))


def province_a(w) -> dict:
    return {"province_id": w.province_a.pk}


def report_a(w) -> dict:
    return {"report_id": w.report_a.pk}


CHECKS = [
    Check("dashboards:national", allowed=DASHBOARD_USERS, note="a province's staff are redirected to their province"),
    Check("dashboards:province", allowed=SEES_PROVINCE_A, hidden=HIDDEN_A, args=province_a),
    Check("dashboards:export", allowed=DASHBOARD_USERS, args=lambda w: {"chart": "chi-tieu"}),
    Check(
        "dashboards:province_export",
        allowed=SEES_PROVINCE_A,
        hidden=HIDDEN_A,
        args=lambda w: {"province_id": w.province_a.pk, "chart": "dia-ban"},
    ),
    Check(
        "dashboards:commune",
        allowed=SEES_PROVINCE_A,
        hidden=HIDDEN_A,
        args=lambda w: {"province_id": w.province_a.pk, "commune_id": w.commune_a.pk},
    ),
    Check("indicators:catalogue", allowed=STAFF),
    Check("indicators:targets", allowed=STAFF),
    Check(
        "indicators:targets",
        method="POST",
        allowed=CUC_LEADER,
        data=lambda w: {
            "programme": w.national_programme.pk,
            "indicator": w.jobs_indicator.pk,
            "target_value": "100",
        },
        note="targets of a national programme are set by the Cục",
    ),
    Check("indicators:reports", allowed=STAFF),
    Check(
        "indicators:reports",
        method="POST",
        allowed=OPENERS,
        data=lambda w: {"year": 2025, "half": 0, "province": w.province_a.pk},
        note="officers open their province's report; the administrator names the province",
    ),
    Check("indicators:report", allowed=SEES_PROVINCE_A, hidden=REPORT_HIDDEN, args=report_a),
    Check(
        "indicators:report",
        method="POST",
        allowed=ENTER_A,
        hidden=REPORT_HIDDEN,
        args=report_a,
        data=lambda w: {"version": w.report_a.version, f"v{w.jobs_indicator.pk}": "15"},
    ),
    Check(
        "indicators:report_transition",
        method="POST",
        allowed=SUBMIT_A,
        hidden=REPORT_HIDDEN,
        args=lambda w: {"report_id": w.report_a.pk, "action": "submit"},
        data=lambda w: {"version": w.report_a.version},
        note="the Sở's leader submits; the UBND, the Cục and officers may not",
    ),
]

API = "/api/v1"
CHECKS += [
    Check(f"{API}/indicators", allowed=SIGNED_IN, note="the catalogue is reference data"),
    Check(f"{API}/indicators/targets", allowed=SIGNED_IN, data=lambda w: {"programme": "ctkcqg-2021-2025"}),
    Check(
        f"{API}/indicators/targets",
        method="PUT",
        json=True,
        allowed=CUC_LEADER,
        data=lambda w: {"programme": "ctkcqg-2021-2025", "indicator": "viec_lam_moi", "target_value": "100"},
    ),
    Check(f"{API}/indicators/values", allowed=DASHBOARD_USERS),
    Check(f"{API}/indicators/reports", allowed=SIGNED_IN, note="an establishment sees an empty list"),
    Check(
        f"{API}/indicators/reports",
        method="POST",
        json=True,
        allowed=OPENERS,
        data=lambda w: {"year": 2025, "half": 0, "province": "01"},
    ),
    Check(f"{API}/indicators/reports/{{report_id}}", allowed=SEES_PROVINCE_A, hidden=REPORT_HIDDEN, args=report_a),
    Check(
        f"{API}/indicators/reports/{{report_id}}/values",
        method="PUT",
        json=True,
        allowed=ENTER_A,
        hidden=REPORT_HIDDEN,
        args=report_a,
        data=lambda w: {"version": w.report_a.version, "values": {"viec_lam_moi": {"value": "15"}}},
    ),
    Check(
        f"{API}/indicators/reports/{{report_id}}/transitions",
        method="POST",
        json=True,
        allowed=SUBMIT_A,
        hidden=REPORT_HIDDEN,
        args=report_a,
        data=lambda w: {"action": "submit", "version": w.report_a.version},
    ),
    Check(f"{API}/dashboard", allowed=DASHBOARD_USERS),
]
