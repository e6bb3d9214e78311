"""Applying the dated legal rules: size class (NĐ 80/2021), eligibility for support (NĐ 45 / NĐ 235),
certificate validity. The numbers live in the tables of models.py; this module only reads and applies them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.compiled import CompiledQuery
from khuyencong.geo.models import UnitType
from khuyencong.registry.models import (
    CertificationValidityRule,
    EligibilityRule,
    LegalForm,
    SizeClass,
    SizeThreshold,
)

# An establishment without a VSIC division is sized as manufacturing (section C): a cơ sở CNNT is by
# definition an industrial producer (NĐ 45/2012, Điều 2).
DEFAULT_SECTION = "C"


def _valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def thresholds_for(year: int, section: str | None) -> list[SizeThreshold]:
    """The thresholds in force at the end of `year` for the sector group holding `section`, smallest first.

    A year before the oldest rule set uses the oldest one (the first thresholds on record).
    """
    section = (section or DEFAULT_SECTION).upper()
    day = dt.date(year, 12, 31)
    rows = list(SizeThreshold.objects.filter(_valid_on(day)))
    if not rows:
        oldest = SizeThreshold.objects.order_by("valid_from").values_list("valid_from", flat=True).first()
        rows = list(SizeThreshold.objects.filter(valid_from=oldest)) if oldest else []
    matching = [row for row in rows if section in row.vsic_sections.split()]
    return sorted(matching, key=lambda row: row.max_insured_workers)


def size_class_of(
    thresholds: list[SizeThreshold], *, insured: int | None, revenue: int | None, capital: int | None
) -> str:
    """The smallest class whose worker ceiling is met together with the revenue or the capital ceiling
    (the most favourable criterion); "" when the figures cannot decide."""
    if insured is None or (revenue is None and capital is None) or not thresholds:
        return ""
    for row in thresholds:
        if insured <= row.max_insured_workers and (
            (revenue is not None and revenue <= row.max_revenue) or (capital is not None and capital <= row.max_capital)
        ):
            return row.size_class
    return SizeClass.LARGE


class SizeRules:
    """Size classes for many establishments at once: the thresholds of each (year, section) are read once."""

    def __init__(self):
        self._thresholds: dict[tuple[int, str | None], list[SizeThreshold]] = {}

    def size(self, establishment, figures) -> str:
        key = (figures.year, section_of(establishment))
        if key not in self._thresholds:
            self._thresholds[key] = thresholds_for(*key)
        return size_class_of(
            self._thresholds[key],
            insured=figures.employees_insured,
            revenue=figures.revenue,
            capital=figures.capital,
        )


def section_of(establishment) -> str | None:
    industry = establishment.main_industry
    if industry is None:
        return None
    return industry.parent.code if industry.parent_id and industry.level == 2 else industry.code


@dataclass
class Eligibility:
    """Whether the establishment fits the beneficiary rules; shown as a flag, never used to block."""

    status: str  # "eligible", "verify", "not_eligible", "unknown"
    reasons: list[str] = field(default_factory=list)
    citation: str = ""

    LABELS = {
        "eligible": gettext_lazy("Thuộc đối tượng hỗ trợ"),
        "verify": gettext_lazy("Cần xác minh"),
        "not_eligible": gettext_lazy("Không thuộc đối tượng hỗ trợ"),
        "unknown": gettext_lazy("Chưa có quy định để xét"),
    }

    @property
    def label(self) -> str:
        return str(self.LABELS[self.status])


# Asked on every establishment page (compiled: see core/compiled.py).
_RULE_IN_FORCE = CompiledQuery(
    lambda day: EligibilityRule.objects.filter(_valid_on(day)).order_by("-valid_from")[:1], dt.date
)


def eligibility_of(establishment, *, on: dt.date | None = None) -> Eligibility:
    day = on or timezone.localdate()
    rule = next(iter(_RULE_IN_FORCE(day)), None)
    if rule is None:
        return Eligibility("unknown", [_("Không có quy định về đối tượng thụ hưởng có hiệu lực tại ngày này.")])
    blocking: list[str] = []
    doubtful: list[str] = []
    form_label = LegalForm(establishment.legal_form).label if establishment.legal_form in LegalForm.values else "?"
    if establishment.legal_form not in rule.eligible_forms:
        blocking.append(_("Loại hình “%(form)s” không thuộc đối tượng thụ hưởng.") % {"form": form_label})
    commune = establishment.commune
    if commune is None:
        doubtful.append(_("Chưa có xã/phường nên chưa xét được địa bàn."))
    elif commune.unit_type in rule.eligible_unit_types:
        pass
    elif commune.unit_type in rule.verify_unit_types:
        doubtful.append(
            _("Cơ sở đặt tại %(type)s %(name)s: chỉ được hỗ trợ khi địa bàn đáp ứng điều kiện của quy định.")
            % {"type": UnitType(commune.unit_type).label.lower(), "name": commune.name}
        )
    else:
        blocking.append(
            _("Địa bàn loại “%(type)s” không thuộc địa bàn được hỗ trợ.") % {"type": UnitType(commune.unit_type).label}
        )
    if establishment.legal_form == LegalForm.ENTERPRISE:
        if not establishment.size_class:
            doubtful.append(
                _("Chưa xác định được quy mô doanh nghiệp (cần số lao động BHXH và doanh thu hoặc nguồn vốn).")
            )
        elif establishment.size_class not in rule.eligible_enterprise_sizes:
            blocking.append(
                _("Doanh nghiệp quy mô “%(size)s”: chỉ doanh nghiệp nhỏ và vừa thuộc đối tượng.")
                % {"size": SizeClass(establishment.size_class).label}
            )
    status = "not_eligible" if blocking else "verify" if doubtful else "eligible"
    return Eligibility(status, blocking + doubtful, rule.citation)


def certificate_end(kind: str, decision_date: dt.date) -> dt.date | None:
    """The end of validity a certificate of `kind` issued on `decision_date` gets from the rule in force."""
    rule = CertificationValidityRule.objects.filter(_valid_on(decision_date), kind=kind).order_by("-valid_from").first()
    if rule is None:
        return None
    if rule.until_year_end:
        return dt.date(decision_date.year + rule.years - 1, 12, 31)
    try:
        return decision_date.replace(year=decision_date.year + rule.years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return dt.date(decision_date.year + rule.years, 2, 28)
