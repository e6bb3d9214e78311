"""Every read of indicators, targets, reports and dashboards: always given the user, always scoped.

Dashboard figures come from the analytics tables only (kept by `analytics.py`), one grouped query per figure
family on indexed columns, never from the raw project, money or output tables: the summary (`Summary`, the fact
rows added up by programme, province, former province and year) for project counts, money and outputs; the fact
table (`Fact`) for what does not add up or needs the commune (distinct establishments supported, commune areas,
provinces' reported values). Tests compare each figure with an independent sum over the raw tables
(tests/indicators/test_dashboard_figures.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from operator import itemgetter

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from khuyencong.accounts.access import NATIONAL, PROVINCE, scope_queryset, user_scope
from khuyencong.accounts.roles import can, user_roles
from khuyencong.geo.models import Unit
from khuyencong.indicators.analytics import ACHIEVED_STATES, MONEY_MEASURES
from khuyencong.indicators.models import (
    Aggregation,
    Fact,
    Indicator,
    IndicatorKind,
    IndicatorSource,
    ManualReport,
    Measure,
    Summary,
    Target,
)
from khuyencong.programmes.models import (
    ContentItem,
    FundingKind,
    FundingSource,
    Programme,
    ProgrammeLevel,
    ProjectKind,
    ProjectStatus,
)
from khuyencong.programmes.selectors import programmes_visible_to
from khuyencong.programmes.workflow import APPROVED_STATES

UNITS_NOW, UNITS_THEN = "now", "then"
# "Units as they were" means the 63 provinces before the reform of 1 July 2025: years after it have none.
LAST_LEGACY_YEAR = 2025
TWO_PLACES = Decimal("0.01")
MILLION = Decimal(1_000_000)


# --- Filters ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What every figure of a dashboard is restricted to (from the query string, see forms.DashboardFilterForm)."""

    programme: Programme | None = None
    year_from: int | None = None
    year_to: int | None = None
    source: FundingSource | None = None
    units: str = UNITS_NOW

    @property
    def last_year(self) -> int | None:
        """The last year counted: "units as they were" stops at 2025."""
        if self.units == UNITS_THEN:
            return min(self.year_to or LAST_LEGACY_YEAR, LAST_LEGACY_YEAR)
        return self.year_to

    @property
    def clamped(self) -> bool:
        return self.units == UNITS_THEN and (self.year_to is None or self.year_to > LAST_LEGACY_YEAR)

    @property
    def project_kind(self) -> str | None:
        """Project-level figures under a source filter: KCQG → national projects, KCĐP → local ones."""
        if self.source is None:
            return None
        return {FundingKind.NATIONAL: ProjectKind.NATIONAL, FundingKind.LOCAL: ProjectKind.LOCAL}.get(self.source.kind)

    def describe(self) -> str:
        """The filters in words, for export headers."""
        years = f"{self.year_from or '…'}–{self.last_year or '…'}" if self.year_from or self.last_year else "tất cả"
        parts = [
            f"Chương trình: {self.programme.name if self.programme else 'tất cả'}",
            f"Năm: {years}",
            f"Nguồn vốn: {self.source.short_name if self.source else 'tất cả'}",
            "Đơn vị: " + ("như khi thực hiện (63 tỉnh cũ, đến 2025)" if self.units == UNITS_THEN else "hiện nay"),
        ]
        return "; ".join(parts)


def default_programme(user) -> Programme | None:
    """The programme a dashboard opens on: the latest national programme already started that has targets."""
    from django.utils import timezone

    return (
        programmes_visible_to(user)
        .filter(level=ProgrammeLevel.NATIONAL, start_year__lte=timezone.localdate().year, targets__isnull=False)
        .order_by("-start_year")
        .distinct()
        .first()
    )


# --- Fact querysets -----------------------------------------------------------------------------------------


# The columns a page groups reported values by (`actuals(by=…)`), and where each sits in a `manual_values` row.
MANUAL_KEYS = ("year", "province_id", "legacy_province_id", "commune_id")
_MANUAL_AT = {name: 1 + index for index, name in enumerate(MANUAL_KEYS)}


