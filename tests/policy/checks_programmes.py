"""Routes of programmes, plans, projects, reference data and "my work".

The world holds, in province A, a national project being implemented (with a pending advance and a pending
adjustment), the local plan of province A and the seeded national programme. Rows are created directly (the
services are exercised in tests/programmes); what matters here is who reaches each route.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong.accounts.models import Agency
from khuyencong.core.vietnamese import fold_vi
from khuyencong.indicators.models import Indicator
from khuyencong.programmes.models import (
    Adjustment,
    AnnualPlan,
    BudgetLine,
    ContentItem,
    FundingSource,
    MoneyMovement,
    Notification,
    PlanAllocation,
    Programme,
    Project,
    ProjectBeneficiary,
    ProjectDocument,
    ProjectOutput,
    RuleSet,
)
from khuyencong.registry.models import Establishment
from tests.policy.model import NATIONAL, PROVINCE_A_STAFF, SEES_PROVINCE_A, SIGNED_IN, Check

M = 1_000_000


def build(world) -> None:
    programme = Programme.objects.get(code="ctkcqg-2026-2030")
    world.programme = programme
    world.rule_set = RuleSet.objects.get(code="ttlt-26-2014")
    world.local_plan = AnnualPlan.objects.create(
        kind="local", province=world.province_a, year=2026, managing_agency=Agency.objects.get(code="SCT-01"),
        title="Kế hoạch khuyến công Hà Nội 2026", created_by=world.province_a_officer,
    )  # fmt: skip
    machinery = ContentItem.objects.get(code="may_moc_tien_tien")
    project = Project.objects.create(
        code="KCQG-2026-01-901", title="Đề án kiểm tra phân quyền", title_folded=fold_vi("Đề án kiểm tra phân quyền"),
        kind="national", programme=programme, year=2026, implementing_agency=Agency.objects.get(code="TTKC-01"),
        province=world.province_a, status="in_progress", start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 11, 30), objectives="Kiểm tra", created_by=world.province_a_officer,
    )  # fmt: skip
    project.content_items.add(machinery)
    kcqg = FundingSource.objects.get(code="KCQG")
    BudgetLine.objects.create(project=project, source=kcqg, content_item=machinery, amount=300 * M)
    world.beneficiary = ProjectBeneficiary.objects.create(
        project=project, establishment=world.establishment_a, content_item=machinery, planned_support=150 * M,
        counterpart=225 * M,
    )  # fmt: skip
    ProjectOutput.objects.create(
        project=project, indicator=Indicator.objects.get(code="may_moc_thiet_bi"), planned_value=2
    )
    world.document = ProjectDocument.objects.create(
        project=project, doc_type="proposal", title="Thuyết minh", original_name="thuyet-minh.pdf", size=9,
        uploaded_by=world.province_a_officer, file=_policy_file(),
    )  # fmt: skip
    world.movement = MoneyMovement.objects.create(
        project=project, source=kcqg, kind="advance", amount=100 * M, occurred_on=dt.date(2026, 5, 1),
        document_number="TU-01", entered_by=world.central_officer,
    )  # fmt: skip
    world.adjustment = Adjustment.objects.create(
        project=project, reason="Gia hạn", new_end_date=dt.date(2026, 12, 31), decision_level="central",
        requested_by=world.province_a_officer,
    )  # fmt: skip
    world.project = project
    world.notification = Notification.objects.create(user=world.province_a_officer, project=project, message="Thử")
    PlanAllocation.objects.create(plan=world.local_plan, source=FundingSource.objects.get(code="KCDP"), amount=900 * M)
    world.draft = _complete_draft(world, programme, machinery, kcqg)
    world.newcomer = Establishment.objects.create(
        name="Cơ sở mộc Vân Hà", name_folded=fold_vi("Cơ sở mộc Vân Hà"), province=world.province_a
    )


def _complete_draft(world, programme, machinery, kcqg) -> Project:
    """A draft ready to be submitted (for the API's write routes)."""
    draft = Project.objects.create(
        code="KCQG-2026-01-902", title="Đề án nháp", title_folded=fold_vi("Đề án nháp"), kind="national",
        programme=programme, year=2026, implementing_agency=Agency.objects.get(code="TTKC-01"),
        province=world.province_a, start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 11, 30),
        objectives="Thử", created_by=world.province_a_officer,
    )  # fmt: skip
    draft.content_items.add(machinery)
    BudgetLine.objects.create(project=draft, source=kcqg, content_item=machinery, amount=300 * M)
    ProjectOutput.objects.create(
        project=draft, indicator=Indicator.objects.get(code="may_moc_thiet_bi"), planned_value=2
    )
    ProjectBeneficiary.objects.create(
        project=draft, establishment=world.establishment_a, content_item=machinery, planned_support=100 * M,
        counterpart=150 * M, double_funding_note="Hạng mục khác với đề án đang thực hiện.",
    )  # fmt: skip
    ProjectDocument.objects.create(
        project=draft, doc_type="proposal", title="Thuyết minh", original_name="tm.pdf", size=9,
        uploaded_by=world.province_a_officer, file=_policy_file(),
    )  # fmt: skip
    return draft


