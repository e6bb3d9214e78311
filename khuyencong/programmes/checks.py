"""The named checks of the transition table (`workflow.TRANSITIONS[...].checks`).

Each takes the locked project and the actor's cleaned inputs and returns `Problem`s; none writes anything.
Problems without a key are hard (fix the data); rule findings with a key may be overridden by a leader.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, IntegerField, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from khuyencong.core.compiled import CompiledQuery
from khuyencong.programmes.models import (
    BudgetLine,
    FundingKind,
    FundingSource,
    MovementKind,
    MovementStatus,
    PlanStatus,
    ProgrammeLevel,
    Project,
    ProjectBeneficiary,
    ProjectKind,
    ProjectStatus,
    ProjectType,
)
from khuyencong.programmes.rules import Problem, money

S = ProjectStatus
# Projects that count as support received or requested elsewhere (double funding) and against a plan.
NOT_COUNTED = (S.DRAFT, S.REJECTED)
COUNTED_IN_PLAN = (S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED, S.SETTLED, S.CLOSED)


def check_complete(project: Project, inputs: dict) -> list[Problem]:
    """What a dossier must contain before it leaves the implementer."""
    problems = []
    if not project.objectives.strip():
        problems.append(Problem("objectives", _("Chưa ghi mục tiêu của đề án.")))
    if project.start_date is None or project.end_date is None:
        problems.append(Problem("start_date", _("Chưa ghi thời gian thực hiện (ngày bắt đầu, ngày kết thúc).")))
    programme = project.programme
    if not programme.start_year <= project.year <= programme.end_year:
        problems.append(
            Problem(
                "year",
                _("Năm kế hoạch %(year)s nằm ngoài thời gian của chương trình (%(a)s–%(b)s).")
                % {"year": project.year, "a": programme.start_year, "b": programme.end_year},
            )
        )
    items = set(project.content_items.values_list("pk", flat=True))
    if not items:
        problems.append(Problem("content_items", _("Chưa chọn nội dung hỗ trợ.")))
    if project.project_type == ProjectType.KEY and len(items) < 2:
        problems.append(Problem("content_items", _("Đề án điểm phải có ít nhất hai nội dung hỗ trợ liên kết.")))
    lines = list(project.budget_lines.select_related("source", "content_item"))
    required_kind = FundingKind.NATIONAL if project.kind == ProjectKind.NATIONAL else FundingKind.LOCAL
    if not any(line.source.kind == required_kind for line in lines):
        problems.append(
            Problem(
                "budget",
                _("Dự toán chưa có kinh phí nguồn %(source)s.") % {"source": FundingKind(required_kind).label.lower()},
            )
        )
    stray = sorted({line.content_item.name for line in lines if line.content_item_id not in items})
    if stray:
        problems.append(
            Problem(
                "budget", _("Dự toán có nội dung chưa được chọn cho đề án: %(items)s.") % {"items": ", ".join(stray)}
            )
        )
    beneficiaries = list(project.beneficiaries.select_related("content_item"))
    stray = sorted({row.content_item.name for row in beneficiaries if row.content_item_id not in items})
    if stray:
        problems.append(
            Problem(
                "beneficiaries",
                _("Cơ sở thụ hưởng có nội dung chưa được chọn cho đề án: %(items)s.") % {"items": ", ".join(stray)},
            )
        )
    problems += _support_within_budget(beneficiaries, lines)
    if not project.outputs.exists():
        problems.append(Problem("outputs", _("Chưa ghi sản phẩm đầu ra (chỉ tiêu và giá trị kế hoạch).")))
    return problems


def _support_within_budget(beneficiaries, lines) -> list[Problem]:
    state = sum(line.amount for line in lines if line.source.is_state_budget)
    support = sum(row.planned_support for row in beneficiaries)
    if support > state:
        return [
            Problem(
                "beneficiaries",
                _("Tổng hỗ trợ cho các cơ sở (%(support)s) vượt kinh phí nhà nước trong dự toán (%(state)s).")
                % {"support": money(support), "state": money(state)},
            )
        ]
    return []


def _other_support(establishments, items, project, start: int, end: int):
    """Rows of other counted projects supporting these establishments for these items in overlapping years."""
    return (
        ProjectBeneficiary.objects.filter(
            establishment_id__in=establishments, content_item_id__in=items, planned_support__gt=0
        )
        .exclude(project_id=project)
        .exclude(project__status__in=NOT_COUNTED)
        .annotate(
            first_year=Coalesce(ExtractYear("project__start_date"), F("project__year"), output_field=IntegerField()),
            last_year=Coalesce(
                ExtractYear("project__end_date"),
                ExtractYear("project__start_date"),
                F("project__year"),
                output_field=IntegerField(),
            ),
        )
        .filter(first_year__lte=end, last_year__gte=start)
        .select_related("project")
    )


# Asked on every project page (compiled: see core/compiled.py).
_OTHER_SUPPORT = CompiledQuery(_other_support, [int], [int], int, int, int)


def double_funding_conflicts(project: Project, rows) -> dict[int, list[Project]]:
    """For each beneficiary row (by id) the other projects supporting the same establishment for the same
    content item in overlapping years, whatever their source."""
    start, end = project.years
    rows = [row for row in rows if row.planned_support > 0]
    if not rows:
        return {}
    others = _OTHER_SUPPORT(
        {row.establishment_id for row in rows}, {row.content_item_id for row in rows}, project.pk, start, end
    )
    found: dict[tuple[int, int], list[Project]] = defaultdict(list)
    for other in others:
        found[(other.establishment_id, other.content_item_id)].append(other.project)
    return {
        row.pk: found[(row.establishment_id, row.content_item_id)]
        for row in rows
        if found.get((row.establishment_id, row.content_item_id))
    }


def check_double_funding(project: Project, inputs: dict) -> list[Problem]:
    rows = list(project.beneficiaries.select_related("establishment", "content_item"))
    conflicts = double_funding_conflicts(project, rows)
    return [
        Problem(
            "beneficiaries",
            _(
                "%(est)s đã/đang được hỗ trợ nội dung “%(item)s” trong cùng thời gian bởi đề án %(others)s: "
                "cần giải trình bằng văn bản trước khi tiếp tục."
            )
            % {
                "est": row.establishment.name,
                "item": row.content_item.name,
                "others": ", ".join(other.code for other in conflicts[row.pk]),
            },
        )
        for row in rows
        if row.pk in conflicts and not row.double_funding_note.strip()
    ]


def plan_totals(plan, *, extra_project: Project | None = None) -> dict[int, int]:
    """State funds of the plan's counted projects per source id (plus `extra_project`, about to be counted)."""
    projects = Project.objects.filter(plan=plan, status__in=COUNTED_IN_PLAN)
    if extra_project is not None:
        projects = projects | Project.objects.filter(pk=extra_project.pk)
    rows = (
        BudgetLine.objects.filter(project__in=projects, source__is_state_budget=True)
        .values("source_id")
        .annotate(total=Sum("amount"))
    )
    return {row["source_id"]: row["total"] for row in rows}


