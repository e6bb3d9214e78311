"""`load_demo` (idempotent, passwords printed once) and `create_admin`."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from khuyencong.accounts.models import User
from khuyencong.core.management.commands.load_demo import DEMO_ACCOUNTS
from khuyencong.registry.models import Establishment

pytestmark = pytest.mark.django_db
PASSWORD_LINE = re.compile(r"^\s+(\S+)\s+(\S+)\s+", re.MULTILINE)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_demo_creates_every_role_once_and_prints_working_passwords():
    first = run("load_demo")
    printed = dict(PASSWORD_LINE.findall(first))
    assert set(printed) == {row[0] for row in DEMO_ACCOUNTS} | {"coso"}
    for username, password in printed.items():
        assert Client().login(username=username, password=password), username
    users, establishments = User.objects.count(), Establishment.objects.count()

    second = run("load_demo")
    assert not PASSWORD_LINE.findall(second)
    assert "Đã có 11 tài khoản mẫu" in second
    assert (User.objects.count(), Establishment.objects.count()) == (users, establishments)

    third = run("load_demo", "--reset-passwords")
    renewed = dict(PASSWORD_LINE.findall(third))
    assert renewed.keys() == printed.keys()
    assert Client().login(username="quantri", password=renewed["quantri"])
    assert not Client().login(username="quantri", password=printed["quantri"])


def test_create_admin():
    out = run("create_admin", "admin.dongnai", "Quản trị Đồng Nai", "--agency", "SCT-75")
    password = out.split("Mật khẩu dùng một lần: ")[1].split()[0]
    assert Client().login(username="admin.dongnai", password=password)
    with pytest.raises(CommandError, match="đã tồn tại"):
        run("create_admin", "admin.dongnai", "Lần hai")
    with pytest.raises(CommandError, match="Không có cơ quan"):
        run("create_admin", "x", "X", "--agency", "KHONG-CO")
