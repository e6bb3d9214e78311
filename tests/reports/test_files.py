"""The generated files themselves: each workbook opened with openpyxl and checked cell by cell against the
database, each PDF read back with poppler (pdftotext, pdfinfo, pdffonts) for its title, Vietnamese text,
totals, pages and fonts. Few renders, because WeasyPrint takes seconds."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from khuyencong.programmes.models import BudgetLine, MoneyMovement, Project
from khuyencong.reports.periods import parse_period
from khuyencong.reports.services import draft_build, report_create
from khuyencong.reports.storage import read
from tests.reports.builders import ODD

APRIL = dt.date(2026, 4, 5)
COUNTED = ("approved", "in_plan", "contracted", "in_progress", "accepted", "settled", "closed", "stopped")
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing (make system-deps)")


def poppler(tool: str, content: bytes, *args: str) -> str:
    done = subprocess.run([tool, *args, "-", "-"] if tool == "pdftotext" else [tool, "-"], input=content,
                          capture_output=True, check=True)  # fmt: skip
    return done.stdout.decode("utf-8")


def find_row(sheet, label: str, column: int = 2) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == label:
            return row
    raise AssertionError(f"no row labelled {label!r} in {sheet.title}")


def locate(sheet, label: str):
    for row in sheet.iter_rows(min_row=1, max_row=25):
        for cell in row:
            if cell.value == label:
                return cell
    raise AssertionError(f"no cell {label!r} in {sheet.title}")


def header_column(sheet, label: str) -> int:
    return locate(sheet, label).column


def as_dong(value) -> int:
    return int((Decimal(str(value)) * 1_000_000).to_integral_value())


def test_provincial_report_workbook_and_pdf_match_the_database(world):
    report = report_create(
        actor=world.province_a_officer, definition_id=world.periodic.pk, period=parse_period("2026-Q1")
    )
    version = draft_build(actor=world.province_a_officer, report_id=report.pk, today=APRIL)
    xlsx, pdf = read(version.xlsx_name), read(version.pdf_name)
    assert hashlib.sha256(xlsx).hexdigest() == version.xlsx_sha256 and version.xlsx_name.endswith(
        f"{version.xlsx_sha256}.xlsx"
    )
    assert hashlib.sha256(pdf).hexdigest() == version.pdf_sha256

    # --- Excel ---------------------------------------------------------------------------------------------------
    book = load_workbook(io.BytesIO(xlsx))
    assert book.sheetnames == ["Báo cáo", "Biểu 01", "Biểu 02", "Biểu 03", "Biểu 04", "Biểu 05"]
    cover = book["Báo cáo"]
    assert cover["A1"].value == "UBND THÀNH PHỐ HÀ NỘI"
    assert cover["A2"].value == "SỞ CÔNG THƯƠNG" and cover["A2"].font.bold
    assert cover["A3"].value == "Số:       /BC-SCT"
    right = cover.cell(row=1, column=header_column(cover, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    assert right.font.bold
    motto = cover.cell(row=2, column=right.column)
    assert motto.value == "Độc lập - Tự do - Hạnh phúc" and motto.font.underline == "single"
    assert cover.cell(row=3, column=right.column).value == "Hà Nội, ngày      tháng      năm 2026"
    assert cover["A5"].value == "BÁO CÁO"
    assert cover["A6"].value == "Tình hình thực hiện công tác khuyến công quý I năm 2026"
    merged = {str(rng) for rng in cover.merged_cells.ranges}
    assert any(rng.startswith("A1:") for rng in merged) and any(rng.startswith("A5:") for rng in merged)
    cover_text = [cell.value for row in cover.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Nơi nhận:" in cover_text and "GIÁM ĐỐC" in cover_text
    assert any(text.startswith("- Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công") for text in cover_text)

    funds = book["Biểu 02"]
    assert funds["A1"].value == "UBND THÀNH PHỐ HÀ NỘI"
    group = locate(funds, "Giải ngân lũy kế đến ngày chốt số liệu")
    header_row = group.row
    spans = {str(rng) for rng in funds.merged_cells.ranges}
    assert f"{group.coordinate}:{funds.cell(row=header_row, column=group.column + 3).coordinate}" in spans
    stt = locate(funds, "STT")
    assert f"{stt.coordinate}:{funds.cell(row=header_row + 1, column=1).coordinate}" in spans  # two header rows
    planned_col, disbursed_col = header_column(funds, "Dự toán được duyệt"), header_column(funds, "Đã giải ngân")
    counted = Project.objects.filter(province=world.province_a, year=2026, status__in=COUNTED)
    for source in (world.KCQG, world.KCDP):
        line = find_row(funds, source.name)
        expected = BudgetLine.objects.filter(project__in=counted, source=source).aggregate(t=Sum("amount"))["t"]
        assert as_dong(funds.cell(row=line, column=planned_col).value) == expected
        assert funds.cell(row=line, column=planned_col).number_format == "#,##0.00"
        moves = MoneyMovement.objects.filter(project__in=counted, source=source, status="approved",
                                             occurred_on__lte=dt.date(2026, 3, 31))  # fmt: skip
        net = sum(m.amount if m.kind != "refund" else -m.amount for m in moves if m.kind != "settlement")
        assert as_dong(funds.cell(row=line, column=disbursed_col).value) == net
    state = find_row(funds, "Cộng kinh phí nhà nước hỗ trợ")
    # The exact sum in the cell, shown with two decimals: Excel's own SUM of the column agrees with it.
    assert as_dong(funds.cell(row=state, column=planned_col).value) == 3 * ODD
    total = find_row(funds, "Tổng cộng")
    assert (
        as_dong(funds.cell(row=total, column=planned_col).value)
        == (BudgetLine.objects.filter(project__in=counted).aggregate(t=Sum("amount"))["t"])
    )
    assert funds.cell(row=total, column=planned_col).font.bold
    unit_row = next(r for r in range(1, 20) if funds.cell(row=r, column=1).value == "Đơn vị tính: triệu đồng")
    assert unit_row < header_row
    assert funds.page_setup.orientation == "landscape" and int(funds.page_setup.paperSize) == 9  # A4
    assert any("Bằng chữ: Một triệu tám trăm nghìn không trăm linh một đồng" in str(c.value) for c in funds["A"])

    # --- PDF ---------------------------------------------------------------------------------------------------------
    info = poppler("pdfinfo", pdf)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == version.pdf_pages and pages >= 3
    assert "595.276 x 841.89" in info  # A4 (the first page is portrait)
    text = poppler("pdftotext", pdf, "-layout")
    flat = " ".join(poppler("pdftotext", pdf).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    assert "UBND THÀNH PHỐ HÀ NỘI" in flat and "SỞ CÔNG THƯƠNG" in flat and "DỰ THẢO" in flat
    assert "BÁO CÁO Tình hình thực hiện công tác khuyến công quý I năm 2026" in flat
    assert "Ứng dụng máy móc, thiết bị tiên tiến vào sản xuất" in flat  # diacritics survive the PDF
    state_line = next(line for line in text.splitlines() if "Cộng kinh phí nhà nước hỗ trợ" in line)
    # 3 × 1.234.567 đồng: each shows 1,23 but the total is the rounded exact sum 3,70, not 3,69.
    assert "3,70" in state_line.split() and "3,69" not in state_line
    kcdp_line = next(line for line in text.splitlines() if "Kinh phí khuyến công địa phương" in line)
    assert kcdp_line.split()[-7:] == ["2,47", "0,80", "0,00", "0,00", "0,80", "0,00", "32,4"]
    assert "Một triệu tám trăm nghìn không trăm linh một đồng" in flat
    assert version.snapshot_sha256 in flat.replace(" ", "")  # printed at the foot of the pages
    fonts = poppler("pdffonts", pdf)
    assert "Liberation-Serif" in fonts or "LiberationSerif" in fonts
    assert "Times" not in fonts.replace("Times New Roman", "")  # no unembedded base-14 fallback


def test_national_report_pdf_lists_every_province_and_the_national_totals(world):
    report = report_create(actor=world.central_officer, definition_id=world.national.pk, period=parse_period("2026-Q1"))
    version = draft_build(actor=world.central_officer, report_id=report.pk, today=APRIL)
    content = read(version.pdf_name)
    text = poppler("pdftotext", content, "-layout")
    flat = " ".join(poppler("pdftotext", content).split())  # reading order: the header's two columns apart
    assert "BỘ CÔNG THƯƠNG" in flat and "CỤC ĐỔI MỚI SÁNG TẠO, CHUYỂN ĐỔI XANH VÀ KHUYẾN CÔNG" in flat
    assert "Tổng hợp tình hình thực hiện công tác khuyến công toàn quốc quý I năm 2026" in flat
    for name in ("Hà Nội", "Hồ Chí Minh", "Đắk Lắk", "Lâm Đồng", "Cà Mau", "Tuyên Quang"):
        assert name in flat
    total_line = next(line for line in text.splitlines() if "Tổng cộng toàn quốc" in line)
    kcqg_planned = BudgetLine.objects.filter(
        project__year=2026, project__status__in=COUNTED, source=world.KCQG
    ).aggregate(t=Sum("amount"))["t"]
    assert kcqg_planned == ODD + 16_000_000
    assert "17,23" in total_line.split()
    book = load_workbook(io.BytesIO(read(version.xlsx_name)))
    sheet = book["Biểu 01"]
    total = find_row(sheet, "Tổng cộng toàn quốc")
    column = header_column(sheet, "Dự toán kinh phí nhà nước (triệu đồng)")
    assert as_dong(sheet.cell(row=total, column=column).value) == kcqg_planned
    regions = [sheet.cell(row=r, column=2).value for r in range(1, sheet.max_row + 1)
               if str(sheet.cell(row=r, column=2).value or "").startswith("Cộng vùng")]  # fmt: skip
    assert len(regions) == 6


def test_a_province_without_projects_gets_a_complete_workbook_of_empty_tables(world, tmp_path):
    from khuyencong.geo.models import Unit
    from khuyencong.reports.excel import write_workbook
    from khuyencong.reports.snapshot import build_snapshot

    dak_lak = Unit.objects.get(key="2025:province:66")
    report = report_create(actor=world.central_officer, definition_id=world.register.pk, period=parse_period("2026"),
                           province_id=dak_lak.pk)  # fmt: skip
    snapshot = build_snapshot(report, today=APRIL)
    periodic = report_create(actor=None, definition_id=world.periodic.pk, period=parse_period("2026-Q1"),
                             province_id=dak_lak.pk)  # fmt: skip
    for item in (snapshot, build_snapshot(periodic, today=APRIL)):
        path = tmp_path / f"{item['definition']['code']}.xlsx"
        write_workbook(item, path)
        for sheet in load_workbook(path).worksheets:
            assert sheet["A1"].value == "UBND TỈNH ĐẮK LẮK", sheet.title
            texts = {cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
            assert item["header"]["signer_title"] in texts, sheet.title
    register = load_workbook(tmp_path / "so-giai-ngan.xlsx")["Biểu 01"]
    total = find_row(register, "Tổng cộng", column=5)
    assert [register.cell(row=total, column=c).value for c in range(7, 11)] == [0, 0, 0, 0]


def test_long_tables_print_their_totals_and_leave_the_listing_to_the_workbook(world, monkeypatch):
    from khuyencong.reports import pdf as pdf_module
    from khuyencong.reports.snapshot import build_snapshot

    report = report_create(actor=world.central_officer, definition_id=world.register.pk, period=parse_period("2026-H1"))
    snapshot = build_snapshot(report, today=dt.date(2026, 7, 1))
    assert "CT-1000001" in pdf_module.render_html(snapshot)  # six movements: every row printed
    monkeypatch.setattr(pdf_module, "MAX_PDF_DETAIL_ROWS", 5)
    html = " ".join(pdf_module.render_html(snapshot).split())
    assert "CT-1000001" not in html
    assert "Bảng có 6 dòng chi tiết" in html and "Biểu số 01 của tệp Excel" in html
    assert "Cộng Kinh phí khuyến công quốc gia" in html and "6.000.001" in html  # subtotals and totals stay
