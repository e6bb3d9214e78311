"""The API: catalogue, targets with warnings, a report from opening to approval, indicator values and the
dashboard aggregates, with the pages' scope and the common error shape."""

from __future__ import annotations

from decimal import Decimal

from khuyencong.accounts.models import User
from khuyencong.accounts.tokens import api_token_create
from khuyencong.indicators.models import ReportStatus, Target
from khuyencong.indicators.selectors import Filters, dashboard
from khuyencong.programmes.models import Programme


def bearer(username: str) -> dict:
    _token, secret = api_token_create(actor=User.objects.get(username=username), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_catalogue_and_targets(generated, client):
    cuc = bearer("sinh.cuc.ld")
    catalogue = {row["code"]: row for row in client.get("/api/v1/indicators", **cuc).json()}
    assert catalogue["viec_lam_moi"]["by_sex"] and catalogue["co_so_duoc_ho_tro"]["aggregation"] == (
        "distinct_establishments"
    )
    body = client.get("/api/v1/indicators/targets", {"programme": "ctkcqg-2021-2025", "year": "period"}, **cuc).json()
    legacy = next(row for row in body["results"] if row["unit_key"] == "legacy:province:70")
    assert legacy["province"] == "75" and legacy["target_value"] == "15.00"
    response = client.put(
        "/api/v1/indicators/targets",
        {"programme": "ctkcqg-2021-2025", "indicator": "may_moc_thiet_bi", "unit_key": "2025:province:01",
         "target_value": "1600", "citation": "CV thử"},
        content_type="application/json", **cuc,
    )  # fmt: skip
    assert response.status_code == 200
    assert any("vượt mục tiêu chung 1.600" in warning for warning in response.json()["warnings"])
    response = client.put(
        "/api/v1/indicators/targets",
        {"programme": "ctkcqg-2021-2025", "indicator": "khong_co", "target_value": "1"},
        content_type="application/json", **cuc,
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["details"] == {
        "indicator": ["Không có chỉ tiêu mã “khong_co”."]
    }
    province = client.get("/api/v1/indicators/targets", {"programme": "ctkcqg-2021-2025"}, **bearer("sinh.66.ld"))
    assert {row["province"] for row in province.json()["results"]} <= {None, "66"}


def test_a_report_over_the_api(generated, client):
    officer, leader, cuc = bearer("sinh.86.cv"), bearer("sinh.86.ld"), bearer("sinh.cuc.ld")
    response = client.post("/api/v1/indicators/reports", {"year": 2026}, content_type="application/json", **officer)
    assert response.status_code == 200
    report = response.json()
    assert report["province"] == "86" and report["status"] == "draft" and "viec_lam_moi" in report["indicators"]
    url = f"/api/v1/indicators/reports/{report['id']}"
    response = client.put(
        f"{url}/values",
        {"version": report["version"], "values": {"viec_lam_moi": {"value": "40", "female": "41"}}},
        content_type="application/json", **officer,
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["message"].endswith("số nữ (41) lớn hơn tổng số (40).")
    response = client.put(
        f"{url}/values",
        {"version": report["version"], "values": {"viec_lam_moi": {"value": "40", "female": "21"}}},
        content_type="application/json", **officer,
    )  # fmt: skip
    report = response.json()
    assert report["values"] == [
        {"indicator": "viec_lam_moi", "value": "40.00", "female": "21.00", "ethnic_minority": None, "note": ""}
    ]
    assert client.get(url, **leader).json()["actions"] == ["submit"]
    response = client.post(
        f"{url}/transitions", {"action": "submit", "version": report["version"]}, content_type="application/json",
        **officer,
    )  # fmt: skip
    assert response.status_code == 403
    report = client.post(
        f"{url}/transitions", {"action": "submit", "version": report["version"]}, content_type="application/json",
        **leader,
    ).json()  # fmt: skip
    response = client.post(
        f"{url}/transitions", {"action": "approve", "version": report["version"] - 1},
        content_type="application/json", **cuc,
    )  # fmt: skip
    assert response.status_code == 409
    report = client.post(
        f"{url}/transitions", {"action": "approve", "version": report["version"]}, content_type="application/json",
        **cuc,
    ).json()  # fmt: skip
    assert report["status"] == ReportStatus.APPROVED and report["actions"] == ["unlock"]
    assert client.get(url, **bearer("sinh.01.cv")).status_code == 404
    listed = client.get("/api/v1/indicators/reports", {"year": 2026, "status": "approved"}, **cuc).json()
    assert report["id"] in {row["id"] for row in listed["results"]}


def test_values_and_dashboard_match_the_pages(generated, client):
    cuc = bearer("sinh.cuc.ld")
    programme = Programme.objects.get(code="ctkcqg-2021-2025")
    board = dashboard(User.objects.get(username="sinh.cuc.ld"), province=None, filters=Filters(programme=programme))
    body = client.get("/api/v1/dashboard", **cuc).json()
    assert body["scope"] == "toan-quoc" and "Chương trình khuyến công quốc gia giai đoạn 2021–2025" in body["filters"]
    assert body["kpis"] == vars(board.kpis)
    progress = {row["indicator"]: row for row in body["progress"]}
    for row in board.progress:
        assert progress[row.indicator.code]["actual"] == (None if row.actual is None else str(row.actual))
    assert {area["code"] for area in body["areas"]} == {a.unit.code if a.unit else None for a in board.areas}

    values = client.get("/api/v1/indicators/values", {"programme": "", "by": "area"}, **cuc).json()
    jobs = {row["area"]: Decimal(row["actual"]) for row in values if row["indicator"] == "viec_lam_moi"}
    assert set(jobs) == {"01", "75", "86", "66"} and all(value > 0 for value in jobs.values())
    by_year = client.get("/api/v1/indicators/values", {"programme": "", "by": "year,area"}, **cuc).json()
    assert (
        sum(Decimal(r["actual"]) for r in by_year if r["indicator"] == "viec_lam_moi" and r["area"] == "01")
        == (jobs["01"])
    )

    own = client.get("/api/v1/dashboard", **bearer("sinh.66.ld")).json()
    assert own["scope"] == "66" and own["level"] == "commune"
    assert client.get("/api/v1/dashboard", {"province": "01"}, **bearer("sinh.66.ld")).status_code == 404
    response = client.get("/api/v1/dashboard", {"units": "then", "year_from": 2027}, **cuc)
    assert response.status_code == 400 and "year_from" in response.json()["details"]
    response = client.get("/api/v1/dashboard", {"source": "XYZ"}, **cuc)
    assert response.json()["details"] == {"source": ["Không có nguồn vốn mã “XYZ”."]}
    assert client.get("/api/v1/dashboard", **bearer("sinh.01.cv")).json()["scope"] == "01"
    assert Target.objects.exists()
