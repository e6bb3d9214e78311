"""Accounts created by the system itself (first administrator, demo accounts), not by an administrator.

They are still audited, with the system as actor. Passwords are random, returned once to be printed, and
never stored anywhere but as a hash.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import Group
from django.db import transaction

from khuyencong.accounts.models import Agency, User
from khuyencong.audit.services import audit_record


def system_user_create(
    *, username: str, full_name: str, role: str, agency_code: str | None = None, establishment=None
) -> tuple[User, str] | None:
    """Create the user unless the username exists; returns (user, one-time password) or None."""
    if User.objects.filter(username=username).exists():
        return None
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        agency = Agency.objects.get(code=agency_code) if agency_code else None
        user = User.objects.create_user(
            username=username, password=password, full_name=full_name, agency=agency, establishment=establishment
        )
        user.groups.add(Group.objects.get(name=role))
        audit_record(
            actor=None,
            action="user.create",
            obj=user,
            province_id=agency.jurisdiction_id if agency else getattr(establishment, "province_id", None),
            after={"username": username, "roles": [role], "agency": agency_code},
            note="Tạo bởi hệ thống",
        )
    return user, password


def system_password_reset(username: str) -> str:
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User.objects.select_for_update().get(username=username)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=None, action="user.reset_password", obj=user, note="Cấp lại bởi hệ thống")
    return password
