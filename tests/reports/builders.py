"""A small, exactly known world of projects and money for report tests, written straight to the tables (the
services are exercised in tests/programmes; here what matters is what the reports add up).

Province A (Hà Nội), plan year 2026:
- KCQG-A1 national, in progress, machinery: KCQG 1.234.567 + counterpart 2.000.000; advance 1.000.001 on
  10/02/2026 (approved) and 500.000 on 15/03/2026 (pending: never counted); one beneficiary;
- KCDP-A2 local, accepted, demonstration model: KCĐP 1.234.567; advance 800.000 on 05/03/2026, payment 400.000
  on 10/05/2026, settlement 1.200.000 on 20/05/2026; two outputs planned, actual 2;
- KCDP-A3 local, contracted, machinery: KCĐP 1.234.567;
- KCQG-A4 national, submitted (not approved: counted nowhere but in the status table): KCQG 5.000.000;
- KCQG-A0 plan year 2025, closed: KCQG 3.000.000 (not in 2026's reports).
Province B (Hồ Chí Minh): KCQG-B1, in progress, KCQG 7.000.000, advance 2.000.000 on 01/03/2026.
No province: KCQG-V1 run by a regional centre, in progress, KCQG 9.000.000 (national reports only).

The three KCĐP lines of 1.234.567 đồng show as 1,23 triệu each; their exact sum 3.703.701 shows as 3,70 —
not 3,69, the sum of the rounded figures.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import Group

from khuyencong.accounts.models import Agency, AgencyKind, User
from khuyencong.accounts.roles import Role
from khuyencong.core.vietnamese import fold_vi
from khuyencong.indicators.analytics import rebuild_analytics
from khuyencong.programmes.models import (
    BudgetLine,
    ContentItem,
    FundingSource,
    MoneyMovement,
    Programme,
    Project,
    ProjectBeneficiary,
    ProjectOutput,
)
from khuyencong.registry.models import Establishment
from khuyencong.reports.models import ReportDefinition
from tests.personas import build_personas

D = dt.date
ODD = 1_234_567


def _project(world, code, *, kind, status, province, year=2026, agency="TTKC-01", item, lines, legacy=None):
    project = Project.objects.create(
        code=code, title=f"Đề án {code} hỗ trợ cơ sở công nghiệp nông thôn", title_folded=fold_vi(code),
        kind=kind, programme=world.programme, year=year, implementing_agency=Agency.objects.get(code=agency),
        province=province, legacy_province=legacy, status=status, start_date=D(year, 2, 1), end_date=D(year, 11, 30),
        created_by=world.province_a_officer,
        accepted_on=D(year, 3, 20) if status in ("accepted", "settled", "closed") else None,
    )  # fmt: skip
    project.content_items.add(item)
    for source, amount in lines:
        BudgetLine.objects.create(project=project, source=source, content_item=item, amount=amount)
    return project


def _move(world, project, source, kind, amount, day, status="approved"):
    return MoneyMovement.objects.create(
        project=project, source=source, kind=kind, amount=amount, occurred_on=day, document_number=f"CT-{amount}",
        status=status, entered_by=world.central_officer,
    )  # fmt: skip


def build_report_world() -> SimpleNamespace:
    world = SimpleNamespace(**vars(build_personas()))
    world.programme = Programme.objects.get(code="ctkcqg-2026-2030")
    world.KCQG = FundingSource.objects.get(code="KCQG")
    world.KCDP = FundingSource.objects.get(code="KCDP")
    world.DOIUNG = FundingSource.objects.get(code="DOIUNG")
    world.machinery = ContentItem.objects.get(code="may_moc_tien_tien")
    world.demo_model = ContentItem.objects.get(code="mo_hinh_trinh_dien")
    world.establishment_a2 = Establishment.objects.create(
        name="Công ty TNHH Cơ khí Đông Anh", name_folded=fold_vi("Công ty TNHH Cơ khí Đông Anh"),
        province=world.province_a,
    )  # fmt: skip
    a, b = world.province_a, world.province_b
    world.a1 = _project(world, "KCQG-A1", kind="national", status="in_progress", province=a, item=world.machinery,
                        lines=[(world.KCQG, ODD), (world.DOIUNG, 2_000_000)])  # fmt: skip
    world.a2 = _project(world, "KCDP-A2", kind="local", status="accepted", province=a, item=world.demo_model,
                        lines=[(world.KCDP, ODD)])  # fmt: skip
    world.a3 = _project(world, "KCDP-A3", kind="local", status="contracted", province=a, item=world.machinery,
                        lines=[(world.KCDP, ODD)])  # fmt: skip
    world.a4 = _project(world, "KCQG-A4", kind="national", status="submitted", province=a, item=world.machinery,
                        lines=[(world.KCQG, 5_000_000)])  # fmt: skip
    world.a0 = _project(world, "KCQG-A0", kind="national", status="closed", province=a, year=2025,
                        item=world.machinery, lines=[(world.KCQG, 3_000_000)])  # fmt: skip
    world.b1 = _project(world, "KCQG-B1", kind="national", status="in_progress", province=b, agency="SCT-79",
                        item=world.machinery, lines=[(world.KCQG, 7_000_000)])  # fmt: skip
    world.v1 = _project(world, "KCQG-V1", kind="national", status="in_progress", province=None, agency="TTKC-VUNG-1",
                        item=world.demo_model, lines=[(world.KCQG, 9_000_000)])  # fmt: skip
    ProjectBeneficiary.objects.create(
        project=world.a1, establishment=world.establishment_a, content_item=world.machinery, planned_support=ODD,
        counterpart=2_000_000,
    )  # fmt: skip
    ProjectBeneficiary.objects.create(
        project=world.a2, establishment=world.establishment_a2, content_item=world.demo_model, planned_support=ODD,
        counterpart=ODD,
    )  # fmt: skip
    indicator_model = ProjectOutput._meta.get_field("indicator").related_model
    world.models_indicator = indicator_model.objects.get(code="mo_hinh_trinh_dien")
    ProjectOutput.objects.create(project=world.a2, indicator=world.models_indicator, planned_value=2, actual_value=2)
    _move(world, world.a1, world.KCQG, "advance", 1_000_001, D(2026, 2, 10))
    _move(world, world.a1, world.KCQG, "advance", 500_000, D(2026, 3, 15), status="pending")
    _move(world, world.a2, world.KCDP, "advance", 800_000, D(2026, 3, 5))
    _move(world, world.a2, world.KCDP, "payment", 400_000, D(2026, 5, 10))
    _move(world, world.a2, world.KCDP, "settlement", 1_200_000, D(2026, 5, 20))
    _move(world, world.b1, world.KCQG, "advance", 2_000_000, D(2026, 3, 1))
    _move(world, world.v1, world.KCQG, "advance", 3_000_000, D(2026, 3, 2))
    rebuild_analytics()  # the rows above were written without the services, which keep the analytics table
    world.periodic = ReportDefinition.objects.get(code="bc-dinh-ky-tinh")
    world.national = ReportDefinition.objects.get(code="bc-tong-hop-quoc-gia")
    world.project_list = ReportDefinition.objects.get(code="ds-de-an-kinh-phi")
    world.register = ReportDefinition.objects.get(code="so-giai-ngan")
    world.province_a_committee = User.objects.create_user(
        username="province_a_committee", password="pw-province_a_committee", full_name="Ngô Thị Ủy Ban",
        agency=Agency.objects.get(code="UBND-01"),
    )  # fmt: skip
    world.province_a_committee.groups.add(Group.objects.get(name=Role.PROVINCE_LEADER))
    assert Agency.objects.get(code="UBND-01").kind == AgencyKind.PROVINCIAL_COMMITTEE
    return world
