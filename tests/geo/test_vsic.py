"""import_vsic: VSIC 2018 levels 3–5 from a CSV or spreadsheet, level and parent read from the code."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import PermissionDenied, ValidationFailed
from khuyencong.geo.models import IndustryCode
from khuyencong.geo.selectors import industry_codes
from khuyencong.geo.services import industry_codes_import

pytestmark = pytest.mark.django_db
OFFICIAL_COUNTS = {1: 21, 2: 88, 3: 242, 4: 486, 5: 734}


def generated_codes() -> list[tuple[str, str]]:
    """A stand-in for the official list with its exact shape: 242 / 486 / 734 codes at levels 3 / 4 / 5,
    each under an existing parent (the real list is not shipped; see docs/territory.md)."""
    divisions = sorted(IndustryCode.objects.filter(level=2).values_list("code", flat=True))
    level3 = [f"{divisions[i % 88]}{i // 88}" for i in range(242)]
    level4 = [f"{level3[i % 242]}{i // 242}" for i in range(486)]
    level5 = [f"{level4[i % 486]}{i // 486}" for i in range(734)]
    return [(code, f"Ngành thử nghiệm {code} – sản xuất đồ gỗ") for code in level3 + level4 + level5]


def write_csv(path: Path, rows, header=("code", "name")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def state() -> tuple[int, int]:
    return IndustryCode.objects.count(), AuditEvent.objects.count()


def test_import_a_csv_with_the_official_shape_then_again(tmp_path):
    path = write_csv(tmp_path / "vsic.csv", generated_codes())
    result = industry_codes_import(actor=None, path=path)
    assert (result.created, result.renamed, result.unchanged) == (1462, 0, 0)
    assert result.counts == OFFICIAL_COUNTS and result.warnings == []
    code = IndustryCode.objects.select_related("parent__parent__parent").get(code="01000")
    assert (code.level, code.parent.code, code.parent.parent.code, code.parent.parent.parent.code) == (
        5,
        "0100",
        "010",
        "01",
    )
    assert code.name_folded == "nganh thu nghiem 01000 – san xuat do go"
    event = AuditEvent.objects.get(action="industry_code.import")
    assert len(event.after["created"]) == 1462 and "vsic.csv" in event.note
    before = state()
    again = industry_codes_import(actor=None, path=path)
    assert (again.created, again.renamed, again.unchanged) == (0, 0, 1462)
    assert state() == before
    assert industry_codes(level=5, parent="0100").count() == 2
    assert industry_codes(query="do go").count() == 1462
    assert industry_codes(query="0100").first().code == "0100"


def test_the_official_layout_with_one_column_per_level_in_a_spreadsheet(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Cấp 1", "Cấp 2", "Cấp 3", "Cấp 4", "Cấp 5", "Tên ngành"])
    sheet.append(["C", None, None, None, None, "Công nghiệp chế biến, chế tạo"])
    sheet.append([None, "10", None, None, None, "Sản xuất, chế biến thực phẩm"])
    sheet.append([None, None, "101", None, None, "Chế biến, bảo quản thịt và các sản phẩm từ thịt"])
    sheet.append([None, None, None, "1010", None, "Chế biến, bảo quản thịt và các sản phẩm từ thịt"])
    sheet.append([None, None, None, None, "10101", "Giết mổ gia súc, gia cầm"])
    sheet.append([None, "01", None, None, None, "Nông nghiệp và hoạt động dịch vụ có liên quan"])
    sheet.append([None, None, 11, None, None, "Trồng cây hàng năm"])  # "011" stored as the number 11
    path = tmp_path / "vsic.xlsx"
    workbook.save(path)
    result = industry_codes_import(actor=None, path=path)
    assert (result.created, result.unchanged) == (4, 3)
    assert IndustryCode.objects.get(code="011").parent.code == "01"
    assert IndustryCode.objects.get(code="10101").parent.code == "1010"
    assert result.warnings[0] == "Cấp 3: có 2 mã, danh mục VSIC 2018 có 242."


def test_bad_rows_are_refused_with_their_line_and_nothing_written(tmp_path):
    rows = [
        ("101", "Chế biến thịt"),
        ("9999", "Không có cha"),
        ("101", "Trùng mã"),
        ("1A1", "Mã sai"),
        ("102", ""),
        ("04", "Không phải ngành cấp 2"),
    ]
    path = write_csv(tmp_path / "vsic.csv", rows)
    before = state()
    with pytest.raises(ValidationFailed) as caught:
        industry_codes_import(actor=None, path=path)
    assert caught.value.details == {
        "Dòng 3": ["Không có ngành cấp 3 mã 999 (mã cha)."],
        "Dòng 4": ["Mã 101 đã có ở dòng 2."],
        "Dòng 5": ["Mã “1A1” không hợp lệ (một chữ cái A–U hoặc 2–5 chữ số)."],
        "Dòng 6": ["Thiếu tên ngành."],
        "Dòng 7": ["Ngành cấp 2 mã 04 không có trong danh mục VSIC 2018 (cấp 1–2 có sẵn)."],
    }
    assert state() == before
    with pytest.raises(CommandError, match="Dòng 4: Mã 101 đã có ở dòng 2."):
        call_command("import_vsic", str(path))
    assert state() == before


def test_numbers_that_lost_their_zero_are_refused_in_the_code_name_layout(tmp_path):
    workbook = Workbook()
    workbook.active.append(["Mã ngành", "Tên ngành"])
    workbook.active.append([111, "Trồng lúa"])
    path = tmp_path / "vsic.xlsx"
    workbook.save(path)
    with pytest.raises(ValidationFailed) as caught:
        industry_codes_import(actor=None, path=path)
    assert "mất số 0" in caught.value.details["Dòng 2"][0]


def test_a_changed_name_is_updated_and_audited_and_dry_run_writes_nothing(tmp_path, personas):
    path = write_csv(tmp_path / "vsic.csv", [("72", "Nghiên cứu khoa học và phát triển"), ("721", "Nghiên cứu")])
    before = state()
    dry = industry_codes_import(actor=personas.central_admin, path=path, dry_run=True)
    assert (dry.created, dry.renamed, dry.dry_run) == (1, 1, True)
    assert state() == before
    industry_codes_import(actor=personas.central_admin, path=path)
    assert IndustryCode.objects.get(code="72").name == "Nghiên cứu khoa học và phát triển"
    event = AuditEvent.objects.get(action="industry_code.rename")
    assert event.actor == personas.central_admin
    assert event.before == {"name": "Nghiên cứu khoa học và phát triển công nghệ"}
    with pytest.raises(PermissionDenied):
        industry_codes_import(actor=personas.province_a_officer, path=path)


def test_the_command_reports_counts(tmp_path):
    path = write_csv(tmp_path / "vsic.csv", generated_codes())
    out = StringIO()
    call_command("import_vsic", str(path), "--dry-run", stdout=out)
    assert "Chạy thử, không ghi gì: sẽ thêm 1462 mã" in out.getvalue()
    assert not IndustryCode.objects.filter(level=3).exists()
    out = StringIO()
    call_command("import_vsic", str(path), stdout=out)
    assert "Đã thêm 1462 mã" in out.getvalue()
    assert "cấp 3: 242, cấp 4: 486, cấp 5: 734" in out.getvalue()
    out = StringIO()
    call_command("import_vsic", str(path), stdout=out)
    assert "không có thay đổi nào" in out.getvalue()
