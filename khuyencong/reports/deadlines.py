"""Filing deadlines and the overdue list: which province sent which periodic report, on time or late.

A report is due `due_days` after its period ends, by the rule (`ReportPeriodRule`) in force for that period;
a period with no rule is not required. A report counts as sent on the day its first frozen version was made
(the Sở leader's signature); a return and a new submission do not move that day. Provinces are today's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone

from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.reports.models import (
    Report,
    ReportDefinition,
    ReportPeriodRule,
    ReportStatus,
    ReportVersion,
    UnitBasis,
    VersionKind,
)
from khuyencong.reports.periods import Period, PeriodType, periods_of_year

NOT_DUE, MISSING, DRAFT, RETURNED, SUBMITTED, ACCEPTED = (
    "not_due", "missing", "draft", "returned", "submitted", "accepted"
)  # fmt: skip
LABELS = {
    NOT_DUE: "Chưa đến hạn",
    MISSING: "Chưa lập",
    DRAFT: "Đang lập, chưa gửi",
    RETURNED: "Cục trả lại, chưa gửi lại",
    SUBMITTED: "Đã gửi, chờ Cục xem xét",
    ACCEPTED: "Cục đã chấp nhận",
}


@dataclass
class Filing:
    province: Unit
    period: Period
    due: dt.date | None
    report: Report | None
    sent: dt.date | None
    state: str
    days_late: int

    @property
    def overdue(self) -> bool:
        """Not sent and past the deadline."""
        return self.sent is None and self.days_late > 0

    @property
    def label(self) -> str:
        text = LABELS[self.state]
        if self.overdue:
            return f"Quá hạn {self.days_late} ngày" + ("" if self.state == MISSING else f" ({text.lower()})")
        if self.sent is not None and self.days_late:
            return f"{text}; gửi chậm {self.days_late} ngày"
        return text


def rule_for(definition: ReportDefinition, period: Period, rules: list[ReportPeriodRule] | None = None):
    """The deadline rule in force for the period (the one that started latest), or None: not required."""
    candidates = rules if rules is not None else list(definition.rules.all())
    matching = [rule for rule in candidates if rule.applies_to(period)]
    matching.sort(key=lambda rule: rule.valid_from or dt.date.min, reverse=True)
    return matching[0] if matching else None


def required_periods(definition: ReportDefinition, year: int) -> list[tuple[Period, ReportPeriodRule]]:
    """The periods of `year` for which the definition's reports are due, each with its rule."""
    rules = list(definition.rules.all())
    found = []
    for period_type in (PeriodType.QUARTER, PeriodType.HALF, PeriodType.YEAR):
        for period in periods_of_year(period_type, year):
            rule = rule_for(definition, period, rules)
            if rule is not None:
                found.append((period, rule))
    return sorted(found, key=lambda pair: (pair[0].end, -pair[0].start.toordinal()))  # Q2 before H1 before …


def current_provinces():
    return Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True).order_by("code")


def filings(
    definition: ReportDefinition,
    periods: list[tuple[Period, ReportPeriodRule | None]],
    *,
    provinces,
    today: dt.date | None = None,
) -> list[Filing]:
    """One Filing per province × period, in three queries whatever the number of provinces and periods."""
    today = today or timezone.localdate()
    provinces = list(provinces)
    keys = [period.key for period, _rule in periods]
    reports = {
        (report.province_id, report.period_key): report
        for report in Report.objects.filter(
            definition=definition,
            period_key__in=keys,
            province__in=[province.pk for province in provinces],
            unit_basis=UnitBasis.CURRENT,
        )
    }
    first_sent = dict(
        ReportVersion.objects.filter(
            report__in=[report.pk for report in reports.values()],
            kind__in=[VersionKind.SUBMITTED, VersionKind.AMENDMENT],
        )
        .values("report_id")
        .annotate(first=Min("created_at"))
        .values_list("report_id", "first")
    )
    result = []
    for period, rule in periods:
        due = rule.due_date(period) if rule else None
        for province in provinces:
            report = reports.get((province.pk, period.key))
            sent_at = first_sent.get(report.pk) if report else None
            sent = timezone.localtime(sent_at).date() if sent_at else None
            if report is None:
                state = NOT_DUE if due is None or today <= due else MISSING
            elif report.status == ReportStatus.ACCEPTED:
                state = ACCEPTED
            elif report.status == ReportStatus.SUBMITTED:
                state = SUBMITTED
            elif report.status == ReportStatus.RETURNED:
                state = RETURNED
            else:
                state = DRAFT if sent is None else SUBMITTED
            if due is None:
                late = 0
            elif sent is not None:
                late = max(0, (sent - due).days)
            else:
                late = max(0, (today - due).days)
            result.append(Filing(province, period, due, report, sent, state, late))
    return result


def filing_status(code: str, period: Period, *, today: dt.date) -> list[Filing]:
    """Every province's filing of the definition `code` for one period (the national report's table)."""
    definition = ReportDefinition.objects.filter(code=code).first()
    if definition is None:
        return []
    return filings(definition, [(period, rule_for(definition, period))], provinces=current_provinces(), today=today)
