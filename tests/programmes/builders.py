"""Building programme worlds and walking projects through the lifecycle, only through the services.

`build_world()` adds to the personas the bodies the persona set lacks (the UBND tỉnh of province A, its
extension centre, a regional centre), a provincial programme and a second establishment. `walk()` takes a
project along the main path with the right actor at each step, so a test can start from any state.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from khuyencong.accounts.models import AgencyKind
from khuyencong.accounts.roles import Role
from khuyencong.core.vietnamese import fold_vi
from khuyencong.indicators.models import Indicator
from khuyencong.programmes import services, workflow
from khuyencong.programmes.models import (
    AnnualPlan,
    AppraisalCriterion,
    ContentItem,
    DocumentType,
    FundingSource,
    MovementKind,
    PlanStatus,
    Programme,
    Project,
    ProjectKind,
    ProjectStatus,
)
from khuyencong.registry.models import Establishment
from tests.personas import agency, build_personas, person

S = ProjectStatus
M = 1_000_000


HANOI_COMMITTEE = "Ủy ban nhân dân thành phố Hà Nội"
HANOI_CENTRE = "Trung tâm Khuyến công thành phố Hà Nội"
REGIONAL_CENTRE = "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp I"


def build_world() -> SimpleNamespace:
    world = SimpleNamespace(**vars(build_personas()))
    world.province_a_committee = person(
        "province_a_committee", "Ngô Thị Ủy Ban", Role.PROVINCE_LEADER,
        agency_obj=agency("UBND-01", AgencyKind.PROVINCIAL_COMMITTEE, HANOI_COMMITTEE, world.province_a),
    )  # fmt: skip
    world.province_a_centre = person(
        "province_a_centre", "Trịnh Văn Trung Tâm", Role.CENTRE_OFFICER,
        agency_obj=agency("TTKC-01", AgencyKind.PROVINCIAL_CENTRE, HANOI_CENTRE, world.province_a),
    )  # fmt: skip
    world.regional_officer = person(
        "regional_officer", "Lý Văn Vùng", Role.CENTRAL_OFFICER,
        agency_obj=agency("TTKC-VUNG-1", AgencyKind.REGIONAL_CENTRE, REGIONAL_CENTRE, None),
    )  # fmt: skip
    world.establishment_a2 = Establishment.objects.create(
        name="Công ty TNHH Cơ khí Đông Anh",
        name_folded=fold_vi("Công ty TNHH Cơ khí Đông Anh"),
        province=world.province_a,
    )
    world.national_programme = Programme.objects.get(code="ctkcqg-2026-2030")
    world.local_programme = services.programme_save(
        actor=world.province_a_leader,
        data={
            "code": "ctkc-ha-noi-2026-2030",
            "name": "Chương trình khuyến công thành phố Hà Nội giai đoạn 2026–2030",
            "level": "provincial",
            "start_year": 2026,
            "end_year": 2030,
        },
    )
    world.KCQG = FundingSource.objects.get(code="KCQG")
    world.KCDP = FundingSource.objects.get(code="KCDP")
    world.DOIUNG = FundingSource.objects.get(code="DOIUNG")
    world.machinery = ContentItem.objects.get(code="may_moc_tien_tien")
    world.demo_model = ContentItem.objects.get(code="mo_hinh_trinh_dien")
    world.machines = Indicator.objects.get(code="may_moc_thiet_bi")
    return world


def upload(name: str = "ho-so.pdf", content: bytes = b"%PDF-1.4 test\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def drafter(world, project):
    return world.regional_officer if project.province_id is None else world.province_a_officer


JUSTIFIED = "Hỗ trợ dây chuyền khác với đề án trước, không trùng hạng mục (biên bản khảo sát kèm theo)."


def draft(
    world, *, variant: str = "national", year: int = 2026, support: int = 150 * M, justification: str = JUSTIFIED,
    **overrides,
) -> Project:  # fmt: skip
    """A complete draft with budget, two beneficiaries, one output and every document type attached."""
    national = variant in ("national", "regional")
    actor = world.regional_officer if variant == "regional" else world.province_a_officer
    agency = actor.agency
    data = {
        "title": overrides.pop("title", f"Hỗ trợ ứng dụng máy móc tiên tiến ({variant})"),
        "kind": ProjectKind.NATIONAL if national else ProjectKind.LOCAL,
        "project_type": overrides.pop("project_type", "thuong"),
        "programme": world.national_programme if national else world.local_programme,
        "year": year,
        "implementing_agency": agency,
        "province": None,
        "start_date": dt.date(year, 3, 1),
        "end_date": dt.date(year, 11, 30),
        "objectives": "Nâng cao năng suất, chất lượng sản phẩm của các cơ sở CNNT.",
        "content_items": [world.machinery],
        **overrides,
    }
    project = services.project_create(actor=actor, data=data)
    state_source = world.KCQG if national else world.KCDP
    project = services.project_budget_set(
        actor=actor,
        project_id=project.pk,
        version=project.version,
        lines=[
            {"source": state_source.pk, "content_item": world.machinery.pk, "amount": 2 * support},
            {"source": world.DOIUNG.pk, "content_item": world.machinery.pk, "amount": 3 * support},
        ],
    )
    project = services.project_outputs_set(
        actor=actor, project_id=project.pk, version=project.version, outputs={world.machines.pk: 2}
    )
    if variant != "regional":
        for establishment in (world.establishment_a, world.establishment_a2):
            row, _ = services.project_beneficiary_add(
                actor=actor,
                project_id=project.pk,
                version=Project.objects.get(pk=project.pk).version,
                establishment_id=establishment.pk,
                content_item_id=world.machinery.pk,
                planned_support=support,
                counterpart=support * 3 // 2,
                double_funding_note=justification,
            )
    for doc_type in DocumentType.values:
        services.project_document_add(
            actor=actor,
            project_id=project.pk,
            doc_type=doc_type,
            title=f"Văn bản {doc_type}",
            file=upload(),
            number="01",
        )
    return Project.objects.get(pk=project.pk)


def today() -> dt.date:
    return timezone.localdate()


def inputs_for(entry: workflow.Transition, project: Project) -> dict:
    data: dict = {}
    for group in entry.inputs:
        if group == "reason":
            data["reason"] = "Cần bổ sung hồ sơ và làm rõ vốn đối ứng."
        elif group == "decision":
            data.update(decision_number="123/QĐ-UBND", decision_date=today())
        elif group == "appraisal":
            data.update(
                checklist=list(
                    AppraisalCriterion.objects.filter(AppraisalCriterion.valid_on_q(today())).values_list(
                        "pk", flat=True
                    )
                ),
                council_members="Nguyễn Văn A\nTrần Thị B\nLê Văn C",
                score=85,
                opinion="Đề án đạt yêu cầu.",
                decision_number="45/TB-TĐ",
                decision_date=today(),
            )
        elif group == "contract":
            data.update(
                contract_kind="contract",
                contract_number="01/2026/HĐ-KC",
                contract_date=today(),
                contract_value=sum(line.amount for line in project.budget_lines.filter(source__is_state_budget=True)),
            )
        elif group == "started_on":
            data["started_on"] = today()
        elif group == "acceptance":
            data.update(
                accepted_on=today(),
                actual_outputs={o.indicator_id: o.planned_value for o in project.outputs.all()},
            )
        elif group == "settlement":
            data["settled_on"] = today()
        elif group == "closing":
            data["closed_on"] = today()
    return data


def approver(world, project):
    return world.central_leader if project.kind == ProjectKind.NATIONAL else world.province_a_committee


def manager_officer(world, project):
    return world.central_officer if project.kind == ProjectKind.NATIONAL else world.province_a_officer


def manager_leader(world, project):
    return world.central_leader if project.kind == ProjectKind.NATIONAL else world.province_a_leader


def approved_plan(world, project) -> AnnualPlan:
    """The (approved) plan of the project's kind and year, created with generous allocations if missing."""
    plan = AnnualPlan.objects.filter(
        kind=project.kind,
        year=project.year,
        province_id=project.province_id if project.kind == ProjectKind.LOCAL else None,
    ).first()
    officer, leader = manager_officer(world, project), approver(world, project)
    if plan is None:
        plan = services.plan_create(
            actor=officer, kind=project.kind, year=project.year, title=f"Kế hoạch {project.year}"
        )
        source = world.KCQG if project.kind == ProjectKind.NATIONAL else world.KCDP
        plan = services.plan_allocations_set(
            actor=officer, plan_id=plan.pk, version=plan.version, amounts={source.pk: 100_000 * M}
        )
        plan = services.plan_transition(actor=officer, plan_id=plan.pk, action="submit", version=plan.version)
        plan = services.plan_transition(
            actor=leader, plan_id=plan.pk, action="approve", version=plan.version,
            data={"decision_number": "99/QĐ-KH", "decision_date": today()},
        )  # fmt: skip
    assert plan.status == PlanStatus.APPROVED
    return plan


