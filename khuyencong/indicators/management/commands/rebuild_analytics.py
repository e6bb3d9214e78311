"""manage.py rebuild_analytics: recompute the analytics fact table from the records (after a bulk load, a data
repair or a change of administrative units), or with --check only report whether it differs."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from khuyencong.indicators.analytics import analytics_differences, rebuild_analytics


class Command(BaseCommand):
    help = "Tính lại toàn bộ bảng số liệu phân tích (bảng điều khiển) từ đề án, kinh phí và số liệu tỉnh báo cáo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Chỉ so sánh bảng hiện có với số liệu gốc, không ghi gì."
        )

    def handle(self, *args, check: bool = False, **options):
        started = time.monotonic()
        if check:
            differences = analytics_differences()
            if differences:
                for line in differences:
                    self.stderr.write(line)
                raise CommandError("Bảng số liệu phân tích khác với số liệu gốc: chạy rebuild_analytics để tính lại.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Bảng số liệu phân tích khớp với số liệu gốc ({time.monotonic() - started:.1f} giây)."
                )
            )
            return
        counts = rebuild_analytics(log=self.stdout.write if options["verbosity"] > 1 else None)
        for measure, count in counts.items():
            self.stdout.write(f"  {measure}: {count}")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Đã tính lại {sum(counts.values())} dòng số liệu phân tích trong {seconds:.1f} giây.")
        )
