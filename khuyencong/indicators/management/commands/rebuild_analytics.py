"""manage.py rebuild_analytics: recompute the derived tables from the records — each project's stored money
(programmes.ledger) and the analytics facts and summary — after a bulk load, a data repair or a change of
administrative units; with --check only report whether they differ."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from khuyencong.indicators.analytics import analytics_differences, rebuild_analytics
from khuyencong.programmes.ledger import project_money_differences, rebuild_project_money


class Command(BaseCommand):
    help = "Tính lại kinh phí lưu theo đề án và bảng số liệu phân tích từ đề án, kinh phí và số liệu tỉnh báo cáo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Chỉ so sánh bảng hiện có với số liệu gốc, không ghi gì."
        )

    def handle(self, *args, check: bool = False, **options):
        started = time.monotonic()
        if check:
            differences = project_money_differences() + analytics_differences()
            if differences:
                for line in differences:
                    self.stderr.write(line)
                raise CommandError("Số liệu tổng hợp khác với số liệu gốc: chạy rebuild_analytics để tính lại.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Bảng số liệu phân tích khớp với số liệu gốc ({time.monotonic() - started:.1f} giây)."
                )
            )
            return
        with transaction.atomic():
            money_rows = rebuild_project_money()
        self.stdout.write(f"  kinh phí đề án theo nguồn: {money_rows}")
        counts = rebuild_analytics(log=self.stdout.write if options["verbosity"] > 1 else None)
        for measure, count in counts.items():
            self.stdout.write(f"  {measure}: {count}")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Đã tính lại {sum(counts.values())} dòng số liệu phân tích trong {seconds:.1f} giây.")
        )