@dataclass(frozen=True)
class FactQuery:
    """The fact (or summary) rows a page may sum: the user's scope, the page's province and the filters."""

    user: object
    province: Unit | None
    filters: Filters

    def _scoped(self, model: type[Fact] | type[Summary]) -> QuerySet:
        return scope_queryset(self.user, model.objects.all(), province="province_id", establishment=None)

    def _base(self, model: type[Fact] | type[Summary] = Fact) -> QuerySet:
        facts = self._scoped(model)
        if self.province is not None:
            facts = facts.filter(province=self.province)
        if self.filters.year_from:
            facts = facts.filter(year__gte=self.filters.year_from)
        if self.filters.last_year:
            facts = facts.filter(year__lte=self.filters.last_year)
        return facts

    def projects(self, *measures: str, summary: bool = False) -> QuerySet:
        """Project-derived rows of these measures (source filter applied as the project's kind), from the summary
        when `summary` (its rows carry `projects`, `row_count`, `amount` and `value` sums instead of ids)."""
        facts = self._base(Summary if summary else Fact).filter(measure__in=measures)
        if self.filters.programme is not None:
            facts = facts.filter(programme=self.filters.programme)
        if self.filters.project_kind:
            facts = facts.filter(project_kind=self.filters.project_kind)
        return facts

    def money(self) -> QuerySet[Summary]:
        """Money rows of the summary (by programme, provinces, year and source)."""
        facts = self._base(Summary).filter(measure__in=MONEY_MEASURES)
        if self.filters.programme is not None:
            facts = facts.filter(programme=self.filters.programme)
        if self.filters.source is not None:
            facts = facts.filter(source=self.filters.source)
        return facts

    def manual(self) -> QuerySet[Fact]:
        """Approved provincial values: reported per province and period, not per programme or source, so a
        programme filter keeps the values of the programme's years."""
        facts = self._base().filter(measure=Measure.MANUAL)
        if self.filters.programme is not None:
            programme = self.filters.programme
            facts = facts.filter(year__gte=programme.start_year, year__lte=programme.end_year)
        return facts

    @cached_property
    def supported_establishments(self) -> tuple[int, int]:
        """(establishments supported, of which by achieved projects) in one pass over the supported rows: the
        page's KPI and its beneficiaries indicator would otherwise each count them (the slowest statements)."""
        counts = self.projects(Measure.SUPPORTED).aggregate(
            supported=Count("establishment", distinct=True),
            achieved=Count("establishment", distinct=True, filter=Q(status__in=ACHIEVED_STATES)),
        )
        return counts["supported"], counts["achieved"]

    @cached_property
    def manual_values(self) -> list[tuple]:
        """`manual()` as (indicator id, *MANUAL_KEYS, half, value, female, ethnic minority) tuples, read once:
        a dashboard adds them up for the whole page and again by area (≈ 1,500 rows nationally)."""
        return list(
            self.manual().values_list(
                "indicator_id", *MANUAL_KEYS, "half", "value", "value_female", "value_ethnic_minority"
            )
        )


# --- Indicator actuals ----------------------------------------------------------------------------------------


@dataclass
class Actual:
    planned: Decimal | None = None
    actual: Decimal | None = None
    female: Decimal | None = None
    ethnic_minority: Decimal | None = None


def _plain(value: Decimal | None) -> Decimal | None:
    """2.00 → 2, 2.50 → 2.5: figures as people write them (equal as numbers either way)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _total(rows: list[tuple], index: int) -> Decimal | None:
    """The sum of column `index` over the rows that have a value; None when none has."""
    values = [row[index] for row in rows if row[index] is not None]
    return sum(map(Decimal, values), Decimal(0)) if values else None


def aggregate_manual(aggregation: str, rows: list[tuple]) -> Actual:
    """Aggregate one indicator's reported values: rows of (province id, year, half, value, female, ethnic)."""
    if not rows:
        return Actual()
    if aggregation == Aggregation.AVERAGE:
        mean = sum(Decimal(row[3]) for row in rows) / len(rows)
        return Actual(actual=mean.quantize(TWO_PLACES, rounding=ROUND_HALF_UP))
    if aggregation == Aggregation.LATEST:
        latest: dict[int, tuple] = {}
        for row in rows:
            if row[0] not in latest or (row[1], row[2]) > latest[row[0]][1:3]:
                latest[row[0]] = row
        rows = list(latest.values())
    return Actual(actual=_total(rows, 3), female=_total(rows, 4), ethnic_minority=_total(rows, 5))


