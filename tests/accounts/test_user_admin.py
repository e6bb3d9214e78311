"""User administration: scope, role fit, never granting more than one holds, deactivation keeps history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from khuyencong.accounts.models import Agency, User
from khuyencong.accounts.roles import ROLE_CAPABILITIES, Role, user_roles
from khuyencong.accounts.services import user_create, user_set_active, user_set_roles
from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_a_admin(personas):
    user = User.objects.create_user(
        username="admin_a", password="pw-admin_a", full_name="Quản trị Hà Nội", agency=Agency.objects.get(code="SCT-01")
    )
    user.groups.add(Group.objects.get(name=Role.SYSTEM_ADMIN))
    return user


def test_central_admin_creates_a_provincial_officer_who_can_sign_in(personas):
    user, password = user_create(
        actor=personas.central_admin,
        username="nv.lamdong",
        full_name="Nguyễn Văn Lâm",
        email="lam@example.test",
        roles={Role.PROVINCE_OFFICER},
        agency=Agency.objects.get(code="SCT-68"),
    )
    assert user_roles(user) == {Role.PROVINCE_OFFICER}
    assert Client().login(username="nv.lamdong", password=password)
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.after["roles"] == [Role.PROVINCE_OFFICER]
    assert password not in str(event.after)


def test_provincial_admin_stays_in_its_province(personas, province_a_admin):
    with pytest.raises(NotFound):
        user_create(
            actor=province_a_admin,
            username="x",
            full_name="Người tỉnh khác",
            email="",
            roles={Role.PROVINCE_OFFICER},
            agency=Agency.objects.get(code="SCT-79"),
        )
    with pytest.raises(NotFound):
        user_set_roles(actor=province_a_admin, user_id=personas.province_b_officer.pk, roles={Role.AUDITOR})
    with pytest.raises(NotFound):
        user_set_active(actor=province_a_admin, user_id=personas.central_officer.pk, active=False, reason="thử")
    assert not User.objects.filter(username="x").exists()


def test_roles_must_fit_the_agency(personas, province_a_admin):
    with pytest.raises(ValidationFailed) as error:
        user_create(
            actor=province_a_admin,
            username="y",
            full_name="Y",
            email="",
            roles={Role.CENTRAL_LEADER},
            agency=Agency.objects.get(code="SCT-01"),
        )
    assert "chỉ dành cho cơ quan trung ương" in str(error.value.details["roles"])
    with pytest.raises(ValidationFailed):
        user_create(
            actor=personas.central_admin,
            username="z",
            full_name="Z",
            email="",
            roles={Role.PROVINCE_OFFICER},
            agency=Agency.objects.get(code="CUC"),
        )


def test_an_administrator_never_grants_more_than_it_holds(personas, province_a_admin, monkeypatch):
    # An administrator role configured without project approval cannot hand out the leader role.
    reduced = ROLE_CAPABILITIES[Role.SYSTEM_ADMIN] - {"establishment.approve"}
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.SYSTEM_ADMIN, reduced)
    with pytest.raises(PermissionDenied, match="mà chính bạn không có"):
        user_set_roles(actor=province_a_admin, user_id=personas.province_a_officer.pk, roles={Role.PROVINCE_LEADER})
    with pytest.raises(PermissionDenied, match="vượt quá quyền"):
        user_set_roles(actor=province_a_admin, user_id=personas.province_a_leader.pk, roles={Role.AUDITOR})
    assert user_roles(User.objects.get(pk=personas.province_a_leader.pk)) == {Role.PROVINCE_LEADER}


def test_non_administrators_cannot_manage_users(personas):
    for actor in (personas.province_a_leader, personas.central_leader, personas.province_a_viewer):
        with pytest.raises(PermissionDenied):
            user_set_roles(actor=actor, user_id=personas.province_a_officer.pk, roles={Role.AUDITOR})


def test_deactivation_keeps_history_and_blocks_sign_in(personas, province_a_admin):
    officer = personas.province_a_officer
    with pytest.raises(ValidationFailed):
        user_set_active(actor=province_a_admin, user_id=officer.pk, active=False, reason=" ")
    user_set_active(actor=province_a_admin, user_id=officer.pk, active=False, reason="Chuyển công tác")
    officer.refresh_from_db()
    assert not officer.is_active and officer.deactivated_at is not None
    assert not Client().login(username=officer.username, password="pw-province_a_officer")
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.note == "Chuyển công tác" and event.province_id == personas.province_a.pk
    user_set_active(actor=province_a_admin, user_id=officer.pk, active=True)
    assert Client().login(username=officer.username, password="pw-province_a_officer")
    with pytest.raises(PermissionDenied):
        user_set_active(actor=province_a_admin, user_id=province_a_admin.pk, active=False, reason="tự khóa")


def test_user_pages(personas, province_a_admin, client_for):
    client = client_for(province_a_admin)
    listing = client.get(reverse("quantri:users")).content.decode()
    assert "province_a_officer" in listing and "province_b_officer" not in listing and "central_admin" not in listing
    response = client.post(
        reverse("quantri:user_new"),
        {
            "username": "ctv.hanoi",
            "full_name": "Cộng tác viên",
            "agency": Agency.objects.get(code="TTKC-01").pk,
            "roles": [Role.COMMUNE_COLLABORATOR],
        },
    )
    assert "Mật khẩu chỉ hiện một lần" in response.content.decode()
    response = client.post(
        reverse("quantri:user_new"),
        {
            "username": "sai",
            "full_name": "Sai",
            "agency": Agency.objects.get(code="SCT-01").pk,
            "roles": ["central_leader"],
        },
    )
    assert "chỉ dành cho cơ quan trung ương" in response.content.decode()
    assert not User.objects.filter(username="sai").exists()
    detail = reverse("quantri:user", args=[personas.province_b_officer.pk])
    assert client.get(detail).status_code == 404