def _policy_file() -> str:
    """One small stored file shared by every world (the matrix builds a world per route)."""
    name = "de-an/kiem-tra-phan-quyen.pdf"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"%PDF-1.4\n"))
    return name


def project(w) -> dict:
    return {"project_id": w.project.pk}


OUTSIDE_A = frozenset({"province_b_officer"})
IMPLEMENTER_A = frozenset({"province_a_officer"})
CUC_LEADER = frozenset({"central_leader", "central_admin"})
CUC_OFFICER = frozenset({"central_officer", "central_admin"})
SEES_PROJECT = SEES_PROVINCE_A | {"establishment_user"}  # its establishment is a beneficiary
PARTICIPANTS = frozenset(
    {"province_a_officer", "province_a_leader", "central_officer", "central_leader", "central_admin"}
)
PLAN_MANAGERS = frozenset({"central_officer", "province_a_officer", "province_b_officer", "central_admin"})
PROGRAMME_MANAGERS = frozenset({"central_leader", "province_a_leader", "central_admin"})
ADMIN = frozenset({"central_admin"})


def _project_route(name: str, allowed, *, method: str = "GET", args=project, **kwargs) -> Check:
    return Check(f"projects:{name}", method=method, allowed=frozenset(allowed), hidden=OUTSIDE_A, args=args, **kwargs)