def step(world, project: Project, action: str, actor=None) -> Project:
    project = Project.objects.get(pk=project.pk)
    entry = workflow.transition_for(project, action)
    assert entry is not None, (project.status, action)
    return services.project_transition(
        actor=actor, project_id=project.pk, action=action, version=project.version, data=inputs_for(entry, project)
    )


def settle_money(world, project: Project, *, kind: str, amount: int) -> None:
    source = world.KCQG if project.kind == ProjectKind.NATIONAL else world.KCDP
    movement = services.money_enter(
        actor=manager_officer(world, project), project_id=project.pk, source_id=source.pk, kind=kind, amount=amount,
        occurred_on=today(), document_number=f"CT-{kind}",
    )  # fmt: skip
    services.money_decide(actor=manager_leader(world, project), movement_id=movement.pk, approve=True)


def record_settlement(world, project: Project) -> None:
    """Settle 10 million below the approved budget and make the final payment up to it."""
    settled = services.checks.state_budget(project) - 10 * M
    settle_money(world, project, kind=MovementKind.SETTLEMENT, amount=settled)
    settle_money(world, project, kind=MovementKind.PAYMENT, amount=settled)


def walk(world, project: Project, target: str) -> Project:
    """Take the project along the main path until it reaches `target` (RETURNED: returned by the Sở).
    An APPROVED project is also put into the approved plan of its year, ready to be included."""
    while project.status != target:
        status = project.status
        if target == S.RETURNED and status == S.SUBMITTED:
            project = step(world, project, "return", world.province_a_leader)
        elif status == S.DRAFT:
            project = step(world, project, "submit", drafter(world, project))
        elif status == S.SUBMITTED:
            project = step(world, project, "appraise", world.province_a_leader)
        elif status == S.AWAITING_APPROVAL:
            project = step(world, project, "approve", approver(world, project))
        elif status == S.APPROVED:
            _into_plan(world, project)
            project = step(world, project, "include_in_plan", approver(world, project))
        elif status == S.IN_PLAN:
            project = step(world, project, "sign_contract", manager_officer(world, project))
        elif status == S.CONTRACTED:
            project = step(
                world,
                project,
                "start",
                drafter(world, project) if project.province_id is None else world.province_a_officer,
            )
        elif status == S.IN_PROGRESS:
            project = step(world, project, "accept", manager_leader(world, project))
        elif status == S.ACCEPTED:
            record_settlement(world, project)
            project = step(world, project, "settle", manager_leader(world, project))
        elif status == S.SETTLED:
            project = step(world, project, "close", manager_leader(world, project))
        else:
            raise AssertionError(f"cannot walk from {status} to {target}")
    if target == S.APPROVED:
        _into_plan(world, project)
    return Project.objects.get(pk=project.pk)


def _into_plan(world, project: Project) -> None:
    plan = approved_plan(world, project)
    services.plan_add_project(actor=manager_officer(world, project), plan_id=plan.pk, project_id=project.pk)