def actuals(
    query: FactQuery, indicators: list[Indicator], *, by: tuple[str, ...] = (), planned: bool = True
) -> dict[tuple, Actual]:
    """{(indicator id, *values of `by`): Actual} for every indicator with something to show.

    `by` groups further by fact columns of MANUAL_KEYS (e.g. ("year",), ("province_id",)). Outputs add up
    accepted actual values (and, unless `planned` is False, planned values of approved projects); beneficiaries
    count distinct establishments of accepted projects; reported values aggregate as the indicator says (sum,
    average, latest per province).
    """
    result: dict[tuple, Actual] = defaultdict(Actual)
    by = tuple(by)
    if any(i.source == IndicatorSource.OUTPUTS for i in indicators):
        measures = (Measure.OUTPUT_PLANNED, Measure.OUTPUT_ACTUAL) if planned else (Measure.OUTPUT_ACTUAL,)
        rows = (
            query.projects(*measures, summary="commune_id" not in by)
            .values("measure", "indicator_id", *by)
            .annotate(total=Sum("value"))
            .values_list("measure", "indicator_id", "total", *by)
            .order_by()
        )
        for measure, indicator_id, total, *values in rows:
            if measure == Measure.OUTPUT_ACTUAL:
                result[(indicator_id, *values)].actual = Decimal(total)
            else:
                result[(indicator_id, *values)].planned = Decimal(total)
    counted = [i for i in indicators if i.source == IndicatorSource.BENEFICIARIES]
    if counted:
        if by:
            supported = query.projects(Measure.SUPPORTED).filter(status__in=ACHIEVED_STATES)
            rows = list(supported.values(*by).annotate(n=Count("establishment", distinct=True)).order_by())
        else:
            achieved = query.supported_establishments[1]
            rows = [{"n": achieved}] if achieved else []
        for row in rows:
            for indicator in counted:
                result[(indicator.pk, *(row[name] for name in by))].actual = Decimal(row["n"])
    manual = {i.pk: i for i in indicators if i.source == IndicatorSource.MANUAL}
    if manual:
        key_of = itemgetter(0, *(_MANUAL_AT[name] for name in by)) if by else lambda row: (row[0],)
        province_at, year_at, rest_at = _MANUAL_AT["province_id"], _MANUAL_AT["year"], 1 + len(MANUAL_KEYS)
        grouped: dict[tuple, list[tuple]] = defaultdict(list)
        for row in query.manual_values:
            if row[0] in manual:
                # aggregate_manual's (province id, year, half, value, female, ethnic minority)
                grouped[key_of(row)].append((row[province_at], row[year_at], *row[rest_at:]))
        for key, rows in grouped.items():
            result[key] = aggregate_manual(manual[key[0]].aggregation, rows)
    return dict(result)


# --- Targets ---------------------------------------------------------------------------------------------------


def _target_rows(programme: Programme, province: Unit | None) -> QuerySet[Target]:
    """The targets that apply to a page: the programme-wide ones on the national page (and for a provincial
    programme, whose area is its province), else the targets given to the province (legacy ones rolled up)."""
    targets = Target.objects.filter(programme=programme)
    if province is None or programme.level == ProgrammeLevel.PROVINCIAL:
        return targets.filter(unit__isnull=True)
    return targets.filter(province=province)


def targets_for(programme: Programme | None, province: Unit | None, filters: Filters) -> dict[int, Decimal | None]:
    """{indicator id: target} for the page's years: the whole-period target when the years cover the programme
    (or the sum of its yearly targets when none was set for the period), else the sum of the yearly targets of
    the years shown. Qualitative targets (no value) and missing ones are absent."""
    if programme is None:
        return {}
    first = max(filters.year_from or programme.start_year, programme.start_year)
    last = min(filters.last_year or programme.end_year, programme.end_year)
    whole = first == programme.start_year and last == programme.end_year
    period: dict[int, Decimal] = {}
    yearly: dict[int, Decimal] = {}
    for indicator_id, year, value in _target_rows(programme, province).values_list(
        "indicator_id", "year", "target_value"
    ):
        if value is None:
            continue
        if year is None:
            period[indicator_id] = period.get(indicator_id, Decimal(0)) + value
        elif first <= year <= last:
            yearly[indicator_id] = yearly.get(indicator_id, Decimal(0)) + value
    if whole:
        return {**yearly, **period}
    return yearly


