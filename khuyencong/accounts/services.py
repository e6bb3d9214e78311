"""Managing users: create, change roles, deactivate and reactivate.

An administrator manages only the users its scope reaches (a provincial administrator: its province's
agencies and establishments), grants only roles whose capabilities it holds itself, and only roles that fit
the user's agency. Users are never deleted: deactivation keeps their history and their audit trail.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from khuyencong.accounts.access import access_establishment, access_user, scope_of, user_scope
from khuyencong.accounts.models import Agency, User
from khuyencong.accounts.roles import (
    ANY_AGENCY_ROLES,
    NATIONAL_ROLES,
    PROVINCIAL_ROLES,
    Role,
    can,
    capabilities_of,
    forget_cached_roles,
    user_capabilities,
    user_roles,
)
from khuyencong.audit.services import audit_record
from khuyencong.core.errors import NotFound, PermissionDenied, ValidationFailed


def _require_manager(actor) -> None:
    if not can(actor, "users.manage"):
        raise PermissionDenied("Bạn không có quyền quản lý người dùng.")


def _check_roles(actor, roles: set[str], *, agency: Agency | None, establishment_id: int | None) -> None:
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationFailed("Vai trò không hợp lệ.", details={"roles": [f"Không có vai trò {sorted(unknown)}."]})
    if not roles:
        raise ValidationFailed("Cần chọn ít nhất một vai trò.", details={"roles": ["Cần chọn ít nhất một vai trò."]})
    beyond = capabilities_of(roles) - user_capabilities(actor)
    if beyond:
        raise PermissionDenied("Không thể cấp vai trò có quyền mà chính bạn không có.")
    errors = []
    for role in sorted(roles):
        label = Role(role).label
        if role == Role.ESTABLISHMENT_REP:
            if establishment_id is None or agency is not None:
                errors.append(f"Vai trò “{label}” chỉ dành cho tài khoản gắn với một cơ sở CNNT.")
        elif establishment_id is not None:
            errors.append(f"Tài khoản của cơ sở CNNT không thể giữ vai trò “{label}”.")
        elif agency is None:
            errors.append(f"Vai trò “{label}” cần gắn với một cơ quan.")
        elif role in NATIONAL_ROLES and agency.jurisdiction_id is not None:
            errors.append(f"Vai trò “{label}” chỉ dành cho cơ quan trung ương.")
        elif role in PROVINCIAL_ROLES and agency.jurisdiction_id is None:
            errors.append(f"Vai trò “{label}” chỉ dành cho cơ quan cấp tỉnh.")
        elif role not in ANY_AGENCY_ROLES | NATIONAL_ROLES | PROVINCIAL_ROLES:
            errors.append(f"Vai trò “{label}” không phù hợp với cơ quan.")
    if errors:
        raise ValidationFailed("Vai trò không phù hợp với nơi công tác.", details={"roles": errors})


def _check_placement(actor, *, agency: Agency | None, establishment_id: int | None) -> None:
    """The new user's scope must lie inside the administrator's scope."""
    if agency is None and establishment_id is None:
        raise ValidationFailed(
            "Cần chọn cơ quan hoặc cơ sở CNNT.", details={"agency": ["Cần chọn cơ quan hoặc cơ sở CNNT."]}
        )
    if agency is not None and establishment_id is not None:
        raise ValidationFailed(
            "Chỉ chọn một trong hai: cơ quan hoặc cơ sở CNNT.",
            details={"agency": ["Chỉ chọn một trong hai: cơ quan hoặc cơ sở CNNT."]},
        )
    if establishment_id is not None:
        access_establishment(actor, establishment_id)  # NotFound outside the actor's scope
    elif not user_scope(actor).covers_scope(scope_of(agency=agency)):
        raise NotFound("Không tìm thấy cơ quan.")


def _set_groups(user: User, roles: set[str]) -> None:
    user.groups.set(Group.objects.filter(name__in=roles))
    forget_cached_roles(user)


def _snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "agency": user.agency_id,
        "establishment": user.establishment_id,
        "roles": sorted(user_roles(user)),
        "is_active": user.is_active,
    }


def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    email: str,
    roles: set[str],
    agency: Agency | None = None,
    establishment_id: int | None = None,
    phone: str = "",
    position: str = "",
) -> tuple[User, str]:
    """Create an active user; returns it and a one-time password the administrator hands over."""
    _require_manager(actor)
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = ["Trường này là bắt buộc."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["Tên đăng nhập đã có người dùng."]
    if not (full_name or "").strip():
        errors["full_name"] = ["Trường này là bắt buộc."]
    if errors:
        raise ValidationFailed("Thông tin người dùng chưa hợp lệ.", details=errors)
    _check_placement(actor, agency=agency, establishment_id=establishment_id)
    _check_roles(actor, set(roles), agency=agency, establishment_id=establishment_id)
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            email=(email or "").strip(),
            full_name=full_name.strip(),
            phone=phone,
            position=position,
            agency=agency,
            establishment_id=establishment_id,
        )
        _set_groups(user, set(roles))
        audit_record(
            actor=actor,
            action="user.create",
            obj=user,
            province_id=_province_of(user),
            after=_snapshot(user),
        )
    return user, password


def user_set_roles(*, actor, user_id: int, roles: set[str]) -> User:
    _require_manager(actor)
    with transaction.atomic():
        user = access_user(actor, user_id)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.pk == actor.pk:
            raise PermissionDenied("Không thể tự thay đổi vai trò của chính mình.")
        current = user_roles(user)
        if capabilities_of(current) - user_capabilities(actor):
            raise PermissionDenied("Người dùng này có quyền vượt quá quyền của bạn.")
        _check_roles(actor, set(roles), agency=user.agency, establishment_id=user.establishment_id)
        before = _snapshot(user)
        _set_groups(user, set(roles))
        audit_record(
            actor=actor,
            action="user.set_roles",
            obj=user,
            province_id=_province_of(user),
            before=before,
            after=_snapshot(user),
        )
    return user


def user_set_active(*, actor, user_id: int, active: bool, reason: str = "") -> User:
    """Deactivate (with a reason) or reactivate a user; a deactivated user keeps its history."""
    _require_manager(actor)
    if not active and not (reason or "").strip():
        raise ValidationFailed("Cần ghi lý do ngừng hoạt động.", details={"reason": ["Trường này là bắt buộc."]})
    with transaction.atomic():
        user = access_user(actor, user_id)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.pk == actor.pk:
            raise PermissionDenied("Không thể tự ngừng hoạt động tài khoản của chính mình.")
        if capabilities_of(user_roles(user)) - user_capabilities(actor):
            raise PermissionDenied("Người dùng này có quyền vượt quá quyền của bạn.")
        if user.is_active == active:
            return user
        before = _snapshot(user)
        user.is_active = active
        user.deactivated_at = None if active else timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
        audit_record(
            actor=actor,
            action="user.reactivate" if active else "user.deactivate",
            obj=user,
            province_id=_province_of(user),
            before=before,
            after=_snapshot(user),
            note=reason.strip(),
        )
    return user


def user_reset_password(*, actor, user_id: int) -> str:
    """A new one-time password for a user who lost theirs and has no working e-mail."""
    _require_manager(actor)
    with transaction.atomic():
        user = access_user(actor, user_id)
        if capabilities_of(user_roles(user)) - user_capabilities(actor):
            raise PermissionDenied("Người dùng này có quyền vượt quá quyền của bạn.")
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="user.reset_password", obj=user, province_id=_province_of(user))
    return password


def _province_of(user: User) -> int | None:
    if user.establishment_id is not None:
        return user.establishment.province_id
    return scope_of(agency=user.agency).province_id
