"""Every write to targets and provincial reports: capability and scope checked against the stored rows, one
transaction, an AuditEvent in it, the analytics rows refreshed in it.

Reports: a province officer (`indicators.enter`) opens the report of a period and enters its values; the Sở's
leader (`indicators.submit`) submits it to the Cục; a Cục leader (`indicators.approve`) approves it, which locks
the period and makes the values count, or returns it with a reason; only a Cục leader holding
`indicators.unlock` reopens an approved period, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from khuyencong.accounts.access import access_manual_report, access_programme, user_scope
from khuyencong.accounts.roles import Role, can
from khuyencong.audit.services import audit_record, snapshot
from khuyencong.core.errors import Conflict, PermissionDenied, ValidationFailed
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.geo.selectors import current_province_of
from khuyencong.indicators.analytics import analytics_refresh_report
from khuyencong.indicators.models import (
    Half,
    Indicator,
    ManualReport,
    ManualValue,
    ReportStatus,
    Target,
)
from khuyencong.indicators.selectors import number_text, report_indicators, target_warnings
from khuyencong.programmes import workflow
from khuyencong.programmes.models import ProgrammeLevel
from khuyencong.programmes.selectors import may_manage_programme

R = ReportStatus


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _decimal(value, field: str, label: str) -> Decimal | None:
    """A number with at most two decimals (a comma or a point), or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("%(label)s phải là một số.") % {"label": label}, details={field: [_("Phải là một số.")]}
        ) from None
    if not number.is_finite() or number < 0 or number.as_tuple().exponent < -2:
        raise ValidationFailed(
            _("%(label)s phải là số không âm, tối đa hai chữ số thập phân.") % {"label": label},
            details={field: [_("Số không âm, tối đa hai chữ số thập phân.")]},
        )
    return number


# --- Targets ---------------------------------------------------------------------------------------------------


@dataclass
class TargetResult:
    target: Target | None
    warnings: list[str]


def target_set(
    *, actor, programme_id: int, indicator_id: int, target_value, unit_id: int | None = None,
    year: int | None = None, note: str = "", citation: str = "",
) -> TargetResult:  # fmt: skip
    """Set (or, with an empty value and no note, remove) one target: programme-wide (`unit_id` None) or given to
    one province of a national programme (today's or a pre-2025 one), for the whole period (`year` None) or one
    year. Returns the warnings of the programme's targets (provinces adding up to more than the nation)."""
    with transaction.atomic():
        programme = access_programme(actor, programme_id, write=True)
        if not may_manage_programme(actor, programme):
            raise PermissionDenied(_("Bạn không có quyền giao mục tiêu của chương trình này."))
        indicator = Indicator.objects.filter(pk=indicator_id).first()
        if indicator is None:
            raise ValidationFailed(_("Chỉ tiêu không hợp lệ."), details={"indicator": [_("Không hợp lệ.")]})
        unit = None
        if unit_id:
            unit = Unit.objects.filter(pk=unit_id, level=UnitLevel.PROVINCE).first()
            if unit is None:
                raise ValidationFailed(_("Tỉnh được giao không hợp lệ."), details={"unit": [_("Không hợp lệ.")]})
            if programme.level == ProgrammeLevel.PROVINCIAL:
                raise ValidationFailed(
                    _("Chương trình của một tỉnh chỉ có mục tiêu chung, không giao cho tỉnh khác."),
                    details={"unit": [_("Để trống với chương trình địa phương.")]},
                )
        if year is not None and not programme.start_year <= int(year) <= programme.end_year:
            raise ValidationFailed(
                _("Năm phải trong giai đoạn %(a)s–%(b)s của chương trình.")
                % {"a": programme.start_year, "b": programme.end_year},
                details={"year": [_("Ngoài giai đoạn của chương trình.")]},
            )
        value = _decimal(target_value, "target_value", _("Mục tiêu"))
        province = current_province_of(unit) if unit is not None else None
        target = (
            Target.objects.select_for_update(of=("self",))
            .filter(programme=programme, indicator=indicator, unit=unit, year=year)
            .order_by("pk")
            .first()
        )
        before = snapshot(target) if target else None
        if value is None and not _text(note):
            if target is not None:
                target.delete()
                audit_record(
                    actor=actor, action="target.remove", obj=programme, before=before,
                    province_id=province.pk if province else None,
                )  # fmt: skip
            return TargetResult(None, target_warnings(programme))
        target = target or Target(programme=programme, indicator=indicator, unit=unit, year=year)
        target.province = province or programme.province
        target.target_value, target.note, target.citation = value, _text(note), _text(citation)
        target.updated_by = actor
        target.save()
        audit_record(
            actor=actor, action="target.set", obj=programme, before=before, after=snapshot(target),
            province_id=target.province_id,
        )  # fmt: skip
        return TargetResult(target, target_warnings(programme))


# --- Provincial reports ------------------------------------------------------------------------------------------


