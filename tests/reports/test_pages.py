"""The report pages through HTTP: lists scoped to the province, creating, writing, making a draft in the
background, signing, downloading (another province's files answer 404 by URL), the filing status, the
definitions; Vietnamese messages naming the field; a fixed number of queries; no inline script or style."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.audit.models import AuditEvent
from khuyencong.reports.models import Report, ReportDefinition, ReportStatus, ReportVersion, VersionKind
from khuyencong.reports.periods import parse_period
from khuyencong.reports.services import report_create


def _no_inline(body: str) -> None:
    assert " style=" not in body and "<style" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "inline script"
    assert not re.search(r"\son[a-z]+=", body), "inline event handler"


def test_lists_are_scoped_and_filtered(world, client_for, small):
    a = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    b = report_create(actor=world.province_b_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    national = report_create(actor=world.central_officer, definition_id=world.national.pk, period=parse_period("2026"))
    url = reverse("reports:list")
    body = client_for(world.province_a_officer).get(url).content.decode()
    assert reverse("reports:detail", args=[a.pk]) in body
    assert (
        reverse("reports:detail", args=[b.pk]) not in body and reverse("reports:detail", args=[national.pk]) not in body
    )
    body = client_for(world.central_leader).get(url, {"province": world.province_b.pk}).content.decode()
    assert reverse("reports:detail", args=[b.pk]) in body and reverse("reports:detail", args=[a.pk]) not in body
    body = client_for(world.central_leader).get(url, {"definition": world.national.pk}).content.decode()
    assert reverse("reports:detail", args=[national.pk]) in body and reverse("reports:detail", args=[a.pk]) not in body
    _no_inline(body)
    assert client_for(world.establishment_user).get(url).status_code == 403


def test_creating_a_report_from_the_form(world, client_for):
    client = client_for(world.province_a_officer)
    page = client.get(reverse("reports:new")).content.decode()
    assert "Tình hình thực hiện công tác khuyến công" in page
    assert "Tổng hợp tình hình thực hiện công tác khuyến công toàn quốc" not in page  # the Cục's
    assert 'name="province"' not in page  # a province's officer reports on its province
    _no_inline(page)
    data = {"definition": world.periodic.pk, "period_type": "quarter", "year": 2026, "number": ""}
    response = client.post(reverse("reports:new"), data)
    assert response.status_code == 200
    assert "Chọn quý I, II, III hoặc IV." in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(reverse("reports:new"), {**data, "number": 1})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    assert (report.period_key, report.province_id, report.place) == ("2026-Q1", world.province_a.pk, "Hà Nội")
    again = client.post(reverse("reports:new"), {**data, "number": 1})
    assert again["Location"] == reverse("reports:detail", args=[report.pk]) and Report.objects.count() == 1
    adhoc = {"definition": world.register.pk, "period_type": "adhoc", "start": "15/01/2026", "end": "31/05/2026"}
    response = client.post(reverse("reports:new"), adhoc)
    assert response.status_code == 302
    assert Report.objects.get(definition=world.register).period_key == "2026-01-15..2026-05-31"
    assert client_for(world.province_a_leader).get(reverse("reports:new")).status_code == 403


def test_draft_sign_and_download_through_the_pages(world, client_for, small):
    officer = client_for(world.province_a_officer)
    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    detail = reverse("reports:detail", args=[report.pk])
    response = officer.post(
        reverse("reports:edit", args=[report.pk]),
        {"revision": report.revision, "place": "Hà Nội", "recipients": "{cuc};\nLưu: VT.",
         "narrative_tinh_hinh": "Quý I năm 2026, Sở triển khai ba đề án khuyến công."},
    )  # fmt: skip
    assert response.status_code == 302
    stale = officer.post(reverse("reports:edit", args=[report.pk]),
                         {"revision": report.revision, "place": "Sóc Sơn"})  # fmt: skip
    assert stale.status_code == 200 and "vừa được người khác cập nhật" in stale.content.decode()
    assert Report.objects.get(pk=report.pk).place == "Hà Nội"

    response = officer.post(reverse("reports:generate", args=[report.pk]))
    assert response.status_code == 302 and "?tac-vu=" in response["Location"]
    page = officer.get(response["Location"]).content.decode()
    assert 'class="job-status card"' in page and "Hoàn thành" in page
    _no_inline(page)
    draft = ReportVersion.objects.get(report=report)
    pdf_url = reverse("reports:download", args=[report.pk, draft.pk, "pdf"])
    xlsx_url = reverse("reports:download", args=[report.pk, draft.pk, "xlsx"])
    assert pdf_url in page and xlsx_url in page
    download = client_for(world.province_a_viewer).get(pdf_url)
    content = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == draft.pdf_sha256 == download["X-Content-SHA256"]
    assert "du-thao" in download["Content-Disposition"]
    workbook = client_for(world.central_leader).get(xlsx_url)
    assert b"".join(workbook.streaming_content)[:2] == b"PK"
    outsider = client_for(world.province_b_officer)
    for url in (detail, pdf_url, xlsx_url, reverse("reports:version", args=[report.pk, draft.pk])):
        assert outsider.get(url).status_code == 404, url

    leader = client_for(world.province_a_leader)
    form = leader.get(reverse("reports:transition", args=[report.pk, "submit"])).content.decode()
    assert "Phạm Thị Bình" in form and f'value="{draft.pk}" selected' in form
    _no_inline(form)
    missing = leader.post(reverse("reports:transition", args=[report.pk, "submit"]),
                          {"revision": 2, "version_id": draft.pk, "number": "", "date": "08/04/2026",
                           "signer_title": "GIÁM ĐỐC", "signer_name": "Phạm Thị Bình"})  # fmt: skip
    assert missing.status_code == 200 and "Số văn bản" in missing.content.decode()
    response = leader.post(reverse("reports:transition", args=[report.pk, "submit"]),
                           {"revision": 2, "version_id": draft.pk, "number": "15", "date": "08/04/2026",
                            "signer_title": "GIÁM ĐỐC", "signer_name": "Phạm Thị Bình"})  # fmt: skip
    assert response.status_code == 302 and "?tac-vu=" in response["Location"]
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    frozen = ReportVersion.objects.get(report=report, kind=VersionKind.SUBMITTED)
    assert frozen.snapshot["header"]["date"] == "2026-04-08"
    page = officer.get(detail).content.decode()
    assert "Bản chính thức (phiên bản 2)" in page and "Tạo bản nháp Excel và PDF" not in page
    assert AuditEvent.objects.filter(action="report.submit", actor=world.province_a_leader).exists()

    returned = client_for(world.central_leader).post(
        reverse("reports:transition", args=[report.pk, "return"]), {"revision": 3, "note": ""}
    )
    assert returned.status_code == 200 and "Ghi rõ ý kiến, lý do." in returned.content.decode()
    returned = client_for(world.central_leader).post(
        reverse("reports:transition", args=[report.pk, "return"]), {"revision": 3, "note": "Bổ sung số liệu quý I."}
    )
    assert returned.status_code == 302
    page = officer.get(detail).content.decode()
    assert "Bổ sung số liệu quý I." in page and "Tạo bản nháp Excel và PDF" in page


def test_the_report_page_runs_a_fixed_number_of_queries(world, client_for, small):
    report = report_create(actor=world.province_a_officer, definition_id=small.pk, period=parse_period("2026-Q1"))
    client = client_for(world.central_officer)
    url = reverse("reports:detail", args=[report.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _add_versions(report, 1)
    one = queries()
    _add_versions(report, 5)
    assert queries() == one


def _add_versions(report: Report, count: int) -> None:
    for _ in range(count):
        ReportVersion.objects.create(
            report=report, number=report.versions.count() + 1, kind="draft", revision=report.revision,
            snapshot={"sections": []}, snapshot_sha256="0" * 64, xlsx_name="x", xlsx_sha256="0" * 64, pdf_name="p",
            pdf_sha256="0" * 64, cut_off=dt.date(2026, 3, 31), created_by=report.created_by,
        )  # fmt: skip


def test_filing_status_page(world, client_for):
    body = client_for(world.central_leader).get(reverse("reports:filing_status"), {"year": 2026,
        "definition": world.periodic.pk}).content.decode()  # fmt: skip
    assert "Hà Nội" in body and "Hồ Chí Minh" in body and "Quý I năm 2026" in body
    _no_inline(body)
    own = client_for(world.province_b_officer).get(reverse("reports:filing_status"), {"year": 2026,
        "definition": world.periodic.pk}).content.decode()  # fmt: skip
    assert "Hồ Chí Minh" in own and ">Hà Nội<" not in own


def test_definitions_are_edited_by_the_national_administrator(world, client_for):
    client = client_for(world.central_admin)
    body = client.get(reverse("reports:definitions")).content.decode()
    assert "Hạn gửi" in body and "cần xác nhận" in body
    url = reverse("reports:definition_edit", args=[world.register.pk])
    page = client.get(url).content.decode()
    assert "so_giai_ngan | disbursements | Sổ theo dõi giải ngân theo nguồn kinh phí" in page
    data = {"title": "Giải ngân kinh phí khuyến công", "document_type": "SỔ THEO DÕI", "symbol": "",
            "period_types": ["quarter", "year"], "signer_title": "KẾ TOÁN TRƯỞNG", "recipients": "Lưu: VT.",
            "sections": "so_giai_ngan | disbursements | Sổ giải ngân\nthem | khong_co | Phần lạ", "citation": "",
            "description": "", "is_active": "on"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200 and "Dòng 2: loại “khong_co” không có" in response.content.decode()
    response = client.post(url, {**data, "sections": "so_giai_ngan | disbursements | Sổ giải ngân theo nguồn"})
    assert response.status_code == 302
    definition = ReportDefinition.objects.get(pk=world.register.pk)
    assert definition.sections[0]["title"] == "Sổ giải ngân theo nguồn" and definition.period_types == [
        "quarter",
        "year",
    ]
    assert AuditEvent.objects.filter(action="report_definition.update").exists()
    assert client_for(world.central_leader).get(url).status_code == 403
