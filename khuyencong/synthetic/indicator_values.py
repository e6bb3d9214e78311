"""The indicator-values step (when the indicators app is installed): each province's yearly report of the
indicators it reports by hand, 2016–2025, through the report services (opened, filled, sent to the Cục,
approved, each on its day), then the analytics fact table rebuilt from everything generated — the services
keep it current row by row; after a bulk load the indicators app's own `rebuild_analytics` writes the same
rows at once.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.apps import apps

from khuyencong.synthetic.bulk import at_office
from khuyencong.synthetic.clock import moment

YEARS = range(2016, 2026)


def installed() -> bool:
    return apps.is_installed("khuyencong.indicators")


def _value(rng: random.Random, indicator) -> dict:
    unit = (indicator.unit or "").lower()
    if "người" in unit or "lao động" in unit:
        value = Decimal(rng.randint(80, 2500))
    elif "%" in unit or "phần trăm" in unit:
        value = Decimal(rng.randint(20, 95))
    elif "đồng" in unit:
        value = Decimal(rng.randint(200, 9000) * 1_000_000)
    else:
        value = Decimal(rng.randint(1, 60))
    if indicator.max_value is not None:
        value = min(value, indicator.max_value)
    entry = {"value": value}
    if indicator.by_sex:
        entry["female"] = (value * Decimal(rng.randint(30, 70)) / 100).quantize(Decimal(1))
    if indicator.by_ethnic_minority:
        entry["ethnic_minority"] = (value * Decimal(rng.randint(0, 30)) / 100).quantize(Decimal(1))
    return entry


def step_indicator_values(gen) -> dict:
    if not installed():
        return {}
    from khuyencong.indicators import services as indicator_services
    from khuyencong.indicators.analytics import rebuild_analytics
    from khuyencong.indicators.selectors import report_indicators

    staff = gen.staff
    reports = values = 0
    for province in gen.world.provinces:
        rng = random.Random(f"{gen.seed}:indicator-reports:{province.code}")
        officer, leader = staff.officer[province.pk], staff.leader[province.pk]
        for year in YEARS:
            opened = dt.date(year + 1, 1, rng.randint(5, 25))
            day_submitted, day_approved = rng.randint(3, 20), rng.randint(25, 45)
            with moment(at_office(opened)):
                report = indicator_services.report_open(actor=officer, year=year, province_id=province.pk)
                if report.status != "draft":  # already reported (the curated demo's): left as it is
                    continue
                values_of_report = {indicator.pk: _value(rng, indicator) for indicator in report_indicators(report)}
                report = indicator_services.report_values_set(
                    actor=officer, report_id=report.pk, version=report.version, values=values_of_report
                )
            with moment(at_office(opened + dt.timedelta(days=day_submitted))):
                report = indicator_services.report_transition(
                    actor=leader, report_id=report.pk, action="submit", version=report.version
                )
            with moment(at_office(opened + dt.timedelta(days=day_approved))):
                indicator_services.report_transition(
                    actor=staff.central_leader, report_id=report.pk, action="approve", version=report.version
                )
            reports += 1
            values += len(values_of_report)
    counts = rebuild_analytics()
    return {"indicator_reports": reports, "indicator_values": values, "analytics_facts": sum(counts.values())}
