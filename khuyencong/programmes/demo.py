"""Demo programmes, plans and projects for `manage.py load_demo`, made from the source articles: cashew in
Bình Phước (now Đồng Nai), coconut in Bến Tre (now Vĩnh Long), coffee in Lâm Đồng, forest products in Thanh
Hóa, rice colour sorters in An Giang, industrial sewing training in Hưng Yên.

Everything goes through the services, acted by demo staff accounts of the bodies concerned (created here with
a random password that is never shown: they are the recorded actors, not sign-in accounts). Idempotent: a
project found by its title is taken on from the state it is in up to its demo state; nothing is duplicated.
The amounts are illustrative; the support norms in force are whatever the administrator has entered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from khuyencong.accounts.bootstrap import system_user_create
from khuyencong.accounts.models import Agency, User
from khuyencong.accounts.roles import Role
from khuyencong.geo.models import Unit
from khuyencong.indicators.models import Indicator
from khuyencong.programmes import services
from khuyencong.programmes.models import (
    AnnualPlan,
    AppraisalCriterion,
    ContentItem,
    FundingSource,
    PlanStatus,
    Programme,
    Project,
    ProjectStatus,
)
from khuyencong.registry.demo import load_demo_establishments
from khuyencong.registry.models import Establishment

S = ProjectStatus
M = 1_000_000
D = dt.date


@dataclass
class DemoProject:
    title: str
    province: str  # current province code
    kind: str
    year: int
    target: str
    items: list[str]
    indicator: tuple[str, int]
    beneficiaries: list[tuple[str, str, int, int]]  # establishment name, content item, support, counterpart
    budget: list[tuple[str, str, int]]  # source code, content item, amount
    start: dt.date
    end: dt.date
    project_type: str = "thuong"
    legacy: str | None = None  # legacy province key, for projects before 1 July 2025
    objectives: str = ""
    after_approval: list[tuple[str, str, int, int]] = field(default_factory=list)  # group projects
    advance: int = 0


PROJECTS = [
    DemoProject(
        "Hỗ trợ các cơ sở công nghiệp nông thôn phát triển chế biến hạt điều", "75", "national", 2023, S.CLOSED,
        ["mo_hinh_trinh_dien", "may_moc_tien_tien"], ("mo_hinh_trinh_dien", 2),
        [("Công ty TNHH Chế biến điều Bù Đăng", "mo_hinh_trinh_dien", 450 * M, 1_200 * M),
         ("Hợp tác xã Điều Phú Riềng", "may_moc_tien_tien", 180 * M, 260 * M)],
        [("KCQG", "mo_hinh_trinh_dien", 450 * M), ("KCQG", "may_moc_tien_tien", 180 * M),
         ("DOIUNG", "mo_hinh_trinh_dien", 1_200 * M), ("DOIUNG", "may_moc_tien_tien", 260 * M)],
        D(2023, 3, 1), D(2024, 10, 31), project_type="diem", legacy="legacy:province:70",
        objectives="Đề án điểm: nâng cao năng suất, chất lượng nhân điều xuất khẩu của tỉnh Bình Phước.",
        advance=300 * M,
    ),
    DemoProject(
        "Phát triển sản xuất các sản phẩm từ dừa", "86", "national", 2025, S.IN_PROGRESS,
        ["may_moc_tien_tien"], ("may_moc_thiet_bi", 3),
        [("Công ty TNHH Kẹo dừa Thanh Long", "may_moc_tien_tien", 190 * M, 290 * M),
         ("Hợp tác xã Thạch dừa Giồng Trôm", "may_moc_tien_tien", 150 * M, 230 * M)],
        [("KCQG", "may_moc_tien_tien", 340 * M), ("DOIUNG", "may_moc_tien_tien", 520 * M)],
        D(2025, 3, 1), D(2026, 12, 15), legacy="legacy:province:83",
        objectives="Ứng dụng dây chuyền chế biến kẹo dừa, thạch dừa tự động hóa.", advance=150 * M,
    ),
    DemoProject(
        "Hỗ trợ các cơ sở nâng cao năng suất và chất lượng trong chế biến cà phê", "68", "national", 2026,
        S.IN_PLAN, ["may_moc_tien_tien", "nhan_hieu"], ("may_moc_thiet_bi", 2),
        [("Công ty TNHH Cà phê Di Linh", "may_moc_tien_tien", 200 * M, 320 * M),
         ("Hợp tác xã Cà phê Bảo Thuận", "nhan_hieu", 30 * M, 30 * M)],
        [("KCQG", "may_moc_tien_tien", 200 * M), ("KCQG", "nhan_hieu", 30 * M),
         ("DOIUNG", "may_moc_tien_tien", 320 * M), ("DOIUNG", "nhan_hieu", 30 * M)],
        D(2026, 4, 1), D(2026, 11, 30), objectives="Máy rang, máy xay và nhãn hiệu cà phê Bảo Thuận.",
    ),
    DemoProject(
        "Hỗ trợ các cơ sở công nghiệp nông thôn phát triển chế biến lâm sản", "38", "national", 2026,
        S.SUBMITTED, ["may_moc_tien_tien"], ("may_moc_thiet_bi", 2),
        [("Công ty TNHH Chế biến lâm sản Như Thanh", "may_moc_tien_tien", 200 * M, 300 * M),
         ("Hợp tác xã Mây tre đan xuất khẩu Ngọc Lặc", "may_moc_tien_tien", 90 * M, 140 * M)],
        [("KCQG", "may_moc_tien_tien", 290 * M), ("DOIUNG", "may_moc_tien_tien", 440 * M)],
        D(2026, 5, 1), D(2027, 6, 30), objectives="Máy ghép gỗ, máy chẻ nan tre cho cơ sở vùng miền núi.",
    ),
    DemoProject(
        "Hỗ trợ ứng dụng máy phân loại (tách màu) gạo", "91", "local", 2026, S.IN_PROGRESS,
        ["may_moc_tien_tien"], ("may_moc_thiet_bi", 4), [],
        [("KCDP", "may_moc_tien_tien", 1_200 * M), ("DOIUNG", "may_moc_tien_tien", 1_800 * M)],
        D(2026, 3, 1), D(2026, 12, 31), project_type="nhom",
        objectives="Đề án nhóm: bốn cơ sở xay xát được hỗ trợ máy tách màu gạo hiện đại.",
        after_approval=[("Công ty TNHH Lương thực Châu Phú", "may_moc_tien_tien", 300 * M, 450 * M),
                        ("Doanh nghiệp tư nhân Xay xát Thoại Sơn", "may_moc_tien_tien", 300 * M, 450 * M)],
    ),
    DemoProject(
        "Đào tạo nghề may công nghiệp cho lao động nông thôn", "33", "national", 2026, S.AWAITING_APPROVAL,
        ["dao_tao_nghe"], ("dao_tao_nghe", 80), [],
        [("KCQG", "dao_tao_nghe", 520 * M)],
        D(2026, 6, 1), D(2026, 12, 15),
        objectives="Đào tạo 80 lao động may công nghiệp theo nhu cầu của các doanh nghiệp CNNT.",
    ),
]  # fmt: skip

PROVINCIAL_PROGRAMMES = {
    "91": "Chương trình khuyến công tỉnh An Giang giai đoạn 2026–2030",
}


class Staff:
    """The demo actors of one province and of the Cục, created once."""

    def __init__(self) -> None:
        self.central_officer = _actor(
            "demo.cuc.chuyenvien", "Chuyên viên Cục (dữ liệu mẫu)", Role.CENTRAL_OFFICER, "CUC"
        )
        self.central_leader = _actor("demo.cuc.lanhdao", "Lãnh đạo Cục (dữ liệu mẫu)", Role.CENTRAL_LEADER, "CUC")

    def officer(self, code: str) -> User:
        return _actor(f"demo.sct{code}.chuyenvien", f"Chuyên viên Sở Công Thương {_name(code)} (dữ liệu mẫu)",
                      Role.PROVINCE_OFFICER, f"SCT-{code}")  # fmt: skip

    def leader(self, code: str) -> User:
        return _actor(f"demo.sct{code}.lanhdao", f"Lãnh đạo Sở Công Thương {_name(code)} (dữ liệu mẫu)",
                      Role.PROVINCE_LEADER, f"SCT-{code}")  # fmt: skip

    def committee(self, code: str) -> User:
        return _actor(f"demo.ubnd{code}.lanhdao", f"Lãnh đạo UBND {_name(code)} (dữ liệu mẫu)",
                      Role.PROVINCE_LEADER, f"UBND-{code}")  # fmt: skip

    def approver(self, project: Project) -> User:
        return self.central_leader if project.kind == "national" else self.committee(project.province.code)

    def manager_officer(self, project: Project) -> User:
        return self.central_officer if project.kind == "national" else self.officer(project.province.code)

    def manager_leader(self, project: Project) -> User:
        return self.central_leader if project.kind == "national" else self.leader(project.province.code)


def _name(code: str) -> str:
    return Unit.objects.get(key=f"2025:province:{code}").name


def _actor(username: str, full_name: str, role: str, agency_code: str) -> User:
    system_user_create(username=username, full_name=full_name, role=role, agency_code=agency_code)
    return User.objects.get(username=username)


def load_programmes_demo() -> int:
    """Create (or complete) the demo projects; returns how many exist afterwards."""
    load_demo_establishments()
    staff = Staff()
    for demo in PROJECTS:
        project = Project.objects.filter(title=demo.title).first() or _draft(staff, demo)
        _advance(staff, demo, project)
    return Project.objects.filter(title__in=[demo.title for demo in PROJECTS]).count()


def _programme(staff: Staff, demo: DemoProject) -> Programme:
    if demo.kind == "national":
        return Programme.objects.get(code="ctkcqg-2021-2025" if demo.year <= 2025 else "ctkcqg-2026-2030")
    province = Unit.objects.get(key=f"2025:province:{demo.province}")
    existing = Programme.objects.filter(level="provincial", province=province, start_year__lte=demo.year).first()
    return existing or services.programme_save(
        actor=staff.leader(demo.province),
        data={"code": f"ctkc-{demo.province}-2026-2030", "name": PROVINCIAL_PROGRAMMES[demo.province],
              "level": "provincial", "province": province, "start_year": 2026, "end_year": 2030},
    )  # fmt: skip


def _establishment(name: str, province_code: str) -> Establishment:
    return Establishment.objects.get(name=name, province__key=f"2025:province:{province_code}")


def _draft(staff: Staff, demo: DemoProject) -> Project:
    officer = staff.officer(demo.province)
    data = {
        "title": demo.title, "kind": demo.kind, "project_type": demo.project_type, "year": demo.year,
        "programme": _programme(staff, demo), "implementing_agency": Agency.objects.get(code=f"TTKC-{demo.province}"),
        "legacy_province": Unit.objects.get(key=demo.legacy) if demo.legacy else None,
        "start_date": demo.start, "end_date": demo.end, "objectives": demo.objectives,
        "content_items": list(ContentItem.objects.filter(code__in=demo.items)),
    }  # fmt: skip
    project = services.project_create(actor=officer, data=data)
    sources = {s.code: s.pk for s in FundingSource.objects.all()}
    items = {i.code: i.pk for i in ContentItem.objects.all()}
    lines = [{"source": sources[s], "content_item": items[i], "amount": a} for s, i, a in demo.budget]
    project = services.project_budget_set(actor=officer, project_id=project.pk, version=project.version, lines=lines)
    indicator = Indicator.objects.get(code=demo.indicator[0])
    project = services.project_outputs_set(
        actor=officer, project_id=project.pk, version=project.version, outputs={indicator.pk: demo.indicator[1]}
    )
    for name, item, support, counterpart in demo.beneficiaries:
        services.project_beneficiary_add(
            actor=officer, project_id=project.pk, version=Project.objects.get(pk=project.pk).version,
            establishment_id=_establishment(name, demo.province).pk, content_item_id=items[item],
            planned_support=support, counterpart=counterpart,
        )  # fmt: skip
    _document(officer, project, "proposal", "Thuyết minh đề án", demo.start - dt.timedelta(days=300))
    return Project.objects.get(pk=project.pk)


def _document(actor, project: Project, doc_type: str, title: str, day: dt.date) -> None:
    if not project.documents.filter(doc_type=doc_type).exists():
        services.project_document_add(
            actor=actor, project_id=project.pk, doc_type=doc_type, title=title, number=f"{day:%m}/{day.year}",
            issued_on=day, file=ContentFile(f"{title} — {project.title}\n".encode(), name=f"{doc_type}.pdf"),
        )  # fmt: skip


def _step(actor, project: Project, action: str, **data) -> Project:
    project = Project.objects.get(pk=project.pk)
    return services.project_transition(
        actor=actor, project_id=project.pk, action=action, version=project.version, data=data
    )


COUNCIL = ["Phó Giám đốc Sở (Chủ tịch hội đồng)", "Trưởng phòng Quản lý công nghiệp", "Đại diện Sở Tài chính"]


def _appraisal(day: dt.date, number: str) -> dict:
    criteria = AppraisalCriterion.objects.filter(AppraisalCriterion.valid_on_q(day))
    return {
        "checklist": list(criteria.values_list("pk", flat=True)),
        "council_members": "\n".join(COUNCIL),
        "score": 86, "opinion": "Đề án đạt yêu cầu, đề nghị phê duyệt.", "decision_number": number,
        "decision_date": day,
    }  # fmt: skip


def _plan(staff: Staff, project: Project, day: dt.date) -> AnnualPlan:
    """The approved plan of the project's year (national, or its province's), created if missing."""
    local = project.kind == "local"
    plan = AnnualPlan.objects.filter(
        kind=project.kind, year=project.year, province=project.province if local else None
    ).first()
    officer, approver = staff.manager_officer(project), staff.approver(project)
    if plan is None:
        title = f"Kế hoạch khuyến công {'tỉnh ' + project.province.name if local else 'quốc gia'} năm {project.year}"
        plan = services.plan_create(actor=officer, kind=project.kind, year=project.year, title=title,
                                    programme=project.programme)  # fmt: skip
    if plan.status == PlanStatus.DRAFT:
        source = FundingSource.objects.get(code="KCDP" if local else "KCQG")
        amount = 5_000 * M if local else 60_000 * M
        plan = services.plan_allocations_set(
            actor=officer, plan_id=plan.pk, version=plan.version, amounts={source.pk: amount}
        )
        plan = services.plan_transition(actor=officer, plan_id=plan.pk, action="submit", version=plan.version)
    if plan.status == PlanStatus.SUBMITTED:
        plan = services.plan_transition(
            actor=approver, plan_id=plan.pk, action="approve", version=plan.version,
            data={"decision_number": f"{project.year - 1}/QĐ-KH", "decision_date": min(day, dt.date.today())},
        )  # fmt: skip
    return plan


def _money(staff: Staff, project: Project, kind: str, amount: int, day: dt.date, number: str) -> None:
    source = FundingSource.objects.get(code="KCQG" if project.kind == "national" else "KCDP")
    movement = services.money_enter(
        actor=staff.manager_officer(project), project_id=project.pk, source_id=source.pk, kind=kind, amount=amount,
        occurred_on=day, document_number=number,
    )  # fmt: skip
    services.money_decide(actor=staff.manager_leader(project), movement_id=movement.pk, approve=True)


def _advance(staff: Staff, demo: DemoProject, project: Project) -> None:
    """Take the project along the main path to its demo state, with dates of the demo's years."""
    order = [S.DRAFT, S.SUBMITTED, S.AWAITING_APPROVAL, S.APPROVED, S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS,
             S.ACCEPTED, S.SETTLED, S.CLOSED]  # fmt: skip
    today = dt.date.today()
    received = min(demo.start - dt.timedelta(days=290), today)
    appraised = min(demo.start - dt.timedelta(days=250), today)
    approved = min(demo.start - dt.timedelta(days=120), today)
    code = demo.province
    while order.index(project.status) < order.index(demo.target):
        status = project.status
        if status == S.DRAFT:
            project = _step(staff.officer(code), project, "submit", received_on=received)
        elif status == S.SUBMITTED:
            project = _step(
                staff.leader(code), project, "appraise", **_appraisal(appraised, f"{appraised.month}/TB-SCT")
            )
        elif status == S.AWAITING_APPROVAL:
            data = (_appraisal(approved, f"{approved.month}/TB-CĐMST") if project.kind == "national"
                    else {"decision_number": f"{approved.month}/QĐ-UBND", "decision_date": approved})  # fmt: skip
            project = _step(staff.approver(project), project, "approve", **data)
        elif status == S.APPROVED:
            plan = _plan(staff, project, approved)
            if project.plan_id is None:
                services.plan_add_project(actor=staff.manager_officer(project), plan_id=plan.pk, project_id=project.pk)
            project = Project.objects.get(pk=project.pk)
            if project.status == S.APPROVED:
                project = _step(staff.approver(project), project, "include_in_plan")
        elif status == S.IN_PLAN:
            for name, item, support, counterpart in demo.after_approval:  # group project: beneficiaries now
                if not project.beneficiaries.filter(establishment__name=name).exists():
                    services.project_beneficiary_add(
                        actor=staff.officer(code), project_id=project.pk,
                        version=Project.objects.get(pk=project.pk).version,
                        establishment_id=_establishment(name, code).pk,
                        content_item_id=ContentItem.objects.get(code=item).pk, planned_support=support,
                        counterpart=counterpart,
                    )  # fmt: skip
            signed = min(demo.start, today)
            _document(staff.manager_officer(project), project, "contract", "Hợp đồng thực hiện đề án", signed)
            value = services.checks.state_budget(project)
            project = _step(staff.manager_officer(project), project, "sign_contract", contract_kind="contract",
                            contract_number=f"{signed:%m}/{signed.year}/HĐ-KC", contract_date=signed,
                            contract_value=value)  # fmt: skip
        elif status == S.CONTRACTED:
            project = _step(staff.officer(code), project, "start", started_on=min(demo.start, today))
            report_day = min(demo.start + dt.timedelta(days=120), today)
            services.progress_report_add(
                actor=staff.officer(code),
                project_id=project.pk,
                period_end=report_day,
                percent_complete=75,
                summary="Đã lắp đặt phần lớn thiết bị, đang chạy thử.",
            )
            if demo.advance:
                _money(staff, project, "advance", demo.advance, report_day, "TU-01")
        elif status == S.IN_PROGRESS:
            accepted = min(demo.end, today)
            _document(staff.manager_officer(project), project, "acceptance", "Biên bản nghiệm thu", accepted)
            outputs = {o.indicator_id: o.planned_value for o in project.outputs.all()}
            project = _step(
                staff.manager_leader(project), project, "accept", accepted_on=accepted, actual_outputs=outputs
            )
        elif status == S.ACCEPTED:
            settled = services.checks.state_budget(project) - 20 * M
            day = min(demo.end + dt.timedelta(days=45), today)
            _money(staff, project, "settlement", settled, day, "QT-01")
            _money(staff, project, "payment", settled - demo.advance, day, "TT-01")
            _document(staff.manager_officer(project), project, "settlement", "Quyết định phê duyệt quyết toán", day)
            project = _step(staff.manager_leader(project), project, "settle", settled_on=day)
        elif status == S.SETTLED:
            day = min(demo.end + dt.timedelta(days=60), today)
            _document(staff.manager_officer(project), project, "liquidation", "Biên bản thanh lý hợp đồng", day)
            project = _step(staff.manager_leader(project), project, "close", closed_on=day)
