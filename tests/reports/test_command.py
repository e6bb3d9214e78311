"""`manage.py build_report` for scheduled runs: files written and hashed; --record keeps a draft on the page."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from khuyencong.audit.models import AuditEvent
from khuyencong.reports.models import Report, ReportVersion


def run(*args) -> dict:
    out = io.StringIO()
    call_command("build_report", *args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_build_and_record_a_province_s_register(world, tmp_path):
    result = run("--definition", "so-giai-ngan", "--period", "2026-H1", "--province", "1", "--output", str(tmp_path),
                 "--today", "2026-07-02", "--record")  # fmt: skip
    xlsx = tmp_path / "so-giai-ngan-2026-H1-01.xlsx"
    pdf = tmp_path / "so-giai-ngan-2026-H1-01.pdf"
    assert result["files"]["xlsx"]["path"] == str(xlsx) and pdf.read_bytes().startswith(b"%PDF")
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == result["files"]["pdf"]["sha256"]
    report = Report.objects.get(pk=result["report_id"])
    assert report.province_id == world.province_a.pk and report.created_by is None
    version = ReportVersion.objects.get(report=report)
    assert version.pdf_sha256 == result["files"]["pdf"]["sha256"] and version.created_by is None
    assert AuditEvent.objects.filter(action="report.draft", actor_label="Hệ thống").exists()
    sheet = load_workbook(xlsx)["Biểu 01"]
    amounts = [row for row in sheet.iter_rows(values_only=True) if row[4] == "Tổng cộng"]
    assert amounts and amounts[0][6:9] == (1_800_001, 400_000, 0)  # advances, payments, refunds of A in đồng
    again = run("--definition", "so-giai-ngan", "--period", "2026-H1", "--province", "01", "--output", str(tmp_path),
                "--today", "2026-07-02", "--record")  # fmt: skip
    assert again["report_id"] == report.pk and report.versions.count() == 2


def test_build_without_recording_stores_nothing(world, tmp_path):
    result = run("--definition", "ds-de-an-kinh-phi", "--period", "2026", "--national", "--output", str(tmp_path))
    assert result["report_id"] is None and result["pdf_pages"] >= 1
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--definition", "khong-co", "--period", "2026", "--national"], "Không có mẫu báo cáo"),
        (["--definition", "bc-dinh-ky-tinh", "--period", "2026-Q9", "--province", "01"], "không hợp lệ"),
        (["--definition", "bc-dinh-ky-tinh", "--period", "2026-Q1", "--national"], "--province"),
        (["--definition", "bc-tong-hop-quoc-gia", "--period", "2026", "--province", "01"], "--national"),
        (["--definition", "so-giai-ngan", "--period", "2026", "--province", "99"], "Không có tỉnh"),
    ],
)
def test_wrong_arguments_are_explained(world, args, message, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("build_report", *args, "--output", str(tmp_path), stdout=io.StringIO())
    assert message in str(raised.value)
