"""`python manage.py build_report --definition CODE --period 2026-Q1|2026-H1|2026|2026-01-01..2026-03-31
[--province CODE | --national] [--basis current|as_was] [--output DIR] [--record] [--today YYYY-MM-DD]`

For scheduled runs (cron, systemd timers): computes the report's snapshot, writes its Excel and PDF files to
--output (default: the current folder) and prints one JSON line with the file names, sizes and SHA-256 hashes.
With --record the report is created if needed (as the system, audited) and the files are stored as a draft
version on the report's page, where the Sở's leader can review and sign it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from khuyencong.core.errors import DomainError
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.reports.excel import write_workbook
from khuyencong.reports.models import DefinitionLevel, Report, ReportDefinition, UnitBasis
from khuyencong.reports.pdf import render_pdf
from khuyencong.reports.periods import parse_period
from khuyencong.reports.services import draft_build, issuing_agency, report_create
from khuyencong.reports.snapshot import build_snapshot, default_place, digest
from khuyencong.reports.storage import read


class Command(BaseCommand):
    help = "Lập báo cáo định kỳ (Excel và PDF) cho một kỳ, một tỉnh hoặc toàn quốc."

    def add_arguments(self, parser):
        parser.add_argument("--definition", required=True, help="Mã mẫu báo cáo, ví dụ bc-dinh-ky-tinh")
        parser.add_argument("--period", required=True, help="2026-Q1, 2026-H1, 2026 hoặc 2026-01-01..2026-03-31")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--province", help="Mã tỉnh hiện nay (2 chữ số)")
        where.add_argument("--national", action="store_true", help="Báo cáo toàn quốc")
        parser.add_argument("--basis", choices=UnitBasis.values, default=UnitBasis.CURRENT)
        parser.add_argument("--output", default=".", help="Thư mục ghi tệp (mặc định: thư mục hiện tại)")
        parser.add_argument("--record", action="store_true", help="Lưu thành bản nháp trên trang báo cáo")
        parser.add_argument("--today", help="Ngày lập (YYYY-MM-DD), mặc định hôm nay")

    def handle(self, *args, **options):
        try:
            result = self._build(options)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _build(self, options) -> dict:
        definition = ReportDefinition.objects.filter(code=options["definition"]).first()
        if definition is None:
            codes = ", ".join(ReportDefinition.objects.values_list("code", flat=True))
            raise CommandError(f"Không có mẫu báo cáo “{options['definition']}”. Các mẫu: {codes}.")
        period = parse_period(options["period"])
        today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        province = None
        if options.get("province"):
            province = Unit.objects.filter(
                level=UnitLevel.PROVINCE, valid_to__isnull=True, code=options["province"].zfill(2)
            ).first()
            if province is None:
                raise CommandError(f"Không có tỉnh, thành phố mã “{options['province']}”.")
        elif not options.get("national"):
            raise CommandError("Chọn --province MÃ hoặc --national.")
        if definition.level == DefinitionLevel.PROVINCIAL and province is None:
            raise CommandError("Mẫu báo cáo này là báo cáo của một tỉnh: dùng --province.")
        if definition.level == DefinitionLevel.NATIONAL and province is not None:
            raise CommandError("Mẫu báo cáo này là báo cáo toàn quốc: dùng --national.")
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        stem = f"{definition.code}-{period.key.replace('..', '_')}-{province.code if province else 'toan-quoc'}"
        if options["record"]:
            report = Report.objects.filter(
                definition=definition, period_key=period.key, province=province, unit_basis=options["basis"]
            ).first() or report_create(
                actor=None, definition_id=definition.pk, period=period,
                province_id=province.pk if province else None, unit_basis=options["basis"],
            )  # fmt: skip
            version = draft_build(actor=None, report_id=report.pk, today=today)
            xlsx, pdf = read(version.xlsx_name), read(version.pdf_name)
            fingerprint, pages, report_id = version.snapshot_sha256, version.pdf_pages, report.pk
        else:
            report = Report(
                definition=definition, period_type=period.type, period_key=period.key, year=period.year,
                period_start=period.start, period_end=period.end, province=province, agency=issuing_agency(province),
                unit_basis=options["basis"], recipients=definition.recipients,
            )  # fmt: skip
            report.place = default_place(report)
            snapshot = build_snapshot(report, today=today)
            fingerprint = digest(snapshot)
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "report.xlsx"
                write_workbook(snapshot, path)
                xlsx = path.read_bytes()
            rendered = render_pdf(snapshot, fingerprint=fingerprint)
            pdf, pages, report_id = rendered.content, rendered.pages, None
        files = {}
        for extension, content in (("xlsx", xlsx), ("pdf", pdf)):
            target = output / f"{stem}.{extension}"
            target.write_bytes(content)
            files[extension] = {
                "path": str(target), "size": len(content), "sha256": hashlib.sha256(content).hexdigest(),
            }  # fmt: skip
        return {"report_id": report_id, "snapshot_sha256": fingerprint, "pdf_pages": pages, "files": files}
