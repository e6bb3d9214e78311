"""Indicator figures for the "indicators against targets" section, from the indicators app's own selectors
(`progress`, `actuals`, `targets_for`) over its analytics table, so a report says exactly what the dashboards say:
outputs planned by approved projects and achieved by accepted ones, establishments supported (counted once),
values provinces reported and the Cục approved (summed, averaged or latest, as each indicator says).

Targets are those of the national programme in force in the report's year: programme-wide for the national
report, the ones given to the province (legacy provinces rolled up) for a province's report; for the year
(yearly targets) and for the programme's whole period (with the achievement cumulated from its first year).

The report's area was checked when the report was opened (access.py), and a report must show the same figures
whoever builds it (a leader, an officer, the scheduled command), so the fact rows are read for the area itself,
not through the builder's scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from khuyencong.indicators.models import Fact, Indicator, Summary
from khuyencong.indicators.selectors import FactQuery, Filters, actuals, progress, targets_for
from khuyencong.programmes.models import Programme, ProgrammeLevel


@dataclass
class IndicatorFigures:
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    programme: dict | None = None
    years: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class AreaFacts(FactQuery):
    """FactQuery for a report's area (its province, or the country) rather than for a user's scope."""

    def _scoped(self, model: type[Fact] | type[Summary]) -> QuerySet:
        return model.objects.all()


def programme_for(year: int) -> Programme | None:
    """The national programme whose period contains `year` (the latest one if two overlap)."""
    return (
        Programme.objects.filter(level=ProgrammeLevel.NATIONAL, start_year__lte=year, end_year__gte=year)
        .order_by("-start_year")
        .first()
    )


def indicator_rows(area) -> IndicatorFigures:
    first, last = area.period.plan_years
    programme = programme_for(last)
    result = IndicatorFigures(years=(first, last))
    if programme is None:
        result.notes.append(f"Không có chương trình khuyến công quốc gia nào bao gồm năm {last}.")
        return result
    result.programme = {"code": programme.code, "name": programme.name}
    in_period = AreaFacts(None, area.province, Filters(programme=programme, year_from=first, year_to=last))
    so_far = AreaFacts(None, area.province, Filters(programme=programme, year_from=programme.start_year, year_to=last))
    indicators = list(Indicator.objects.filter(is_active=True))
    cumulative = actuals(so_far, indicators)
    whole = targets_for(programme, area.province, Filters(programme=programme))
    for row in progress(in_period):
        indicator = row.indicator
        reached = cumulative.get((indicator.pk,))
        figures = {
            "year_target": row.target,
            "planned": row.planned,
            "actual": row.actual,
            "target": whole.get(indicator.pk),
            "cumulative": reached.actual if reached else None,
        }
        if all(value is None for value in figures.values()):
            continue
        result.rows.append(
            {"code": indicator.code, "name": indicator.name, "unit": indicator.unit, "source": indicator.source,
             **figures}
        )  # fmt: skip
    where = "giao cho tỉnh" if area.province is not None else "chung toàn quốc"
    decision = f" ({programme.decision_number})" if programme.decision_number else ""
    result.notes.append(f"Mục tiêu {where} theo {programme.name}{decision}; các đề án, số liệu thuộc chương trình này.")
    result.notes.append(
        "Thực hiện: sản phẩm đầu ra của đề án đã nghiệm thu; cơ sở thụ hưởng đếm một lần; số liệu tỉnh báo cáo đã "
        f"được Cục duyệt. Lũy kế giai đoạn: từ năm {programme.start_year} đến hết kỳ."
    )
    return result
