"""The services writer: every planned row created by the services a person's clicks call, each step on the
day the plan says it happened (clock.moment). Slow (dozens of queries per row, files for the documents each
step requires), so used for small datasets and to prove the bulk writer writes the same rows.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong.programmes import services as programme_services
from khuyencong.programmes import workflow
from khuyencong.programmes.models import (
    AnnualPlan,
    AppraisalCriterion,
    DocumentType,
    MoneyMovement,
    PlanStatus,
    ProjectKind,
    ProjectStatus,
)
from khuyencong.registry import services as registry_services
from khuyencong.registry.models import Product
from khuyencong.synthetic.bulk import at_office
from khuyencong.synthetic.clock import moment
from khuyencong.synthetic.establishments import EstablishmentPlan
from khuyencong.synthetic.projects import PlanPlan, ProjectPlan
from khuyencong.synthetic.scales import REFERENCE_DATE
from khuyencong.synthetic.staff import Staff
from khuyencong.synthetic.world import World

S = ProjectStatus
PDF = b"%PDF-1.4\n% generated document\n"
# Documents each step needs attached first (workflow.TRANSITIONS[...].documents), added just before it.
DOCUMENTS = {
    "submit": DocumentType.PROPOSAL,
    "sign_contract": DocumentType.CONTRACT,
    "accept": DocumentType.ACCEPTANCE,
    "settle": DocumentType.SETTLEMENT,
    "close": DocumentType.LIQUIDATION,
}


def create_plans(world: World, staff: Staff, plans: list[PlanPlan], *, attach=None) -> dict[tuple, AnnualPlan]:
    """The approved annual plans, through the services on their dates (both writers use this). `attach(plan,
    annual_plan)` is called before approval (the services writer adds its approved projects there).

    A plan that already exists (the curated demo's, in `make run`) is amended as people amend one: reopened,
    its allocation raised by what the generated projects need, submitted and approved again."""
    result = {}
    sources = world.sources
    for plan in plans:
        national = plan.kind == ProjectKind.NATIONAL
        officer = staff.central_officer if national else staff.officer[plan.province.pk]
        approver = staff.central_leader if national else staff.committee[plan.province.pk]
        source = sources["KCQG" if national else "KCDP"]
        existing = AnnualPlan.objects.filter(kind=plan.kind, year=plan.year, province=plan.province).first()
        with moment(at_office(plan.created_on)):
            if existing is None:
                annual = programme_services.plan_create(actor=officer, kind=plan.kind, year=plan.year, title=plan.title)
                amounts = {source.pk: plan.allocation()}
            else:
                annual = existing
                if annual.status != PlanStatus.DRAFT:
                    annual = programme_services.plan_transition(
                        actor=approver, plan_id=annual.pk, version=annual.version,
                        action="reopen" if annual.status == PlanStatus.APPROVED else "return",
                        data={"reason": "Bổ sung các đề án được phê duyệt (dữ liệu sinh)."},
                    )  # fmt: skip
                amounts = dict(annual.allocations.values_list("source_id", "amount"))
                amounts[source.pk] = amounts.get(source.pk, 0) + plan.allocation()
            annual = programme_services.plan_allocations_set(
                actor=officer, plan_id=annual.pk, version=annual.version, amounts=amounts
            )
        if attach is not None:
            attach(plan, annual)
        with moment(at_office(plan.approved_on, 8)):
            annual = programme_services.plan_transition(
                actor=officer, plan_id=annual.pk, action="submit", version=annual.version
            )
            annual = programme_services.plan_transition(
                actor=approver,
                plan_id=annual.pk,
                action="approve",
                version=annual.version,
                data={
                    "decision_number": f"{plan.year % 100:02d}{plan.approved_on:%m%d}/QĐ-KH",
                    "decision_date": plan.approved_on,
                },
            )
        result[plan.key] = annual
    return result


class ServicesWriter:
    def __init__(self, world: World, staff: Staff):
        self.world, self.staff = world, staff
        self.project_ids: dict[str, int] = {}

    # --- Establishments ----------------------------------------------------------------------------

    def establishments(self, plans: list[EstablishmentPlan]) -> list[int]:
        ids = []
        with moment(at_office(REFERENCE_DATE)):
            for plan in plans:
                establishment = registry_services.establishment_create(
                    actor=None, data=plan.data, province=plan.province, confirm_similar=True, source=plan.source
                )
                for year, data in plan.figures:
                    registry_services.figures_save(actor=None, establishment_id=establishment.pk, year=year, data=data)
                products = [
                    registry_services.product_create(actor=None, establishment_id=establishment.pk, data=data)
                    for data in plan.products
                ]
                for data in plan.certifications:
                    data = dict(data)
                    if data.get("product") is not None:
                        data["product"] = Product.objects.get(pk=products[data["product"]].pk)
                    registry_services.certification_create(actor=None, establishment_id=establishment.pk, data=data)
                ids.append(establishment.pk)
        return ids

    # --- Projects ----------------------------------------------------------------------------------

    def _officer(self, plan: ProjectPlan):
        national = plan.kind == ProjectKind.NATIONAL
        return self.staff.central_officer if national else self.staff.officer[plan.province.pk]

    def _leader(self, plan: ProjectPlan):
        national = plan.kind == ProjectKind.NATIONAL
        return self.staff.central_leader if national else self.staff.leader[plan.province.pk]

    def _actor(self, plan: ProjectPlan, action: str):
        staff = self.staff
        drafter = staff.drafter(plan.agency_code, plan.province.pk if plan.province else None)
        national = plan.kind == ProjectKind.NATIONAL
        if action in ("submit", "start"):
            return drafter
        if action in ("appraise", "return") or (action == "reject" and "appraise" not in self._done):
            return staff.leader[plan.province.pk] if plan.province is not None else staff.central_leader
        if action in ("approve", "reject", "stop"):
            return staff.central_leader if national else staff.committee[plan.province.pk]
        if action == "sign_contract":
            return self._officer(plan)
        return self._leader(plan)  # accept, settle, close

    def _inputs(self, plan: ProjectPlan, action: str, day: dt.date, project) -> dict:
        entry = workflow.transition_for(project, action)
        data: dict = {}
        for group in entry.inputs:
            if group == "reason":
                data["reason"] = (
                    "Hồ sơ chưa đáp ứng yêu cầu; đề nghị bổ sung, làm rõ."
                    if action == "return"
                    else ("Không phù hợp với định hướng, kinh phí của kế hoạch.")
                )
            elif group == "decision":
                data.update(decision_number=f"{day:%d%m}/QĐ-UBND", decision_date=day)
            elif group == "appraisal":
                criteria = AppraisalCriterion.objects.filter(AppraisalCriterion.valid_on_q(day))
                data.update(
                    checklist=list(criteria.values_list("pk", flat=True)),
                    council_members="Chủ tịch hội đồng\nỦy viên phản biện\nỦy viên thư ký",
                    score=None,
                    opinion="Đề án đạt yêu cầu.",
                    decision_number=f"{day:%d%m}/TB-TĐ",
                    decision_date=day,
                )
            elif group == "contract":
                data.update(plan.contract)
            elif group == "started_on":
                data["started_on"] = day
            elif group == "acceptance":
                data["accepted_on"] = day
                data["actual_outputs"] = {
                    self.world.indicators[code].pk: value for code, value in plan.actual_outputs.items()
                }
            elif group == "settlement":
                data["settled_on"] = day
            elif group == "closing":
                data["closed_on"] = day
        return data

    def draft(self, plan: ProjectPlan, establishment_ids: list[int], programmes: dict) -> None:
        """Create the draft with its budget, outputs and beneficiaries. Entered on REFERENCE_DATE, as history is
        entered into a new system: the services roll a legacy province up to today's (on a 2014 clock it
        would still be its own); the steps that follow are each replayed on their own date."""
        world = self.world
        actor = self.staff.drafter(plan.agency_code, plan.province.pk if plan.province else None)
        with moment(at_office(REFERENCE_DATE)):
            project = programme_services.project_create(
                actor=actor,
                data={
                    "title": plan.title,
                    "kind": plan.kind,
                    "project_type": plan.project_type,
                    "programme": programmes[plan.programme_code],
                    "year": plan.year,
                    "implementing_agency": world.agencies[plan.agency_code],
                    "province": plan.province,
                    "legacy_province": plan.legacy_province,
                    "start_date": plan.start_date,
                    "end_date": plan.end_date,
                    "objectives": plan.objectives,
                    "is_priority": plan.is_priority,
                    "priority_reason": plan.priority_reason,
                    "content_items": [world.items[code] for code in plan.items],
                    "communes": plan.communes,
                    "partners": plan.partners,
                },
            )
            project = programme_services.project_budget_set(
                actor=actor,
                project_id=project.pk,
                version=project.version,
                lines=[
                    {"source": world.sources[s].pk, "content_item": world.items[i].pk, "amount": a}
                    for s, i, a in plan.budget
                ],
            )
            project = programme_services.project_outputs_set(
                actor=actor,
                project_id=project.pk,
                version=project.version,
                outputs={world.indicators[code].pk: value for code, value in plan.outputs.items()},
            )
            version = project.version
            for row in plan.beneficiaries:
                programme_services.project_beneficiary_add(
                    actor=actor,
                    project_id=project.pk,
                    version=version,
                    establishment_id=establishment_ids[row.establishment],
                    content_item_id=world.items[row.item].pk,
                    planned_support=row.support,
                    counterpart=row.counterpart,
                    units=row.units,
                )
                version += 1
        self.project_ids[plan.key] = project.pk

    def _step(self, plan: ProjectPlan, action: str, day: dt.date) -> None:
        from khuyencong.programmes.models import Project

        project = Project.objects.get(pk=self.project_ids[plan.key])
        actor = self._actor(plan, action)
        with moment(at_office(day, 11)):
            if action in DOCUMENTS:
                programme_services.project_document_add(
                    actor=actor,
                    project_id=project.pk,
                    doc_type=DOCUMENTS[action],
                    title=f"{DocumentType(DOCUMENTS[action]).label} {project.code}",
                    file=SimpleUploadedFile(f"{action}.pdf", PDF, content_type="application/pdf"),
                    number=f"{day:%d%m}/{plan.year}",
                    issued_on=day,
                )
            programme_services.project_transition(
                actor=actor,
                project_id=project.pk,
                action=action,
                version=project.version,
                data=self._inputs(plan, action, day, project),
            )
        self._done.add(action)

    def walk(self, plan: ProjectPlan, *, until_plan: bool) -> None:
        """Take the project's steps with its money movements in date order: up to its approval (and the
        proposal to its plan) when `until_plan`, else the rest after the plan's approval."""
        events = []
        for order, (action, day) in enumerate(plan.steps):
            events.append((day, 2, order, action, None))
        for index, movement in enumerate(plan.movements):
            events.append((movement.on, 0, index, "enter", movement))
            if movement.decided_on is not None:
                events.append((movement.decided_on, 1, index, "decide", movement))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        if until_plan:
            self._done = set()
        entered: dict[int, MoneyMovement] = getattr(self, "_entered", {})
        self._entered = entered
        for day, _order, index, action, movement in events:
            before_plan = action in ("submit", "appraise", "return", "reject", "approve", "plan")
            if until_plan != before_plan:
                continue
            if action == "plan":
                continue  # done by the plan (create_plans → attach)
            if action == "include_in_plan":
                continue  # done by the plan's approval
            if action == "enter":
                national = plan.kind == ProjectKind.NATIONAL
                with moment(at_office(day, 9)):
                    entered[(plan.key, index)] = programme_services.money_enter(
                        actor=self._officer(plan),
                        project_id=self.project_ids[plan.key],
                        source_id=self.world.sources["KCQG" if national else "KCDP"].pk,
                        kind=movement.kind,
                        amount=movement.amount,
                        occurred_on=movement.on,
                        document_number=movement.number,
                    )
            elif action == "decide":
                with moment(at_office(day, 10)):
                    programme_services.money_decide(
                        actor=self._leader(plan), movement_id=entered[(plan.key, index)].pk, approve=True
                    )
            else:
                self._step(plan, action, day)

    def attach(self, plan: PlanPlan, annual) -> None:
        national = plan.kind == ProjectKind.NATIONAL
        for project in plan.projects:
            officer = self.staff.central_officer if national else self.staff.officer[project.province.pk]
            with moment(at_office(project.date_of("plan"))):
                programme_services.plan_add_project(
                    actor=officer, plan_id=annual.pk, project_id=self.project_ids[project.key]
                )

    def projects(self, projects: list[ProjectPlan], plans: list[PlanPlan], establishment_ids, programmes) -> None:
        for plan in projects:
            self.draft(plan, establishment_ids, programmes)
        for plan in projects:
            self._done = set()
            self.walk(plan, until_plan=True)
            plan._done = self._done
        create_plans(self.world, self.staff, plans, attach=self.attach)
        for plan in projects:
            self._done = plan._done
            self.walk(plan, until_plan=False)