CHECKS = [
    Check("projects:list", allowed=SIGNED_IN),
    Check("projects:new", allowed=PLAN_MANAGERS, note="every holder of project.draft; the body is checked on save"),
    _project_route("detail", SEES_PROJECT),
    _project_route("edit", IMPLEMENTER_A, note="a project in progress sends the implementer back with the reason"),
    _project_route("budget", IMPLEMENTER_A),
    _project_route("outputs", IMPLEMENTER_A),
    _project_route("beneficiary_add", IMPLEMENTER_A),
    _project_route(
        "beneficiary_edit",
        IMPLEMENTER_A,
        args=lambda w: {"project_id": w.project.pk, "beneficiary_id": w.beneficiary.pk},
    ),
    _project_route(
        "beneficiary_remove",
        IMPLEMENTER_A,
        method="POST",
        args=lambda w: {"project_id": w.project.pk, "beneficiary_id": w.beneficiary.pk},
        note="the implementer is told the project is no longer a draft",
    ),  # fmt: skip
    _project_route("document_add", PARTICIPANTS, note="those who take some step of this project's lifecycle"),
    _project_route(
        "document",
        SEES_PROVINCE_A,
        args=lambda w: {"project_id": w.project.pk, "document_id": w.document.pk},
        note="documents are for the administrations, not for establishments",
    ),  # fmt: skip
    _project_route(
        "document_remove",
        IMPLEMENTER_A,
        method="POST",
        args=lambda w: {"project_id": w.project.pk, "document_id": w.document.pk},
        note="its uploader only",
    ),  # fmt: skip
    _project_route(
        "transition",
        CUC_LEADER,
        args=lambda w: {"project_id": w.project.pk, "action": "accept"},
        note="acceptance of a national project: the Cục's leaders",
    ),  # fmt: skip
    _project_route("override", frozenset({"province_a_leader", "central_leader", "central_admin"})),
    _project_route("progress", IMPLEMENTER_A),
    _project_route("inspection", frozenset({"central_officer", "central_admin", "province_a_officer"})),
    _project_route("money", CUC_OFFICER, note="national funds are entered by the Cục"),
    _project_route(
        "money_decide", CUC_LEADER, args=lambda w: {"project_id": w.project.pk, "movement_id": w.movement.pk}
    ),
    _project_route("adjustment", IMPLEMENTER_A, note="one adjustment is pending: the implementer is told so"),
    _project_route(
        "adjustment_decide", CUC_LEADER, args=lambda w: {"project_id": w.project.pk, "adjustment_id": w.adjustment.pk}
    ),
    Check("plans:list", allowed=SIGNED_IN, note="an establishment sees an empty list"),
    Check("plans:new", allowed=PLAN_MANAGERS),
    Check(
        "plans:detail",
        allowed=NATIONAL | PROVINCE_A_STAFF,
        hidden=OUTSIDE_A | {"establishment_user"},
        args=lambda w: {"plan_id": w.local_plan.pk},
    ),  # fmt: skip
    Check(
        "plans:allocations",
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A | {"establishment_user"},
        args=lambda w: {"plan_id": w.local_plan.pk},
    ),  # fmt: skip
    Check(
        "plans:add_project",
        method="POST",
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A | {"establishment_user"},
        args=lambda w: {"plan_id": w.local_plan.pk},
    ),  # fmt: skip
    Check(
        "plans:remove_project",
        method="POST",
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A | {"establishment_user"},
        args=lambda w: {"plan_id": w.local_plan.pk, "project_id": w.project.pk},
        note="the project is not in this plan: the manager gets a message",
    ),  # fmt: skip
    Check(
        "plans:transition",
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A | {"establishment_user"},
        args=lambda w: {"plan_id": w.local_plan.pk, "action": "submit"},
    ),  # fmt: skip
    Check("programmes:list", allowed=SIGNED_IN),
    Check("programmes:new", allowed=PROGRAMME_MANAGERS),
    Check("programmes:detail", allowed=SIGNED_IN, args=lambda w: {"programme_id": w.programme.pk}),
    Check(
        "programmes:edit",
        allowed=CUC_LEADER,
        args=lambda w: {"programme_id": w.programme.pk},
        note="a province's leader manages only its own provincial programmes",
    ),  # fmt: skip
    Check("programmes:target", method="POST", allowed=CUC_LEADER, args=lambda w: {"programme_id": w.programme.pk}),
    Check("programmes:reference", allowed=SIGNED_IN),
    Check("programmes:reference_list", allowed=SIGNED_IN, args=lambda w: {"kind": "dinh-muc"}),
    Check("programmes:reference_new", allowed=ADMIN, args=lambda w: {"kind": "noi-dung"}),
    Check("programmes:reference_edit", allowed=ADMIN, args=lambda w: {"kind": "dinh-muc", "pk": w.rule_set.pk}),
    Check("programmes:rule_set", allowed=SIGNED_IN, args=lambda w: {"rule_set_id": w.rule_set.pk}),
    Check("inbox:home", allowed=SIGNED_IN),
    Check("inbox:notifications", allowed=SIGNED_IN),
    Check("inbox:notifications_read", method="POST", allowed=SIGNED_IN),
]


def draft(w) -> dict:
    return {"project_id": w.draft.pk}