@dataclass
class ProgressRow:
    indicator: Indicator
    target: Decimal | None
    planned: Decimal | None
    actual: Decimal | None
    female: Decimal | None = None
    ethnic_minority: Decimal | None = None

    @property
    def percent(self) -> Decimal | None:
        """Achieved, in % of the target."""
        return _percent(self.actual, self.target)

    @property
    def planned_percent(self) -> Decimal | None:
        """Achieved, in % of what the approved projects planned."""
        return _percent(self.actual, self.planned)


def _percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if not whole or part is None:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def progress(query: FactQuery) -> list[ProgressRow]:
    """Target, planned and achieved per active indicator (outputs first, then outcomes)."""
    indicators = list(Indicator.objects.filter(is_active=True))
    found = actuals(query, indicators)
    targets = targets_for(query.filters.programme, query.province, query.filters)
    rows = []
    for indicator in sorted(indicators, key=lambda i: (i.kind != IndicatorKind.OUTPUT, i.sort_order, i.code)):
        value = found.get((indicator.pk,), Actual())
        rows.append(
            ProgressRow(
                indicator=indicator, target=_plain(targets.get(indicator.pk)), planned=_plain(value.planned),
                actual=_plain(value.actual), female=_plain(value.female), ethnic_minority=_plain(value.ethnic_minority),
            )
        )  # fmt: skip
    return rows


