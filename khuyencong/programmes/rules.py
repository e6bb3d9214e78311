"""Support norms (định mức hỗ trợ) evaluated against a project on a given day.

The rule set is chosen by the project's funds and the day: national projects by the national rule set in
force, local projects by their province's local rule set (or, when the province has none, the national one,
with a note). A violation is a `Problem` with a `key` that names the rule, the row and the amounts, so a
leader's written override (`RuleOverride`) covers exactly that violation and nothing larger.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from khuyencong.core.compiled import CompiledQuery
from khuyencong.core.money import format_vnd_with_unit
from khuyencong.programmes.models import ProjectKind, RuleScope, RuleSet, SupportRule


@dataclass(frozen=True)
class Problem:
    """Something that stops a step. `key` is set for rule findings a leader may override with a reason."""

    field: str
    message: str
    key: str = ""

    @property
    def overridable(self) -> bool:
        return bool(self.key)

    def as_json(self) -> dict:
        return {"field": self.field, "message": self.message, "key": self.key}


@dataclass
class RuleEvaluation:
    rule_set: RuleSet | None
    on_date: dt.date
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def money(amount: int | Decimal) -> str:
    return format_vnd_with_unit(int(amount))


def number_text(value: Decimal) -> str:
    """70.00 → "70", 12.50 → "12,5": numbers in running text as Vietnamese write them."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def _in_force(day: dt.date, scope: str):
    return RuleSet.objects.filter(RuleSet.valid_on_q(day), scope=scope).order_by("-valid_from")


# Asked on every project page (compiled: see core/compiled.py).
_NATIONAL_IN_FORCE = CompiledQuery(lambda day: _in_force(day, RuleScope.NATIONAL)[:1], dt.date)
_LOCAL_IN_FORCE = CompiledQuery(
    lambda day, province: _in_force(day, RuleScope.LOCAL).filter(province_id=province)[:1], dt.date, int
)
_RULES_OF = CompiledQuery(lambda rule_set: SupportRule.objects.filter(rule_set_id=rule_set), int)


def rule_set_for(project, on_date: dt.date) -> tuple[RuleSet | None, list[str]]:
    """The rule set that governs the project's state support on `on_date`, and notes on how it was chosen."""
    notes: list[str] = []
    if project.kind == ProjectKind.LOCAL:
        local = next(iter(_LOCAL_IN_FORCE(on_date, project.province_id)), None) if project.province_id else None
        if local is not None:
            return local, notes
        notes.append(
            _("Tỉnh chưa có định mức kinh phí khuyến công địa phương hiệu lực ngày %(day)s: áp dụng định mức quốc gia.")
            % {"day": f"{on_date:%d/%m/%Y}"}
        )
    national = next(iter(_NATIONAL_IN_FORCE(on_date)), None)
    if national is None:
        notes.append(
            _("Chưa có bộ định mức hỗ trợ hiệu lực ngày %(day)s: mức hỗ trợ chưa được kiểm tra.")
            % {"day": f"{on_date:%d/%m/%Y}"}
        )
    return national, notes


def _cap(value: int | None, multiplier: Decimal) -> int | None:
    return None if value is None else int(Decimal(value) * multiplier)


def _uplift_text(multiplier: Decimal) -> str:
    return "" if multiplier == 1 else _(" (đã nhân hệ số ưu tiên %(m)s)") % {"m": number_text(multiplier)}


