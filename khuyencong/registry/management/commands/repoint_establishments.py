"""python manage.py repoint_establishments --since YYYY-MM-DD [--user USERNAME]

After an administrative change file took effect (geo's apply_unit_changes), move establishments off the units it
replaced to today's units (the old commune is kept as the unit "as it was"), audited.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from khuyencong.accounts.models import User
from khuyencong.registry.services import establishments_repoint_units


class Command(BaseCommand):
    help = "Chuyển cơ sở CNNT sang đơn vị hành chính mới sau khi áp dụng thay đổi địa giới."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="Ngày thay đổi có hiệu lực, dạng YYYY-MM-DD")
        parser.add_argument("--user", help="Tên đăng nhập người chịu trách nhiệm (mặc định: Hệ thống)")

    def handle(self, *args, **options):
        try:
            since = dt.date.fromisoformat(options["since"])
        except ValueError:
            raise CommandError(f"Ngày không hợp lệ: {options['since']!r} (dạng YYYY-MM-DD)") from None
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"Không có người dùng đang hoạt động tên {options['user']!r}.")
        moved = establishments_repoint_units(actor=actor, since=since)
        self.stdout.write(f"Đã chuyển {moved} cơ sở sang đơn vị hành chính hiện nay.")
