"""Services beyond the lifecycle table: double funding, plans and allocations, deadlines, adjustments, the
money cycle with a refund, documents, notifications and e-mail, and the "nothing half-written" promise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail

from khuyencong.accounts.models import Agency
from khuyencong.accounts.roles import Role
from khuyencong.audit.models import AuditEvent
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from khuyencong.core.vietnamese import fold_vi
from khuyencong.geo.models import Unit
from khuyencong.programmes import selectors, services
from khuyencong.programmes.models import (
    Adjustment,
    AnnualPlan,
    BudgetLine,
    MovementKind,
    Notification,
    PlanStatus,
    Project,
    ProjectBeneficiary,
    ProjectDocument,
    ProjectStatus,
)
from khuyencong.registry.models import Establishment
from tests.personas import person
from tests.programmes.builders import M, draft, settle_money, step, today, upload, walk

S = ProjectStatus


# --- Codes and scope -------------------------------------------------------------------------------------------


def test_codes_are_readable_unique_and_numbered_per_fund_year_and_province(world):
    first = draft(world, variant="national")
    second = draft(world, variant="national")
    local = draft(world, variant="local")
    regional = draft(world, variant="regional")
    assert (first.code, second.code, local.code) == ("KCQG-2026-01-001", "KCQG-2026-01-002", "KCDP-2026-01-001")
    assert regional.code == "KCQG-2026-TW-001"
    with pytest.raises(Exception):  # noqa: B017 - the database refuses a duplicate code whatever the path
        Project.objects.filter(pk=second.pk).update(code=first.code)


def test_another_province_never_reaches_the_project(world):
    project = draft(world, variant="national")
    with pytest.raises(NotFound):
        services.project_transition(
            actor=world.province_b_officer, project_id=project.pk, action="submit", version=project.version
        )
    assert not selectors.project_list(world.province_b_officer, filters={}).filter(pk=project.pk).exists()
    assert selectors.project_list(world.establishment_user, filters={}).filter(pk=project.pk).exists()
    regional = draft(world, variant="regional")
    assert not selectors.projects_visible_to(world.province_a_officer).filter(pk=regional.pk).exists()
    assert selectors.projects_visible_to(world.central_officer).filter(pk=regional.pk).exists()


def test_a_historic_project_on_a_legacy_province_is_rolled_up(world):
    binh_phuoc = Unit.objects.get(key="legacy:province:70")
    dong_nai = Unit.objects.get(key="2025:province:75")
    dong_nai_officer = person(
        "dong_nai_officer", "Trần Văn Đồng", Role.PROVINCE_OFFICER, agency_obj=Agency.objects.get(code="SCT-75")
    )
    project = services.project_create(
        actor=dong_nai_officer,
        data={
            "title": "Hỗ trợ phát triển chế biến hạt điều (đề án điểm 2018–2020)", "kind": "national",
            "project_type": "diem", "programme": world.national_programme, "year": 2026,
            "implementing_agency": Agency.objects.get(code="TTKC-75"), "legacy_province": binh_phuoc,
            "content_items": [world.machinery, world.demo_model],
        },
    )  # fmt: skip
    assert project.legacy_province == binh_phuoc and project.province == dong_nai
    assert project.code.startswith("KCQG-2026-75-")


def test_validation_names_each_field_and_writes_nothing(world):
    before = (Project.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as caught:
        services.project_create(
            actor=world.province_a_officer,
            data={"title": " ", "kind": "local", "programme": world.national_programme, "year": 1999,
                  "implementing_agency": world.province_a_officer.agency, "start_date": dt.date(2026, 5, 1),
                  "end_date": dt.date(2026, 1, 1)},
        )  # fmt: skip
    details = caught.value.details
    assert {"title", "year", "end_date"} <= set(details)
    assert (Project.objects.count(), AuditEvent.objects.count()) == before


# --- Double funding -------------------------------------------------------------------------------------------


def test_double_funding_needs_a_written_justification(world):
    earlier = walk(world, draft(world, variant="national"), S.APPROVED)
    later = draft(world, variant="local", justification="")
    conflicts = services.checks.double_funding_conflicts(later, list(later.beneficiaries.all()))
    assert {p.code for rows in conflicts.values() for p in rows} == {earlier.code}
    with pytest.raises(ValidationFailed) as caught:
        step(world, later, "submit", world.province_a_officer)
    assert "cần giải trình bằng văn bản" in caught.value.details["beneficiaries"][0]
    for row in later.beneficiaries.all():
        later = Project.objects.get(pk=later.pk)
        services.project_beneficiary_update(
            actor=world.province_a_officer, project_id=later.pk, version=later.version, beneficiary_id=row.pk,
            planned_support=row.planned_support, counterpart=row.counterpart, units=row.units,
            double_funding_note="Đề án trước hỗ trợ máy sấy; đề án này hỗ trợ máy đóng gói.",
        )  # fmt: skip
    assert step(world, later, "submit", world.province_a_officer).status == S.SUBMITTED


def test_no_double_funding_in_other_years_other_contents_or_rejected_projects(world):
    rejected = walk(world, draft(world, variant="national"), S.SUBMITTED)
    step(world, rejected, "reject", world.province_a_leader)
    other_year = draft(
        world, variant="national", year=2027, start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 9, 1)
    )
    step(world, other_year, "submit", world.province_a_officer)
    project = draft(world, variant="local", justification="")
    assert services.checks.double_funding_conflicts(project, list(project.beneficiaries.all())) == {}


def test_double_funding_years_and_statuses_against_a_plain_reading(world):
    """Overlap by the projects' years (plan year when dates are missing, start year when the end is), drafts and
    rejected projects not counted: the check against a reading of every beneficiary row in Python."""
    d = dt.date
    shapes = {  # label: (status, the project's year and dates)
        "dated, overlapping": ("submitted", {"start_date": d(2026, 3, 1), "end_date": d(2026, 11, 30)}),
        "no dates, plan year 2026": ("submitted", {"start_date": None, "end_date": None}),
        "started 2025, no end": ("approved", {"year": 2025, "start_date": d(2025, 5, 1), "end_date": None}),
        "2024 to 2026": ("approved", {"year": 2024, "start_date": d(2024, 5, 1), "end_date": d(2026, 2, 1)}),
        "2027 only": ("submitted", {"year": 2027, "start_date": d(2027, 1, 1), "end_date": d(2027, 6, 1)}),
        "a draft": ("draft", {}),
        "rejected": ("rejected", {}),
    }
    others = {}
    for label, (status, dates) in shapes.items():
        project = draft(world, variant="national", title=f"Đề án khác ({label})", **dates)
        Project.objects.filter(pk=project.pk).update(status=status)  # the state is what matters here
        others[label] = Project.objects.get(pk=project.pk)
    project = draft(world, variant="local", justification="")
    start, end = project.years
    rows = list(project.beneficiaries.all())
    expected = {}
    for row in rows:
        matching = [
            other.pk
            for other_row in ProjectBeneficiary.objects.exclude(project=project).order_by("pk")
            if (other_row.establishment_id, other_row.content_item_id) == (row.establishment_id, row.content_item_id)
            and other_row.planned_support > 0
            and (other := Project.objects.get(pk=other_row.project_id)).status not in (S.DRAFT, S.REJECTED)
            and other.years[0] <= end and other.years[1] >= start
        ]  # fmt: skip
        if matching:
            expected[row.pk] = matching
    found = services.checks.double_funding_conflicts(project, rows)
    assert {key: [other.pk for other in value] for key, value in found.items()} == expected
    named = {other.pk: label for label, other in others.items()}
    assert {named[pk] for pks in expected.values() for pk in pks} == {
        "dated, overlapping", "no dates, plan year 2026", "2024 to 2026"
    }  # fmt: skip


# --- Plans ------------------------------------------------------------------------------------------------------


def test_plan_approval_checks_allocations_and_puts_its_projects_into_the_plan(world):
    first = walk(world, draft(world, variant="local"), S.AWAITING_APPROVAL)
    first = step(world, first, "approve", world.province_a_committee)
    second = step(
        world, walk(world, draft(world, variant="local"), S.AWAITING_APPROVAL), "approve", world.province_a_committee
    )
    officer = world.province_a_officer
    plan = services.plan_create(actor=officer, kind="local", year=2026, title="Kế hoạch khuyến công Hà Nội 2026")
    plan = services.plan_allocations_set(
        actor=officer, plan_id=plan.pk, version=plan.version, amounts={world.KCDP.pk: 500 * M}
    )
    for project in (first, second):
        warnings = services.plan_add_project(actor=officer, plan_id=plan.pk, project_id=project.pk)
    assert warnings and "vượt kinh phí được giao" in warnings[0].message  # 600 million planned for 500
    plan = services.plan_transition(actor=officer, plan_id=plan.pk, action="submit", version=plan.version)
    with pytest.raises(PermissionDenied):  # a local plan is approved by the UBND tỉnh, not the Sở
        services.plan_transition(
            actor=world.province_a_leader, plan_id=plan.pk, action="approve", version=plan.version,
            data={"decision_number": "1/QĐ", "decision_date": today()},
        )  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        services.plan_transition(
            actor=world.province_a_committee, plan_id=plan.pk, action="approve", version=plan.version,
            data={"decision_number": "1/QĐ", "decision_date": today()},
        )  # fmt: skip
    assert "vượt kinh phí được giao" in caught.value.message
    assert AnnualPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    assert Project.objects.get(pk=first.pk).status == S.APPROVED

    plan = services.plan_transition(
        actor=world.province_a_committee, plan_id=plan.pk, action="return", version=plan.version,
        data={"reason": "Cân đối lại kinh phí."},
    )  # fmt: skip
    plan = services.plan_allocations_set(
        actor=officer, plan_id=plan.pk, version=plan.version, amounts={world.KCDP.pk: 600 * M}
    )
    plan = services.plan_transition(actor=officer, plan_id=plan.pk, action="submit", version=plan.version)
    plan = services.plan_transition(
        actor=world.province_a_committee, plan_id=plan.pk, action="approve", version=plan.version,
        data={"decision_number": "25/QĐ-UBND", "decision_date": today()},
    )  # fmt: skip
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == world.province_a_committee
    for project in (first, second):
        project.refresh_from_db()
        assert project.status == S.IN_PLAN
        assert project.state_changes.filter(action="include_in_plan", actor=world.province_a_committee).exists()
    overview = {row["source"].code: row for row in selectors.plan_overview(plan)}
    assert overview["KCDP"]["counted"] == 600 * M and overview["KCDP"]["remaining"] == 0


def test_one_plan_per_body_and_year(world):
    services.plan_create(actor=world.central_officer, kind="national", year=2027, title="Kế hoạch KCQG 2027")
    with pytest.raises(ValidationFailed):
        services.plan_create(actor=world.central_officer, kind="national", year=2027, title="Trùng")
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=world.province_a_officer, kind="national", year=2028, title="Không được")


# --- Deadlines --------------------------------------------------------------------------------------------------


def test_late_items_are_flagged_not_lost(world):
    late = step(world, draft(world, variant="national", year=2026), "submit", world.province_a_officer)
    assert late.late_registration  # registration for 2026 closed on 20/05/2025
    assert "Quá hạn đăng ký đề án với Sở Công Thương (20/05/2025)" in late.state_changes.get().note
    late = step(world, late, "appraise", world.province_a_leader)
    assert late.late_proposal  # the Sở's proposals for 2026 were due at the Cục by 15/06/2025
    year = today().year + 2
    on_time = draft(world, variant="national", year=year, start_date=dt.date(year, 3, 1), end_date=dt.date(year, 9, 1))
    on_time = step(world, on_time, "submit", world.province_a_officer)
    assert not on_time.late_registration
    assert selectors.deadline_of(Project.objects.get(pk=on_time.pk)) == dt.date(year - 1, 6, 15)
    assert set(selectors.project_list(world.central_officer, filters={"late": True})) == {late}
    # A dossier the Sở received on paper in time is not late, whenever it is entered.
    paper = draft(world, variant="local", year=2026)
    paper = services.project_transition(
        actor=world.province_a_officer, project_id=paper.pk, action="submit", version=paper.version,
        data={"received_on": dt.date(2025, 5, 19)},
    )  # fmt: skip
    assert paper.status == S.SUBMITTED and not paper.late_registration


# --- Money: the full cycle with a refund ----------------------------------------------------------------------


def test_advance_above_what_is_settled_is_refunded_before_closing(world):
    project = walk(world, draft(world, variant="national"), S.IN_PROGRESS)
    settle_money(world, project, kind=MovementKind.ADVANCE, amount=200 * M)
    with pytest.raises(ValidationFailed, match="Chỉ thanh toán sau khi đề án được nghiệm thu"):
        services.money_enter(
            actor=world.central_officer, project_id=project.pk, source_id=world.KCQG.pk, kind="payment",
            amount=10 * M, occurred_on=today(), document_number="TT-01",
        )  # fmt: skip
    project = step(world, project, "accept", world.central_leader)
    settle_money(world, project, kind=MovementKind.SETTLEMENT, amount=180 * M)
    project = step(world, project, "settle", world.central_leader)
    with pytest.raises(ValidationFailed, match="còn phải thu hồi 20.000.000 đồng"):
        step(world, project, "close", world.central_leader)
    with pytest.raises(ValidationFailed, match="chỉ được hoàn trả tối đa 20.000.000 đồng"):
        settle_money(world, project, kind=MovementKind.REFUND, amount=25 * M)
    settle_money(world, project, kind=MovementKind.REFUND, amount=20 * M)
    project = step(world, project, "close", world.central_leader)
    assert project.status == S.CLOSED
    row = selectors.budget_panel(project).rows[0]
    assert (row.totals.advanced, row.totals.refunded, row.totals.settled, row.disbursed) == (
        200 * M,
        20 * M,
        180 * M,
        180 * M,
    )


def test_money_is_entered_and_approved_by_the_body_that_manages_the_source(world, django_capture_on_commit_callbacks):
    project = walk(world, draft(world, variant="national"), S.IN_PROGRESS)
    with pytest.raises(PermissionDenied):  # national funds are disbursed by the Cục, not the Sở
        services.money_enter(
            actor=world.province_a_officer, project_id=project.pk, source_id=world.KCQG.pk, kind="advance",
            amount=10 * M, occurred_on=today(), document_number="TU",
        )  # fmt: skip
    movement = services.money_enter(
        actor=world.central_officer, project_id=project.pk, source_id=world.KCQG.pk, kind="advance", amount=10 * M,
        occurred_on=today(), document_number="TU",
    )  # fmt: skip
    own = services.money_enter(
        actor=world.central_admin, project_id=project.pk, source_id=world.KCQG.pk, kind="advance", amount=10 * M,
        occurred_on=today(), document_number="TU-2",
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="không được tự duyệt"):
        services.money_decide(actor=world.central_admin, movement_id=own.pk, approve=True)
    with pytest.raises(PermissionDenied):
        services.money_decide(actor=world.province_a_leader, movement_id=movement.pk, approve=True)
    with pytest.raises(ValidationFailed):  # a rejection needs its reason
        services.money_decide(actor=world.central_leader, movement_id=movement.pk, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.money_decide(
            actor=world.central_leader, movement_id=movement.pk, approve=False, note="Sai số chứng từ"
        )
    with pytest.raises(Conflict):
        services.money_decide(actor=world.central_leader, movement_id=movement.pk, approve=True)
    assert mail.outbox and world.central_officer.email in mail.outbox[-1].to


# --- Adjustments ------------------------------------------------------------------------------------------------


def test_adjustments_go_to_the_level_the_change_requires(world):
    project = walk(world, draft(world, variant="local"), S.IN_PROGRESS)
    timeline = services.adjustment_request(
        actor=world.province_a_officer, project_id=project.pk, version=project.version,
        reason="Thiết bị nhập khẩu về chậm", new_end_date=dt.date(2026, 12, 31),
    )  # fmt: skip
    assert timeline.decision_level == "department"
    project.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.adjustment_decide(
            actor=world.province_a_committee,
            adjustment_id=timeline.pk,
            version=project.version,
            approve=True,
            decision_number="1",
        )
    services.adjustment_decide(
        actor=world.province_a_leader, adjustment_id=timeline.pk, version=project.version, approve=True,
        decision_number="12/QĐ-SCT",
    )  # fmt: skip
    project.refresh_from_db()
    assert project.end_date == dt.date(2026, 12, 31)

    lines = [
        {"source": line.source_id, "content_item": line.content_item_id, "amount": line.amount + 50 * M}
        for line in project.budget_lines.all()
    ]
    increase = services.adjustment_request(
        actor=world.province_a_officer, project_id=project.pk, version=project.version, reason="Giá thiết bị tăng",
        budget_lines=lines,
    )  # fmt: skip
    assert increase.decision_level == "committee"
    project.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.adjustment_decide(
            actor=world.province_a_leader,
            adjustment_id=increase.pk,
            version=project.version,
            approve=True,
            decision_number="2",
        )
    services.adjustment_decide(
        actor=world.province_a_committee, adjustment_id=increase.pk, version=project.version, approve=True,
        decision_number="88/QĐ-UBND",
    )  # fmt: skip
    assert services.checks.state_budget(project) == 350 * M
    assert Adjustment.objects.get(pk=increase.pk).status == "approved"


def test_an_adjustment_cannot_cut_the_budget_below_what_was_paid(world):
    project = walk(world, draft(world, variant="national"), S.IN_PROGRESS)
    settle_money(world, project, kind=MovementKind.ADVANCE, amount=200 * M)
    project.refresh_from_db()
    lines = [{"source": world.KCQG.pk, "content_item": world.machinery.pk, "amount": 150 * M}]
    request = services.adjustment_request(
        actor=world.province_a_officer,
        project_id=project.pk,
        version=project.version,
        reason="Giảm quy mô",
        budget_lines=lines,
    )
    project.refresh_from_db()
    before = list(BudgetLine.objects.filter(project=project).values_list("source_id", "amount"))
    with pytest.raises(ValidationFailed, match="thấp hơn số đã tạm ứng"):
        services.adjustment_decide(
            actor=world.central_leader,
            adjustment_id=request.pk,
            version=project.version,
            approve=True,
            decision_number="3",
        )
    assert list(BudgetLine.objects.filter(project=project).values_list("source_id", "amount")) == before
    assert Adjustment.objects.get(pk=request.pk).status == "pending"


def test_group_project_adds_beneficiaries_after_approval(world):
    project = draft(world, variant="national", project_type="nhom")
    project = walk(world, project, S.IN_PLAN)
    newcomer = Establishment.objects.create(
        name="Cơ sở xay xát Thanh Trì", name_folded=fold_vi("Cơ sở xay xát Thanh Trì"), province=world.province_a
    )
    with pytest.raises(ValidationFailed, match="vượt kinh phí nhà nước"):
        services.project_beneficiary_add(
            actor=world.province_a_officer, project_id=project.pk, version=project.version,
            establishment_id=newcomer.pk, content_item_id=world.machinery.pk, planned_support=10 * M,
            counterpart=15 * M,
        )  # fmt: skip
    assert not project.beneficiaries.filter(establishment=newcomer).exists()
    ordinary = walk(world, draft(world, variant="national"), S.IN_PLAN)
    with pytest.raises(Conflict):
        services.project_beneficiary_add(
            actor=world.province_a_officer, project_id=ordinary.pk, version=ordinary.version,
            establishment_id=newcomer.pk, content_item_id=world.machinery.pk, planned_support=0, counterpart=15 * M,
        )  # fmt: skip


# --- Documents and notifications ---------------------------------------------------------------------------------


def test_uploads_are_checked_and_nothing_is_left_behind(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = draft(world, variant="national")
    count = ProjectDocument.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.project_document_add(
            actor=world.province_a_officer,
            project_id=project.pk,
            doc_type="contract",
            title="Hợp đồng",
            file=upload("x.exe"),
        )
    assert "file" in caught.value.details
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationFailed):
        services.project_document_add(
            actor=world.province_a_officer, project_id=project.pk, doc_type="contract", title="Hợp đồng",
            file=upload("hop-dong.pdf", b"x" * 11),
        )  # fmt: skip
    assert ProjectDocument.objects.count() == count and not list(Path(tmp_path).rglob("hop-dong*"))
    with pytest.raises(PermissionDenied):
        services.project_document_add(
            actor=world.province_a_viewer, project_id=project.pk, doc_type="other", title="X", file=upload()
        )


def test_the_next_body_is_notified_in_the_app_and_by_mail(world, django_capture_on_commit_callbacks):
    project = draft(world, variant="national")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step(world, project, "submit", world.province_a_officer)
    notified = set(Notification.objects.filter(project=project).values_list("user__username", flat=True))
    assert notified == {"province_a_leader"}
    assert [m.to for m in mail.outbox] == [[world.province_a_leader.email]]
    assert project.code in mail.outbox[0].subject
    services.notification_mark_read(actor=world.province_a_leader)
    assert not selectors.notifications_for(world.province_a_leader, unread_only=True).exists()
