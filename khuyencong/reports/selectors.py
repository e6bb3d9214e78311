"""Every read of the reports app: always given the user, always scoped, filtered in the database; versions are
listed without their snapshot (which can be large) and their files are reached through access.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from khuyencong.accounts.access import NATIONAL, PROVINCE, scope_queryset, user_scope
from khuyencong.accounts.roles import can
from khuyencong.reports import workflow
from khuyencong.reports.deadlines import Filing, current_provinces, filings, required_periods
from khuyencong.reports.models import (
    DefinitionLevel,
    Report,
    ReportDefinition,
    ReportVersion,
    VersionKind,
)

FROZEN = (VersionKind.SUBMITTED, VersionKind.AMENDMENT)


def reports_visible_to(user) -> QuerySet[Report]:
    if not can(user, "report.view"):
        return Report.objects.none()
    return scope_queryset(user, Report.objects.all(), province="province_id", establishment=None)


def report_list(user, *, filters: dict) -> QuerySet[Report]:
    """Filters: definition, year, period_type, status, province (national scope)."""
    reports = reports_visible_to(user)
    for name in ("year", "period_type", "status"):
        if filters.get(name):
            reports = reports.filter(**{name: filters[name]})
    if filters.get("definition"):
        reports = reports.filter(definition_id=getattr(filters["definition"], "pk", filters["definition"]))
    if filters.get("province"):
        reports = reports.filter(province_id=getattr(filters["province"], "pk", filters["province"]))
    last_sent = (
        ReportVersion.objects.filter(report=OuterRef("pk"), kind__in=FROZEN)
        .values("report")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    return (
        reports.select_related("definition", "province")
        .annotate(last_sent=Subquery(last_sent))
        .order_by("-period_end", "definition__sort_order", "province__code", "pk")
    )


def definitions_for(user) -> QuerySet[ReportDefinition]:
    """The active definitions the user may start a report of."""
    if not can(user, "report.prepare"):
        return ReportDefinition.objects.none()
    scope = user_scope(user)
    definitions = ReportDefinition.objects.filter(is_active=True)
    if scope.kind == NATIONAL:
        return definitions.exclude(level=DefinitionLevel.PROVINCIAL)
    if scope.kind == PROVINCE:
        return definitions.exclude(level=DefinitionLevel.NATIONAL)
    return definitions.none()


@dataclass
class ReportPage:
    versions: list[ReportVersion]
    steps: list
    actions: list[workflow.Step]
    may_prepare: bool
    latest_draft: ReportVersion | None
    last_frozen: ReportVersion | None
    draft_is_current: bool


def report_page(user, report: Report) -> ReportPage:
    versions = list(
        report.versions.defer("snapshot").select_related("created_by", "based_on", "amends").order_by("-number")
    )
    drafts = [version for version in versions if version.kind == VersionKind.DRAFT]
    frozen = [version for version in versions if version.kind != VersionKind.DRAFT]
    latest_draft = drafts[0] if drafts else None
    return ReportPage(
        versions=versions,
        steps=list(report.steps.select_related("actor", "version")),
        actions=workflow.actions_for(user, report),
        may_prepare=workflow.may_prepare(user, report),
        latest_draft=latest_draft,
        last_frozen=frozen[0] if frozen else None,
        draft_is_current=latest_draft is not None and latest_draft.revision == report.revision,
    )


def signable_drafts(report: Report) -> QuerySet[ReportVersion]:
    """Drafts made from the report's current texts: the ones a leader may sign."""
    return (
        report.versions.defer("snapshot").filter(kind=VersionKind.DRAFT, revision=report.revision).order_by("-number")
    )


def version_snapshot(version: ReportVersion) -> dict:
    return ReportVersion.objects.values_list("snapshot", flat=True).get(pk=version.pk)


# --- The overdue list --------------------------------------------------------------------------------------------


def periodic_definitions() -> QuerySet[ReportDefinition]:
    """Definitions whose reports provinces file by deadlines."""
    return ReportDefinition.objects.filter(level=DefinitionLevel.PROVINCIAL, rules__isnull=False).distinct()


@dataclass
class FilingMatrix:
    definition: ReportDefinition
    year: int
    periods: list
    rows: list[tuple]  # (province, [Filing per period])

    @property
    def overdue(self) -> list[Filing]:
        return [filing for _province, row in self.rows for filing in row if filing.overdue]


def filing_matrix(user, definition: ReportDefinition, year: int, *, today: dt.date | None = None,
                  only_overdue: bool = False) -> FilingMatrix:  # fmt: skip
    """Provinces × required periods of a year: national scope sees every province, a province its own."""
    today = today or timezone.localdate()
    scope = user_scope(user)
    provinces = current_provinces()
    if scope.kind == PROVINCE:
        provinces = provinces.filter(pk=scope.province_id)
    elif scope.kind != NATIONAL or not can(user, "report.view"):
        provinces = provinces.none()
    periods = required_periods(definition, year)
    found = filings(definition, periods, provinces=provinces, today=today)
    by_province: dict[int, list[Filing]] = {}
    order = []
    for filing in found:
        if filing.province.pk not in by_province:
            by_province[filing.province.pk] = []
            order.append(filing.province)
        by_province[filing.province.pk].append(filing)
    rank = {period.key: index for index, (period, _rule) in enumerate(periods)}
    rows = [(province, sorted(by_province[province.pk], key=lambda f: rank[f.period.key])) for province in order]
    if only_overdue:
        rows = [(province, row) for province, row in rows if any(filing.overdue for filing in row)]
    return FilingMatrix(definition=definition, year=year, periods=[period for period, _rule in periods], rows=rows)