def target_warnings(programme: Programme, *, province: Unit | None = None) -> list[str]:
    """Where the parts add up to more than the whole (a warning, never a block): the provinces' targets against
    the national target of the same indicator and period, and the yearly national targets against the
    whole-period one. With `province`, only the warnings about sums that include it."""
    rows = list(
        Target.objects.filter(programme=programme, target_value__isnull=False).values_list(
            "indicator_id", "indicator__name", "unit_id", "province_id", "year", "target_value"
        )
    )
    national: dict[tuple[int, int | None], Decimal] = {}
    provinces: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
    yearly: dict[int, Decimal] = defaultdict(Decimal)
    touching: set[tuple[int, int | None]] = set()
    names = {}
    for indicator_id, name, unit_id, province_id, year, value in rows:
        names[indicator_id] = name
        if unit_id is None:
            national[(indicator_id, year)] = value
            if year is not None:
                yearly[indicator_id] += value
        else:
            provinces[(indicator_id, year)] += value
            if province is not None and province_id == province.pk:
                touching.add((indicator_id, year))
    warnings = []
    for key, total in sorted(provinces.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        whole = national.get(key)
        if whole is not None and total > whole and (province is None or key in touching):
            warnings.append(
                f"{names[key[0]]} ({_period_text(key[1])}): tổng mục tiêu giao các tỉnh {number_text(total)} "
                f"vượt mục tiêu chung {number_text(whole)}."
            )
    if province is None:
        for indicator_id, total in sorted(yearly.items()):
            whole = national.get((indicator_id, None))
            if whole is not None and total > whole:
                warnings.append(
                    f"{names[indicator_id]}: tổng mục tiêu các năm {number_text(total)} vượt mục tiêu cả giai đoạn "
                    f"{number_text(whole)}."
                )
    return warnings


def _period_text(year: int | None) -> str:
    return "cả giai đoạn" if year is None else f"năm {year}"


def number_text(value: Decimal) -> str:
    """A figure as Vietnamese write it (1.600; 55,5), for messages."""
    from khuyencong.core.templatetags.vi_format import so

    return so(_plain(value))


def targets_visible_to(user) -> QuerySet[Target]:
    """National scope: every target. A province: the programme-wide targets of the programmes it sees and the
    targets given to it (legacy provinces included); never another province's."""
    scope = user_scope(user)
    targets = Target.objects.select_related("programme", "indicator", "unit", "province", "updated_by")
    if not user_roles(user):
        return targets.none()
    if scope.kind == NATIONAL:
        return targets
    if scope.kind == PROVINCE:
        return targets.filter(
            Q(unit__isnull=True, programme__in=programmes_visible_to(user)) | Q(province_id=scope.province_id)
        )
    return targets.none()


def target_list(user, *, programme: Programme, indicator: Indicator | None = None, year=None, province=None):
    targets = targets_visible_to(user).filter(programme=programme)
    if indicator is not None:
        targets = targets.filter(indicator=indicator)
    if year == "period":
        targets = targets.filter(year__isnull=True)
    elif year:
        targets = targets.filter(year=year)
    if province is not None:
        targets = targets.filter(province=province)
    return targets.order_by("indicator__sort_order", "year", "unit__code", "pk")


@dataclass
class TargetSummary:
    indicator: Indicator
    national: Decimal | None
    provinces: Decimal | None
    over: bool


def target_summary(user, programme: Programme, *, year: int | None) -> list[TargetSummary]:
    """Per indicator with a target in the programme: the programme-wide target and the sum of the provinces'
    targets (what the user may see) for the whole period (`year` None) or one year."""
    targets = targets_visible_to(user).filter(programme=programme, year=year)
    national: dict[int, Decimal | None] = {}
    provinces: dict[int, Decimal] = defaultdict(Decimal)
    for indicator_id, unit_id, value in targets.values_list("indicator_id", "unit_id", "target_value"):
        if unit_id is None:
            national[indicator_id] = value
        elif value is not None:
            provinces[indicator_id] += value
    indicators = Indicator.objects.in_bulk(set(national) | set(provinces))
    rows = [
        TargetSummary(
            indicator=indicators[pk],
            national=national.get(pk),
            provinces=provinces.get(pk),
            over=national.get(pk) is not None and provinces.get(pk, 0) > national[pk],
        )  # fmt: skip
        for pk in indicators
    ]
    return sorted(rows, key=lambda row: (row.indicator.sort_order, row.indicator.code))


# --- Reports -----------------------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[ManualReport]:
    return scope_queryset(
        user, ManualReport.objects.select_related("province", "created_by", "submitted_by", "approved_by"),
        province="province_id", establishment=None,
    )  # fmt: skip


def report_list(user, *, filters: dict) -> QuerySet[ManualReport]:
    reports = reports_visible_to(user)
    for name in ("year", "status", "province"):
        if filters.get(name):
            reports = reports.filter(**{name: filters[name]})
    return reports.annotate(value_count=Count("values")).order_by("-year", "-half", "province__code")


def report_indicators(report: ManualReport) -> QuerySet[Indicator]:
    """The indicators a report holds: the reported ones of its period kind (annual or half-yearly)."""
    return Indicator.objects.filter(source=IndicatorSource.MANUAL, is_active=True, period_kind=report.period_kind)


def awaiting_reports(user) -> QuerySet[ManualReport]:
    """Reports waiting for this user's step: submission by the Sở's leader, approval by the Cục."""
    from khuyencong.indicators.services import REPORT_STEPS

    condition = Q(pk__in=[])
    for step in REPORT_STEPS:
        body = step.body.objects_q(user)
        if step.action in ("submit", "approve") and can(user, step.capability) and body is not None:
            condition |= Q(status=step.source) & body
    return reports_visible_to(user).filter(condition, values__isnull=False).distinct()


# --- Dashboards --------------------------------------------------------------------------------------------------


@dataclass
class FundsRow:
    year: int
    source: FundingSource
    planned: int = 0
    advanced: int = 0
    paid: int = 0
    refunded: int = 0
    settled: int = 0

    @property
    def disbursed(self) -> int:
        return self.advanced + self.paid - self.refunded


def funds(query: FactQuery) -> list[FundsRow]:
    """Planned and moved money per plan year and source (one grouped query)."""
    sources = FundingSource.objects.in_bulk()
    rows: dict[tuple[int, int], FundsRow] = {}
    for row in query.money().values("year", "source_id", "measure").annotate(total=Sum("amount")).order_by():
        key = (row["year"], row["source_id"])
        if key not in rows:
            rows[key] = FundsRow(year=row["year"], source=sources[row["source_id"]])
        setattr(rows[key], row["measure"], int(row["total"]))
    return sorted(rows.values(), key=lambda r: (r.year, r.source.sort_order, r.source.code))


@dataclass
class Kpis:
    projects: int
    approved_projects: int
    state_planned: int
    disbursed: int
    settled: int
    establishments: int


def kpis(query: FactQuery, fund_rows: list[FundsRow], statuses: list[dict]) -> Kpis:
    """The headline figures, from what the page has already read (`funds`, `projects_by_status`) and the count of
    supported establishments."""
    state = [row for row in fund_rows if row.source.is_state_budget]
    return Kpis(
        projects=sum(row["count"] for row in statuses),
        approved_projects=sum(row["count"] for row in statuses if row["status"] in APPROVED_STATES),
        state_planned=sum(r.planned for r in state), disbursed=sum(r.disbursed for r in state),
        settled=sum(r.settled for r in state), establishments=query.supported_establishments[0],
    )  # fmt: skip


def projects_by_status(query: FactQuery) -> list[dict]:
    """Projects per status, in the workflow's order (statuses without projects left out)."""
    counts = dict(
        query.projects(Measure.PROJECT, summary=True)
        .values("status")
        .annotate(n=Sum("projects"))
        .values_list("status", "n")
    )
    return [
        {"status": status, "label": str(ProjectStatus(status).label), "count": counts[status]}
        for status in ProjectStatus.values
        if counts.get(status)
    ]


def projects_by_content(query: FactQuery) -> list[dict]:
    """Projects per content item (a project with two contents counts under each: one fact row per content)."""
    counts = dict(
        query.projects(Measure.PROJECT, summary=True)
        .values("content_item_id")
        .annotate(n=Sum("row_count"))
        .values_list("content_item_id", "n")
    )
    items = ContentItem.objects.in_bulk([pk for pk in counts if pk is not None])
    rows = [
        {"item": items.get(pk), "label": items[pk].name if pk in items else "Chưa chọn nội dung", "count": n}
        for pk, n in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["label"]))


