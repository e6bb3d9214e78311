"""The bulk writer: the rows the services would write, computed by the services' own cleaning helpers and
inserted with bulk_create in batches (national scale in minutes instead of hours).

What it writes is identical, column by column (ids and timestamps aside), to what `via_services.py` writes
for the same plan: `tests/synthetic/test_bulk_matches_services.py` proves it. What it leaves out, on purpose:
the audit trail (AuditEvent), django-simple-history rows, the projects' timelines (ProjectStateChange,
Appraisal), their attached documents and the notifications: generated history is not anyone's action.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from khuyencong.core.vietnamese import fold_vi, nfc
from khuyencong.programmes.ledger import refresh_project_money
from khuyencong.programmes.models import (
    BudgetLine,
    DeadlineKind,
    MoneyMovement,
    MovementStatus,
    Project,
    ProjectBeneficiary,
    ProjectKind,
    ProjectOutput,
    ProjectPartner,
    ProjectStatus,
)
from khuyencong.programmes.selectors import deadline_on
from khuyencong.registry import rules as registry_rules
from khuyencong.registry.models import Certification, Establishment, Product, YearlyFigures
from khuyencong.registry.services import _apply, _clean_certification, _clean_product, clean_figures, clean_profile
from khuyencong.synthetic.establishments import EstablishmentPlan
from khuyencong.synthetic.projects import PlanPlan, ProjectPlan
from khuyencong.synthetic.staff import Staff
from khuyencong.synthetic.world import World

BATCH = 2_000
Items = Project.content_items.through
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
S = ProjectStatus
# Steps of the lifecycle that raise the project's version by one (each service call saves it once).
VERSIONED_STEPS = frozenset(
    {"submit", "appraise", "return", "reject", "approve", "plan", "include_in_plan", "sign_contract", "start",
     "accept", "settle", "close", "stop"}
)  # fmt: skip


def at_office(day: dt.date, hour: int = 9) -> dt.datetime:
    """A moment of working hours on `day` (Vietnam time): when generated steps happen."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ)


def tune_for_load() -> None:
    """SQLite: no fsync and a large cache while loading (the database file is rebuilt if the load dies).
    Not inside a transaction (a test's): SQLite refuses to change the sync level there."""
    if connection.in_atomic_block:
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-400000")
            cursor.execute("PRAGMA temp_store=MEMORY")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


class SizeRules:
    """registry.services.recompute_size for new rows, with the dated thresholds read once per year."""

    def __init__(self):
        self.cache: dict[tuple[int, str | None], list] = {}

    def size(self, establishment: Establishment, year: int, values: dict) -> str:
        section = registry_rules.section_of(establishment)
        key = (year, section)
        if key not in self.cache:
            self.cache[key] = registry_rules.thresholds_for(year, section)
        return registry_rules.size_class_of(
            self.cache[key],
            insured=values.get("employees_insured"),
            revenue=values.get("revenue"),
            capital=values.get("capital"),
        )


