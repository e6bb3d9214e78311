"""Each project's stored money (programmes.ledger) equals its budget lines and approved movements: kept so by the
services in the same transaction, rebuilt the same way after a bulk load, never put back by a stale save, and the
project list's totals are the raw sums."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum

from khuyencong.programmes import selectors, services
from khuyencong.programmes.ledger import project_money_differences, rebuild_project_money
from khuyencong.programmes.models import (
    BudgetLine,
    MoneyMovement,
    MovementKind,
    MovementStatus,
    Project,
    ProjectMoney,
    ProjectStatus,
)
from khuyencong.synthetic.generate import generate
from tests.programmes.builders import draft, walk

M = 1_000_000


def stored_money() -> list[tuple]:
    rows = ProjectMoney.objects.values_list("project__code", "source__code", "planned", "advanced", "paid",
                                            "refunded", "settled")  # fmt: skip
    projects = Project.objects.values_list("code", "state_budget", "advanced", "paid", "refunded", "settled")
    return sorted(rows) + sorted(projects)


@pytest.fixture
def generated(db):
    """The tiny generated dataset: every project state and money of every kind, written in bulk."""
    generate("tiny", 1, log=lambda text: None)


def test_the_bulk_generator_and_the_rebuild_store_the_same_money(generated):
    assert ProjectMoney.objects.filter(advanced__gt=0).exists() and ProjectMoney.objects.filter(settled__gt=0).exists()
    assert project_money_differences() == []
    kept = stored_money()
    ProjectMoney.objects.all().delete()
    Project.objects.update(state_budget=0, advanced=0, paid=0, refunded=0, settled=0)
    assert project_money_differences() != []
    rebuild_project_money()
    assert stored_money() == kept


def test_the_check_command_finds_drifted_money_and_the_rebuild_mends_it(generated):
    call_command("rebuild_analytics", stdout=io.StringIO())
    call_command("rebuild_analytics", "--check", stdout=io.StringIO())
    row = ProjectMoney.objects.filter(paid__gt=0).first()
    ProjectMoney.objects.filter(pk=row.pk).update(paid=row.paid + 1)
    Project.objects.filter(pk=row.project_id).update(state_budget=1)
    found = project_money_differences()
    assert len(found) == 2 and f"#{row.project_id}" in found[0] and f"#{row.project_id}" in found[1]
    with pytest.raises(CommandError, match="khác"):
        call_command("rebuild_analytics", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rebuild_analytics", stdout=out)
    assert "kinh phí đề án theo nguồn" in out.getvalue()
    assert project_money_differences() == []


def test_list_totals_and_rows_are_the_raw_sums(generated):
    column = {"advance": "advanced", "payment": "paid", "refund": "refunded", "settlement": "settled"}
    province = Project.objects.exclude(province=None).values_list("province_id", flat=True).first()
    for filters in ({}, {"province_id": province}, {"status": ProjectStatus.SETTLED}, {"year": 2020}):
        projects = Project.objects.filter(**filters)
        totals = {row["source"].code: row for row in selectors.project_totals(projects)}
        planned = BudgetLine.objects.filter(project__in=projects).values("source__code").annotate(t=Sum("amount"))
        assert {row["source__code"]: row["t"] for row in planned} == {code: t["planned"] for code, t in totals.items()}
        moved = (
            MoneyMovement.objects.filter(project__in=projects, status=MovementStatus.APPROVED)
            .values("source__code", "kind")
            .annotate(t=Sum("amount"))
        )
        assert moved, filters
        for row in moved:
            assert totals[row["source__code"]][column[row["kind"]]] == row["t"], (filters, row)
    for project in selectors.project_list_page_rows(Project.objects.filter(status=ProjectStatus.SETTLED))[:10]:
        approved = MoneyMovement.objects.filter(project=project, status=MovementStatus.APPROVED)
        net = sum(m.amount if m.kind != MovementKind.REFUND else -m.amount for m in approved if m.kind != "settlement")
        assert project.disbursed == net and project.disbursed > 0


def test_approval_stores_the_money_in_the_same_transaction_and_a_stale_save_keeps_it(world):
    project = walk(world, draft(world, variant="national"), ProjectStatus.IN_PROGRESS)
    stale = Project.objects.get(pk=project.pk)
    assert (stale.state_budget, stale.advanced) == (300 * M, 0)
    movement = services.money_enter(
        actor=world.central_officer, project_id=project.pk, source_id=world.KCQG.pk, kind=MovementKind.ADVANCE,
        amount=120 * M, occurred_on=dt.date(2026, 6, 1), document_number="TU-01",
    )  # fmt: skip
    assert Project.objects.get(pk=project.pk).advanced == 0  # pending does not count
    with pytest.raises(RuntimeError), transaction.atomic():
        services.money_decide(actor=world.central_leader, movement_id=movement.pk, approve=True)
        assert Project.objects.get(pk=project.pk).advanced == 120 * M
        raise RuntimeError("rolled back")
    assert Project.objects.get(pk=project.pk).advanced == 0
    assert not ProjectMoney.objects.filter(project=project, advanced__gt=0).exists()
    services.money_decide(actor=world.central_leader, movement_id=movement.pk, approve=True)
    assert ProjectMoney.objects.get(project=project, source=world.KCQG).advanced == 120 * M

    stale.objectives = "Sửa mục tiêu từ một bản đã tải trước khi duyệt tạm ứng"
    stale.save()
    fresh = Project.objects.get(pk=project.pk)
    assert fresh.objectives == stale.objectives
    assert (fresh.advanced, fresh.disbursed, fresh.state_budget) == (120 * M, 120 * M, 300 * M)
    assert project_money_differences() == []
