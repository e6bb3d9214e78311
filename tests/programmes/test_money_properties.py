"""Property-based tests: whatever sequence of advances, payments, settlements and refunds people enter, approve
or reject, the money invariants hold over the approved rows, and every refused step changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khuyencong.core.errors import DomainError
from khuyencong.programmes import services
from khuyencong.programmes.models import (
    ContentItem,
    MoneyMovement,
    MovementKind,
    MovementStatus,
    Project,
    ProjectStatus,
    RuleSet,
    SupportRule,
)
from khuyencong.programmes.money import ALLOWED_STATES, Totals, movement_problems, totals_by_source
from khuyencong.programmes.workflow import transition_for
from tests.programmes.builders import draft, inputs_for, walk

S = ProjectStatus
K = MovementKind
M = 1_000_000
BUDGET = 300 * M
STATES = [S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED, S.SETTLED, S.STOPPED]
amounts = st.integers(min_value=1, max_value=400).map(lambda n: n * M)
# Amounts around the edges that matter here: the 70% advance share (210), the budget (300) and beyond.
edge_amounts = st.sampled_from([10, 60, 100, 150, 200, 210, 211, 280, 290, 300, 301]).map(lambda n: n * M)


# --- The pure ledger -------------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(K)), amounts, st.sampled_from(STATES)), max_size=30))
def test_ledger_accepts_only_what_keeps_the_invariants(operations):
    totals = Totals(budget=BUDGET)
    settled_sign = None
    for kind, amount, state in operations:
        if movement_problems(kind=kind, amount=amount, project_status=state, totals=totals, source_name="KCQG"):
            continue
        assert state in ALLOWED_STATES[kind]
        totals.add(kind, amount)
        assert 0 <= totals.net <= totals.budget
        if totals.settled is not None:
            assert totals.settled <= totals.budget
            sign = (totals.net > totals.settled) - (totals.net < totals.settled)
            if kind == K.SETTLEMENT:
                settled_sign = sign
            # After settlement, payments only close the gap from below and refunds only from above.
            assert sign == 0 or sign == settled_sign
    assert totals_by_source({1: BUDGET}, []) == {1: Totals(budget=BUDGET)}


# --- Through the services, against the database ----------------------------------------------------------------


@pytest.fixture
def money_project(world):
    """A local project in progress, with norms in force that allow a 70% advance once 70% of the work is done."""
    rule_set = RuleSet.objects.create(
        code="thu-nghiem-2026", name="Định mức thử nghiệm 2026", issuer="UBND thành phố Hà Nội", scope="local",
        province=world.province_a, valid_from=dt.date(2026, 1, 1), citation="Quyết định thử nghiệm",
    )  # fmt: skip
    SupportRule.objects.create(
        rule_set=rule_set, content_item=ContentItem.objects.get(code="may_moc_tien_tien"), max_share_percent=50,
        advance_percent=70, advance_after_progress_percent=70,
    )  # fmt: skip
    project = walk(world, draft(world, variant="local"), S.IN_PROGRESS)
    assert services.checks.state_budget(project) == BUDGET
    return project


class Rollback(Exception):
    pass


def approved_totals(project: Project) -> Totals:
    rows = MoneyMovement.objects.filter(project=project, status=MovementStatus.APPROVED)
    return totals_by_source({0: BUDGET}, [(0, kind, amount) for kind, amount in rows.values_list("kind", "amount")])[0]


def state_of(project: Project) -> tuple:
    return (
        tuple(MoneyMovement.objects.filter(project=project).order_by("pk").values_list("kind", "amount", "status")),
        Project.objects.get(pk=project.pk).status,
    )


operation = st.one_of(
    st.tuples(st.just("enter_and_decide"), st.sampled_from(list(K)), edge_amounts, st.booleans()),
    st.tuples(st.just("enter_and_decide"), st.sampled_from(list(K)), edge_amounts, st.just(True)),
    st.tuples(st.just("enter"), st.sampled_from(list(K)), edge_amounts),
    st.tuples(st.just("decide"), st.integers(min_value=0, max_value=9), st.booleans()),
    st.tuples(st.just("progress"), st.sampled_from([Decimal(30), Decimal(75), Decimal(100)])),
    st.tuples(st.just("accept")),
)


def enter(world, project, kind, amount):
    return services.money_enter(
        actor=world.province_a_officer, project_id=project.pk, source_id=world.KCDP.pk, kind=kind, amount=amount,
        occurred_on=dt.date(2026, 6, 1), document_number="CT",
    )  # fmt: skip


def decide(world, movement, status_before, approve: bool) -> None:
    services.money_decide(
        actor=world.province_a_leader, movement_id=movement.pk, approve=approve, note="Thiếu chứng từ"
    )
    if approve and movement.kind == K.PAYMENT:
        assert status_before in (S.ACCEPTED, S.SETTLED), "a payment was approved before acceptance"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.booleans(), st.lists(operation, min_size=6, max_size=16))
def test_random_money_sequences_never_break_the_invariants(world, money_project, work_done, operations):
    project = money_project
    try:
        with transaction.atomic():
            if work_done:  # most of the work done: advances become possible under the norm
                services.progress_report_add(
                    actor=world.province_a_officer, project_id=project.pk, period_end=dt.date(2026, 6, 1),
                    percent_complete=Decimal(80), summary="Đã lắp đặt phần lớn thiết bị",
                )  # fmt: skip
            for op in operations:
                before = state_of(project)
                status_before = before[1]
                try:
                    if op[0] == "enter":
                        enter(world, project, op[1], op[2])
                    elif op[0] == "enter_and_decide":
                        movement = enter(world, project, op[1], op[2])
                        before = state_of(project)  # the entry stands; now the decision alone may be refused
                        decide(world, movement, status_before, op[3])
                    elif op[0] == "decide":
                        pending = list(MoneyMovement.objects.filter(project=project, status=MovementStatus.PENDING))
                        if not pending:
                            continue
                        decide(world, pending[op[1] % len(pending)], status_before, op[2])
                    elif op[0] == "progress":
                        services.progress_report_add(
                            actor=world.province_a_officer, project_id=project.pk, period_end=dt.date(2026, 7, 1),
                            percent_complete=op[1], summary="Tiến độ",
                        )  # fmt: skip
                    else:
                        current = Project.objects.get(pk=project.pk)
                        if current.status != S.IN_PROGRESS:
                            continue
                        services.project_transition(
                            actor=world.province_a_leader, project_id=project.pk, action="accept",
                            version=current.version, data=inputs_for(transition_for(current, "accept"), current),
                        )  # fmt: skip
                except DomainError:
                    assert state_of(project) == before, f"a refused {op} changed something"
                totals = approved_totals(project)
                assert 0 <= totals.net <= BUDGET
                assert totals.settled is None or totals.settled <= BUDGET
                # The 70% advance share of the norm, never exceeded without a leader's written override.
                assert totals.advanced <= BUDGET * 70 // 100
                # The stored money of the project (lists and totals read it) is the approved rows, every step.
                stored = Project.objects.get(pk=project.pk)
                assert (stored.advanced, stored.paid, stored.refunded, stored.settled, stored.disbursed) == (
                    totals.advanced, totals.paid, totals.refunded, totals.settled or 0, totals.net,
                )  # fmt: skip
                assert stored.state_budget == BUDGET
            raise Rollback
    except Rollback:
        pass
