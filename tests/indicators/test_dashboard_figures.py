"""Every dashboard figure equals an independent sum over the raw tables (projects, budget lines, movements,
outputs, beneficiaries, reports), computed here without the fact table, under several scopes and filters."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Count, Sum

from khuyencong.accounts.models import User
from khuyencong.geo.models import Unit
from khuyencong.indicators.models import Aggregation, Indicator, IndicatorSource, ManualValue, ReportStatus
from khuyencong.indicators.selectors import UNITS_NOW, UNITS_THEN, Filters, dashboard
from khuyencong.programmes.models import (
    BudgetLine,
    FundingSource,
    MoneyMovement,
    MovementStatus,
    Programme,
    Project,
    ProjectBeneficiary,
    ProjectOutput,
    ProjectStatus,
)
from khuyencong.programmes.workflow import APPROVED_STATES

S = ProjectStatus
ACHIEVED = (S.ACCEPTED, S.SETTLED, S.CLOSED)
KIND_OF_SOURCE = {"national": "national", "local": "local"}


class Raw:
    """The figures straight from the records, for one scope (province or country) and one set of filters."""

    def __init__(self, province: Unit | None, filters: Filters):
        self.province, self.filters = province, filters
        projects = Project.objects.all()
        if province is not None:
            projects = projects.filter(province=province)
        if filters.programme:
            projects = projects.filter(programme=filters.programme)
        if filters.year_from:
            projects = projects.filter(year__gte=filters.year_from)
        last = filters.year_to
        if filters.units == UNITS_THEN:
            last = min(last or 2025, 2025)
        if last:
            projects = projects.filter(year__lte=last)
        self.money_projects = projects
        kind = KIND_OF_SOURCE.get(filters.source.kind) if filters.source else None
        self.projects = projects.filter(kind=kind) if kind else projects
        self.approved = self.projects.filter(status__in=APPROVED_STATES)
        self.achieved = self.projects.filter(status__in=ACHIEVED)
        self.last = last

    def movements(self):
        rows = MoneyMovement.objects.filter(project__in=self.money_projects, status=MovementStatus.APPROVED)
        return rows.filter(source=self.filters.source) if self.filters.source else rows

    def budget(self):
        rows = BudgetLine.objects.filter(project__in=self.money_projects.filter(status__in=APPROVED_STATES))
        return rows.filter(source=self.filters.source) if self.filters.source else rows

    def kpis(self) -> dict:
        moved = dict(self.movements().values("kind").annotate(t=Sum("amount")).values_list("kind", "t"))
        return {
            "projects": self.projects.count(),
            "approved_projects": self.approved.count(),
            "state_planned": self.budget().filter(source__is_state_budget=True).aggregate(t=Sum("amount"))["t"] or 0,
            "disbursed": moved.get("advance", 0) + moved.get("payment", 0) - moved.get("refund", 0),
            "settled": moved.get("settlement", 0),
            "establishments": ProjectBeneficiary.objects.filter(project__in=self.approved)
            .values("establishment")
            .distinct()
            .count(),
        }

    def funds(self) -> dict:
        rows = defaultdict(lambda: defaultdict(int))
        for year, source, total in self.budget().values_list("project__year", "source__code").annotate(t=Sum("amount")):
            rows[(year, source)]["planned"] = total
        names = {"advance": "advanced", "payment": "paid", "refund": "refunded", "settlement": "settled"}
        for year, source, kind, total in (
            self.movements().values_list("project__year", "source__code", "kind").annotate(t=Sum("amount"))
        ):
            rows[(year, source)][names[kind]] = total
        return {key: dict(value) for key, value in rows.items()}

    def reported(self):
        values = ManualValue.objects.filter(report__status=ReportStatus.APPROVED)
        if self.filters.programme:
            values = values.filter(
                report__year__gte=self.filters.programme.start_year, report__year__lte=self.filters.programme.end_year
            )
        if self.province is not None:
            values = values.filter(report__province=self.province)
        if self.filters.year_from:
            values = values.filter(report__year__gte=self.filters.year_from)
        if self.last:
            values = values.filter(report__year__lte=self.last)
        return values

    def progress(self) -> dict[str, tuple]:
        """{indicator code: (planned, actual, female, ethnic minority)}."""
        result = {}
        planned = dict(
            ProjectOutput.objects.filter(project__in=self.approved, indicator__source=IndicatorSource.OUTPUTS)
            .values_list("indicator__code")
            .annotate(t=Sum("planned_value"))
        )
        actual = dict(
            ProjectOutput.objects.filter(
                project__in=self.achieved, actual_value__isnull=False, indicator__source=IndicatorSource.OUTPUTS
            )
            .values_list("indicator__code")
            .annotate(t=Sum("actual_value"))
        )
        supported = ProjectBeneficiary.objects.filter(project__in=self.achieved).values("establishment").distinct()
        for indicator in Indicator.objects.filter(is_active=True):
            code = indicator.code
            if indicator.source == IndicatorSource.OUTPUTS:
                result[code] = (planned.get(code), actual.get(code), None, None)
            elif indicator.source == IndicatorSource.BENEFICIARIES:
                count = supported.count()
                result[code] = (None, Decimal(count) if count else None, None, None)
            else:
                rows = list(
                    self.reported()
                    .filter(indicator=indicator)
                    .values_list(
                        "report__province_id",
                        "report__year",
                        "report__half",
                        "value",
                        "value_female",
                        "value_ethnic_minority",
                    )  # fmt: skip
                )
                result[code] = self._reported(indicator.aggregation, rows)
        return result

    @staticmethod
    def _reported(aggregation: str, rows: list[tuple]) -> tuple:
        if not rows:
            return (None, None, None, None)
        if aggregation == Aggregation.AVERAGE:
            mean = sum(row[3] for row in rows) / len(rows)
            return (None, mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), None, None)
        if aggregation == Aggregation.LATEST:
            by_province = {}
            for row in sorted(rows, key=lambda r: (r[1], r[2])):
                by_province[row[0]] = row
            rows = list(by_province.values())

        def total(index):
            parts = [row[index] for row in rows if row[index] is not None]
            return sum(parts) if parts else None

        return (None, total(3), total(4), total(5))

    def statuses(self) -> dict[str, int]:
        return dict(self.projects.values_list("status").annotate(n=Count("pk")))

    def contents(self) -> dict[str | None, int]:
        counts = dict(
            Project.content_items.through.objects.filter(project__in=self.projects)
            .values_list("contentitem__name")
            .annotate(n=Count("project", distinct=True))
        )
        bare = self.projects.filter(content_items__isnull=True).count()
        if bare:
            counts["Chưa chọn nội dung"] = bare
        return counts

    def areas(self) -> dict:
        """{area unit id: figures}: provinces, provinces as recorded (then), or communes (a province's page)."""
        if self.filters.units == UNITS_THEN:
            return self._areas(lambda p: p.legacy_province_id or p.province_id)
        if self.province is None:
            return self._areas(lambda p: p.province_id)
        rows = defaultdict(lambda: {"establishments": set(), "projects": set(), "support": 0})
        for project_id, establishment, commune, support in ProjectBeneficiary.objects.filter(
            project__in=self.approved
        ).values_list("project_id", "establishment_id", "establishment__commune_id", "planned_support"):
            rows[commune]["establishments"].add(establishment)
            rows[commune]["projects"].add(project_id)
            rows[commune]["support"] += support
        return {
            key: {"establishments": len(v["establishments"]), "projects": len(v["projects"]), "support": v["support"]}
            for key, v in rows.items()
        }

    def _areas(self, area_of) -> dict:
        rows = defaultdict(lambda: defaultdict(int))
        where = {p.pk: area_of(p) for p in self.money_projects}
        for project in self.approved:
            rows[where[project.pk]]["projects"] += 1
        for project_id, amount in self.budget().filter(source__is_state_budget=True).values_list("project", "amount"):
            rows[where[project_id]]["state_planned"] += amount
        sign = {"advance": 1, "payment": 1, "refund": -1}
        for project_id, kind, amount in self.movements().values_list("project", "kind", "amount"):
            if kind in sign:
                rows[where[project_id]]["disbursed"] += sign[kind] * amount
            else:
                rows[where[project_id]]["settled"] += amount
        seen = defaultdict(set)
        for project_id, establishment in ProjectBeneficiary.objects.filter(project__in=self.approved).values_list(
            "project", "establishment"
        ):
            seen[where[project_id]].add(establishment)
        for key, establishments in seen.items():
            rows[key]["establishments"] = len(establishments)
        for project_id, code, value in ProjectOutput.objects.filter(
            project__in=self.achieved, actual_value__isnull=False, indicator__source=IndicatorSource.OUTPUTS
        ).values_list("project", "indicator__code", "actual_value"):
            rows[where[project_id]][code] += value
        return {key: dict(value) for key, value in rows.items()}


def _cuc() -> User:
    return User.objects.get(username="sinh.cuc.ld")


def _province(code: str) -> Unit:
    return Unit.objects.get(key=f"2025:province:{code}")


def _programme() -> Programme:
    return Programme.objects.get(code="ctkcqg-2021-2025")


def _source(code: str) -> FundingSource:
    return FundingSource.objects.get(code=code)


SCENARIOS = {
    "nation, programme 2021–2025": lambda: ("sinh.cuc.ld", None, Filters(programme=_programme())),
    "nation, everything": lambda: ("sinh.cuc.ld", None, Filters()),
    "nation, 2024–2025, KCQG": lambda: (
        "sinh.cuc.ld", None, Filters(programme=_programme(), year_from=2024, year_to=2025, source=_source("KCQG"))
    ),
    "nation as it was": lambda: ("sinh.cuc.ld", None, Filters(units=UNITS_THEN)),
    "Đắk Lắk by its own leader": lambda: ("sinh.66.ld", _province("66"), Filters(programme=_programme())),
    "Đắk Lắk, 2016–2020": lambda: ("sinh.cuc.ld", _province("66"), Filters(year_from=2016, year_to=2020)),
    "Hà Nội as it was, KCĐP": lambda: ("sinh.cuc.ld", _province("01"), Filters(units=UNITS_THEN,
                                                                                source=_source("KCDP"))),
    "Vĩnh Long, counterpart funds": lambda: ("sinh.cuc.ld", _province("86"), Filters(source=_source("DOIUNG"))),
}  # fmt: skip


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_figure_equals_the_raw_sum(generated, name):
    username, province, filters = SCENARIOS[name]()
    board = dashboard(User.objects.get(username=username), province=province, filters=filters)
    raw = Raw(province, filters)

    assert vars(board.kpis) == raw.kpis()
    assert board.kpis.projects > 0, "the scenario must have data, or the comparison proves nothing"

    funds = {
        (row.year, row.source.code): {
            key: getattr(row, key)
            for key in ("planned", "advanced", "paid", "refunded", "settled")
            if getattr(row, key)
        }
        for row in board.funds
    }
    assert funds == {key: {k: v for k, v in value.items() if v} for key, value in raw.funds().items()}

    expected = raw.progress()
    shown = {row.indicator.code: (row.planned, row.actual, row.female, row.ethnic_minority) for row in board.progress}
    assert shown == expected

    assert {row["status"]: row["count"] for row in board.statuses} == raw.statuses()
    assert {row["label"]: row["count"] for row in board.contents} == raw.contents()

    areas = raw.areas()
    if board.level == "commune":
        got = {
            (a.unit.pk if a.unit else None): {"establishments": a.establishments, "projects": a.projects,
                                              "support": a.support}
            for a in board.areas
        }  # fmt: skip
        assert got == areas
    else:
        codes = {i.pk: i.code for i in Indicator.objects.all()}
        got = {}
        for area in board.areas:
            figures = {
                key: getattr(area, key)
                for key in ("projects", "state_planned", "disbursed", "settled", "establishments")
                if getattr(area, key)
            }
            figures.update({codes[pk]: value for pk, value in area.indicators.items() if codes[pk] in expected
                            and Indicator.objects.get(pk=pk).source == IndicatorSource.OUTPUTS})  # fmt: skip
            if figures:
                got[area.unit.pk if area.unit else None] = figures
        assert got == {
            key: {k: v for k, v in value.items() if v} for key, value in areas.items() if any(value.values())
        }


def test_targets_roll_up_and_follow_the_years(generated):
    """Targets from builders.TARGETS, read back for the country, a province with a legacy part, and years."""
    programme = _programme()
    whole = dashboard(_cuc(), province=None, filters=Filters(programme=programme))
    targets = {row.indicator.code: row.target for row in whole.progress}
    assert targets["may_moc_thiet_bi"] == 1600  # the period target of QĐ 1881, not the sum of the years
    assert targets["mo_hinh_trinh_dien"] == 340 and targets["dao_tao_nghe"] == 10000
    assert targets["viec_lam_moi"] == 5000 and targets["cum_lien_ket"] is None
    two_years = dashboard(_cuc(), province=None, filters=Filters(programme=programme, year_from=2024, year_to=2025))
    assert {row.indicator.code: row.target for row in two_years.progress}["may_moc_thiet_bi"] == 620
    dong_nai = dashboard(_cuc(), province=_province("75"), filters=Filters(programme=programme))
    assert {row.indicator.code: row.target for row in dong_nai.progress}["may_moc_thiet_bi"] == 40  # 25 + Bình Phước 15
    dong_nai_2024 = dashboard(
        _cuc(), province=_province("75"), filters=Filters(programme=programme, year_from=2024, year_to=2024)
    )
    assert {row.indicator.code: row.target for row in dong_nai_2024.progress}["may_moc_thiet_bi"] == 4
    vinh_long = dashboard(_cuc(), province=_province("86"), filters=Filters(programme=programme))
    assert {row.indicator.code: row.target for row in vinh_long.progress}["dao_tao_nghe"] == 400  # Bến Tre's
    ha_noi = dashboard(_cuc(), province=_province("01"), filters=Filters(programme=programme))
    row = next(r for r in ha_noi.progress if r.indicator.code == "viec_lam_moi")
    reported = ManualValue.objects.filter(
        report__province=_province("01"), report__year__range=(2021, 2025), indicator__code="viec_lam_moi"
    ).aggregate(total=Sum("value"))["total"]
    assert row.target == 800 and row.actual == reported > 0  # the 2026 report is outside the programme


def test_submitted_reports_do_not_count(generated):
    dak_lak = dashboard(_cuc(), province=_province("66"), filters=Filters(year_from=2026))
    assert next(r for r in dak_lak.progress if r.indicator.code == "viec_lam_moi").actual is None


def test_reported_aggregations(generated):
    """Sum, average of the reports, latest report of each province then summed (values in builders.REPORTS)."""
    board = dashboard(_cuc(), province=None, filters=Filters(year_from=2026, units=UNITS_NOW))
    by_code = {row.indicator.code: row for row in board.progress}
    assert by_code["viec_lam_moi"].actual == 120 + 60
    assert by_code["viec_lam_moi"].female == 70 + 20 and by_code["viec_lam_moi"].ethnic_minority == 5 + 12
    assert by_code["thu_nhap_binh_quan"].actual == Decimal("7.55")  # (7.2 + 7.9) / 2
    assert by_code["ty_le_lao_dong_nu"].actual == Decimal("49.75")
    assert by_code["ccn_co_xlnt"].actual == 4 + 3
    assert by_code["doanh_thu_tang_them"].actual == Decimal("3500.5")
    # Latest: each province's last report of the years shown, then added up.
    two_years = dashboard(_cuc(), province=None, filters=Filters(year_from=2025, year_to=2026))
    latest = {row.indicator.code: row for row in two_years.progress}["ccn_co_xlnt"].actual
    in_2025 = ManualValue.objects.filter(
        report__province__code__in=["86", "66"], report__year=2025, indicator__code="ccn_co_xlnt"
    ).aggregate(total=Sum("value"))["total"]
    assert latest == 4 + 3 + in_2025  # Vĩnh Long and Đắk Lắk have no approved 2026 value: their 2025 ones count
    assert by_code["co_so_duoc_ho_tro"].actual is None  # no project of 2026 has been accepted yet


def test_a_provincial_user_sees_only_its_province(generated):
    leader = User.objects.get(username="sinh.66.ld")
    own = dashboard(leader, province=_province("66"), filters=Filters())
    other = dashboard(leader, province=_province("01"), filters=Filters())
    assert own.kpis.projects > 0
    assert other.kpis.projects == 0 and other.funds == [] and other.areas == []
    everything = dashboard(leader, province=None, filters=Filters())
    assert vars(everything.kpis) == vars(own.kpis)
