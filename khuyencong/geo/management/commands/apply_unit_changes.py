"""python manage.py apply_unit_changes FILE.csv --effective YYYY-MM-DD [--dry-run] (see docs/territory.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from khuyencong.core.errors import DomainError
from khuyencong.geo.management.commands._common import actor_named, fail, parse_day
from khuyencong.geo.services import unit_changes_apply


class Command(BaseCommand):
    help = "Áp dụng tệp thay đổi đơn vị hành chính (đổi tên, sáp nhập, chia tách, thành lập, giải thể)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp CSV (UTF-8) hoặc bảng tính .xlsx theo mẫu trong docs/territory.md")
        parser.add_argument("--effective", required=True, help="Ngày có hiệu lực, YYYY-MM-DD hoặc dd/mm/yyyy")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và liệt kê thay đổi, không ghi")
        parser.add_argument("--actor", help="Tên đăng nhập của người thực hiện (mặc định: Hệ thống)")
        parser.add_argument("--citation", default="", help="Căn cứ, ví dụ “Nghị quyết 1234/NQ-UBTVQH15”")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        effective = parse_day(options["effective"])
        try:
            result = unit_changes_apply(
                actor=actor_named(options["actor"]),
                path=path,
                effective=effective,
                source_name=path.name,
                citation=options["citation"],
                dry_run=options["dry_run"],
            )
        except DomainError as error:
            raise fail(error) from None
        plan = result.plan
        when = effective.strftime("%d/%m/%Y")
        if result.already_applied:
            self.stdout.write(f"Tệp {path.name} đã được áp dụng (hiệu lực {when}): không có thay đổi nào.")
            return
        if result.dry_run:
            self.stdout.write(
                f"Chạy thử, không ghi gì. Tệp {path.name} sẽ áp dụng {len(plan.changes)} thay đổi từ {when}:"
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã áp dụng {len(plan.changes)} thay đổi từ {when}: tạo {result.created} đơn vị, "
                    f"kết thúc {result.ended} đơn vị, {result.links} liên kết kế thừa."
                )
            )
        for line in plan.describe():
            self.stdout.write(f"  {line}")
        for warning in plan.warnings:
            self.stdout.write(self.style.WARNING(f"Chú ý: {warning}"))
        if not result.dry_run:
            self.stdout.write(
                "Lưu ý: các chức năng lưu tỉnh/xã hiện hành (cơ sở CNNT, đề án, …) cần chuyển bản ghi sang đơn vị "
                f"mới bằng geo.selectors.units_replaced_since({effective.isoformat()!r}) từ ngày {when}."
            )
