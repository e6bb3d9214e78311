"""The people every test speaks about.

- central_admin: system administrator at the central department (national scope)
- central_officer / central_leader: the central department's officer and approving leader
- province_a_officer / province_a_leader / province_a_viewer: Sở Công Thương of province A (Hà Nội);
  the viewer is an auditor, read-only
- province_b_officer: Sở Công Thương of province B (Thành phố Hồ Chí Minh) — must never see province A's data
- establishment_user: representative of an establishment in province A
- anonymous: a visitor who is not signed in
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, Group

from khuyencong.accounts.models import Agency, AgencyKind, User
from khuyencong.accounts.roles import Role
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import Unit, UnitLevel, UnitType
from khuyencong.registry.models import Establishment, LegalForm
from khuyencong.registry.services import establishment_create

CURRENT = dt.date(2025, 7, 1)


@dataclass
class Personas:
    province_a: Unit
    province_b: Unit
    establishment_a: Establishment
    central_admin: User
    central_officer: User
    central_leader: User
    province_a_officer: User
    province_a_leader: User
    province_a_viewer: User
    province_b_officer: User
    establishment_user: User
    anonymous: AnonymousUser

    def all(self) -> dict[str, object]:
        """Every persona by name (units and establishments left out)."""
        return {name: value for name, value in vars(self).items() if isinstance(value, User | AnonymousUser)}


def current_province(code: str, name: str) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        key=f"2025:province:{code}",
        defaults={
            "code": code,
            "name": name,
            "name_folded": fold_vi(name),
            "unit_type": UnitType.THANH_PHO_TW,
            "level": UnitLevel.PROVINCE,
            "valid_from": CURRENT,
        },
    )
    if unit.province_id is None:
        Unit.objects.filter(pk=unit.pk).update(province=unit)
        unit.province_id = unit.pk
    return unit


def agency(code: str, kind: str, name: str, jurisdiction: Unit | None) -> Agency:
    found, _ = Agency.objects.get_or_create(
        code=code, defaults={"kind": kind, "name": name, "jurisdiction": jurisdiction}
    )
    return found


def person(username: str, full_name: str, role: str, *, agency_obj=None, establishment=None) -> User:
    user = User.objects.create_user(
        username=username,
        password=f"pw-{username}",
        full_name=full_name,
        agency=agency_obj,
        establishment=establishment,
        email=f"{username}@example.test",
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def build_personas() -> Personas:
    province_a = current_province("01", "Hà Nội")
    province_b = current_province("79", "Hồ Chí Minh")
    central = agency("CUC", AgencyKind.CENTRAL_DEPARTMENT, "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công", None)
    department_a = agency("SCT-01", AgencyKind.PROVINCIAL_DEPARTMENT, "Sở Công Thương Hà Nội", province_a)
    department_b = agency(
        "SCT-79", AgencyKind.PROVINCIAL_DEPARTMENT, "Sở Công Thương Thành phố Hồ Chí Minh", province_b
    )
    establishment_a = establishment_create(
        actor=None,
        data={"name": "Hợp tác xã Mây tre đan Phú Vinh", "legal_form": LegalForm.COOPERATIVE},
        province=province_a,
    )
    return Personas(
        province_a=province_a,
        province_b=province_b,
        establishment_a=establishment_a,
        central_admin=person("central_admin", "Quản trị Trung ương", Role.SYSTEM_ADMIN, agency_obj=central),
        central_officer=person("central_officer", "Nguyễn Văn Cục", Role.CENTRAL_OFFICER, agency_obj=central),
        central_leader=person("central_leader", "Trần Thị Lãnh Đạo", Role.CENTRAL_LEADER, agency_obj=central),
        province_a_officer=person("province_a_officer", "Lê Văn An", Role.PROVINCE_OFFICER, agency_obj=department_a),
        province_a_leader=person("province_a_leader", "Phạm Thị Bình", Role.PROVINCE_LEADER, agency_obj=department_a),
        province_a_viewer=person("province_a_viewer", "Đỗ Văn Xem", Role.AUDITOR, agency_obj=department_a),
        province_b_officer=person("province_b_officer", "Hoàng Văn Bê", Role.PROVINCE_OFFICER, agency_obj=department_b),
        establishment_user=person(
            "establishment_user", "Vũ Thị Cơ Sở", Role.ESTABLISHMENT_REP, establishment=establishment_a
        ),
        anonymous=AnonymousUser(),
    )