def allocation_problems(plan, planned: dict[int, int]) -> list[Problem]:
    allocated = dict(plan.allocations.values_list("source_id", "amount"))
    names = {source.pk: source.short_name for source in FundingSource.objects.filter(pk__in=planned)}
    return [
        Problem(
            "allocations",
            _("Nguồn %(source)s: các đề án trong kế hoạch cần %(planned)s, vượt kinh phí được giao %(allocated)s.")
            % {"source": names[source_id], "planned": money(amount), "allocated": money(allocated.get(source_id, 0))},
        )
        for source_id, amount in sorted(planned.items())
        if amount > allocated.get(source_id, 0)
    ]


def check_plan_allocation(project: Project, inputs: dict) -> list[Problem]:
    plan = project.plan
    if plan is None:
        return [Problem("plan", _("Đề án chưa được đưa vào kế hoạch năm nào."))]
    if plan.status != PlanStatus.APPROVED:
        return [Problem("plan", _("Kế hoạch “%(plan)s” chưa được phê duyệt.") % {"plan": plan.title})]
    return allocation_problems(plan, plan_totals(plan, extra_project=project))


def state_budget(project: Project) -> int:
    return project.budget_lines.filter(source__is_state_budget=True).aggregate(total=Sum("amount"))["total"] or 0


