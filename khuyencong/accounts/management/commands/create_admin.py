"""The first administrator of a new installation: `python manage.py create_admin USERNAME "Họ tên"`."""

from django.core.management.base import BaseCommand, CommandError

from khuyencong.accounts.bootstrap import system_user_create
from khuyencong.accounts.models import Agency
from khuyencong.accounts.roles import Role


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị hệ thống (mật khẩu ngẫu nhiên, in ra một lần)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("full_name")
        parser.add_argument(
            "--agency", default="CUC", help="Mã cơ quan (mặc định CUC: quản trị toàn quốc; SCT-xx: một tỉnh)"
        )

    def handle(self, *args, username, full_name, agency, **options):
        if not Agency.objects.filter(code=agency).exists():
            raise CommandError(f"Không có cơ quan mã {agency}.")
        created = system_user_create(username=username, full_name=full_name, role=Role.SYSTEM_ADMIN, agency_code=agency)
        if created is None:
            raise CommandError(f"Tên đăng nhập {username} đã tồn tại.")
        _, password = created
        self.stdout.write(f"Đã tạo quản trị {username} ({agency}). Mật khẩu dùng một lần: {password}")
        self.stdout.write("Hãy đăng nhập và đổi mật khẩu ngay.")
