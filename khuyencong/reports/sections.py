"""The section kinds a report definition may list, each computing its part of the data snapshot.

Every builder reads the database once per figure family with GROUP BY (never a query per row), restricted to
the report's area: one province (projects whose current province it is, including those filed under the
pre-2025 provinces that became part of it) or the whole country (projects in several provinces included).
Builders return plain JSON-able dicts (see tables.py); renderers never query.

What is counted (docs/reports.md):
- projects of the plan years of the period (its own year for a quarter, a half-year or a year, cumulatively
  from 1 January; every year an ad hoc range touches) that were approved (approved, in the plan, contracted,
  in progress, accepted, settled, closed, or stopped after approval), at their status on the day the report
  is made;
- money: approved movements dated (document date) on or before the cut-off day, the end of the period (or
  the day the report is made, for a period not over yet); the disbursement register lists the movements
  dated within the period;
- planned funds: the projects' budget lines (approved budgets once approved).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BigIntegerField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from khuyencong.core.numwords import amount_in_words
from khuyencong.geo.models import Region, RegionScheme, Unit, UnitLevel
from khuyencong.programmes.models import (
    BudgetLine,
    ContentGroup,
    ContentItem,
    FundingKind,
    FundingSource,
    MoneyMovement,
    MovementKind,
    MovementStatus,
    Project,
    ProjectBeneficiary,
    ProjectStatus,
    state_label,
)
from khuyencong.reports.periods import ROMAN, Period
from khuyencong.reports.tables import DECIMAL, INT, MONEY, PERCENT, TEXT, Column, Table, percent

S = ProjectStatus
K = MovementKind
# Approved, whatever happened next: what a report counts as the period's projects.
COUNTED = (S.APPROVED, S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED, S.SETTLED, S.CLOSED, S.STOPPED)
# Every status a report shows, in lifecycle order (drafts belong to their implementer and are left out).
STATUS_ORDER = (
    S.SUBMITTED, S.AWAITING_APPROVAL, S.RETURNED, S.APPROVED, S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED,
    S.SETTLED, S.CLOSED, S.STOPPED, S.REJECTED,
)  # fmt: skip
FUNDING_KINDS = (FundingKind.NATIONAL, FundingKind.LOCAL, FundingKind.COUNTERPART, FundingKind.OTHER)
KIND_LABELS = {
    FundingKind.NATIONAL: "KCQG",
    FundingKind.LOCAL: "KCĐP",
    FundingKind.COUNTERPART: "Vốn đối ứng",
    FundingKind.OTHER: "Nguồn khác",
}
# Socio-economic regions from north to south: the order of the national table.
REGION_ORDER = ("tdmnpb", "dbsh", "btb_dhmt", "tay_nguyen", "dnb", "dbscl")


@dataclass(frozen=True)
class Area:
    """Where and when a report looks: a province (None: the whole country), the period, the cut-off day."""

    province: Unit | None
    period: Period
    cut_off: object  # datetime.date
    unit_basis: str = "current"
    money_unit: str = "trieu"

    def projects(self) -> QuerySet[Project]:
        first, last = self.period.plan_years
        projects = Project.objects.filter(year__gte=first, year__lte=last)
        if self.province is not None:
            projects = projects.filter(province_id=self.province.pk)
        return projects

    def counted(self) -> QuerySet[Project]:
        return self.projects().filter(status__in=COUNTED)

    def movements(self) -> QuerySet[MoneyMovement]:
        """Approved movements of the counted projects dated up to the cut-off."""
        return MoneyMovement.objects.filter(
            project__in=self.counted().values("pk"), status=MovementStatus.APPROVED, occurred_on__lte=self.cut_off
        )

    @property
    def unit_label(self) -> str:
        return "đồng" if self.money_unit == "dong" else "triệu đồng"


Builder = Callable[[Area, dict, dict], dict]
SECTION_KINDS: dict[str, tuple[str, Builder]] = {}


def section_kind(code: str, label: str):
    def register(builder: Builder) -> Builder:
        SECTION_KINDS[code] = (label, builder)
        return builder

    return register


def _table_section(table: Table, *, area: Area, orientation: str = "portrait", notes=(), **extra) -> dict:
    return {
        "type": "table",
        "unit": area.unit_label,
        "orientation": orientation,
        **table.as_dict(),
        "notes": list(notes),
        **extra,
    }


ROUNDING_NOTE = (
    "Số liệu tiền làm tròn đến hai chữ số thập phân; các dòng cộng, tổng cộng tính từ số chính xác đến đồng nên có "
    "thể chênh vài phần trăm triệu đồng so với cộng các số đã làm tròn."
)


# --- Narrative ------------------------------------------------------------------------------------------------


@section_kind("narrative", "Phần thuyết minh (văn bản do người lập viết)")
def narrative(area: Area, spec: dict, context: dict) -> dict:
    text = (context.get("narratives") or {}).get(spec["key"], "").strip()
    return {"type": "text", "text": text, "hint": spec.get("options", {}).get("hint", "")}


# --- Results by content ---------------------------------------------------------------------------------------


@section_kind("results_by_content", "Kết quả thực hiện theo nội dung hoạt động khuyến công")
def results_by_content(area: Area, spec: dict, context: dict) -> dict:
    counted = area.counted().values("pk")
    through = Project.content_items.through.objects.filter(project_id__in=counted)
    benefits = ProjectBeneficiary.objects.filter(project_id__in=counted)
    lines = BudgetLine.objects.filter(project_id__in=counted)

    projects_by_item = dict(
        through.values("contentitem_id")
        .annotate(n=Count("project_id", distinct=True))
        .values_list("contentitem_id", "n")
    )
    projects_by_group = dict(
        through.values("contentitem__group_id")
        .annotate(n=Count("project_id", distinct=True))
        .values_list("contentitem__group_id", "n")
    )
    projects_total = through.aggregate(n=Count("project_id", distinct=True))["n"] or 0
    benefit_by_item = dict(
        benefits.values("content_item_id")
        .annotate(n=Count("establishment_id", distinct=True))
        .values_list("content_item_id", "n")
    )
    benefit_by_group = dict(
        benefits.values("content_item__group_id")
        .annotate(n=Count("establishment_id", distinct=True))
        .values_list("content_item__group_id", "n")
    )
    benefit_total = benefits.aggregate(n=Count("establishment_id", distinct=True))["n"] or 0
    money: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for item_id, kind, total in (
        lines.values("content_item_id", "source__kind")
        .annotate(t=Sum("amount"))
        .values_list("content_item_id", "source__kind", "t")
    ):
        money[item_id][kind] += total

    columns = [
        Column("stt", "STT", width=6),
        Column("name", "Nội dung hoạt động khuyến công", width=46),
        Column("projects", "Số đề án", INT, width=9),
        Column("beneficiaries", "Số cơ sở thụ hưởng", INT, width=11),
        Column("total", "Tổng số", MONEY, group=f"Kinh phí kế hoạch ({area.unit_label})", width=14),
        *[
            Column(f"kind_{kind}", KIND_LABELS[kind], MONEY, group=f"Kinh phí kế hoạch ({area.unit_label})", width=13)
            for kind in FUNDING_KINDS
        ],
    ]
    table = Table(columns)
    items = ContentItem.objects.select_related("group").order_by("group__number", "sort_order", "code")
    groups: dict[int, tuple[ContentGroup, list[ContentItem]]] = {}
    for item in items:
        if _valid_during(item, area.period) or item.pk in money or item.pk in projects_by_item:
            groups.setdefault(item.group_id, (item.group, []))[1].append(item)
    grand = defaultdict(int)
    for index, (group_id, (group, group_items)) in enumerate(
        sorted(groups.items(), key=lambda pair: pair[1][0].number), start=1
    ):
        table.add(f"group:{group.code}", "group", stt=_roman(index), name=group.name)
        subtotal = defaultdict(int)
        for number, item in enumerate(group_items, start=1):
            amounts = money.get(item.pk, {})
            cells = {f"kind_{kind}": amounts.get(kind, 0) for kind in FUNDING_KINDS}
            total = sum(cells.values())
            table.add(
                f"item:{item.code}", "item", stt=str(number), name=item.name,
                projects=projects_by_item.get(item.pk, 0), beneficiaries=benefit_by_item.get(item.pk, 0),
                total=total, **cells,
            )  # fmt: skip
            for name, value in cells.items():
                subtotal[name] += value
        group_total = sum(subtotal.values())
        table.add(
            f"subtotal:{group.code}", "subtotal", name=f"Cộng nhóm {group.number}",
            projects=projects_by_group.get(group_id, 0), beneficiaries=benefit_by_group.get(group_id, 0),
            total=group_total, **dict(subtotal),
        )  # fmt: skip
        for name, value in subtotal.items():
            grand[name] += value
    cells = {f"kind_{kind}": grand.get(f"kind_{kind}", 0) for kind in FUNDING_KINDS}
    table.add(
        "total", "total", name="Tổng cộng", projects=projects_total, beneficiaries=benefit_total,
        total=sum(cells.values()), **cells,
    )  # fmt: skip
    notes = [
        "Một đề án có nhiều nội dung được tính ở mỗi nội dung; dòng cộng nhóm và tổng cộng đếm mỗi đề án, mỗi cơ sở "
        "một lần.",
        ROUNDING_NOTE,
    ]
    return _table_section(table, area=area, orientation="landscape", notes=notes)


def _valid_during(item: ContentItem, period: Period) -> bool:
    return (item.valid_from is None or item.valid_from <= period.end) and (
        item.valid_to is None or item.valid_to >= period.start
    )


# --- Funds by source ------------------------------------------------------------------------------------------


def _movement_totals(movements: QuerySet[MoneyMovement], *by: str) -> dict[tuple, int]:
    rows = movements.values(*by, "kind").annotate(total=Sum("amount")).values_list(*by, "kind", "total")
    return {tuple(row[:-1]): row[-1] for row in rows}


@section_kind("funds_by_source", "Kinh phí theo nguồn: dự toán, tạm ứng, thanh toán, quyết toán")
def funds_by_source(area: Area, spec: dict, context: dict) -> dict:
    counted = area.counted().values("pk")
    planned = dict(
        BudgetLine.objects.filter(project_id__in=counted)
        .values("source_id")
        .annotate(t=Sum("amount"))
        .values_list("source_id", "t")
    )
    moved = _movement_totals(area.movements(), "source_id")
    columns = [
        Column("stt", "STT", width=6),
        Column("name", "Nguồn kinh phí", width=34),
        Column("planned", "Dự toán được duyệt", MONEY, width=15),
        Column("advanced", "Tạm ứng", MONEY, group="Giải ngân lũy kế đến ngày chốt số liệu", width=14),
        Column("paid", "Thanh toán", MONEY, group="Giải ngân lũy kế đến ngày chốt số liệu", width=14),
        Column("refunded", "Hoàn trả", MONEY, group="Giải ngân lũy kế đến ngày chốt số liệu", width=13),
        Column("disbursed", "Đã giải ngân", MONEY, group="Giải ngân lũy kế đến ngày chốt số liệu", width=15),
        Column("settled", "Quyết toán", MONEY, width=14),
        Column("rate", "Tỷ lệ giải ngân (%)", PERCENT, width=11),
    ]
    table = Table(columns)
    sources = list(FundingSource.objects.order_by("sort_order", "code"))
    state = [source for source in sources if source.is_state_budget]
    other = [source for source in sources if not source.is_state_budget]
    totals = defaultdict(int)
    chart = {"kind": "bars", "title": f"Kinh phí nhà nước theo nguồn ({area.unit_label})", "categories": [],
             "series": [{"name": "Dự toán", "values": []}, {"name": "Đã giải ngân", "values": []},
                        {"name": "Quyết toán", "values": []}]}  # fmt: skip
    for number, (heading, group) in enumerate(
        (("Kinh phí nhà nước hỗ trợ", state), ("Vốn đối ứng và nguồn khác", other)), start=1
    ):
        if not group:
            continue
        table.add(f"group:{number}", "group", stt=ROMAN[number], name=heading)
        subtotal = defaultdict(int)
        for index, source in enumerate(group, start=1):
            cells = {"planned": planned.get(source.pk, 0)}
            if source.is_state_budget:
                advanced = moved.get((source.pk, K.ADVANCE), 0)
                paid = moved.get((source.pk, K.PAYMENT), 0)
                refunded = moved.get((source.pk, K.REFUND), 0)
                cells.update(
                    advanced=advanced, paid=paid, refunded=refunded, disbursed=advanced + paid - refunded,
                    settled=moved.get((source.pk, K.SETTLEMENT), 0),
                )  # fmt: skip
                cells["rate"] = percent(cells["disbursed"], cells["planned"])
                chart["categories"].append(source.short_name)
                for serie, name in zip(chart["series"], ("planned", "disbursed", "settled"), strict=True):
                    serie["values"].append(cells[name])
            else:
                cells.update(advanced=None, paid=None, refunded=None, disbursed=None, settled=None, rate=None)
            table.add(f"source:{source.code}", "item", stt=str(index), name=source.name, **cells)
            for name, value in cells.items():
                if isinstance(value, int):
                    subtotal[name] += value
        sub = dict(subtotal)
        if group is state:
            sub["rate"] = percent(sub.get("disbursed"), sub.get("planned"))
        table.add(f"subtotal:{number}", "subtotal", name=f"Cộng {heading[0].lower()}{heading[1:]}", **sub)
        for name, value in subtotal.items():
            totals[name] += value
    total_cells = dict(totals)
    total_cells["rate"] = percent(total_cells.get("disbursed"), sum(planned.get(s.pk, 0) for s in state))
    table.add("total", "total", name="Tổng cộng", **total_cells)
    state_planned = sum(planned.get(source.pk, 0) for source in state)
    disbursed = totals.get("disbursed", 0)
    words = [
        {"label": "Tổng kinh phí nhà nước hỗ trợ theo dự toán", "amount": state_planned,
         "words": amount_in_words(state_planned)},
        {"label": "Tổng kinh phí nhà nước đã giải ngân", "amount": disbursed, "words": amount_in_words(disbursed)},
    ]  # fmt: skip
    notes = [
        "Đã giải ngân = tạm ứng + thanh toán − hoàn trả. Tỷ lệ giải ngân so với dự toán kinh phí nhà nước. Vốn đối "
        "ứng và nguồn khác không giải ngân qua hệ thống (chỉ có dự toán).",
        ROUNDING_NOTE,
    ]
    return _table_section(table, area=area, orientation="landscape", notes=notes, chart=chart, words=words)


# --- Projects ------------------------------------------------------------------------------------------------


def _sum_subquery(queryset: QuerySet) -> Coalesce:
    summed = queryset.values("project").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(summed, output_field=BigIntegerField()), Value(0), output_field=BigIntegerField())


def _with_money(projects: QuerySet[Project], cut_off) -> QuerySet[Project]:
    """The projects with their state budget and the money approved up to the cut-off date (a report counts
    what had happened by then, so not the stored running totals of programmes.ledger)."""
    moves = MoneyMovement.objects.filter(
        project=OuterRef("pk"), status=MovementStatus.APPROVED, occurred_on__lte=cut_off
    )
    return projects.annotate(
        planned_state=_sum_subquery(BudgetLine.objects.filter(project=OuterRef("pk"), source__is_state_budget=True)),
        advanced_by_cut_off=_sum_subquery(moves.filter(kind=K.ADVANCE)),
        paid_by_cut_off=_sum_subquery(moves.filter(kind=K.PAYMENT)),
        refunded_by_cut_off=_sum_subquery(moves.filter(kind=K.REFUND)),
        settled_amount=_sum_subquery(moves.filter(kind=K.SETTLEMENT)),
    ).annotate(disbursed_by_cut_off=F("advanced_by_cut_off") + F("paid_by_cut_off") - F("refunded_by_cut_off"))


@section_kind("status_summary", "Số đề án và kinh phí theo trạng thái thực hiện")
def status_summary(area: Area, spec: dict, context: dict) -> dict:
    projects = area.projects().exclude(status=S.DRAFT)
    counts = {
        (row["status"], row["kind"]): row["n"] for row in projects.values("status", "kind").annotate(n=Count("pk"))
    }
    budget = dict(
        BudgetLine.objects.filter(project__in=projects.values("pk"), source__is_state_budget=True)
        .values("project__status")
        .annotate(t=Sum("amount"))
        .values_list("project__status", "t")
    )
    moved = _movement_totals(
        MoneyMovement.objects.filter(
            project__in=projects.values("pk"), status=MovementStatus.APPROVED, occurred_on__lte=area.cut_off
        ),
        "project__status",
    )
    columns = [
        Column("stt", "STT", width=6),
        Column("name", "Trạng thái thực hiện", width=40),
        Column("projects", "Tổng số", INT, group="Số đề án", width=9),
        Column("national", "KCQG", INT, group="Số đề án", width=9),
        Column("local", "KCĐP", INT, group="Số đề án", width=9),
        Column("planned", f"Kinh phí nhà nước theo dự toán ({area.unit_label})", MONEY, width=16),
        Column("disbursed", f"Đã giải ngân ({area.unit_label})", MONEY, width=15),
    ]
    table = Table(columns)
    totals = defaultdict(int)
    for index, status in enumerate(STATUS_ORDER, start=1):
        national, local = counts.get((status, "national"), 0), counts.get((status, "local"), 0)
        disbursed = (
            moved.get((status, K.ADVANCE), 0) + moved.get((status, K.PAYMENT), 0) - moved.get((status, K.REFUND), 0)
        )
        cells = {"projects": national + local, "national": national, "local": local,
                 "planned": budget.get(status, 0), "disbursed": disbursed}  # fmt: skip
        table.add(f"status:{status}", "item", stt=str(index), name=str(ProjectStatus(status).label), **cells)
        for name, value in cells.items():
            totals[name] += value
    table.add("total", "total", name="Tổng cộng", **dict(totals))
    return _table_section(table, area=area, notes=[ROUNDING_NOTE])


@section_kind("project_list", "Danh sách đề án và tình trạng thực hiện")
def project_list(area: Area, spec: dict, context: dict) -> dict:
    projects = (
        _with_money(area.projects().exclude(status=S.DRAFT), area.cut_off)
        .values(
            "code", "title", "status", "kind", "implementing_agency__name", "province__name", "legacy_province__name",
            "planned_state", "disbursed_by_cut_off", "settled_amount",
        )
        .order_by("code")
    )  # fmt: skip
    by_status: dict[str, list[dict]] = defaultdict(list)
    for row in projects.iterator(chunk_size=2000):
        by_status[row["status"]].append(row)
    columns = [
        Column("stt", "STT", width=6),
        Column("code", "Mã đề án", width=18),
        Column("name", "Tên đề án", width=44),
        Column("implementer", "Đơn vị thực hiện", width=26),
        Column("area", "Địa bàn", width=18),
        Column("status", "Trạng thái", width=20),
        Column("planned", "Dự toán", MONEY, group=f"Kinh phí nhà nước ({area.unit_label})", width=13),
        Column("disbursed", "Đã giải ngân", MONEY, group=f"Kinh phí nhà nước ({area.unit_label})", width=13),
        Column("settled", "Quyết toán", MONEY, group=f"Kinh phí nhà nước ({area.unit_label})", width=13),
    ]
    table = Table(columns)
    grand = defaultdict(int)
    group_number = 0
    for status in STATUS_ORDER:
        rows = by_status.get(status)
        if not rows:
            continue
        group_number += 1
        table.add(f"group:{status}", "group", stt=_roman(group_number), name=str(ProjectStatus(status).label))
        subtotal = defaultdict(int)
        for index, row in enumerate(rows, start=1):
            cells = {
                "planned": row["planned_state"],
                "disbursed": row["disbursed_by_cut_off"],
                "settled": row["settled_amount"],
            }
            table.add(
                f"project:{row['code']}", "item", stt=str(index), code=row["code"], name=row["title"],
                implementer=row["implementing_agency__name"], area=_area_text(row),
                status=state_label(status, row["kind"]), **cells,
            )  # fmt: skip
            for name, value in cells.items():
                subtotal[name] += value
        table.add(f"subtotal:{status}", "subtotal", name=f"Cộng ({len(rows)} đề án)", **dict(subtotal))
        for name, value in subtotal.items():
            grand[name] += value
    count = sum(len(rows) for rows in by_status.values())
    table.add("total", "total", name=f"Tổng cộng ({count} đề án)", **dict(grand))
    notes = [
        "Trạng thái tại ngày lập báo cáo; kinh phí giải ngân, quyết toán lũy kế đến ngày chốt số liệu.",
        ROUNDING_NOTE,
    ]
    return _table_section(table, area=area, orientation="landscape", notes=notes)


def _area_text(row: dict) -> str:
    now = row.get("province__name")
    then = row.get("legacy_province__name")
    if now is None:
        return "Nhiều tỉnh"
    if then and then != now:
        return f"{then} (nay: {now})"
    return now


def _roman(number: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    result = ""
    for value, letters in numerals:
        while number >= value:
            result += letters
            number -= value
    return result


# --- Projects' funds by content and source ------------------------------------------------------------------------


@section_kind("project_funds", "Danh sách đề án, kinh phí theo nội dung và nguồn vốn")
def project_funds(area: Area, spec: dict, context: dict) -> dict:
    sources = list(FundingSource.objects.order_by("sort_order", "code"))
    lines = (
        BudgetLine.objects.filter(project_id__in=area.counted().values("pk"))
        .values(
            "content_item_id", "project_id", "source_id", "project__code", "project__title", "project__kind",
            "project__status", "project__implementing_agency__name", "project__province__name",
            "project__legacy_province__name",
        )
        .annotate(total=Sum("amount"))
        .order_by("content_item_id", "project__code", "source_id")
    )  # fmt: skip
    by_item: dict[int, dict[int, dict]] = defaultdict(dict)
    for line in lines.iterator(chunk_size=5000):
        project = by_item[line["content_item_id"]].setdefault(
            line["project_id"],
            {"code": line["project__code"], "title": line["project__title"],
             "implementer": line["project__implementing_agency__name"],
             "area": _area_text({"province__name": line["project__province__name"],
                                 "legacy_province__name": line["project__legacy_province__name"]}),
             "status": state_label(line["project__status"], line["project__kind"]), "amounts": defaultdict(int)},
        )  # fmt: skip
        project["amounts"][line["source_id"]] += line["total"]
    unit = f"Kinh phí theo nguồn ({area.unit_label})"
    columns = [
        Column("stt", "STT", width=6),
        Column("code", "Mã đề án", width=18),
        Column("name", "Nội dung / tên đề án", width=46),
        Column("implementer", "Đơn vị thực hiện", width=24),
        Column("area", "Địa bàn", width=16),
        *[Column(f"source_{source.code}", source.short_name, MONEY, group=unit, width=13) for source in sources],
        Column("total", "Tổng cộng", MONEY, group=unit, width=14),
    ]
    table = Table(columns)
    items = ContentItem.objects.filter(pk__in=list(by_item)).select_related("group")
    items = sorted(items, key=lambda item: (item.group.number, item.sort_order, item.code))
    grand = defaultdict(int)
    current_group = None
    group_total: dict = defaultdict(int)
    group_index = 0

    def close_group() -> None:
        if current_group is not None:
            cells = {**dict(group_total), "total": sum(group_total.values())}
            table.add(f"subtotal:{current_group.code}", "subtotal", name=f"Cộng nhóm {current_group.number}", **cells)

    for item in items:
        if current_group is None or item.group_id != current_group.pk:
            close_group()
            current_group, group_total, group_index = item.group, defaultdict(int), group_index + 1
            table.add(f"group:{item.group.code}", "group", stt=_roman(group_index), name=item.group.name)
        table.add(f"item:{item.code}", "group", name=item.name)
        item_total: dict = defaultdict(int)
        for index, project in enumerate(by_item[item.pk].values(), start=1):
            cells = {f"source_{source.code}": project["amounts"].get(source.pk, 0) for source in sources}
            table.add(
                f"line:{item.code}:{project['code']}", "item", stt=str(index), code=project["code"],
                name=project["title"], implementer=project["implementer"], area=project["area"],
                total=sum(cells.values()), **cells,
            )  # fmt: skip
            for name, value in cells.items():
                item_total[name] += value
        table.add(
            f"subtotal:{item.code}", "subtotal", name=f"Cộng: {item.name}", total=sum(item_total.values()),
            **dict(item_total),
        )  # fmt: skip
        for name, value in item_total.items():
            group_total[name] += value
            grand[name] += value
    close_group()
    table.add("total", "total", name="Tổng cộng", total=sum(grand.values()), **dict(grand))
    total = sum(grand.values())
    words = [{"label": "Tổng kinh phí các đề án", "amount": total, "words": amount_in_words(total)}]
    notes = ["Đề án đã được phê duyệt của các năm kế hoạch trong kỳ; mỗi dòng là kinh phí của đề án cho nội dung đó.",
             ROUNDING_NOTE]  # fmt: skip
    return _table_section(table, area=area, orientation="landscape", notes=notes, words=words)


# --- Disbursement register ---------------------------------------------------------------------------------------


@section_kind("disbursements", "Sổ theo dõi giải ngân (tạm ứng, thanh toán, hoàn trả, quyết toán)")
def disbursements(area: Area, spec: dict, context: dict) -> dict:
    movements = MoneyMovement.objects.filter(
        status=MovementStatus.APPROVED,
        occurred_on__gte=area.period.start,
        occurred_on__lte=area.cut_off,
    )
    if area.province is not None:
        movements = movements.filter(project__province_id=area.province.pk)
    rows = movements.values(
        "pk", "occurred_on", "document_number", "kind", "amount", "note", "source_id", "project__code",
        "project__title", "project__province__name",
    ).order_by("source__sort_order", "occurred_on", "pk")  # fmt: skip
    sources = {source.pk: source for source in FundingSource.objects.all()}
    kinds = (K.ADVANCE, K.PAYMENT, K.REFUND, K.SETTLEMENT)
    group = f"Số tiền ({area.unit_label})"
    columns = [
        Column("stt", "STT", width=6),
        Column("date", "Ngày chứng từ", width=12),
        Column("document", "Số chứng từ", width=14),
        Column("code", "Mã đề án", width=16),
        Column("name", "Tên đề án / diễn giải", width=34),
        Column("area", "Tỉnh", width=12),
        *[Column(kind, str(MovementKind(kind).label), MONEY, group=group, width=20) for kind in kinds],
    ]
    table = Table(columns)
    grand = defaultdict(int)
    current = None
    subtotal: dict = defaultdict(int)
    number = 0

    def close() -> None:
        if current is not None:
            table.add(f"subtotal:{sources[current].code}", "subtotal", name=f"Cộng {sources[current].name}",
                      **dict(subtotal))  # fmt: skip

    for row in rows.iterator(chunk_size=5000):
        if row["source_id"] != current:
            close()
            current, subtotal, number = row["source_id"], defaultdict(int), 0
            table.add(f"group:{sources[current].code}", "group", name=sources[current].name)
        number += 1
        name = row["project__title"] + (f" — {row['note']}" if row["note"] else "")
        cells = {kind: (row["amount"] if row["kind"] == kind else None) for kind in kinds}
        table.add(
            f"movement:{row['pk']}", "item", stt=str(number), date=row["occurred_on"].strftime("%d/%m/%Y"),
            document=row["document_number"], code=row["project__code"], name=name,
            area=row["project__province__name"] or "Nhiều tỉnh", **cells,
        )  # fmt: skip
        subtotal[row["kind"]] += row["amount"]
        grand[row["kind"]] += row["amount"]
    close()
    table.add("total", "total", name="Tổng cộng", **{kind: grand.get(kind, 0) for kind in kinds})
    net = grand.get(K.ADVANCE, 0) + grand.get(K.PAYMENT, 0) - grand.get(K.REFUND, 0)
    words = [{"label": "Giải ngân thuần trong kỳ (tạm ứng + thanh toán − hoàn trả)", "amount": net,
              "words": amount_in_words(net) if net >= 0 else "Âm " + amount_in_words(-net).lower()}]  # fmt: skip
    notes = ["Các khoản đã được duyệt, theo ngày chứng từ trong kỳ; khoản chờ duyệt hoặc bị từ chối không ghi sổ."]
    return _table_section(table, area=area, orientation="landscape", notes=notes, words=words)


# --- National summary by province --------------------------------------------------------------------------------


def _region_of(province_ids: set[int]) -> dict[int, Region]:
    through = Region.provinces.through.objects.filter(
        region__scheme=RegionScheme.SOCIO, unit_id__in=province_ids
    ).select_related("region")
    found: dict[int, Region] = {}
    for link in sorted(through, key=lambda link: _region_rank(link.region)):
        found.setdefault(link.unit_id, link.region)
    return found


def _region_rank(region: Region) -> int:
    return REGION_ORDER.index(region.code) if region.code in REGION_ORDER else len(REGION_ORDER)


@section_kind("provinces", "Tổng hợp toàn quốc theo tỉnh, thành phố (cộng theo vùng)")
def provinces(area: Area, spec: dict, context: dict) -> dict:
    as_was = area.unit_basis == "as_was"
    key = Coalesce("legacy_province_id", "province_id") if as_was else F("province_id")
    counted = area.counted()
    projects = {
        (row["where"], row["kind"]): row["n"]
        for row in counted.annotate(where=key).values("where", "kind").annotate(n=Count("pk"))
    }
    lines = BudgetLine.objects.filter(project_id__in=counted.values("pk"), source__is_state_budget=True).annotate(
        where=Coalesce("project__legacy_province_id", "project__province_id") if as_was else F("project__province_id")
    )
    planned = {
        (row["where"], row["source__kind"]): row["t"]
        for row in lines.values("where", "source__kind").annotate(t=Sum("amount"))
    }
    moves = area.movements().annotate(
        where=Coalesce("project__legacy_province_id", "project__province_id") if as_was else F("project__province_id")
    )
    moved = {
        (row["where"], row["source__kind"], row["kind"]): row["t"]
        for row in moves.values("where", "source__kind", "kind").annotate(t=Sum("amount"))
    }
    where_ids = {where for where, _kind in projects} | {where for where, _k in planned} | {w for w, _s, _k in moved}
    ids = [pk for pk in where_ids if pk is not None]
    listed = Q(valid_to__isnull=False) if as_was else Q(valid_to__isnull=True)
    units = list(Unit.objects.filter(level=UnitLevel.PROVINCE).filter(listed | Q(pk__in=ids)).order_by("code", "key"))
    regions = _region_of({unit.pk for unit in units})
    rolled = _rolled_names(units) if as_was else {}
    status = _filing_labels(spec, area, context)

    columns = [
        Column("stt", "STT", width=6),
        Column("name", "Tỉnh, thành phố" + (" (tại thời điểm thực hiện)" if as_was else ""), width=30),
        Column("projects", "Tổng số", INT, group="Số đề án", width=8),
        Column("projects_national", "KCQG", INT, group="Số đề án", width=8),
        Column("projects_local", "KCĐP", INT, group="Số đề án", width=8),
        Column("planned_national", "KCQG", MONEY, group=f"Dự toán kinh phí nhà nước ({area.unit_label})", width=13),
        Column("planned_local", "KCĐP", MONEY, group=f"Dự toán kinh phí nhà nước ({area.unit_label})", width=13),
        Column("disbursed_national", "KCQG", MONEY, group=f"Đã giải ngân ({area.unit_label})", width=13),
        Column("disbursed_local", "KCĐP", MONEY, group=f"Đã giải ngân ({area.unit_label})", width=13),
        Column("settled", f"Quyết toán ({area.unit_label})", MONEY, width=13),
        Column("rate", "Tỷ lệ giải ngân (%)", PERCENT, width=10),
    ]
    if status:
        columns.append(Column("report", "Báo cáo kỳ này của tỉnh", TEXT, width=18))
    table = Table(columns)

    def figures(where) -> dict:
        cells = {
            "projects_national": projects.get((where, "national"), 0),
            "projects_local": projects.get((where, "local"), 0),
            "planned_national": planned.get((where, FundingKind.NATIONAL), 0),
            "planned_local": planned.get((where, FundingKind.LOCAL), 0),
        }
        cells["projects"] = cells["projects_national"] + cells["projects_local"]
        settled = 0
        for kind, name in ((FundingKind.NATIONAL, "disbursed_national"), (FundingKind.LOCAL, "disbursed_local")):
            cells[name] = (
                moved.get((where, kind, K.ADVANCE), 0) + moved.get((where, kind, K.PAYMENT), 0)
                - moved.get((where, kind, K.REFUND), 0)
            )  # fmt: skip
            settled += moved.get((where, kind, K.SETTLEMENT), 0)
        cells["settled"] = settled
        return cells

    def add_rate(cells: dict) -> dict:
        cells["rate"] = percent(
            cells["disbursed_national"] + cells["disbursed_local"], cells["planned_national"] + cells["planned_local"]
        )
        return cells

    grouped: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        region = regions.get(unit.pk)
        grouped[region.code if region else ""].append(unit)
    region_names = {region.code: region.name for region in regions.values()}
    grand: dict = defaultdict(int)
    numeric = [column.key for column in columns if column.type in (INT, MONEY)]
    order = sorted(grouped, key=lambda code: REGION_ORDER.index(code) if code in REGION_ORDER else len(REGION_ORDER))
    number = 0
    for index, code in enumerate(order, start=1):
        name = region_names.get(code, "Chưa xếp vùng")
        table.add(f"region:{code or '-'}", "group", stt=_roman(index), name=name)
        subtotal: dict = defaultdict(int)
        for unit in sorted(grouped[code], key=lambda unit: unit.code):
            number += 1
            cells = add_rate(figures(unit.pk))
            label = unit.name if unit.pk not in rolled else f"{unit.name} (nay: {rolled[unit.pk]})"
            extra = {"report": status.get(unit.pk, "")} if status else {}
            table.add(f"province:{unit.key}", "item", stt=str(number), name=label, **cells, **extra)
            for column in numeric:
                subtotal[column] += cells[column]
        table.add(f"subtotal:{code or '-'}", "subtotal", name=f"Cộng vùng {name}", **add_rate(dict(subtotal)))
        for column in numeric:
            grand[column] += subtotal[column]
    multi = add_rate(figures(None))
    if multi["projects"] or multi["planned_national"] or multi["disbursed_national"]:
        table.add("province:-", "item", name="Đề án liên tỉnh do Trung tâm Khuyến công vùng thực hiện", **multi)
        for column in numeric:
            grand[column] += multi[column]
    table.add("total", "total", name="Tổng cộng toàn quốc", **add_rate(dict(grand)))
    notes = [
        "Tỉnh, thành phố theo đơn vị hành chính tại thời điểm thực hiện đề án (đề án từ năm 2026 theo tỉnh hiện nay)."
        if as_was
        else "Tỉnh, thành phố hiện nay (34 đơn vị từ 01/07/2025); đề án trước đó được cộng vào tỉnh mà tỉnh cũ hợp "
        "nhất vào.",
        "Vùng kinh tế - xã hội.",
        ROUNDING_NOTE,
    ]
    chart = _regions_chart(table, area)
    return _table_section(table, area=area, orientation="landscape", notes=notes, chart=chart)


def _filing_labels(spec: dict, area: Area, context: dict) -> dict[int, str]:
    """{province id: the province's filing of its periodic report for the period}, when the section asks."""
    code = spec.get("options", {}).get("report_status")
    if not code or area.unit_basis == "as_was":
        return {}
    from khuyencong.reports.deadlines import filing_status

    return {row.province.pk: row.label for row in filing_status(code, area.period, today=context["today"])}


def _rolled_names(units: list[Unit]) -> dict[int, str]:
    from khuyencong.geo.selectors import roll_up_many

    legacy = [unit for unit in units if unit.valid_to is not None]
    rolled = roll_up_many(legacy)
    return {unit.pk: rolled[unit.pk].name for unit in legacy if unit.pk in rolled and rolled[unit.pk].pk != unit.pk}


def _regions_chart(table: Table, area: Area) -> dict:
    categories, planned, disbursed = [], [], []
    for row in table.rows:
        if row["kind"] == "subtotal":
            categories.append(row["cells"]["name"].removeprefix("Cộng vùng "))
            planned.append(row["cells"]["planned_national"] + row["cells"]["planned_local"])
            disbursed.append(row["cells"]["disbursed_national"] + row["cells"]["disbursed_local"])
    return {
        "kind": "barh",
        "title": f"Kinh phí nhà nước theo vùng ({area.unit_label})",
        "categories": categories,
        "series": [{"name": "Dự toán", "values": planned}, {"name": "Đã giải ngân", "values": disbursed}],
    }


# --- Provinces' reports for the period ------------------------------------------------------------------------------


@section_kind("report_status", "Tình hình gửi báo cáo định kỳ của các tỉnh")
def report_status(area: Area, spec: dict, context: dict) -> dict:
    from khuyencong.reports.deadlines import filing_status

    code = spec.get("options", {}).get("definition", "bc-dinh-ky-tinh")
    rows = filing_status(code, area.period, today=context["today"])
    columns = [
        Column("stt", "STT", width=6),
        Column("name", "Tỉnh, thành phố", width=26),
        Column("status", "Tình trạng", width=26),
        Column("due", "Hạn gửi", width=12),
        Column("sent", "Ngày gửi", width=12),
        Column("late", "Số ngày chậm", INT, width=10),
    ]
    table = Table(columns)
    sent = late = 0
    for index, row in enumerate(rows, start=1):
        table.add(
            f"province:{row.province.key}", "item", stt=str(index), name=row.province.name, status=row.label,
            due=row.due.strftime("%d/%m/%Y") if row.due else "", sent=row.sent.strftime("%d/%m/%Y") if row.sent else "",
            late=row.days_late or None,
        )  # fmt: skip
        sent += row.sent is not None
        late += bool(row.days_late)
    table.add("total", "total", name=f"Đã gửi {sent}/{len(rows)} tỉnh; chậm hạn {late}")
    notes = ["Hạn gửi theo quy định về kỳ báo cáo đang áp dụng (xem trang Mẫu báo cáo và hạn gửi)."]
    return _table_section(table, area=area, notes=notes)


# --- Indicators against targets ----------------------------------------------------------------------------------


@section_kind("indicators", "Chỉ tiêu thực hiện so với mục tiêu")
def indicators(area: Area, spec: dict, context: dict) -> dict:
    from khuyencong.reports.indicator_figures import indicator_rows

    found = indicator_rows(area)
    first, last = found.years
    year = str(last) if first == last else f"{first}–{last}"
    columns = [
        Column("stt", "STT", width=6),
        Column("name", "Chỉ tiêu", width=40),
        Column("unit", "Đơn vị tính", width=11),
        Column("year_target", "Mục tiêu", DECIMAL, group=f"Năm {year}", width=11),
        Column("planned", "Kế hoạch (đề án đã duyệt)", DECIMAL, group=f"Năm {year}", width=12),
        Column("actual", "Thực hiện (đã nghiệm thu)", DECIMAL, group=f"Năm {year}", width=12),
        Column("target", "Mục tiêu", DECIMAL, group="Cả giai đoạn của chương trình", width=11),
        Column("cumulative", "Lũy kế thực hiện", DECIMAL, group="Cả giai đoạn của chương trình", width=12),
        Column("percent", "Đạt (%)", PERCENT, group="Cả giai đoạn của chương trình", width=9),
    ]
    table = Table(columns)
    for index, row in enumerate(found.rows, start=1):
        table.add(
            f"indicator:{row['code']}", "item", stt=str(index), name=row["name"], unit=row["unit"],
            year_target=decimal_text(row["year_target"]), planned=decimal_text(row["planned"]),
            actual=decimal_text(row["actual"]), target=decimal_text(row["target"]),
            cumulative=decimal_text(row["cumulative"]), percent=_ratio(row["cumulative"], row["target"]),
        )  # fmt: skip
    return _table_section(table, area=area, orientation="landscape", notes=found.notes, programme=found.programme)


def decimal_text(value) -> str | None:
    """A decimal figure as text for the snapshot, without meaningless trailing zeros (2.00 → "2", 2.50 → "2.5")."""
    if value is None:
        return None
    number = Decimal(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ratio(part, whole) -> str | None:
    if part is None or not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