API = "/api/v1"
DRAFTERS = frozenset({"central_officer", "province_a_officer", "province_b_officer", "central_admin"})
CHECKS += [
    Check(f"{API}/programmes", allowed=SIGNED_IN),
    Check(f"{API}/programmes/{{programme_id}}", allowed=SIGNED_IN, args=lambda w: {"programme_id": w.programme.pk}),
    Check(f"{API}/plans", allowed=SIGNED_IN),
    Check(
        f"{API}/plans/{{plan_id}}",
        allowed=NATIONAL | PROVINCE_A_STAFF,
        hidden=OUTSIDE_A | {"establishment_user"},
        args=lambda w: {"plan_id": w.local_plan.pk},
    ),  # fmt: skip
    Check(
        f"{API}/plans/{{plan_id}}/transitions",
        method="POST",
        json=True,
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A | {"establishment_user"},
        args=lambda w: {"plan_id": w.local_plan.pk},
        data=lambda w: {"action": "submit", "version": w.local_plan.version},
    ),  # fmt: skip
    Check(f"{API}/projects", allowed=SIGNED_IN),
    Check(
        f"{API}/projects",
        method="POST",
        json=True,
        allowed=DRAFTERS,
        data=lambda w: {
            "title": "Đề án qua API",
            "kind": "national",
            "programme_id": w.programme.pk,
            "year": 2026,
            "content_items": ["may_moc_tien_tien"],
        },
        note="each drafter drafts for its own body (its agency by default)",
    ),  # fmt: skip
    Check(f"{API}/projects/{{project_id}}", allowed=SEES_PROJECT, hidden=OUTSIDE_A, args=project),
    Check(
        f"{API}/projects/support-received/{{establishment_id}}",
        allowed=SEES_PROJECT,
        hidden=OUTSIDE_A,
        args=lambda w: {"establishment_id": w.establishment_a.pk},
    ),  # fmt: skip
    Check(
        f"{API}/projects/{{project_id}}/budget",
        method="PUT",
        json=True,
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A,
        args=draft,
        data=lambda w: {
            "version": w.draft.version,
            "lines": [{"source": "KCQG", "content_item": "may_moc_tien_tien", "amount": 250 * M}],
        },
    ),  # fmt: skip
    Check(
        f"{API}/projects/{{project_id}}/outputs",
        method="PUT",
        json=True,
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A,
        args=draft,
        data=lambda w: {"version": w.draft.version, "outputs": {"may_moc_thiet_bi": "3"}},
    ),  # fmt: skip
    Check(
        f"{API}/projects/{{project_id}}/beneficiaries",
        method="POST",
        json=True,
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A,
        args=draft,
        data=lambda w: {
            "version": w.draft.version,
            "establishment_id": w.newcomer.pk,
            "content_item": "may_moc_tien_tien",
            "planned_support": 50 * M,
            "counterpart": 75 * M,
        },
    ),  # fmt: skip
    Check(
        f"{API}/projects/{{project_id}}/documents",
        method="POST",
        allowed=PARTICIPANTS,
        hidden=OUTSIDE_A,
        args=draft,
        data=lambda w: {"doc_type": "other", "title": "Công văn", "file": SimpleUploadedFile("cv.pdf", b"%PDF-1.4")},
    ),  # fmt: skip
    Check(
        f"{API}/projects/{{project_id}}/transitions",
        method="POST",
        json=True,
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A,
        args=draft,
        data=lambda w: {"action": "submit", "version": w.draft.version},
    ),  # fmt: skip
    Check(f"{API}/projects/{{project_id}}/movements", allowed=SEES_PROJECT, hidden=OUTSIDE_A, args=project),
    Check(
        f"{API}/projects/{{project_id}}/movements",
        method="POST",
        json=True,
        allowed=CUC_OFFICER,
        hidden=OUTSIDE_A,
        args=project,
        data=lambda w: {"source": "KCQG", "kind": "advance", "amount": 10 * M, "document_number": "TU-9"},
        note="national funds: the Cục's officers",
    ),  # fmt: skip
    Check(
        f"{API}/projects/{{project_id}}/movements/{{movement_id}}/decision",
        method="POST",
        json=True,
        allowed=CUC_LEADER,
        hidden=OUTSIDE_A,
        args=lambda w: {"project_id": w.project.pk, "movement_id": w.movement.pk},
        data=lambda w: {"approve": True},
    ),  # fmt: skip
    Check(f"{API}/projects/{{project_id}}/adjustments", allowed=SEES_PROJECT, hidden=OUTSIDE_A, args=project),
    Check(
        f"{API}/projects/{{project_id}}/adjustments",
        method="POST",
        json=True,
        allowed=IMPLEMENTER_A,
        hidden=OUTSIDE_A,
        args=project,
        data=lambda w: {"version": w.project.version, "reason": "Gia hạn", "new_end_date": "2026-12-31"},
        success=frozenset({409}),
        note="one adjustment is pending: the implementer gets the conflict, after the permission check",
    ),  # fmt: skip
    Check(
        f"{API}/projects/{{project_id}}/adjustments/{{adjustment_id}}/decision",
        method="POST",
        json=True,
        allowed=CUC_LEADER,
        hidden=OUTSIDE_A,
        args=lambda w: {"project_id": w.project.pk, "adjustment_id": w.adjustment.pk},
        data=lambda w: {"version": w.project.version, "approve": True, "decision_number": "15/QĐ-CĐMST"},
    ),  # fmt: skip
]