# Areas: provinces on the national page, communes (today's units) or the former provinces (as they were) on a
# province's page.
LEVEL_PROVINCE, LEVEL_LEGACY, LEVEL_COMMUNE = "province", "legacy", "commune"


@dataclass
class Area:
    unit: Unit | None
    url: str = ""
    projects: int = 0
    state_planned: int = 0
    disbursed: int = 0
    settled: int = 0
    establishments: int = 0
    support: int = 0
    indicators: dict[int, Decimal] = field(default_factory=dict)

    @cached_property
    def name(self) -> str:
        """Read by the sort, the table and the map (set once `unit` is)."""
        if self.unit is None:
            return "Đề án nhiều tỉnh (không gắn một tỉnh)"
        return f"{self.unit} (cũ)" if self.unit.valid_to else str(self.unit)


def area_level(province: Unit | None, filters: Filters) -> str:
    if filters.units == UNITS_THEN:
        return LEVEL_LEGACY
    return LEVEL_PROVINCE if province is None else LEVEL_COMMUNE


# An id no unit has: an area's link is reversed once with it, then each area's id put in its place (a reverse()
# costs ≈ 25 µs: 35 areas on the national page, a province's page has one per commune).
_ID_SLOT = 987_654_321


def _link_per_id(name: str, slot: str, **kwargs) -> Callable[[int], str]:
    pattern = reverse(name, kwargs={**kwargs, slot: _ID_SLOT})
    return lambda pk: pattern.replace(str(_ID_SLOT), str(pk))


def _area_urls(level: str, province: Unit | None, units: dict[int, Unit], rolled: dict[int, int]) -> dict:
    if level == LEVEL_COMMUNE:
        link = _link_per_id("dashboards:commune", "commune_id", province_id=province.pk)
        return {pk: link(pk) for pk in units}
    if province is not None:
        return {}
    link = _link_per_id("dashboards:province", "province_id")
    return {pk: link(rolled.get(pk, pk)) for pk in units if rolled.get(pk, pk)}


