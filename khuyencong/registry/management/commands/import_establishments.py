"""python manage.py import_establishments FILE [--mode all|valid-only] [--as-of YYYY-MM-DD] [--province CODE]

The import pipeline without the web pages, for administrators on the server: the same checks, the same batch
record and audit trail; prints a JSON summary (created, updated, rejected, errors [{row, column, message}]).
Exits with status 1 when nothing was imported.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.core.errors import DomainError
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.imports.models import ImportStatus, IssueSeverity
from khuyencong.imports.services import import_batch_create, import_batch_run_now


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ: {text!r} (dạng YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Nhập danh sách cơ sở CNNT từ tệp .xlsx, .xls, .ods hoặc .csv và in bản tóm tắt JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp")
        parser.add_argument(
            "--mode",
            choices=["all", "valid-only"],
            default="all",
            help="all: có dòng lỗi thì không nhập gì (mặc định); valid-only: nhập các dòng hợp lệ",
        )
        parser.add_argument(
            "--as-of", type=_date, default=None, help="Ngày của địa giới hành chính tệp dùng (mặc định hôm nay)"
        )
        parser.add_argument("--province", help="Mã tỉnh hiện nay (2 chữ số): chỉ nhận cơ sở thuộc tỉnh này")
        parser.add_argument("--user", help="Tên đăng nhập người chịu trách nhiệm (mặc định: Hệ thống)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        province = None
        if options["province"]:
            province = Unit.objects.filter(
                level=UnitLevel.PROVINCE, valid_to__isnull=True, code=options["province"].zfill(2)
            ).first()
            if province is None:
                raise CommandError(f"Không có tỉnh hiện hành mã {options['province']!r}.")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"Không có người dùng đang hoạt động tên {options['user']!r}.")
        try:
            with open(path, "rb") as handle:
                batch = import_batch_create(
                    actor=actor,
                    kind="establishments",
                    upload=File(handle, name=path.name),
                    province=province,
                    as_of=options["as_of"] or timezone.localdate(),
                )
            batch = import_batch_run_now(actor=actor, batch=batch, mode=options["mode"])
        except DomainError as error:
            self._print(
                {
                    "status": "failed",
                    "created": 0,
                    "updated": 0,
                    "rejected": 0,
                    "errors": [{"row": 0, "column": "", "message": error.message}],
                }
            )
            raise CommandError(error.message, returncode=1) from None
        errors = batch.issues.filter(severity=IssueSeverity.ERROR).order_by("row", "pk")
        self._print(
            {
                "batch": batch.pk,
                "status": batch.status,
                "file": batch.original_name,
                "sha256": batch.file_hash,
                "mode": batch.mode,
                "as_of": batch.as_of.isoformat(),
                "rows": batch.total_rows,
                "created": batch.created_count,
                "updated": batch.updated_count,
                "rejected": batch.rejected_count,
                "warnings": batch.issues.filter(severity=IssueSeverity.WARNING).count(),
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in errors.iterator()],
                "message": batch.message,
            }
        )
        if batch.status != ImportStatus.COMMITTED:
            raise CommandError(batch.message, returncode=1)

    def _print(self, summary: dict) -> None:
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
