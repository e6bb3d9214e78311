"""Demo data for `make run`: sample establishments and projects made through the services, and one demo
account per role (random passwords printed once).

Idempotent: a second run creates nothing new and prints no password again (use --reset-passwords to issue
new ones for the demo accounts).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from khuyencong.accounts.bootstrap import system_password_reset, system_user_create
from khuyencong.accounts.roles import Role
from khuyencong.programmes.demo import load_programmes_demo
from khuyencong.registry.demo import load_demo_establishments
from khuyencong.registry.models import Establishment

# (username, full name, role, agency code); the establishment account is tied to a demo establishment.
DEMO_ACCOUNTS = [
    ("quantri", "Quản trị hệ thống (demo)", Role.SYSTEM_ADMIN, "CUC"),
    ("cuc.chuyenvien", "Nguyễn Thị Chuyên Viên (Cục)", Role.CENTRAL_OFFICER, "CUC"),
    ("cuc.lanhdao", "Trần Văn Lãnh Đạo (Cục)", Role.CENTRAL_LEADER, "CUC"),
    ("hanoi.chuyenvien", "Lê Văn An (Sở Công Thương Hà Nội)", Role.PROVINCE_OFFICER, "SCT-01"),
    ("hanoi.lanhdao", "Phạm Thị Bình (Sở Công Thương Hà Nội)", Role.PROVINCE_LEADER, "SCT-01"),
    ("hanoi.ubnd", "Đỗ Văn Chủ Tịch (UBND Hà Nội)", Role.PROVINCE_LEADER, "UBND-01"),
    ("hanoi.trungtam", "Hoàng Thị Khuyến Công (TTKC Hà Nội)", Role.CENTRE_OFFICER, "TTKC-01"),
    ("hanoi.ctv", "Vũ Văn Cộng Tác (cộng tác viên)", Role.COMMUNE_COLLABORATOR, "TTKC-01"),
    ("dongnai.chuyenvien", "Bùi Văn Đông (Sở Công Thương Đồng Nai)", Role.PROVINCE_OFFICER, "SCT-75"),
    ("kiemtra", "Đặng Thị Kiểm Tra (Cục, chỉ đọc)", Role.AUDITOR, "CUC"),
]
ESTABLISHMENT_ACCOUNT = ("coso", "Ngô Văn Cơ Sở (đại diện cơ sở)", Role.ESTABLISHMENT_REP)
# The establishment the demo representative speaks for (one of the registry's demo establishments).
ESTABLISHMENT_OF_ACCOUNT = "Hợp tác xã Mây tre đan Phú Nghĩa"


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu và tạo tài khoản mẫu cho từng vai trò (mật khẩu ngẫu nhiên, chỉ in một lần)."

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true", help="Cấp mật khẩu mới cho tài khoản mẫu.")

    def handle(self, *args, reset_passwords: bool = False, **options):
        created_establishments = load_demo_establishments()
        load_programmes_demo()
        if created_establishments:
            self.stdout.write(f"Đã tạo {created_establishments} cơ sở CNNT mẫu và các đề án mẫu.")
        with transaction.atomic():
            establishment = Establishment.objects.get(name=ESTABLISHMENT_OF_ACCOUNT)
            created: list[tuple[str, str, str, str]] = []
            existing: list[str] = []
            accounts = [(*row, None) for row in DEMO_ACCOUNTS] + [(*ESTABLISHMENT_ACCOUNT, None, establishment)]
            for username, full_name, role, agency_code, for_establishment in accounts:
                result = system_user_create(
                    username=username,
                    full_name=full_name,
                    role=role,
                    agency_code=agency_code,
                    establishment=for_establishment,
                )
                if result is not None:
                    created.append((username, result[1], Role(role).label, agency_code or str(establishment)))
                elif reset_passwords:
                    created.append((username, system_password_reset(username), Role(role).label, agency_code or ""))
                else:
                    existing.append(username)
        if created:
            self.stdout.write(self.style.SUCCESS("Tài khoản mẫu (mật khẩu chỉ in lần này, không được lưu ở đâu):"))
            width = max(len(row[0]) for row in created)
            for username, password, role, place in created:
                self.stdout.write(f"  {username.ljust(width)}  {password}  {role} — {place}")
        if existing:
            self.stdout.write(
                f"Đã có {len(existing)} tài khoản mẫu; mật khẩu đã in ở lần chạy đầu. "
                "Cấp lại: .venv/bin/python manage.py load_demo --reset-passwords"
            )