class BulkWriter:
    def __init__(self, world: World, staff: Staff | None = None):
        self.world, self.staff = world, staff
        self.sizes = SizeRules()
        self.deadlines: dict[tuple[str, int], dt.date | None] = {}
        self.codes: dict[str, int] = {}

    # --- Establishments ----------------------------------------------------------------------------

    def establishments(self, plans: list[EstablishmentPlan]) -> list[int]:
        """Insert a chunk of planned establishments with their parts; returns their ids in plan order."""
        with transaction.atomic():
            rows = []
            for plan in plans:
                clean = clean_profile(plan.data)
                establishment = Establishment(province=plan.province, source=plan.source, created_by=None)
                _apply(establishment, clean)
                figures = []
                latest = ("", None)
                for year, data in plan.figures:
                    year, values = clean_figures(data, year=year)
                    size = self.sizes.size(establishment, year, values)
                    figures.append(YearlyFigures(year=year, size_class=size, **values))
                    if size:
                        latest = (size, year)
                establishment.size_class, establishment.size_year = latest
                establishment._figures = figures
                rows.append(establishment)
            Establishment.objects.bulk_create(rows, batch_size=BATCH)
            Establishment.industries.through.objects.bulk_create(
                [
                    Establishment.industries.through(establishment_id=row.pk, industrycode_id=industry.pk)
                    for row in rows
                    for industry in row._pending_industries
                ],
                batch_size=BATCH,
            )
            figures = []
            products = []
            for row, plan in zip(rows, plans, strict=True):
                for item in row._figures:
                    item.establishment_id = row.pk
                    figures.append(item)
                for data in plan.products:
                    products.append(Product(establishment_id=row.pk, **_clean_product(data)))
            YearlyFigures.objects.bulk_create(figures, batch_size=BATCH)
            Product.objects.bulk_create(products, batch_size=BATCH)
            by_establishment = defaultdict(list)
            for product in products:
                by_establishment[product.establishment_id].append(product)
            certifications = []
            for row, plan in zip(rows, plans, strict=True):
                for data in plan.certifications:
                    data = dict(data)
                    if data.get("product") is not None:
                        data["product"] = by_establishment[row.pk][data["product"]]
                    certifications.append(Certification(establishment_id=row.pk, **_clean_certification(data, row)))
            Certification.objects.bulk_create(certifications, batch_size=BATCH)
        return [row.pk for row in rows]

    # --- Projects ----------------------------------------------------------------------------------

    def _deadline(self, kind: str, year: int) -> dt.date | None:
        key = (kind, year)
        if key not in self.deadlines:
            self.deadlines[key] = deadline_on(kind, year)
        return self.deadlines[key]

    def _late(self, project: ProjectPlan) -> tuple[bool, bool]:
        """programmes.services._apply_deadline, at the date each step was taken."""
        registration = proposal = False
        for action, day in project.steps:
            if action == "submit" and project.province is not None:
                due = self._deadline(DeadlineKind.REGISTRATION, project.year)
                registration = due is not None and day > due
            proposing = (action == "submit" and project.province is None) or action == "appraise"
            if proposing and project.kind == ProjectKind.NATIONAL:
                due = self._deadline(DeadlineKind.NATIONAL_PROPOSAL, project.year)
                proposal = proposal or (due is not None and day > due)
        return registration, proposal

    def next_code(self, project: ProjectPlan) -> str:
        """programmes.services._next_code: the next number in (funds, year, province) order."""
        prefix = (
            f"{'KCQG' if project.kind == ProjectKind.NATIONAL else 'KCDP'}-{project.year}-"
            f"{project.province.code if project.province else 'TW'}-"
        )
        if prefix not in self.codes:
            last = (
                Project.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
            )
            self.codes[prefix] = int(last.rsplit("-", 1)[1]) if last else 0
        self.codes[prefix] += 1
        return f"{prefix}{self.codes[prefix]:03d}"

    def projects(
        self,
        projects: list[ProjectPlan],
        establishment_ids: list[int],
        programmes: dict,
        plans: dict[tuple, object],
    ) -> None:
        """Insert one year's planned projects in their final state; `plans`: PlanPlan key → AnnualPlan."""
        world, staff = self.world, self.staff
        items = world.items
        indicators = world.indicators
        sources = world.sources
        with transaction.atomic():
            rows = []
            for plan in projects:
                actions = [action for action, _day in plan.steps]
                late_registration, late_proposal = self._late(plan)
                title = nfc(plan.title).strip()
                project = Project(
                    code=self.next_code(plan),
                    title=title,
                    title_folded=fold_vi(title),
                    kind=plan.kind,
                    project_type=plan.project_type,
                    programme=programmes[plan.programme_code],
                    plan=plans.get(plan.plan_key) if "plan" in actions else None,
                    year=plan.year,
                    implementing_agency=world.agencies[plan.agency_code],
                    province=plan.province,
                    legacy_province=plan.legacy_province,
                    start_date=plan.start_date,
                    end_date=plan.end_date,
                    objectives=nfc(plan.objectives).strip(),
                    is_priority=plan.is_priority,
                    priority_reason=nfc(plan.priority_reason).strip(),
                    status=plan.status,
                    returned_from=S.SUBMITTED if plan.status == S.RETURNED else "",
                    version=3 + len(plan.beneficiaries) + sum(1 for a in actions if a in VERSIONED_STEPS),
                    late_registration=late_registration,
                    late_proposal=late_proposal,
                    rules_date=plan.date_of("approve"),
                    started_on=plan.date_of("start"),
                    accepted_on=plan.date_of("accept"),
                    settled_on=plan.date_of("settle"),
                    closed_on=plan.date_of("close"),
                    created_by=staff.drafter(plan.agency_code, plan.province.pk if plan.province else None),
                    **plan.contract,
                )
                rows.append(project)
            Project.objects.bulk_create(rows, batch_size=BATCH)

            item_links, commune_links, partners, lines, outputs, beneficiaries, movements = [], [], [], [], [], [], []
            for project, plan in zip(rows, projects, strict=True):
                accepted = plan.date_of("accept") is not None
                for code in plan.items:
                    item_links.append(Items(project_id=project.pk, contentitem_id=items[code].pk))
                for unit in plan.communes:
                    commune_links.append(Project.communes.through(project_id=project.pk, unit_id=unit.pk))
                for name, role in plan.partners:
                    partners.append(
                        ProjectPartner(project_id=project.pk, name=nfc(name).strip(), role=nfc(role).strip())
                    )
                for source, item, amount in plan.budget:
                    lines.append(
                        BudgetLine(
                            project_id=project.pk,
                            source_id=sources[source].pk,
                            content_item_id=items[item].pk,
                            amount=amount,
                        )
                    )
                for code, planned in plan.outputs.items():
                    outputs.append(
                        ProjectOutput(
                            project_id=project.pk,
                            indicator_id=indicators[code].pk,
                            planned_value=planned,
                            actual_value=plan.actual_outputs[code] if accepted else None,
                        )
                    )
                for row in plan.beneficiaries:
                    beneficiaries.append(
                        ProjectBeneficiary(
                            project_id=project.pk,
                            establishment_id=establishment_ids[row.establishment],
                            content_item_id=items[row.item].pk,
                            units=row.units,
                            planned_support=row.support,
                            counterpart=row.counterpart,
                        )
                    )
                if plan.movements:
                    source = sources[plan.state_source]
                    national = plan.kind == ProjectKind.NATIONAL
                    officer = staff.central_officer if national else staff.officer[plan.province.pk]
                    leader = staff.central_leader if national else staff.leader[plan.province.pk]
                    for movement in plan.movements:
                        decided = movement.decided_on is not None
                        movements.append(
                            MoneyMovement(
                                project_id=project.pk,
                                source_id=source.pk,
                                kind=movement.kind,
                                amount=movement.amount,
                                occurred_on=movement.on,
                                document_number=movement.number,
                                status=MovementStatus.APPROVED if decided else MovementStatus.PENDING,
                                entered_by=officer,
                                decided_by=leader if decided else None,
                                decided_at=at_office(movement.decided_on, 10) if decided else None,
                            )
                        )
            Items.objects.bulk_create(item_links, batch_size=BATCH)
            Project.communes.through.objects.bulk_create(commune_links, batch_size=BATCH)
            ProjectPartner.objects.bulk_create(partners, batch_size=BATCH)
            BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
            ProjectOutput.objects.bulk_create(outputs, batch_size=BATCH)
            ProjectBeneficiary.objects.bulk_create(beneficiaries, batch_size=BATCH)
            MoneyMovement.objects.bulk_create(movements, batch_size=BATCH)
            refresh_project_money(*rows)


def plan_summary(plan: PlanPlan) -> str:
    return f"{plan.key}: {len(plan.projects)} đề án"
