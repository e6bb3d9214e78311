"""A province's quarterly report in chromium: the Sở's officer opens it, writes the narrative, makes the draft
(background job with its progress panel) and downloads both files; the Sở's leader signs and sends it; province
B's officer cannot reach it; the Cục sees it on the filing status page. Screenshots land in var/screenshots/."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import uuid
from types import SimpleNamespace

from openpyxl import load_workbook

from khuyencong.indicators.analytics import rebuild_analytics
from khuyencong.programmes.models import ContentItem, FundingSource, Programme
from khuyencong.reports.models import Report, ReportStatus
from tests.browser.conftest import nav_link, screenshot, sign_in
from tests.reports.builders import _move, _project

PERIOD = "Quý II"


def _projects(personas) -> str:
    """Two projects of province A in 2026 with money, under codes of this run."""
    token = uuid.uuid4().hex[:5].upper()
    world = SimpleNamespace(
        programme=Programme.objects.get(code="ctkcqg-2026-2030"),
        province_a_officer=personas.province_a_officer,
        central_officer=personas.central_officer,
    )
    kcqg, kcdp = FundingSource.objects.get(code="KCQG"), FundingSource.objects.get(code="KCDP")
    machinery = ContentItem.objects.get(code="may_moc_tien_tien")
    first = _project(world, f"KCQG-TD-{token}", kind="national", status="in_progress", province=personas.province_a,
                     item=machinery, lines=[(kcqg, 450_000_000)])  # fmt: skip
    _project(world, f"KCDP-TD-{token}", kind="local", status="contracted", province=personas.province_a,
             item=machinery, lines=[(kcdp, 120_500_000)])  # fmt: skip
    _move(world, first, kcqg, "advance", 300_000_000, dt.date(2026, 5, 12))
    rebuild_analytics()
    return token


def _click(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_a_province_prepares_downloads_and_sends_its_quarterly_report(page, web_personas, tmp_path):
    token = _projects(web_personas)

    sign_in(page, "province_a_officer")
    _click(page, nav_link(page, None, "Báo cáo"))
    _click(page, page.get_by_role("link", name="Lập báo cáo"))
    page.locator("#id_definition").select_option(label="Tình hình thực hiện công tác khuyến công")
    page.get_by_label("Loại kỳ").select_option(label="Quý")
    page.get_by_label("Năm").select_option("2026")
    page.get_by_label("Quý / 6 tháng").select_option(label="Quý II / 6 tháng cuối năm")
    _click(page, page.get_by_role("button", name="Lập báo cáo"))
    assert page.get_by_role("heading", name="Tình hình thực hiện công tác khuyến công quý II năm 2026").is_visible()
    report = Report.objects.get(
        province=web_personas.province_a, period_key="2026-Q2", definition__code="bc-dinh-ky-tinh"
    )

    _click(page, page.get_by_role("link", name="Sửa nội dung thuyết minh"))
    page.get_by_label("Tình hình chung").fill(f"Quý II, Sở triển khai hai đề án (mã {token}).")
    _click(page, page.get_by_role("button", name="Lưu"))
    _click(page, page.get_by_role("button", name="Tạo bản nháp Excel và PDF"))
    panel = page.locator(".job-status")
    assert panel.is_visible() and "Hoàn thành" in panel.inner_text()
    assert panel.locator("progress").get_attribute("value") == "100"
    screenshot(page, "report-draft-job")
    _click(page, panel.get_by_role("link", name="Xem báo cáo và tải tệp"))
    screenshot(page, "report-detail")

    files = {}
    for label, extension in (("Excel", "xlsx"), ("PDF", "pdf")):
        with page.expect_download() as download:
            page.get_by_role("link", name=label, exact=True).first.click()
        target = tmp_path / f"bao-cao.{extension}"
        download.value.save_as(target)
        assert download.value.suggested_filename.endswith(f"-du-thao.{extension}")
        files[extension] = target.read_bytes()
    book = load_workbook(io.BytesIO(files["xlsx"]))
    assert book["Báo cáo"]["A6"].value == "Tình hình thực hiện công tác khuyến công quý II năm 2026"
    sheet = book["Biểu 02"]
    totals = [row for row in sheet.iter_rows(values_only=True) if row[1] == "Cộng kinh phí nhà nước hỗ trợ"]
    assert totals and round(totals[0][2] * 1_000_000) >= 570_500_000  # this run's two projects at least
    assert files["pdf"].startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=files["pdf"], capture_output=True, check=True).stdout
        flat = " ".join(text.decode().split())
        assert "BÁO CÁO Tình hình thực hiện công tác khuyến công quý II năm 2026" in flat
        assert f"(mã {token})" in flat

    # The Sở's leader signs the draft: the report goes to the Cục, frozen.
    page.context.clear_cookies()
    sign_in(page, "province_a_leader")
    page.goto(f"{page.base_url}/bao-cao/{report.pk}/")
    _click(page, page.get_by_role("link", name="Ký và gửi Cục"))
    page.get_by_label("Số văn bản").fill("27")
    _click(page, page.get_by_role("button", name="Ký và gửi Cục"))
    assert "Hoàn thành" in page.locator(".job-status").inner_text()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    page.goto(f"{page.base_url}/bao-cao/{report.pk}/")
    assert page.get_by_text("Bản chính thức (phiên bản 2)").first.is_visible()
    screenshot(page, "report-submitted")

    # Province B's officer: not found, by URL, for the page and its files.
    page.context.clear_cookies()
    sign_in(page, "province_b_officer")
    version = report.versions.order_by("-number").first()
    for url in (f"/bao-cao/{report.pk}/", f"/bao-cao/{report.pk}/phien-ban/{version.pk}/tai/pdf/"):
        assert page.request.get(f"{page.base_url}{url}").status == 404, url

    # The Cục sees Hà Nội's report sent on the filing status page.
    page.context.clear_cookies()
    sign_in(page, "central_leader")
    page.goto(f"{page.base_url}/bao-cao/tinh-hinh-gui/?definition={report.definition_id}&year=2026")
    row = page.locator("table.filing-matrix tr", has_text="Hà Nội")
    assert "Đã gửi, chờ Cục xem xét" in row.inner_text()
    screenshot(page, "report-filing-status")
