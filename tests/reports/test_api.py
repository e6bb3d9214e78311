"""The reports API: the same scope, steps, checks and files as the pages; jobs polled; errors in one shape."""

from __future__ import annotations

import hashlib
import json

from khuyencong.reports.models import Report, ReportStatus, ReportVersion, VersionKind
from khuyencong.reports.snapshot import canonical


def post(client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type="application/json")


def put(client, url: str, data: dict):
    return client.put(url, json.dumps(data), content_type="application/json")


def test_a_province_reports_through_the_api(world, client_for, small):
    officer = client_for(world.province_a_officer)
    response = post(officer, "/api/v1/reports", {"definition": small.code, "period": "2026-Q1"})
    assert response.status_code == 201, response.content
    report = response.json()
    assert (report["province"], report["status"], report["period_label"]) == ("01", "draft", "Quý I năm 2026")
    assert report["may_prepare"] is True and report["actions"] == []
    url = f"/api/v1/reports/{report['id']}"

    stale = put(officer, url, {"revision": report["revision"] + 5, "narratives": {"tinh_hinh": "x"}})
    assert stale.status_code == 409 and stale.json()["code"] == "xung_dot"
    wrong = put(officer, url, {"revision": report["revision"], "narratives": {"khong_co": "x"}})
    assert wrong.status_code == 400 and "narrative_khong_co" in wrong.json()["details"]
    updated = put(officer, url, {"revision": report["revision"], "narratives": {"tinh_hinh": "Ba đề án."}})
    assert updated.status_code == 200 and updated.json()["narratives"] == {"tinh_hinh": "Ba đề án."}

    job = officer.post(f"{url}/drafts")
    assert job.status_code == 202 and job.json()["status"] == "succeeded"
    polled = officer.get(job.json()["status_url"]).json()
    assert polled["percent"] == 100 and "bản nháp số 1" in polled["result"]["message"]
    assert client_for(world.province_a_leader).get(job.json()["status_url"]).status_code == 404  # not theirs

    detail = officer.get(url).json()
    draft = detail["versions"][0]
    assert draft["kind"] == "draft" and not draft["frozen"]
    snapshot = officer.get(f"{url}/versions/{draft['id']}/snapshot").json()
    assert hashlib.sha256(canonical(snapshot)).hexdigest() == draft["snapshot_sha256"]
    pdf = officer.get(f"{url}/versions/{draft['id']}/files/pdf")
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == draft["pdf_sha256"]

    leader = client_for(world.province_a_leader)
    assert leader.get(url).json()["actions"] == ["submit"]
    bad = post(leader, f"{url}/transitions", {"action": "submit", "revision": detail["revision"],
                                              "version_id": draft["id"]})  # fmt: skip
    assert bad.status_code == 400 and "number" in bad.json()["details"]
    signed = post(leader, f"{url}/transitions", {
        "action": "submit", "revision": detail["revision"], "version_id": draft["id"],
        "signature": {"number": "15", "date": "2026-04-08", "signer_title": "GIÁM ĐỐC", "signer_name": "Phạm Thị Bình"},
    })  # fmt: skip
    assert signed.status_code == 202 and not signed.json()["result"].get("failed"), signed.json()
    report_row = Report.objects.get(pk=report["id"])
    assert report_row.status == ReportStatus.SUBMITTED

    central = client_for(world.central_leader)
    accepted = post(central, f"{url}/transitions", {"action": "accept", "revision": report_row.revision,
                                                    "note": "Đạt."})  # fmt: skip
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    frozen = ReportVersion.objects.get(report=report_row, kind=VersionKind.SUBMITTED)
    version = central.get(f"{url}/versions/{frozen.pk}").json()
    assert version["frozen"] is True and version["changes"] == []


def test_another_province_gets_404_for_the_report_and_its_files(world, client_for, small):
    from khuyencong.reports.periods import parse_period
    from khuyencong.reports.services import report_create

    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    version = ReportVersion.objects.create(
        report=report, number=1, kind="draft", revision=1, snapshot={"sections": []}, snapshot_sha256="0" * 64,
        xlsx_name="x", xlsx_sha256="0" * 64, pdf_name="p", pdf_sha256="0" * 64, cut_off=report.period_end,
    )  # fmt: skip
    outsider = client_for(world.province_b_officer)
    base = f"/api/v1/reports/{report.pk}"
    for url in (base, f"{base}/versions/{version.pk}", f"{base}/versions/{version.pk}/snapshot",
                f"{base}/versions/{version.pk}/files/pdf", f"{base}/versions/{version.pk}/files/xlsx"):  # fmt: skip
        response = outsider.get(url)
        assert response.status_code == 404 and response.json()["code"] == "khong_tim_thay", url
    assert post(outsider, f"{base}/transitions", {"action": "accept", "revision": 1}).status_code == 404
    listed = outsider.get("/api/v1/reports").json()
    assert listed["count"] == 0
    assert client_for(world.establishment_user).get("/api/v1/reports").status_code == 403


def test_filings_and_definitions(world, client_for):
    client = client_for(world.central_officer)
    definitions = {item["code"]: item for item in client.get("/api/v1/reports/definitions").json()}
    assert set(definitions) >= {"bc-dinh-ky-tinh", "bc-tong-hop-quoc-gia", "ds-de-an-kinh-phi", "so-giai-ngan"}
    assert definitions["bc-dinh-ky-tinh"]["period_types"] == ["quarter", "half", "year"]
    rows = client.get("/api/v1/reports/filings", {"year": 2025, "only_overdue": True}).json()
    assert rows and all(row["overdue"] for row in rows)
    assert {row["province"] for row in rows} >= {"01", "79"}
    own = client_for(world.province_b_officer).get("/api/v1/reports/filings", {"year": 2025}).json()
    assert {row["province"] for row in own} == {"79"}