def _period_problems(year, half) -> dict:
    errors = {}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Năm không hợp lệ.")]
    elif year > timezone.localdate().year:
        errors["year"] = [_("Chưa thể báo cáo số liệu của năm chưa đến.")]
    if half not in Half.values:
        errors["half"] = [_("Kỳ báo cáo không hợp lệ.")]
    return errors


def report_open(*, actor, year: int, half: int = Half.YEAR, province_id: int | None = None) -> ManualReport:
    """Open (or return the existing) report of the actor's province for a period. National-scope holders of
    `indicators.enter` (the system administrator) name the province."""
    if not can(actor, "indicators.enter"):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu chỉ tiêu."))
    scope = user_scope(actor)
    province_id = scope.province_id if scope.province_id is not None else province_id
    errors = _period_problems(year, half)
    province = Unit.objects.filter(pk=province_id, level=UnitLevel.PROVINCE, valid_to__isnull=True).first()
    if province is None or not scope.covers_province(province.pk):
        errors["province"] = [_("Cần chọn một tỉnh hiện nay trong phạm vi của bạn.")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    existing = ManualReport.objects.filter(province=province, year=year, half=half).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = ManualReport.objects.create(province=province, year=year, half=half, created_by=actor)
            audit_record(actor=actor, action="indicator_report.open", obj=report, after=snapshot(report))
            return report
    except IntegrityError:  # opened by a colleague at the same moment
        return ManualReport.objects.get(province=province, year=year, half=half)


def _lock_report(actor, report_id, version) -> ManualReport:
    report = access_manual_report(actor, report_id)
    report = ManualReport.objects.select_for_update(of=("self",)).select_related("province").get(pk=report.pk)
    if version is None or str(version) != str(report.version):
        raise Conflict(
            _(
                "Báo cáo “%(r)s” vừa được người khác cập nhật (phiên bản %(current)s; trang của bạn là phiên bản "
                "%(seen)s). Hãy tải lại trang."
            )
            % {"r": report, "current": report.version, "seen": version or "?"}
        )
    return report


def _values_snapshot(report: ManualReport) -> list:
    return list(
        report.values.order_by("indicator_id").values_list(
            "indicator_id", "value", "value_female", "value_ethnic_minority", "note"
        )
    )


def _clean_value(indicator: Indicator, entry: dict) -> tuple[Decimal | None, Decimal | None, Decimal | None, str]:
    field = f"indicator_{indicator.pk}"
    value = _decimal(entry.get("value"), field, indicator.name)
    female = _decimal(entry.get("female"), field, _("%(ind)s, trong đó nữ") % {"ind": indicator.name})
    ethnic = _decimal(
        entry.get("ethnic_minority"), field, _("%(ind)s, trong đó dân tộc thiểu số") % {"ind": indicator.name}
    )
    errors = []
    if value is None and (female is not None or ethnic is not None):
        errors.append(_("%(ind)s: cần ghi tổng số trước khi ghi số nữ, dân tộc thiểu số.") % {"ind": indicator.name})
    if indicator.max_value is not None and value is not None and value > indicator.max_value:
        errors.append(
            _("%(ind)s: giá trị tối đa là %(max)s %(unit)s.")
            % {"ind": indicator.name, "max": number_text(indicator.max_value), "unit": indicator.unit}
        )
    for part, label, allowed in (
        (female, _("nữ"), indicator.by_sex),
        (ethnic, _("dân tộc thiểu số"), indicator.by_ethnic_minority),
    ):
        if part is None:
            continue
        if not allowed:
            errors.append(_("%(ind)s không tách số %(part)s.") % {"ind": indicator.name, "part": label})
        elif value is not None and part > value:
            errors.append(
                _("%(ind)s: số %(part)s (%(n)s) lớn hơn tổng số (%(total)s).")
                % {"ind": indicator.name, "part": label, "n": number_text(part), "total": number_text(value)}
            )
    if errors:
        raise ValidationFailed(errors[0], details={field: errors})
    return value, female, ethnic, _text(entry.get("note"))[:300]


def report_values_set(*, actor, report_id: int, version, values: dict[int, dict]) -> ManualReport:
    """Replace the values of a draft report: {indicator id: {"value", "female", "ethnic_minority", "note"}}; an
    indicator left empty is not reported. Only indicators of the report's period kind are accepted."""
    with transaction.atomic():
        report = _lock_report(actor, report_id, version)
        if not can(actor, "indicators.enter") or not user_scope(actor).covers_province(report.province_id):
            raise PermissionDenied(_("Bạn không có quyền nhập số liệu chỉ tiêu của tỉnh này."))
        if report.status != R.DRAFT:
            raise Conflict(
                _("Báo cáo đang ở trạng thái “%(s)s”: số liệu đã khóa, không sửa được.")
                % {"s": report.get_status_display()}
            )
        allowed = {indicator.pk: indicator for indicator in report_indicators(report)}
        unknown = [key for key in values if int(key) not in allowed]
        if unknown:
            raise ValidationFailed(
                _("Chỉ tiêu không thuộc kỳ báo cáo này."), details={"values": [_("Chỉ tiêu không hợp lệ.")]}
            )
        rows = []
        for key, entry in values.items():
            indicator = allowed[int(key)]
            value, female, ethnic, note = _clean_value(indicator, entry or {})
            if value is not None:
                rows.append(
                    ManualValue(
                        report=report, indicator=indicator, value=value, value_female=female,
                        value_ethnic_minority=ethnic, note=note,
                    )
                )  # fmt: skip
        before = _values_snapshot(report)
        report.values.all().delete()
        ManualValue.objects.bulk_create(rows)
        report.version += 1
        report.save(update_fields=["version", "updated_at"])
        audit_record(
            actor=actor, action="indicator_report.values", obj=report, before={"values": before},
            after={"values": _values_snapshot(report)},
        )  # fmt: skip
    return report


@dataclass(frozen=True)
class ReportStep:
    action: str
    source: str
    target: str
    capability: str
    label: str
    body: workflow.Level  # the Cục, or the Sở Công Thương of the report's province
    needs_reason: bool = False
    style: str = "primary"


REPORT_STEPS = (
    ReportStep("submit", R.DRAFT, R.SUBMITTED, "indicators.submit", _l("Gửi Cục"), workflow.DEPARTMENT),
    ReportStep("approve", R.SUBMITTED, R.APPROVED, "indicators.approve", _l("Duyệt và khóa kỳ"), workflow.CENTRAL),
    ReportStep(
        "return", R.SUBMITTED, R.DRAFT, "indicators.approve", _l("Trả lại để sửa"), workflow.CENTRAL,
        needs_reason=True, style="warning",
    ),
    ReportStep(
        "unlock", R.APPROVED, R.DRAFT, "indicators.unlock", _l("Mở khóa để sửa"), workflow.CENTRAL,
        needs_reason=True, style="danger",
    ),
)  # fmt: skip


def _may_take(user, step: ReportStep, report: ManualReport) -> bool:
    return can(user, step.capability) and step.body.allows(user, report)


def report_actions(user, report: ManualReport) -> list[ReportStep]:
    """The steps this user may take on the report now (the buttons; the service decides for real)."""
    return [step for step in REPORT_STEPS if step.source == report.status and _may_take(user, step, report)]


def _notify(users, report: ManualReport, message: str, actor) -> None:
    from khuyencong.programmes.services import notify

    notify(users, message=message, url=reverse("indicators:report", kwargs={"report_id": report.pk}), exclude=actor)


def _recipients(step: ReportStep, report: ManualReport):
    User = get_user_model()
    active = User.objects.filter(is_active=True)
    if step.action == "submit":
        return active.filter(groups__name=Role.CENTRAL_LEADER, agency__jurisdiction__isnull=True)
    return active.filter(agency__jurisdiction__province_id=report.province_id, groups__name__in=[
        Role.PROVINCE_OFFICER, Role.PROVINCE_LEADER
    ])  # fmt: skip


def report_transition(*, actor, report_id: int, action: str, version, reason: str = "") -> ManualReport:
    """Submit, approve, return or unlock a report; approval makes its values count, unlocking withdraws them."""
    with transaction.atomic():
        report = _lock_report(actor, report_id, version)
        step = next((s for s in REPORT_STEPS if s.action == action and s.source == report.status), None)
        if step is None:
            raise Conflict(
                _("Báo cáo đang ở trạng thái “%(s)s”: không thể thực hiện thao tác này.")
                % {"s": report.get_status_display()}
            )
        if not _may_take(actor, step, report):
            raise PermissionDenied(
                _("Bạn không có quyền %(what)s: việc này do %(who)s thực hiện.")
                % {"what": str(step.label).lower(), "who": step.body.label}
            )
        reason = _text(reason)
        if step.needs_reason and not reason:
            raise ValidationFailed(_("Cần ghi lý do."), details={"reason": [_("Bắt buộc.")]})
        if action == "submit" and not report.values.exists():
            raise ValidationFailed(
                _("Báo cáo chưa có số liệu nào: hãy nhập số liệu trước khi gửi."), details={"values": [_("Trống.")]}
            )
        before = snapshot(report)
        now = timezone.now()
        report.status = step.target
        if action == "submit":
            report.submitted_by, report.submitted_at = actor, now
        elif action == "approve":
            report.approved_by, report.approved_at = actor, now
        else:
            report.last_note = reason
        report.version += 1
        report.save()
        audit_record(
            actor=actor, action=f"indicator_report.{action}", obj=report, before=before, after=snapshot(report),
            note=reason,
        )  # fmt: skip
        analytics_refresh_report(report.pk)
        _notify(
            _recipients(step, report),
            report,
            _("Số liệu chỉ tiêu %(r)s: %(label)s%(why)s.")
            % {"r": report, "label": str(step.label).lower(), "why": f" — {reason}" if reason else ""},
            actor,
        )
    return report
