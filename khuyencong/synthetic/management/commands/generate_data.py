"""python manage.py generate_data --scale demo|medium|national [--seed N] [--via bulk|services]

Deterministic synthetic data for the demo and the benchmarks (docs/data-generator.md): establishments with
yearly figures, products and certificates in every province; programmes, annual plans and projects from 2012
to 2030 with beneficiaries, budgets, outputs and money. Idempotent: run again with the same scale and seed, it
does nothing; with another one it refuses (the database already holds a generated dataset).
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from khuyencong.synthetic.generate import MODES, AlreadyGenerated, generate
from khuyencong.synthetic.scales import SCALES


class Command(BaseCommand):
    help = "Sinh dữ liệu mẫu có tính tất định (cùng hạt giống, cùng dữ liệu) cho bản demo và đo hiệu năng."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="demo", help="Quy mô (mặc định: demo)")
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (mặc định: 1)")
        parser.add_argument(
            "--via",
            choices=MODES,
            default="bulk",
            help="bulk: ghi theo lô, cùng các dòng như dịch vụ (mặc định); services: gọi từng dịch vụ (chậm)",
        )

    def handle(self, *args, scale: str, seed: int, via: str, **options):
        log = (lambda text: self.stdout.write(text)) if options["verbosity"] >= 1 else (lambda text: None)
        try:
            record = generate(scale, seed, mode=via, log=log)
        except AlreadyGenerated as done:
            record = done.args[0]
            self.stdout.write(f"Đã có dữ liệu sinh quy mô {record.scale}, seed {record.seed}: không sinh thêm.")
            return
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Đã sinh dữ liệu quy mô {scale}, seed {seed} trong {record.seconds} giây: ")
            + json.dumps(record.counts, ensure_ascii=False)
        )