def evaluate_support(project, on_date: dt.date, *, beneficiaries=None, budget_lines=None) -> RuleEvaluation:
    """Check the project's planned state support against the norms in force on `on_date`.

    `beneficiaries` and `budget_lines` default to the stored rows; an adjustment passes its proposed rows.
    """
    rule_set, notes = rule_set_for(project, on_date)
    result = RuleEvaluation(rule_set=rule_set, on_date=on_date, notes=notes)
    if rule_set is None:
        return result
    if beneficiaries is None:
        beneficiaries = list(project.beneficiaries.select_related("establishment", "content_item"))
    if budget_lines is None:
        budget_lines = list(project.budget_lines.select_related("source", "content_item"))
    rules = {rule.content_item_id: rule for rule in _RULES_OF(rule_set.pk)}
    citation = rule_set.citation or rule_set.name

    items = {line.content_item_id: line.content_item for line in budget_lines}
    items.update({row.content_item_id: row.content_item for row in beneficiaries})
    for item_id, item in sorted(items.items(), key=lambda pair: pair[1].name):
        if item_id not in rules:
            result.notes.append(
                _("Bộ định mức “%(set)s” không quy định mức hỗ trợ cho nội dung “%(item)s”.")
                % {"set": rule_set.name, "item": item.name}
            )

    def multiplier(rule: SupportRule) -> Decimal:
        return rule_set.priority_multiplier if project.is_priority and rule.priority_applies else Decimal(1)

    per_establishment: dict[tuple[int, int], int] = defaultdict(int)
    for row in beneficiaries:
        per_establishment[(row.establishment_id, row.content_item_id)] += row.planned_support
    for row in beneficiaries:
        rule = rules.get(row.content_item_id)
        if rule is None or row.planned_support == 0:
            continue
        m = multiplier(rule)
        who = _("%(est)s, nội dung “%(item)s”") % {"est": row.establishment.name, "item": row.content_item.name}
        total = row.planned_support + row.counterpart
        if rule.max_share_percent is not None and row.planned_support * 100 > rule.max_share_percent * total:
            share = Decimal(row.planned_support * 100) / Decimal(total)
            result.problems.append(
                Problem(
                    "beneficiaries",
                    _("%(who)s: nhà nước hỗ trợ %(share)s%% chi phí, vượt mức tối đa %(cap)s%% (%(citation)s).")
                    % {
                        "who": who,
                        "share": number_text(round(share, 1)),
                        "cap": number_text(rule.max_share_percent),
                        "citation": citation,
                    },
                    key=f"share|{rule_set.pk}|{row.establishment_id}|{row.content_item_id}|{row.planned_support}|{total}",
                )
            )
        cap = _cap(rule.max_per_model, m)
        if cap is not None and row.planned_support > cap * row.units:
            result.problems.append(
                Problem(
                    "beneficiaries",
                    _(
                        "%(who)s: hỗ trợ %(amount)s, vượt mức tối đa %(cap)s cho %(units)s mô hình/đơn vị"
                        "%(uplift)s (%(citation)s)."
                    )
                    % {
                        "who": who,
                        "amount": money(row.planned_support),
                        "cap": money(cap * row.units),
                        "units": row.units,
                        "uplift": _uplift_text(m),
                        "citation": citation,
                    },
                    key=f"model|{rule_set.pk}|{row.establishment_id}|{row.content_item_id}|{row.planned_support}|{row.units}",
                )
            )
        cap = _cap(rule.max_per_beneficiary, m)
        amount = per_establishment[(row.establishment_id, row.content_item_id)]
        if cap is not None and amount > cap:
            problem = Problem(
                "beneficiaries",
                _("%(who)s: tổng hỗ trợ %(amount)s, vượt mức tối đa %(cap)s mỗi cơ sở%(uplift)s (%(citation)s).")
                % {
                    "who": who,
                    "amount": money(amount),
                    "cap": money(cap),
                    "uplift": _uplift_text(m),
                    "citation": citation,
                },
                key=f"beneficiary|{rule_set.pk}|{row.establishment_id}|{row.content_item_id}|{amount}",
            )
            if problem not in result.problems:
                result.problems.append(problem)

    state_by_item: dict[int, int] = defaultdict(int)
    all_by_item: dict[int, int] = defaultdict(int)
    for line in budget_lines:
        all_by_item[line.content_item_id] += line.amount
        if line.source.is_state_budget:
            state_by_item[line.content_item_id] += line.amount
    for item_id, state in sorted(state_by_item.items()):
        rule = rules.get(item_id)
        if rule is None:
            continue
        cap = _cap(rule.max_per_project, multiplier(rule))
        if cap is not None and state > cap:
            result.problems.append(
                Problem(
                    "budget",
                    _(
                        "Nội dung “%(item)s”: kinh phí nhà nước %(amount)s, vượt mức tối đa %(cap)s mỗi đề án"
                        "%(uplift)s (%(citation)s)."
                    )
                    % {
                        "item": items[item_id].name,
                        "amount": money(state),
                        "cap": money(cap),
                        "uplift": _uplift_text(multiplier(rule)),
                        "citation": citation,
                    },
                    key=f"project|{rule_set.pk}|{item_id}|{state}",
                )
            )
        total = all_by_item[item_id]
        if rule.max_share_percent is not None and state * 100 > rule.max_share_percent * total:
            share = Decimal(state * 100) / Decimal(total)
            result.problems.append(
                Problem(
                    "budget",
                    _(
                        "Nội dung “%(item)s”: kinh phí nhà nước bằng %(share)s%% tổng dự toán, vượt mức tối đa "
                        "%(cap)s%% — cần ghi vốn đối ứng (%(citation)s)."
                    )
                    % {
                        "item": items[item_id].name,
                        "share": number_text(round(share, 1)),
                        "cap": number_text(rule.max_share_percent),
                        "citation": citation,
                    },
                    key=f"project_share|{rule_set.pk}|{item_id}|{state}|{total}",
                )
            )
    return result


def advance_cap(
    project, source, on_date: dt.date, *, budget_lines, progress_percent: Decimal | None
) -> tuple[int, list[str]]:
    """The most that may be advanced from `source`: each budget line times its item's advance share, and
    nothing yet for items whose norm requires a share of the work done first. Returns (cap, explanations)."""
    rule_set, notes = rule_set_for(project, on_date)
    rules = {} if rule_set is None else {rule.content_item_id: rule for rule in rule_set.rules.all()}
    cap = Decimal(0)
    explanations: list[str] = list(notes)
    for line in budget_lines:
        if line.source_id != source.pk:
            continue
        rule = rules.get(line.content_item_id)
        if rule is None or rule.advance_percent is None:
            cap += line.amount
            continue
        threshold = rule.advance_after_progress_percent
        if threshold is not None and (progress_percent is None or progress_percent <= threshold):
            explanations.append(
                _("“%(item)s”: chỉ tạm ứng khi khối lượng hoàn thành trên %(t)s%% (báo cáo gần nhất: %(p)s).")
                % {
                    "item": line.content_item.name,
                    "t": number_text(threshold),
                    "p": "—" if progress_percent is None else f"{number_text(progress_percent)}%",
                }
            )
            continue
        cap += Decimal(line.amount) * rule.advance_percent / 100
        explanations.append(
            _("“%(item)s”: tạm ứng tối đa %(pct)s%% (%(citation)s).")
            % {"item": line.content_item.name, "pct": number_text(rule.advance_percent), "citation": rule_set.citation}
        )
    return int(cap), explanations
