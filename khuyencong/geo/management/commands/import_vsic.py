"""python manage.py import_vsic FILE [--dry-run]: VSIC 2018 levels 3–5 from the official list (docs/territory.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from khuyencong.core.errors import DomainError
from khuyencong.geo.management.commands._common import actor_named, fail
from khuyencong.geo.services import industry_codes_import


class Command(BaseCommand):
    help = "Nhập danh mục ngành kinh tế VSIC (cấp 3–5) từ tệp CSV hoặc Excel."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8) hoặc .xlsx: cột code,name hoặc Cấp 1…Cấp 5 + Tên ngành")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        parser.add_argument("--actor", help="Tên đăng nhập của người thực hiện (mặc định: Hệ thống)")
        parser.add_argument(
            "--vsic-version", dest="vsic_version", default="2018", help="Phiên bản VSIC (mặc định 2018)"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            result = industry_codes_import(
                actor=actor_named(options["actor"]),
                path=path,
                source_name=path.name,
                version=options["vsic_version"],
                dry_run=options["dry_run"],
            )
        except DomainError as error:
            raise fail(error) from None
        prefix = "Chạy thử, không ghi gì: sẽ" if result.dry_run else "Đã"
        if not result.created and not result.renamed:
            self.stdout.write(
                f"Danh mục đã đầy đủ theo tệp {path.name}: không có thay đổi nào ({result.unchanged} mã)."
            )
        else:
            self.stdout.write(
                f"{prefix} thêm {result.created} mã, sửa tên {result.renamed} mã; {result.unchanged} mã giữ nguyên."
            )
        counts = ", ".join(f"cấp {level}: {count}" for level, count in sorted(result.counts.items()))
        self.stdout.write(f"Số mã theo cấp: {counts}.")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"Chú ý: {warning}"))
