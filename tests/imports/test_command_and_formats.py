"""The management command's JSON summary, and reading CSV (UTF-8, Windows-1258, TCVN3) and ODS files."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from khuyencong.audit.models import AuditEvent
from khuyencong.imports import normalise
from khuyencong.imports.models import ImportBatch, ImportMode
from khuyencong.imports.readers import detect_csv_encoding
from khuyencong.registry.models import Establishment
from tests.imports.builders import tax_code, tcvn3, write_csv, write_messy_workbook, write_ods
from tests.imports.test_establishment_import import EXPECTED_ERRORS, T1, T3, commit, messy_rows, upload

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[dict, CommandError | None]:
    out = StringIO()
    failure = None
    try:
        call_command("import_establishments", *args, stdout=out)
    except CommandError as error:
        failure = error
    return json.loads(out.getvalue()), failure


def test_command_prints_the_summary_and_imports_valid_rows(personas, tmp_path):
    path = write_messy_workbook(tmp_path / "ba-vi.xlsx", messy_rows())
    summary, failure = run(str(path), "--mode", "valid-only", "--as-of", "2024-01-01", "--province", "01")
    assert failure is None
    assert (summary["created"], summary["updated"], summary["rejected"]) == (3, 0, 4)
    assert summary["errors"] == [{"row": row, "column": column, "message": message}
                                 for row, column, message in EXPECTED_ERRORS]  # fmt: skip
    assert summary["status"] == "committed" and summary["mode"] == "valid-only" and summary["warnings"] == 1
    assert len(summary["sha256"]) == 64 and summary["rows"] == 7
    batch = ImportBatch.objects.get(pk=summary["batch"])
    assert batch.created_by is None and batch.province == personas.province_a
    assert AuditEvent.objects.get(action="import.commit", object_id=str(batch.pk)).actor_label == "Hệ thống"
    assert Establishment.objects.filter(tax_code__in=[T1, T3]).count() == 2


def test_command_in_all_or_nothing_mode_writes_nothing_and_fails(personas, tmp_path):
    path = write_messy_workbook(tmp_path / "ba-vi.xlsx", messy_rows())
    count = Establishment.objects.count()
    summary, failure = run(str(path), "--as-of", "2024-01-01", "--user", "province_a_officer")
    assert failure is not None and failure.returncode == 1
    assert (summary["created"], summary["updated"], summary["rejected"], summary["status"]) == (0, 0, 4, "rejected")
    assert len(summary["errors"]) == 4 and Establishment.objects.count() == count
    assert ImportBatch.objects.get(pk=summary["batch"]).created_by == personas.province_a_officer


def test_command_refuses_bad_arguments(personas, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_establishments", str(tmp_path / "khong-co.xlsx"), stdout=StringIO())
    path = write_messy_workbook(tmp_path / "ba-vi.xlsx", messy_rows())
    with pytest.raises(CommandError, match="Không có tỉnh hiện hành mã '99'"):
        call_command("import_establishments", str(path), "--province", "99", stdout=StringIO())
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("import_establishments", str(path), "--as-of", "01/01/2024", stdout=StringIO())
    bad = tmp_path / "hong.csv"
    bad.write_bytes(b"\x00\x01\x02")
    summary, failure = run(str(bad))
    assert failure is not None and summary["errors"][0]["message"] == "Tệp “hong.csv” không phải văn bản CSV."


HEADER = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Xã/phường", "Tỉnh/thành phố", "Doanh thu", "Năm số liệu"]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "expected"),
    [("utf-8-sig", ";", "utf-8-sig"), ("utf-8", ",", "utf-8"), ("cp1258", "\t", "cp1258")],
)
def test_csv_in_every_common_encoding(personas, tmp_path, encoding, delimiter, expected):
    rows = [["Hợp tác xã Nón lá Chuông", "HTX", tax_code(21), "Xã Dân Hòa", "Hà Nội", "1.234.567", 2024],
            ["Hộ kinh doanh Lụa Vạn Phúc", "Hộ kinh doanh", "", "Phường Hà Đông", "Hà Nội", "", ""]]  # fmt: skip
    path = write_csv(tmp_path / "danh-sach.csv", HEADER, rows, encoding=encoding, delimiter=delimiter)
    assert detect_csv_encoding(path) == expected
    batch = commit(personas.province_a_officer, upload(personas.province_a_officer, path, as_of=dt.date(2025, 8, 1)),
                   ImportMode.ALL)  # fmt: skip
    assert (batch.created_count, batch.error_rows) == (2, 0), list(batch.issues.values_list("message", flat=True))
    hat = Establishment.objects.get(tax_code=tax_code(21))
    assert hat.name == "Hợp tác xã Nón lá Chuông" and hat.commune.name == "Dân Hòa"
    assert hat.figures.get(year=2024).revenue == 1_234_567


def test_a_csv_typed_in_tcvn3_is_converted_column_by_column(personas, tmp_path):
    rows = [[tcvn3("Hợp tác xã mây tre đan Phú Nghĩa"), tcvn3("hợp tác xã"), "", tcvn3("Phú Nghĩa"), tcvn3("Hà Nội"),
             "", ""],
            [tcvn3("Cơ sở cá kho làng Vũ Đại"), tcvn3("hộ kinh doanh"), "", tcvn3("Phú Nghĩa"), tcvn3("Hà Nội"),
             "", ""]]  # fmt: skip
    path = tmp_path / "tcvn3.csv"
    lines = [[tcvn3(text) for text in HEADER], *rows]
    path.write_bytes("\n".join(",".join(row) for row in lines).encode("latin-1"))
    batch = upload(personas.province_a_officer, path, as_of=dt.date(2025, 8, 1))
    assert batch.text_encoding == "latin-1"
    assert {"0": "tcvn3", "3": "tcvn3", "4": "tcvn3"}.items() <= batch.legacy_columns.items()
    batch = commit(personas.province_a_officer, batch, ImportMode.ALL)
    assert batch.created_count == 2, list(batch.issues.values_list("message", flat=True))
    names = sorted(Establishment.objects.filter(import_batch=batch).values_list("name", flat=True))
    assert names == ["Cơ sở cá kho làng Vũ Đại", "Hợp tác xã mây tre đan Phú Nghĩa"]


def test_ods_files_are_read(personas, tmp_path):
    row = ["Công ty TNHH Gỗ Chàng Sơn", "Doanh nghiệp", tax_code(31), "Tây Phương", "Hà Nội", 5e9, 2024]
    path = write_ods(tmp_path / "danh-sach.ods", HEADER, [row])
    batch = commit(personas.province_a_officer, upload(personas.province_a_officer, path, as_of=dt.date(2025, 8, 1)),
                   ImportMode.ALL)  # fmt: skip
    assert batch.file_format == "ods" and batch.created_count == 1
    assert Establishment.objects.get(tax_code=tax_code(31)).figures.get().revenue == 5_000_000_000


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.234.567", Decimal("1234567")), ("1.234,5", Decimal("1234.5")), ("12,5", Decimal("12.5")),
     ("1 234 567", Decimal("1234567")), (1234.0, Decimal("1234.0")), ("-3", Decimal("-3"))],
)  # fmt: skip
def test_numbers_are_read_the_vietnamese_way(value, expected):
    assert normalise.parse_decimal(value) == expected


def test_cell_normalisation_messages():
    assert normalise.parse_money("1,5", normalise.money_multiplier("Doanh thu (tỷ đồng)")) == 1_500_000_000
    assert normalise.parse_money("2 tỷ 300 triệu") == 2_300_000_000
    assert normalise.money_multiplier("Vốn (1.000 đ)") == 1000
    with pytest.raises(ValueError, match="Số tiền phải là số đồng nguyên"):
        normalise.parse_money("1,5")
    assert normalise.parse_date(45292) == dt.date(2024, 1, 1)
    assert normalise.parse_date("5/6/2024") == dt.date(2024, 6, 5)
    assert normalise.parse_date("2024-06-05") == dt.date(2024, 6, 5)
    with pytest.raises(ValueError, match="Ngày không hợp lệ: “13/13/2024”"):
        normalise.parse_date("13/13/2024")
    assert normalise.normalise_phone("84912345678") == "0912345678"
    assert normalise.normalise_phone("0912.345.678 hoặc (024) 3825 1234") == "0912345678, 02438251234"
    with pytest.raises(ValueError, match="Số điện thoại không hợp lệ: “091234567”"):
        normalise.normalise_phone("091234567")
    assert normalise.normalise_tax_code(100109106) == "0100109106"
    with pytest.raises(ValueError, match="Cần số nguyên"):
        normalise.parse_int("2,5")
    assert normalise.header_key("Doanh thu (triệu đồng):") == "doanh thu"
    assert normalise.clean_text("  Ca\u0300 phe\u0302  \u00a0 Ba Vi\u0300 ") == "Cà phê Ba Vì"


@pytest.mark.parametrize(
    "value", ["0912345678", "02438251234", 912345678, "+84 912.345.678", "0912345678, 02438251234", " 0912345678"]
)
def test_a_phone_number_normalises_to_itself_once_normalised(value):
    # clean_profile normalises again what the import's typing gave: the second pass must change nothing.
    once = normalise.normalise_phone(value)
    assert once.startswith("0") and normalise.normalise_phone(once) == once
