"""The money invariants of a project, per funding source, as pure functions over movement rows.

For one source: net disbursed = advances + payments − refunds. Always 0 ≤ net ≤ approved budget, and the
settled amount ≤ approved budget. Advances only between contract and acceptance, payments only after
acceptance (the final payment), one settlement per source, after which payments may only bring the net up to
the settled amount and refunds only bring it down to it. The service checks a new or approved movement with
`movement_problems` inside the transaction that holds the project's row lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from khuyencong.programmes.models import MovementKind, ProjectStatus
from khuyencong.programmes.rules import Problem, money

S = ProjectStatus
K = MovementKind

ALLOWED_STATES = {
    K.ADVANCE: frozenset({S.CONTRACTED, S.IN_PROGRESS}),
    K.PAYMENT: frozenset({S.ACCEPTED, S.SETTLED}),
    K.SETTLEMENT: frozenset({S.ACCEPTED, S.STOPPED}),
    K.REFUND: frozenset({S.IN_PROGRESS, S.ACCEPTED, S.SETTLED, S.STOPPED}),
}
STATE_RULE_TEXT = {
    K.ADVANCE: _l("Chỉ tạm ứng sau khi ký hợp đồng/giao nhiệm vụ và trước khi nghiệm thu."),
    K.PAYMENT: _l("Chỉ thanh toán sau khi đề án được nghiệm thu."),
    K.SETTLEMENT: _l("Chỉ quyết toán đề án đã nghiệm thu hoặc đã ngừng thực hiện."),
    K.REFUND: _l("Chỉ hoàn trả khi đề án đang triển khai, đã nghiệm thu, đã quyết toán hoặc đã ngừng."),
}


@dataclass
class Totals:
    """What happened to one source of one project."""

    budget: int = 0
    advanced: int = 0
    paid: int = 0
    refunded: int = 0
    settled: int | None = None

    @property
    def net(self) -> int:
        return self.advanced + self.paid - self.refunded

    @property
    def refund_due(self) -> int:
        return max(0, self.net - self.settled) if self.settled is not None else 0

    @property
    def payment_due(self) -> int:
        return max(0, self.settled - self.net) if self.settled is not None else 0

    def add(self, kind: str, amount: int) -> None:
        if kind == K.ADVANCE:
            self.advanced += amount
        elif kind == K.PAYMENT:
            self.paid += amount
        elif kind == K.REFUND:
            self.refunded += amount
        elif kind == K.SETTLEMENT:
            self.settled = (self.settled or 0) + amount


def totals_by_source(budgets: dict[int, int], movements: Iterable[tuple[int, str, int]]) -> dict[int, Totals]:
    """`budgets`: approved budget per source id; `movements`: (source id, kind, amount) rows that count."""
    result = {source_id: Totals(budget=amount) for source_id, amount in budgets.items()}
    for source_id, kind, amount in movements:
        result.setdefault(source_id, Totals()).add(kind, amount)
    return result


def movement_problems(
    *, kind: str, amount: int, project_status: str, totals: Totals, source_name: str
) -> list[Problem]:
    """Hard problems of adding this movement to `totals` (which it is not yet part of). Never overridable."""
    problems: list[Problem] = []
    if amount <= 0:
        return [Problem("amount", _("Số tiền phải lớn hơn 0."))]
    if project_status not in ALLOWED_STATES[kind]:
        problems.append(Problem("kind", str(STATE_RULE_TEXT[kind])))
    if kind in (K.ADVANCE, K.PAYMENT):
        if totals.net + amount > totals.budget:
            problems.append(
                Problem(
                    "amount",
                    _("Nguồn %(source)s: đã giải ngân %(net)s, thêm %(amount)s sẽ vượt kinh phí được duyệt %(budget)s.")
                    % {
                        "source": source_name,
                        "net": money(totals.net),
                        "amount": money(amount),
                        "budget": money(totals.budget),
                    },
                )
            )
        if totals.settled is not None and totals.net + amount > totals.settled:
            problems.append(
                Problem(
                    "amount",
                    _("Nguồn %(source)s: đã quyết toán %(settled)s; chỉ còn được thanh toán %(due)s.")
                    % {"source": source_name, "settled": money(totals.settled), "due": money(totals.payment_due)},
                )
            )
    elif kind == K.SETTLEMENT:
        if totals.settled is not None:
            problems.append(
                Problem("kind", _("Nguồn %(source)s đã có quyết toán được duyệt.") % {"source": source_name})
            )
        if amount > totals.budget:
            problems.append(
                Problem(
                    "amount",
                    _("Nguồn %(source)s: số quyết toán %(amount)s vượt kinh phí được duyệt %(budget)s.")
                    % {"source": source_name, "amount": money(amount), "budget": money(totals.budget)},
                )
            )
    elif kind == K.REFUND:
        limit = totals.refund_due if totals.settled is not None else totals.net
        if amount > limit:
            problems.append(
                Problem(
                    "amount",
                    _("Nguồn %(source)s: chỉ được hoàn trả tối đa %(limit)s.")
                    % {"source": source_name, "limit": money(limit)},
                )
            )
    return problems