def areas(query: FactQuery, indicators: list[Indicator]) -> tuple[str, list[Area]]:
    """The page's areas with their figures (five grouped queries), largest planned funds first."""
    level = area_level(query.province, query.filters)
    key = {LEVEL_PROVINCE: "province_id", LEVEL_LEGACY: "legacy_province_id", LEVEL_COMMUNE: "commune_id"}[level]
    found: dict[int | None, Area] = {}

    def area(pk) -> Area:
        return found.setdefault(pk, Area(unit=None))

    rolled: dict[int, int] = {}
    if level == LEVEL_COMMUNE:
        for row in (
            query.projects(Measure.SUPPORTED)
            .values(key)
            .annotate(
                n=Count("establishment", distinct=True), projects=Count("project", distinct=True), money=Sum("amount")
            )
            .order_by()
        ):
            target = area(row[key])
            target.establishments, target.projects, target.support = row["n"], row["projects"], int(row["money"])
    else:
        for row in (
            query.projects(Measure.PROJECT, summary=True)
            .filter(status__in=APPROVED_STATES)
            .values(key, "province_id")
            .annotate(n=Sum("projects"))
            .order_by()
        ):
            area(row[key]).projects += row["n"]
            rolled[row[key]] = row["province_id"]
        for row in query.money().values(key, "measure", "source__is_state_budget").annotate(t=Sum("amount")).order_by():
            target, total = area(row[key]), int(row["t"])
            if row["measure"] == Measure.PLANNED and row["source__is_state_budget"]:
                target.state_planned += total
            elif row["measure"] in (Measure.ADVANCED, Measure.PAID):
                target.disbursed += total
            elif row["measure"] == Measure.REFUNDED:
                target.disbursed -= total
            elif row["measure"] == Measure.SETTLED:
                target.settled += total
        # One pass over the supported rows gives both the area's establishments and the beneficiaries
        # indicator (the distinct establishments of achieved projects), which `actuals` would count again.
        counted = [i for i in indicators if i.source == IndicatorSource.BENEFICIARIES]
        achieved = Count("establishment", distinct=True, filter=Q(status__in=ACHIEVED_STATES))
        for row in (
            query.projects(Measure.SUPPORTED)
            .values(key)
            .annotate(n=Count("establishment", distinct=True), money=Sum("amount"), achieved=achieved)
            .order_by()
        ):
            target = area(row[key])
            target.establishments, target.support = row["n"], int(row["money"])
            if row["achieved"]:
                for indicator in counted:
                    target.indicators[indicator.pk] = Decimal(row["achieved"])
        others = [i for i in indicators if i.source != IndicatorSource.BENEFICIARIES]
        for (indicator_id, pk), value in actuals(query, others, by=(key,), planned=False).items():
            if value.actual is not None:
                area(pk).indicators[indicator_id] = value.actual
    units = Unit.objects.in_bulk([pk for pk in found if pk is not None])
    urls = _area_urls(level, query.province, units, rolled)
    for pk, target in found.items():
        target.unit = units.get(pk)
        target.url = urls.get(pk, "")
    return level, sorted(found.values(), key=lambda a: (a.unit is None, -a.state_planned, -a.support, a.name))


@dataclass
class Dashboard:
    province: Unit | None
    filters: Filters
    kpis: Kpis
    progress: list[ProgressRow]
    funds: list[FundsRow]
    statuses: list[dict]
    contents: list[dict]
    level: str
    areas: list[Area]
    warnings: list[str]


def dashboard(user, *, province: Unit | None, filters: Filters) -> Dashboard:
    """Every figure of the national (province None) or a province's dashboard, from the fact table."""
    query = FactQuery(user=user, province=province, filters=filters)
    fund_rows = funds(query)
    rows = progress(query)
    level, area_rows = areas(query, [row.indicator for row in rows])
    warnings = target_warnings(filters.programme, province=province) if filters.programme else []
    statuses = projects_by_status(query)
    return Dashboard(
        province=province, filters=filters, kpis=kpis(query, fund_rows, statuses), progress=rows, funds=fund_rows,
        statuses=statuses, contents=projects_by_content(query), level=level, areas=area_rows, warnings=warnings,
    )  # fmt: skip


def commune_support(user, *, province: Unit, commune: Unit, filters: Filters) -> QuerySet[Fact]:
    """The support rows of one commune (establishment × project × content), for the drill-down list."""
    query = FactQuery(user=user, province=province, filters=filters)
    return (
        query.projects(Measure.SUPPORTED)
        .filter(commune=commune)
        .select_related("project", "establishment", "content_item")
        .order_by("-year", "project__code", "establishment__name", "pk")
    )


def to_million(amount: int) -> Decimal:
    """Đồng → triệu đồng, exact to the đồng (six decimals at most)."""
    return (Decimal(amount) / MILLION).normalize()


def programme_progress(user, programme: Programme) -> list[dict]:
    """Each programme-wide target with what the user's scope achieved over the programme's period (the programme
    page and its API)."""
    targets = list(programme.targets.filter(unit__isnull=True, year__isnull=True).select_related("indicator"))
    filters = Filters(programme=programme, year_from=programme.start_year, year_to=programme.end_year)
    found = actuals(FactQuery(user=user, province=None, filters=filters), [target.indicator for target in targets])
    return [
        {"target": target, "achieved": found.get((target.indicator_id,), Actual()).actual or Decimal(0)}
        for target in targets
    ]
