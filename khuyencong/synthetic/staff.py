"""The people and programmes generated projects need, created through the services in every mode (a few
hundred rows): one officer, one leader, the People's Committee and the extension centre of each province,
the Cục's officer and leader, one officer per regional centre; the national programme 2012–2020 and each
province's programmes. Staff accounts have no usable password: nobody signs in as them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from khuyencong.accounts.models import Agency, User
from khuyencong.accounts.roles import Role
from khuyencong.audit.services import audit_record
from khuyencong.programmes import services as programme_services
from khuyencong.programmes.models import Programme, ProgrammeLevel
from khuyencong.synthetic.world import World

PREFIX = "sinh"  # usernames and programme codes of generated data start with it


@dataclass
class Staff:
    central_officer: User
    central_leader: User
    regional: dict[str, User]  # agency code → officer
    officer: dict[int, User]  # current province id → Sở officer
    leader: dict[int, User]
    committee: dict[int, User]
    centre: dict[int, User]

    def drafter(self, agency_code: str, province_id: int | None) -> User:
        if province_id is None:
            return self.regional[agency_code]
        return self.centre[province_id] if agency_code.startswith("TTKC") else self.officer[province_id]


def _user(username: str, full_name: str, role: str, agency: str) -> User:
    """accounts.bootstrap.system_user_create without a password: nobody signs in as generated staff (and
    hashing 150 Argon2 passwords would take a minute)."""
    user = User.objects.select_related("agency").filter(username=username).first()
    if user is not None:
        return user
    with transaction.atomic():
        found = Agency.objects.get(code=agency)
        user = User.objects.create_user(username=username, password=None, full_name=full_name, agency=found)
        user.groups.add(Group.objects.get(name=role))
        audit_record(
            actor=None,
            action="user.create",
            obj=user,
            province_id=found.jurisdiction_id,
            after={"username": username, "roles": [role], "agency": agency},
            note="Tài khoản của dữ liệu sinh (không đăng nhập được)",
        )
    return User.objects.select_related("agency").get(pk=user.pk)


def ensure_staff(world: World) -> Staff:
    staff = Staff(
        central_officer=_user(f"{PREFIX}.cuc.cv", "Chuyên viên Cục (dữ liệu sinh)", Role.CENTRAL_OFFICER, "CUC"),
        central_leader=_user(f"{PREFIX}.cuc.ld", "Lãnh đạo Cục (dữ liệu sinh)", Role.CENTRAL_LEADER, "CUC"),
        regional={
            code: _user(f"{PREFIX}.{code.lower()}", f"Chuyên viên {code} (dữ liệu sinh)", Role.CENTRAL_OFFICER, code)
            for code in ("TTKC-VUNG-1", "TTKC-VUNG-2", "TTKC-VUNG-3")
        },
        officer={},
        leader={},
        committee={},
        centre={},
    )
    for province in world.provinces:
        code, name = province.code, province.name
        staff.officer[province.pk] = _user(
            f"{PREFIX}.{code}.cv", f"Chuyên viên Sở Công Thương {name}", Role.PROVINCE_OFFICER, f"SCT-{code}"
        )
        staff.leader[province.pk] = _user(
            f"{PREFIX}.{code}.ld", f"Lãnh đạo Sở Công Thương {name}", Role.PROVINCE_LEADER, f"SCT-{code}"
        )
        staff.committee[province.pk] = _user(
            f"{PREFIX}.{code}.ubnd", f"Lãnh đạo UBND {name}", Role.PROVINCE_LEADER, f"UBND-{code}"
        )
        staff.centre[province.pk] = _user(
            f"{PREFIX}.{code}.ttkc", f"Chuyên viên Trung tâm Khuyến công {name}", Role.CENTRE_OFFICER, f"TTKC-{code}"
        )
    return staff


NATIONAL_2012 = {
    "code": f"{PREFIX}-ctkcqg-2012-2020",
    "name": "Chương trình khuyến công quốc gia giai đoạn 2012–2020 (dữ liệu sinh)",
    "level": ProgrammeLevel.NATIONAL,
    "start_year": 2012,
    "end_year": 2020,
    "issuer": "Thủ tướng Chính phủ",
    "citation": "Dữ liệu sinh để kiểm thử hiệu năng, không phải văn bản thật",
}
PROVINCIAL_PERIODS = ((2012, 2015), (2016, 2020), (2021, 2025), (2026, 2030))


def ensure_programmes(world: World, staff: Staff) -> dict[str, Programme]:
    """Every programme a generated project may run under, by code (created once, through the service)."""
    existing = {programme.code: programme for programme in Programme.objects.all()}
    if NATIONAL_2012["code"] not in existing:
        existing[NATIONAL_2012["code"]] = programme_services.programme_save(
            actor=staff.central_leader, data=dict(NATIONAL_2012)
        )
    for province in world.provinces:
        for start, end in PROVINCIAL_PERIODS:
            code = f"{PREFIX}-ctkc-{province.code}-{start}-{end}"
            if code in existing:
                continue
            existing[code] = programme_services.programme_save(
                actor=staff.leader[province.pk],
                data={
                    "code": code,
                    "name": f"Chương trình khuyến công {province} giai đoạn {start}–{end}",
                    "level": ProgrammeLevel.PROVINCIAL,
                    "start_year": start,
                    "end_year": end,
                    "issuer": f"Ủy ban nhân dân {province}",
                    "decision_date": dt.date(start - 1, 12, 15),
                    "decision_number": f"{100 + int(province.code)}/QĐ-UBND",
                    "citation": "Dữ liệu sinh để kiểm thử hiệu năng, không phải văn bản thật",
                },
            )
    return existing