def check_contract_within_budget(project: Project, inputs: dict) -> list[Problem]:
    budget = state_budget(project)
    value = inputs.get("contract_value") or 0
    if value > budget:
        return [
            Problem(
                "contract_value",
                _("Giá trị hợp đồng %(value)s vượt kinh phí nhà nước được duyệt %(budget)s.")
                % {"value": money(value), "budget": money(budget)},
            )
        ]
    return []


def check_no_pending_money(project: Project, inputs: dict) -> list[Problem]:
    count = project.movements.filter(status=MovementStatus.PENDING).count()
    if count:
        return [Problem("money", _("Còn %(n)s khoản tạm ứng/thanh toán/quyết toán chờ duyệt.") % {"n": count})]
    return []


def _state_sources_with_budget(project: Project):
    return (
        project.budget_lines.filter(source__is_state_budget=True)
        .values("source_id", "source__short_name")
        .annotate(total=Sum("amount"))
    )


def _approved_sum(project: Project, source_id: int, kind: str) -> int | None:
    return project.movements.filter(source_id=source_id, kind=kind, status=MovementStatus.APPROVED).aggregate(
        total=Sum("amount")
    )["total"]


def check_settlement_recorded(project: Project, inputs: dict) -> list[Problem]:
    return [
        Problem("money", _("Nguồn %(source)s chưa có quyết toán được duyệt.") % {"source": row["source__short_name"]})
        for row in _state_sources_with_budget(project)
        if _approved_sum(project, row["source_id"], MovementKind.SETTLEMENT) is None
    ]


def check_money_balanced(project: Project, inputs: dict) -> list[Problem]:
    problems = []
    for row in _state_sources_with_budget(project):
        source_id = row["source_id"]
        settled = _approved_sum(project, source_id, MovementKind.SETTLEMENT) or 0
        net = (
            (_approved_sum(project, source_id, MovementKind.ADVANCE) or 0)
            + (_approved_sum(project, source_id, MovementKind.PAYMENT) or 0)
            - (_approved_sum(project, source_id, MovementKind.REFUND) or 0)
        )
        if net > settled:
            problems.append(
                Problem(
                    "money",
                    _("Nguồn %(source)s: còn phải thu hồi %(amount)s tạm ứng vượt số quyết toán.")
                    % {"source": row["source__short_name"], "amount": money(net - settled)},
                )
            )
        elif net < settled:
            problems.append(
                Problem(
                    "money",
                    _("Nguồn %(source)s: còn phải thanh toán %(amount)s theo số quyết toán.")
                    % {"source": row["source__short_name"], "amount": money(settled - net)},
                )
            )
    return problems


def check_programme_matches(project: Project) -> list[Problem]:
    """A national project runs under a national programme, a local one under its province's programme."""
    programme = project.programme
    if project.kind == ProjectKind.NATIONAL and programme.level != ProgrammeLevel.NATIONAL:
        return [Problem("programme", _("Đề án khuyến công quốc gia phải thuộc chương trình khuyến công quốc gia."))]
    if project.kind == ProjectKind.LOCAL and (
        programme.level != ProgrammeLevel.PROVINCIAL or programme.province_id != project.province_id
    ):
        return [Problem("programme", _("Đề án khuyến công địa phương phải thuộc chương trình khuyến công của tỉnh."))]
    return []


CHECKS = {
    "complete": check_complete,
    "double_funding": check_double_funding,
    "plan_allocation": check_plan_allocation,
    "contract_within_budget": check_contract_within_budget,
    "no_pending_money": check_no_pending_money,
    "settlement_recorded": check_settlement_recorded,
    "money_balanced": check_money_balanced,
}
