"""The fact table and its summary kept by the services equal, row for row, the ones `rebuild_analytics` computes
from scratch."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from khuyencong.indicators.analytics import (
    analytics_differences,
    analytics_refresh_project,
    fact_rows,
    rebuild_analytics,
    summary_rows,
)
from khuyencong.indicators.models import SUMMARY_MEASURES, Fact, Measure, Summary
from khuyencong.programmes import services as programme_services
from khuyencong.programmes.models import FundingSource, Project, ProjectStatus
from khuyencong.synthetic.generate import generate
from khuyencong.synthetic.scales import Scale
from tests.indicators.builders import add_manual_reports, staff

pytestmark = pytest.mark.django_db
# Every path of a project's life through the services (returned, rejected, stopped, closed, in progress, drafts,
# regional projects, legacy units, advances, refunds, pending approvals), small enough to run in seconds.
THROUGH_SERVICES = Scale("analytics", 150, 40, 110, 90, 2.0, provinces=("01", "75", "86"))


def test_rebuild_reproduces_the_table_the_services_kept():
    generate(THROUGH_SERVICES, 7, mode="services", log=lambda text: None)
    add_manual_reports({"01", "86"})
    kept, kept_summary = fact_rows(), summary_rows()
    measures = {row[0] for row in kept}
    assert measures == set(Measure.values), f"the dataset must exercise every measure, got {sorted(measures)}"
    assert len(kept) > 200

    assert {row[0] for row in kept_summary} == set(SUMMARY_MEASURES)
    assert len(kept_summary) < len(kept)

    counts = rebuild_analytics()
    assert fact_rows() == kept
    assert summary_rows() == kept_summary
    assert sum(counts.values()) == len(kept)
    assert analytics_differences() == []


def test_the_check_command_finds_a_drifted_table_and_the_rebuild_mends_it(generated):
    out = io.StringIO()
    call_command("rebuild_analytics", "--check", stdout=out)
    assert "khớp" in out.getvalue()
    fact = Fact.objects.filter(measure=Measure.PLANNED).first()
    Fact.objects.filter(pk=fact.pk).update(amount=fact.amount + 1)
    Fact.objects.filter(measure=Measure.MANUAL).first().delete()
    with pytest.raises(CommandError, match="khác"):
        call_command("rebuild_analytics", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_analytics", stdout=out)
    assert "planned" in out.getvalue()
    assert analytics_differences() == []

    row = Summary.objects.filter(measure=Measure.PAID).first()
    Summary.objects.filter(pk=row.pk).update(amount=row.amount + 1)
    assert any("tổng hợp" in line for line in analytics_differences())
    with pytest.raises(CommandError, match="khác"):
        call_command("rebuild_analytics", "--check", stdout=io.StringIO())
    call_command("rebuild_analytics", stdout=io.StringIO())
    assert analytics_differences() == []


def test_approving_money_updates_the_figures_in_the_same_transaction(generated):
    """Fresh: the approval and its analytics rows commit together, and a failed approval changes neither."""
    project = Project.objects.get(status=ProjectStatus.ACCEPTED, kind="national")
    source = FundingSource.objects.get(code="KCQG")
    budget = sum(project.budget_lines.filter(source=source).values_list("amount", flat=True))
    moved = project.movements.filter(status="approved", kind__in=["advance", "payment"])
    paid = sum(moved.values_list("amount", flat=True))
    amount = min(5_000_000, budget - paid)
    assert amount > 0, "the accepted project still has money to pay"
    movement = programme_services.money_enter(
        actor=staff("sinh.cuc.cv"), project_id=project.pk, source_id=source.pk, kind="payment", amount=amount,
        occurred_on=dt.date(2026, 7, 1), document_number="TT-THU",
    )  # fmt: skip

    def paid_facts() -> int:
        return sum(Fact.objects.filter(project=project, measure=Measure.PAID).values_list("amount", flat=True))

    def paid_summary() -> int:
        return sum(Summary.objects.filter(measure=Measure.PAID).values_list("amount", flat=True))

    summary_before = paid_summary()

    before = paid_facts()
    assert analytics_differences() == []  # a pending movement is not a figure yet
    with pytest.raises(RuntimeError), transaction.atomic():
        programme_services.money_decide(actor=staff("sinh.cuc.ld"), movement_id=movement.pk, approve=True)
        assert paid_facts() == before + amount
        raise RuntimeError("the caller's transaction fails after the approval")
    assert paid_facts() == before and paid_summary() == summary_before
    programme_services.money_decide(actor=staff("sinh.cuc.ld"), movement_id=movement.pk, approve=True)
    assert paid_facts() == before + amount
    assert paid_summary() == summary_before + amount
    assert analytics_differences() == []


@pytest.mark.django_db(transaction=True)
def test_refresh_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        analytics_refresh_project(0)


def test_facts_carry_the_province_as_it_was_and_today(generated):
    legacy = Fact.objects.filter(measure=Measure.PROJECT, project__legacy_province__isnull=False).first()
    assert legacy.legacy_province_id == legacy.project.legacy_province_id
    assert legacy.province_id == legacy.project.province_id != legacy.legacy_province_id or (
        legacy.project.legacy_province.code == legacy.project.province.code
    )
    current = Fact.objects.filter(measure=Measure.PROJECT, project__legacy_province__isnull=True,
                                  project__province__isnull=False).first()  # fmt: skip
    assert current.legacy_province_id == current.province_id
    assert Fact.objects.filter(measure=Measure.MANUAL, value__gt=Decimal(0)).exists()
