"""Every write to programmes, plans and projects.

Each function checks the actor's capability and body (`workflow.Level`) against the *stored* state, inside
one transaction that locks the project (or plan) row and compares the version the actor saw, and writes its
AuditEvent in the same transaction. Nothing is written when any check fails.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.access import access_establishment, access_plan, access_programme, access_project, user_scope
from khuyencong.accounts.models import Agency, User
from khuyencong.accounts.roles import ROLE_CAPABILITIES, Role, can
from khuyencong.audit.services import audit_record, snapshot
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from khuyencong.core.vietnamese import fold_vi, nfc
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.geo.selectors import current_province_of
from khuyencong.indicators.analytics import analytics_refresh_project
from khuyencong.indicators.models import Indicator, IndicatorSource
from khuyencong.programmes import checks, workflow
from khuyencong.programmes.ledger import refresh_project_money
from khuyencong.programmes.models import (
    Adjustment,
    AdjustmentStatus,
    AnnualPlan,
    Appraisal,
    AppraisalCriterion,
    AppraisalLevel,
    BudgetLine,
    ContentItem,
    ContractKind,
    Deadline,
    DeadlineKind,
    DocumentType,
    FundingSource,
    Inspection,
    InspectionConclusion,
    MoneyMovement,
    MovementKind,
    MovementStatus,
    Notification,
    PlanAllocation,
    PlanStatus,
    Programme,
    ProgrammeLevel,
    ProgressReport,
    Project,
    ProjectBeneficiary,
    ProjectDocument,
    ProjectKind,
    ProjectOutput,
    ProjectPartner,
    ProjectStateChange,
    ProjectStatus,
    ProjectType,
    RuleOverride,
    RuleScope,
    RuleSet,
)
from khuyencong.programmes.money import Totals, movement_problems, totals_by_source
from khuyencong.programmes.rules import Problem, advance_cap, evaluate_support, money
from khuyencong.programmes.selectors import deadline_on, may_manage_programme
from khuyencong.registry.models import EstablishmentStatus

logger = logging.getLogger(__name__)
S = ProjectStatus
ALLOWED_UPLOADS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png", ".zip"}
AFTER_APPROVAL = (S.APPROVED, S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS)


# --- Shared helpers ---------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _fail(problems: list[Problem], message: str | None = None) -> None:
    """Raise ValidationFailed with the problems grouped by field (no-op when there are none)."""
    if not problems:
        return
    details: dict[str, list[str]] = {}
    for problem in problems:
        details.setdefault(problem.field, []).append(problem.message)
    text = problems[0].message
    if message:
        text = f"{message.rstrip('.')}: {text}"
    if len(problems) > 1:
        text += _(" (và %(n)s vấn đề khác)") % {"n": len(problems) - 1}
    raise ValidationFailed(text, details=details)


def _require(actor, capability: str, level: workflow.Level, obj, doing: str) -> None:
    if not can(actor, capability) or not level.allows(actor, obj):
        raise PermissionDenied(
            _("Bạn không có quyền %(doing)s: việc này do %(level)s thực hiện.") % {"doing": doing, "level": level.label}
        )


def _stale(obj, version) -> None:
    """Refuse to act on a version the actor did not see (someone else changed the object meanwhile)."""
    if version is None or str(version) != str(obj.version):
        raise Conflict(
            _(
                "“%(obj)s” vừa được người khác cập nhật (phiên bản %(current)s; trang của bạn là phiên bản %(seen)s). "
                "Hãy tải lại trang, xem thay đổi rồi thực hiện lại nếu vẫn cần."
            )
            % {"obj": getattr(obj, "code", None) or str(obj), "current": obj.version, "seen": version or "?"}
        )


def _lock_project(actor, project_id) -> Project:
    """Scope check (NotFound outside it), then the row lock that serialises writers of this project."""
    project = access_project(actor, project_id)
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("programme", "plan", "province")
        .get(pk=project.pk)
    )


def _not_future(day: dt.date | None, field: str, label: str) -> list[Problem]:
    if day is not None and day > _today():
        return [Problem(field, _("%(label)s không được sau ngày hôm nay.") % {"label": label})]
    return []


def _lower_first(text) -> str:
    """ "Gửi Sở Công Thương" → "gửi Sở Công Thương": for labels inside sentences, keeping proper nouns."""
    text = str(text)
    return text[:1].lower() + text[1:]


def _text(value) -> str:
    return nfc(str(value or "")).strip()


def _save_project(project: Project, *, actor, action: str, before: dict, note: str = "") -> None:
    project.version += 1
    project.save()
    audit_record(actor=actor, action=action, obj=project, before=before, after=snapshot(project), note=note)


def _editable(project: Project) -> None:
    if not project.is_editable:
        raise Conflict(
            _(
                "Đề án đang ở trạng thái “%(state)s”: chỉ sửa được khi còn là nháp hoặc bị trả lại; "
                "hãy đề nghị điều chỉnh."
            )
            % {"state": project.status_label()}
        )


# --- Notifications --------------------------------------------------------------------------------------


def _roles_with(capability: str) -> list[str]:
    """Roles that hold a capability for their work (the administrator holds all of them only to grant them)."""
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps and role != Role.SYSTEM_ADMIN]


def users_who_may(capability: str, level: workflow.Level, obj):
    return (
        User.objects.filter(level.users_q(obj), groups__name__in=_roles_with(capability), is_active=True)
        .filter(agency__is_active=True)
        .distinct()
    )


def _email_enabled() -> bool:
    return settings.EMAIL_BACKEND not in (
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    )


def notify(users: Iterable[User], *, message: str, project: Project | None = None, url: str = "", exclude=None) -> None:
    """In-app notifications now, e-mail after commit when a real mail backend is configured."""
    recipients = {user.pk: user for user in users if exclude is None or user.pk != exclude.pk}
    if not recipients:
        return
    Notification.objects.bulk_create(
        [Notification(user=user, project=project, message=message[:500], url=url) for user in recipients.values()]
    )
    if _email_enabled():
        mails = [
            (f"[{settings.SITE_NAME}] {message[:120]}", f"{message}\n\n{url}", None, [user.email])
            for user in recipients.values()
            if user.email
        ]

        def send() -> None:
            try:
                send_mass_mail(mails, fail_silently=False)
            except Exception:  # a mail server outage must not undo the decision already committed
                logger.exception("Could not send %s notification e-mails", len(mails))

        transaction.on_commit(send)


def _project_url(project: Project) -> str:
    return reverse("projects:detail", kwargs={"project_id": project.pk})


def _notify_next(project: Project, actor, *, creator_too: bool, headline: str) -> None:
    """Tell whoever may take the next main-path step, and the project's creator when asked."""
    users: dict[int, User] = {}
    for entry in workflow.entries_from(project):
        if entry.inbox:
            users.update({user.pk: user for user in users_who_may(entry.capability, entry.level, project)})
    if creator_too:
        users[project.created_by_id] = project.created_by
    notify(users.values(), message=headline, project=project, url=_project_url(project), exclude=actor)


def notification_mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one (or, with None, every) notification of the actor as read; returns how many changed."""
    with transaction.atomic():
        unread = Notification.objects.filter(user=actor, read_at__isnull=True)
        if notification_id is not None:
            unread = unread.filter(pk=notification_id)
        return unread.update(read_at=timezone.now())


# --- Projects: creating and editing a draft -------------------------------------------------------------


PROJECT_FIELDS = (
    "title", "kind", "project_type", "programme", "year", "implementing_agency", "province", "legacy_province",
    "start_date", "end_date", "objectives", "is_priority", "priority_reason",
)  # fmt: skip


def _clean_project(actor, data: dict, *, existing: Project | None) -> tuple[dict, list, list, list]:
    """Validate the fields of a draft; returns (field values, content items, communes, partners)."""
    errors: list[Problem] = []
    values = {name: data.get(name, getattr(existing, name, None) if existing else None) for name in PROJECT_FIELDS}
    values["title"] = _text(values["title"])
    values["objectives"] = _text(values["objectives"])
    values["priority_reason"] = _text(values["priority_reason"])
    values["is_priority"] = bool(values["is_priority"])
    values["project_type"] = values["project_type"] or ProjectType.ORDINARY
    if not values["title"]:
        errors.append(Problem("title", _("Cần ghi tên đề án.")))
    if values["kind"] not in ProjectKind.values:
        errors.append(Problem("kind", _("Loại đề án không hợp lệ.")))
    if values["project_type"] not in ProjectType.values:
        errors.append(Problem("project_type", _("Hình thức đề án không hợp lệ.")))
    year = values["year"]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(Problem("year", _("Năm kế hoạch không hợp lệ.")))
    if values["is_priority"] and not values["priority_reason"]:
        errors.append(Problem("priority_reason", _("Cần ghi căn cứ ưu tiên (địa bàn, ngành nghề ưu tiên).")))
    start, end = values["start_date"], values["end_date"]
    if start and end and end < start:
        errors.append(Problem("end_date", _("Ngày kết thúc phải sau ngày bắt đầu.")))
    for name, label in (("programme", _("chương trình")), ("implementing_agency", _("đơn vị thực hiện"))):
        if values[name] is None:
            errors.append(Problem(name, _("Cần chọn %(what)s.") % {"what": label}))
    if isinstance(values["programme"], int | str):
        values["programme"] = Programme.objects.filter(pk=values["programme"]).first()
    if isinstance(values["implementing_agency"], int | str):
        values["implementing_agency"] = Agency.objects.filter(pk=values["implementing_agency"]).first()

    legacy, province = values["legacy_province"], values["province"]
    if legacy is not None:
        if legacy.level != UnitLevel.PROVINCE or legacy.valid_to is None:
            errors.append(
                Problem("legacy_province", _("Tỉnh tại thời điểm thực hiện phải là một tỉnh cũ (trước 2025)."))
            )
        else:
            rolled = current_province_of(legacy)
            if province is not None and province.pk != rolled.pk:
                errors.append(
                    Problem(
                        "province",
                        _("%(old)s nay thuộc %(new)s, không phải %(given)s.")
                        % {"old": legacy, "new": rolled, "given": province},
                    )
                )
            province = rolled
    if province is not None and (province.level != UnitLevel.PROVINCE or province.valid_to is not None):
        errors.append(Problem("province", _("Tỉnh phải là một tỉnh hiện nay.")))
    scope = user_scope(actor)
    if province is None and scope.province_id is not None:
        province = Unit.objects.get(pk=scope.province_id)  # a province's staff always draft in their province
    values["province"] = province
    if values["kind"] == ProjectKind.LOCAL and province is None:
        errors.append(Problem("province", _("Đề án khuyến công địa phương phải thuộc một tỉnh.")))

    agency = values["implementing_agency"]
    if (
        agency is not None
        and province is not None
        and agency.jurisdiction_id not in (None, province.pk)
        and agency.jurisdiction.province_id != province.pk
    ):
        errors.append(Problem("implementing_agency", _("Đơn vị thực hiện phải thuộc tỉnh của đề án.")))
    if agency is not None and province is None and agency.jurisdiction_id is not None:
        errors.append(
            Problem(
                "implementing_agency",
                _("Đề án không gắn với một tỉnh phải do cơ quan trung ương/Trung tâm vùng thực hiện."),
            )
        )

    items = (
        list(data["content_items"])
        if "content_items" in data
        else list(existing.content_items.all())
        if existing
        else []
    )
    communes = list(data["communes"]) if "communes" in data else list(existing.communes.all()) if existing else []
    allowed = {unit.pk for unit in (province, legacy) if unit is not None}
    for commune in communes:
        if commune.level not in (UnitLevel.COMMUNE, UnitLevel.DISTRICT) or commune.province_id not in allowed:
            errors.append(Problem("communes", _("%(unit)s không thuộc tỉnh của đề án.") % {"unit": commune}))
    partners = data.get("partners")
    if partners is None:
        partners = [(p.name, p.role) for p in existing.partners.all()] if existing else []
    partners = [(_text(name), _text(role)) for name, role in partners if _text(name)]

    if not errors and values["programme"] is not None:
        probe = Project(kind=values["kind"], province=province, programme=values["programme"])
        errors += checks.check_programme_matches(probe)
    _fail(errors, _("Thông tin đề án chưa hợp lệ."))
    return values, items, communes, partners


def _next_code(kind: str, year: int, province: Unit | None) -> str:
    """KCQG-2026-33-012: funds, plan year, province code (TW without one), sequence in that group."""
    prefix = f"{'KCQG' if kind == ProjectKind.NATIONAL else 'KCDP'}-{year}-{province.code if province else 'TW'}-"
    last = Project.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:03d}"


def _write_relations(project: Project, items, communes, partners) -> None:
    project.content_items.set(items)
    project.communes.set(communes)
    project.partners.all().delete()
    ProjectPartner.objects.bulk_create([ProjectPartner(project=project, name=n, role=r) for n, r in partners])


def _relations_snapshot(project: Project) -> dict:
    return {
        "content_items": sorted(project.content_items.values_list("pk", flat=True)),
        "communes": sorted(project.communes.values_list("pk", flat=True)),
        "partners": list(project.partners.values_list("name", "role")),
    }


def project_create(*, actor, data: dict) -> Project:
    if not can(actor, "project.draft"):
        raise PermissionDenied(_("Bạn không có quyền lập đề án."))
    values, items, communes, partners = _clean_project(actor, data, existing=None)
    probe = Project(kind=values["kind"], province=values["province"])
    _require(actor, "project.draft", workflow.IMPLEMENTER, probe, _("lập đề án"))
    for attempt in range(5):
        try:
            with transaction.atomic():
                project = Project(
                    **values,
                    code=_next_code(values["kind"], values["year"], values["province"]),
                    title_folded=fold_vi(values["title"]),
                    created_by=actor,
                )
                project.save()
                _write_relations(project, items, communes, partners)
                audit_record(
                    actor=actor,
                    action="project.create",
                    obj=project,
                    after={**snapshot(project), **_relations_snapshot(project)},
                )
                analytics_refresh_project(project.pk)
                return project
        except IntegrityError:  # two drafts took the same number at once: take the next one
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def project_update(*, actor, project_id: int, version, data: dict) -> Project:
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("sửa đề án"))
        _stale(project, version)
        _editable(project)
        values, items, communes, partners = _clean_project(actor, data, existing=project)
        before = {**snapshot(project), **_relations_snapshot(project)}
        for name, value in values.items():
            setattr(project, name, value)
        project.title_folded = fold_vi(project.title)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("chuyển đề án sang tỉnh khác"))
        _write_relations(project, items, communes, partners)
        project.version += 1
        project.save()
        audit_record(
            actor=actor,
            action="project.update",
            obj=project,
            before=before,
            after={**snapshot(project), **_relations_snapshot(project)},
        )
        analytics_refresh_project(project.pk)
    return project


def _budget_snapshot(project: Project) -> list:
    return list(
        project.budget_lines.order_by("source_id", "content_item_id").values_list(
            "source_id", "content_item_id", "amount"
        )
    )


def _clean_budget(project: Project, lines: list[dict], items: set[int]) -> list[BudgetLine]:
    errors: list[Problem] = []
    sources = FundingSource.objects.in_bulk()
    seen = set()
    rows = []
    for number, line in enumerate(lines, start=1):
        source = sources.get(int(line.get("source") or 0))
        item_id = int(line.get("content_item") or 0)
        amount = line.get("amount")
        where = _("Dòng %(n)s") % {"n": number}
        if source is None:
            errors.append(Problem("budget", _("%(where)s: nguồn vốn không hợp lệ.") % {"where": where}))
            continue
        if item_id not in items:
            errors.append(
                Problem("budget", _("%(where)s: nội dung phải là một nội dung đã chọn của đề án.") % {"where": where})
            )
            continue
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            errors.append(
                Problem("budget", _("%(where)s: số tiền phải là số nguyên đồng lớn hơn 0.") % {"where": where})
            )
            continue
        if (source.pk, item_id) in seen:
            errors.append(Problem("budget", _("%(where)s: trùng nguồn và nội dung với dòng trước.") % {"where": where}))
            continue
        seen.add((source.pk, item_id))
        rows.append(BudgetLine(project=project, source=source, content_item_id=item_id, amount=amount))
    _fail(errors, _("Dự toán chưa hợp lệ."))
    return rows


def _replace_budget(project: Project, rows: list[BudgetLine]) -> None:
    """New budget lines of a locked project, and its stored money recomputed in the same transaction."""
    project.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(rows)
    refresh_project_money(project)


def project_budget_set(*, actor, project_id: int, version, lines: list[dict]) -> Project:
    """Replace the budget lines of a draft: [{"source": id, "content_item": id, "amount": đồng}, …]."""
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("lập dự toán"))
        _stale(project, version)
        _editable(project)
        rows = _clean_budget(project, lines, set(project.content_items.values_list("pk", flat=True)))
        before = {"budget": _budget_snapshot(project)}
        _replace_budget(project, rows)
        project.version += 1
        project.save(update_fields=["version", "updated_at"])
        audit_record(
            actor=actor,
            action="project.budget_set",
            obj=project,
            before=before,
            after={"budget": _budget_snapshot(project)},
        )
    return project


def project_outputs_set(*, actor, project_id: int, version, outputs: dict) -> Project:
    """Replace the planned outputs of a draft: {indicator id: planned value}."""
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("ghi sản phẩm đầu ra"))
        _stale(project, version)
        _editable(project)
        indicators = Indicator.objects.filter(source=IndicatorSource.OUTPUTS).in_bulk([int(key) for key in outputs])
        errors, rows = [], []
        for key, value in outputs.items():
            indicator = indicators.get(int(key))
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError):
                number = Decimal(-1)
            if indicator is None:
                errors.append(Problem("outputs", _("Chỉ tiêu không hợp lệ.")))
            elif number <= 0 or number.as_tuple().exponent < -2:
                errors.append(
                    Problem("outputs", _("%(ind)s: giá trị kế hoạch phải lớn hơn 0.") % {"ind": indicator.name})
                )
            else:
                rows.append(ProjectOutput(project=project, indicator=indicator, planned_value=number))
        _fail(errors, _("Sản phẩm đầu ra chưa hợp lệ."))
        before = {"outputs": list(project.outputs.values_list("indicator_id", "planned_value"))}
        project.outputs.all().delete()
        ProjectOutput.objects.bulk_create(rows)
        project.version += 1
        project.save(update_fields=["version", "updated_at"])
        audit_record(
            actor=actor,
            action="project.outputs_set",
            obj=project,
            before=before,
            after={"outputs": list(project.outputs.values_list("indicator_id", "planned_value"))},
        )
    return project


# --- Beneficiaries ----------------------------------------------------------------------------------------


def _overridden(project: Project) -> set[str]:
    return set(project.rule_overrides.values_list("finding_key", flat=True))


def _settle_rule_findings(actor, project: Project, problems: list[Problem], override_reason: str) -> list[Problem]:
    """Rule findings not yet overridden block, unless the actor is a leader who gives a written reason now
    (then each is recorded as a RuleOverride). Returns the findings overridden now."""
    open_findings = [p for p in problems if p.overridable and p.key not in _overridden(project)]
    if not open_findings:
        return []
    reason = _text(override_reason)
    if not reason or not can(actor, "rules.override") or not _may_override(actor, project):
        messages = [p.message for p in open_findings]
        hint = (
            _("Ghi lý do cho phép vượt định mức để tiếp tục.")
            if can(actor, "rules.override") and _may_override(actor, project)
            else _("Cần lãnh đạo cho phép vượt định mức (có ghi lý do) hoặc điều chỉnh số liệu.")
        )
        raise ValidationFailed(
            _("Vượt định mức hỗ trợ: %(first)s %(hint)s") % {"first": messages[0], "hint": hint},
            details={"override_reason": messages + [hint]},
        )
    for problem in open_findings:
        RuleOverride.objects.create(
            project=project, finding_key=problem.key, message=problem.message, reason=reason, granted_by=actor
        )
    audit_record(
        actor=actor,
        action="project.rule_override",
        obj=project,
        after={"findings": [p.as_json() for p in open_findings]},
        note=reason,
    )
    return open_findings


def _may_override(actor, project: Project) -> bool:
    """Leaders of the Sở of the project's province, of its approving body (Cục or UBND tỉnh)."""
    return workflow.DEPARTMENT.allows(actor, project) or workflow.APPROVING.allows(actor, project)


def rule_override_grant(*, actor, project_id: int, version, reason: str) -> list[Problem]:
    """A leader allows, in writing, the project's current violations of the support norms."""
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        if not can(actor, "rules.override") or not _may_override(actor, project):
            raise PermissionDenied(_("Chỉ lãnh đạo Sở, Cục hoặc UBND tỉnh có thẩm quyền mới cho phép vượt định mức."))
        _stale(project, version)
        if project.status in workflow.TERMINAL_STATES:
            raise Conflict(_("Đề án đã kết thúc."))
        if not _text(reason):
            raise ValidationFailed(_("Cần ghi lý do cho phép vượt định mức."), details={"reason": [_("Bắt buộc.")]})
        evaluation = evaluate_support(project, project.rules_date or _today())
        granted = _settle_rule_findings(actor, project, evaluation.problems, reason)
        if not granted:
            raise ValidationFailed(_("Đề án không có nội dung vượt định mức nào cần cho phép."))
        project.version += 1
        project.save(update_fields=["version", "updated_at"])
    return granted


def _beneficiary_problems(project: Project, row: ProjectBeneficiary, *, establishment) -> list[Problem]:
    problems = []
    if establishment.status in (EstablishmentStatus.REJECTED, EstablishmentStatus.MERGED):
        problems.append(
            Problem(
                "establishment",
                _("Cơ sở “%(name)s” %(status)s.")
                % {"name": establishment.name, "status": establishment.get_status_display().lower()},
            )
        )
    if project.province_id is not None and establishment.province_id != project.province_id:
        problems.append(Problem("establishment", _("Cơ sở không thuộc tỉnh của đề án.")))
    if not project.content_items.filter(pk=row.content_item_id).exists():
        problems.append(Problem("content_item", _("Nội dung phải là một nội dung đã chọn của đề án.")))
    if row.planned_support < 0 or row.counterpart < 0:
        problems.append(Problem("planned_support", _("Số tiền không được âm.")))
    if row.planned_support + row.counterpart == 0:
        problems.append(Problem("planned_support", _("Cần ghi kinh phí hỗ trợ và vốn đối ứng.")))
    if row.units < 1:
        problems.append(Problem("units", _("Số mô hình/đơn vị phải từ 1 trở lên.")))
    duplicate = project.beneficiaries.filter(establishment=establishment, content_item_id=row.content_item_id)
    if row.pk:
        duplicate = duplicate.exclude(pk=row.pk)
    if duplicate.exists():
        problems.append(Problem("establishment", _("Cơ sở này đã có trong đề án với cùng nội dung.")))
    return problems


def project_beneficiary_add(
    *,
    actor,
    project_id: int,
    version,
    establishment_id: int,
    content_item_id: int,
    planned_support: int,
    counterpart: int,
    units: int = 1,
    double_funding_note: str = "",
    override_reason: str = "",
) -> tuple[ProjectBeneficiary, list[Project]]:
    """Add a beneficiary to a draft, or to an approved group project (đề án nhóm) whose beneficiaries are fixed
    after approval. Returns the row and the other projects that already support it for the same content."""
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("thêm cơ sở thụ hưởng"))
        _stale(project, version)
        after_approval = project.status in AFTER_APPROVAL and project.project_type == ProjectType.GROUP
        if not project.is_editable and not after_approval:
            _editable(project)
        establishment = access_establishment(actor, establishment_id)
        row = ProjectBeneficiary(
            project=project,
            establishment=establishment,
            content_item_id=content_item_id,
            units=units,
            planned_support=planned_support,
            counterpart=counterpart,
            double_funding_note=_text(double_funding_note),
            added_after_approval=after_approval,
        )
        _fail(_beneficiary_problems(project, row, establishment=establishment), _("Cơ sở thụ hưởng chưa hợp lệ."))
        row.save()
        conflicts = checks.double_funding_conflicts(project, [row]).get(row.pk, [])
        if after_approval:
            # Nothing further is submitted for appraisal: the checks of appraisal happen now.
            lines = list(project.budget_lines.select_related("source"))
            problems = checks._support_within_budget(list(project.beneficiaries.all()), lines)
            problems += checks.check_double_funding(project, {})
            _fail(problems)
            evaluation = evaluate_support(project, project.rules_date or _today())
            _settle_rule_findings(actor, project, evaluation.problems, override_reason)
        project.version += 1
        project.save(update_fields=["version", "updated_at"])
        audit_record(
            actor=actor,
            action="project.beneficiary_add",
            obj=project,
            after=snapshot(row),
            note=_("Trùng hỗ trợ với: %(codes)s") % {"codes": ", ".join(p.code for p in conflicts)}
            if conflicts
            else "",
        )
        analytics_refresh_project(project.pk)
    return row, conflicts


def project_beneficiary_update(
    *, actor, project_id: int, version, beneficiary_id: int, planned_support: int, counterpart: int, units: int,
    double_funding_note: str,
) -> ProjectBeneficiary:  # fmt: skip
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("sửa cơ sở thụ hưởng"))
        _stale(project, version)
        _editable(project)
        row = project.beneficiaries.select_related("establishment").filter(pk=beneficiary_id).first()
        if row is None:
            raise NotFound(_("Không tìm thấy cơ sở thụ hưởng trong đề án."))
        before = snapshot(row)
        row.planned_support, row.counterpart, row.units = planned_support, counterpart, units
        row.double_funding_note = _text(double_funding_note)
        _fail(_beneficiary_problems(project, row, establishment=row.establishment), _("Cơ sở thụ hưởng chưa hợp lệ."))
        row.save()
        project.version += 1
        project.save(update_fields=["version", "updated_at"])
        audit_record(actor=actor, action="project.beneficiary_update", obj=project, before=before, after=snapshot(row))
    return row


def project_beneficiary_remove(*, actor, project_id: int, version, beneficiary_id: int) -> None:
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("bỏ cơ sở thụ hưởng"))
        _stale(project, version)
        _editable(project)
        row = project.beneficiaries.filter(pk=beneficiary_id).first()
        if row is None:
            raise NotFound(_("Không tìm thấy cơ sở thụ hưởng trong đề án."))
        before = snapshot(row)
        row.delete()
        project.version += 1
        project.save(update_fields=["version", "updated_at"])
        audit_record(actor=actor, action="project.beneficiary_remove", obj=project, before=before)


# --- Documents, progress, inspections --------------------------------------------------------------------


def project_document_add(
    *, actor, project_id: int, doc_type: str, title: str, file, number: str = "", issued_on: dt.date | None = None
) -> ProjectDocument:
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        if not workflow.participates(actor, project):
            raise PermissionDenied(_("Bạn không tham gia xử lý đề án này nên không thể đính kèm văn bản."))
        if project.status in workflow.TERMINAL_STATES:
            raise Conflict(_("Đề án đã kết thúc: không thêm văn bản được nữa."))
        errors = []
        if doc_type not in DocumentType.values:
            errors.append(Problem("doc_type", _("Loại văn bản không hợp lệ.")))
        if not _text(title):
            errors.append(Problem("title", _("Cần ghi trích yếu văn bản.")))
        errors += _not_future(issued_on, "issued_on", _("Ngày ban hành"))
        if file is None:
            errors.append(Problem("file", _("Cần chọn tệp.")))
        else:
            suffix = Path(file.name).suffix.lower()
            if suffix not in ALLOWED_UPLOADS:
                errors.append(
                    Problem("file", _("Chỉ nhận tệp %(types)s.") % {"types": ", ".join(sorted(ALLOWED_UPLOADS))})
                )
            if file.size > settings.UPLOAD_MAX_BYTES:
                errors.append(
                    Problem("file", _("Tệp lớn hơn %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)})
                )
            if file.size == 0:
                errors.append(Problem("file", _("Tệp rỗng.")))
        _fail(errors, _("Văn bản chưa hợp lệ."))
        document = ProjectDocument(
            project=project,
            doc_type=doc_type,
            title=_text(title),
            number=_text(number),
            issued_on=issued_on,
            original_name=Path(file.name).name[:255],
            size=file.size,
            uploaded_by=actor,
        )
        document.file.save(Path(file.name).name, file, save=False)
        try:
            document.save()
            audit_record(
                actor=actor,
                action="project.document_add",
                obj=project,
                after={
                    "document": document.pk,
                    "type": doc_type,
                    "number": document.number,
                    "file": document.file.name,
                },
            )
        except Exception:
            document.file.delete(save=False)  # nothing half-written: no orphan file without its row
            raise
    return document


def project_document_remove(*, actor, project_id: int, document_id: int) -> None:
    """A wrong upload can be withdrawn by its uploader while the project is still a draft."""
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        document = project.documents.filter(pk=document_id).first()
        if document is None:
            raise NotFound(_("Không tìm thấy văn bản."))
        if document.uploaded_by_id != actor.pk:
            raise PermissionDenied(_("Chỉ người đã tải văn bản lên mới rút được văn bản."))
        _editable(project)
        name = document.file.name
        document.delete()
        audit_record(
            actor=actor, action="project.document_remove", obj=project, before={"document": document_id, "file": name}
        )
        transaction.on_commit(lambda: document.file.storage.delete(name))


def progress_report_add(
    *, actor, project_id: int, period_end: dt.date, percent_complete, summary: str, issues: str = ""
) -> ProgressReport:
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("báo cáo tiến độ"))
        if project.status not in (S.CONTRACTED, S.IN_PROGRESS):
            raise Conflict(_("Chỉ báo cáo tiến độ khi đề án đã ký hợp đồng và đang triển khai."))
        errors = _not_future(period_end, "period_end", _("Ngày báo cáo"))
        try:
            percent = Decimal(str(percent_complete))
        except (InvalidOperation, ValueError):
            percent = Decimal(-1)
        if not 0 <= percent <= 100:
            errors.append(Problem("percent_complete", _("Khối lượng hoàn thành phải từ 0 đến 100%.")))
        if not _text(summary):
            errors.append(Problem("summary", _("Cần ghi kết quả thực hiện.")))
        last = project.progress_reports.order_by("-period_end").first()
        if last is not None and period_end is not None and period_end < last.period_end:
            errors.append(Problem("period_end", _("Đã có báo cáo đến ngày sau ngày này.")))
        _fail(errors, _("Báo cáo tiến độ chưa hợp lệ."))
        report = ProgressReport.objects.create(
            project=project,
            period_end=period_end,
            percent_complete=percent,
            summary=_text(summary),
            issues=_text(issues),
            reported_by=actor,
        )
        audit_record(actor=actor, action="project.progress", obj=project, after=snapshot(report))
    return report


def inspection_add(
    *, actor, project_id: int, visited_on: dt.date, inspectors: str, findings: str, conclusion: str,
    recommendations: str = "",
) -> Inspection:  # fmt: skip
    """Inspection visits by the managing body, or by the Sở for national projects in its province."""
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        if not can(actor, "project.contract") or not (
            workflow.MANAGING.allows(actor, project) or workflow.DEPARTMENT.allows(actor, project)
        ):
            raise PermissionDenied(_("Việc kiểm tra, giám sát do Cục hoặc Sở Công Thương thực hiện."))
        if project.status not in (S.IN_PLAN, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED):
            raise Conflict(_("Chỉ kiểm tra đề án đang thực hiện."))
        errors = _not_future(visited_on, "visited_on", _("Ngày kiểm tra"))
        if visited_on is None:
            errors.append(Problem("visited_on", _("Cần ghi ngày kiểm tra.")))
        if not _text(inspectors):
            errors.append(Problem("inspectors", _("Cần ghi thành phần đoàn kiểm tra.")))
        if not _text(findings):
            errors.append(Problem("findings", _("Cần ghi kết quả kiểm tra.")))
        if conclusion not in InspectionConclusion.values:
            errors.append(Problem("conclusion", _("Cần chọn kết luận.")))
        _fail(errors, _("Biên bản kiểm tra chưa hợp lệ."))
        visit = Inspection.objects.create(
            project=project,
            visited_on=visited_on,
            inspectors=_text(inspectors),
            findings=_text(findings),
            conclusion=conclusion,
            recommendations=_text(recommendations),
            recorded_by=actor,
        )
        audit_record(actor=actor, action="project.inspection", obj=project, after=snapshot(visit))
    return visit


# --- The lifecycle ----------------------------------------------------------------------------------------


def _clean_inputs(entry: workflow.Transition, project: Project, data: dict) -> dict:
    """The actor's inputs for this step, typed and complete, or ValidationFailed naming each field."""
    cleaned: dict = {}
    errors: list[Problem] = []
    for spec in entry.fields:
        value = data.get(spec.name)
        if spec.kind in ("text", "textarea"):
            value = _text(value)
            if spec.required and not value:
                errors.append(Problem(spec.name, _("Cần ghi %(label)s.") % {"label": str(spec.label).lower()}))
        elif spec.kind == "date":
            if isinstance(value, str) and value:
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    value = None
            if spec.required and not isinstance(value, dt.date):
                errors.append(
                    Problem(spec.name, _("Cần ghi %(label)s (dd/mm/yyyy).") % {"label": str(spec.label).lower()})
                )
            errors += _not_future(value if isinstance(value, dt.date) else None, spec.name, spec.label)
        elif spec.kind == "money":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                errors.append(
                    Problem(spec.name, _("%(label)s phải là số nguyên đồng lớn hơn 0.") % {"label": spec.label})
                )
        elif spec.kind == "decimal":
            if value in (None, ""):
                value = None
            else:
                try:
                    value = Decimal(str(value))
                except (InvalidOperation, ValueError):
                    value = Decimal(-1)
                if not 0 <= value <= 100:
                    errors.append(Problem(spec.name, _("%(label)s phải từ 0 đến 100.") % {"label": spec.label}))
        elif spec.kind == "contract_kind":
            if value not in ContractKind.values:
                errors.append(Problem(spec.name, _("Cần chọn hình thức: hợp đồng hoặc giao nhiệm vụ.")))
        elif spec.kind == "criteria":
            day = data.get("decision_date") if isinstance(data.get("decision_date"), dt.date) else _today()
            required = list(AppraisalCriterion.objects.filter(AppraisalCriterion.valid_on_q(day)))
            chosen = {int(item) for item in (value or []) if str(item).isdigit()}
            missing = [criterion.text for criterion in required if criterion.pk not in chosen]
            if missing:
                errors.append(
                    Problem(
                        spec.name,
                        _(
                            "Chưa đạt tiêu chí: %(items)s. Không thể thông qua; "
                            "hãy trả lại để bổ sung hoặc không chấp thuận."
                        )
                        % {"items": "; ".join(missing)},
                    )
                )
            value = [criterion.text for criterion in required if criterion.pk in chosen]
        elif spec.kind == "outputs":
            value = {int(key): val for key, val in (value or {}).items() if str(key).isdigit()}
            actual = {}
            for output in project.outputs.select_related("indicator"):
                try:
                    number = Decimal(str(value.get(output.indicator_id)))
                except (InvalidOperation, ValueError):
                    number = None
                if number is None or number < 0:
                    errors.append(
                        Problem(
                            spec.name,
                            _("Cần ghi kết quả thực hiện của chỉ tiêu “%(ind)s”.") % {"ind": output.indicator.name},
                        )
                    )
                else:
                    actual[output.pk] = number
            value = actual
        cleaned[spec.name] = value
    _fail(errors, _("Thông tin chưa đủ để thực hiện bước này."))
    return cleaned


def _document_problems(entry: workflow.Transition, project: Project) -> list[Problem]:
    present = set(project.documents.values_list("doc_type", flat=True))
    return [
        Problem(
            "documents",
            _("Cần đính kèm “%(doc)s” trước khi %(action)s.")
            % {"doc": DocumentType(doc).label, "action": _lower_first(entry.label)},
        )
        for doc in entry.documents
        if doc not in present
    ]


def _apply_deadline(entry: workflow.Transition, project: Project, cleaned: dict) -> str:
    """Flag a step taken after its deadline (the day on the paper, when the actor records one)."""
    if not entry.deadline or (
        entry.deadline == DeadlineKind.NATIONAL_PROPOSAL and project.kind != ProjectKind.NATIONAL
    ):
        return ""
    due = deadline_on(entry.deadline, project.year)
    day = cleaned.get("decision_date") or cleaned.get("received_on") or _today()
    if due is None or day <= due:
        return ""
    if entry.deadline == DeadlineKind.REGISTRATION:
        project.late_registration = True
    else:
        project.late_proposal = True
    return _("Quá hạn %(what)s (%(due)s).") % {
        "what": _lower_first(DeadlineKind(entry.deadline).label),
        "due": f"{due:%d/%m/%Y}",
    }


def _apply_inputs(entry: workflow.Transition, project: Project, cleaned: dict, actor) -> str:
    """Store what the actor filled in; returns text for the timeline."""
    notes = []
    if "appraisal" in entry.inputs:
        level = AppraisalLevel.BASE if entry.source == S.SUBMITTED else AppraisalLevel.NATIONAL
        Appraisal.objects.create(
            project=project,
            level=level,
            checklist=cleaned["checklist"],
            council_members=cleaned["council_members"],
            score=cleaned["score"],
            opinion=cleaned["opinion"],
            decision_number=cleaned["decision_number"],
            decision_date=cleaned["decision_date"],
            appraised_by=actor,
        )
        notes.append(
            _("Văn bản số %(n)s ngày %(d)s.")
            % {"n": cleaned["decision_number"], "d": f"{cleaned['decision_date']:%d/%m/%Y}"}
        )
    elif "decision" in entry.inputs:
        if entry.action == "approve":
            Appraisal.objects.create(
                project=project,
                level=AppraisalLevel.COMMITTEE,
                decision_number=cleaned["decision_number"],
                decision_date=cleaned["decision_date"],
                appraised_by=actor,
            )
        notes.append(
            _("Quyết định số %(n)s ngày %(d)s.")
            % {"n": cleaned["decision_number"], "d": f"{cleaned['decision_date']:%d/%m/%Y}"}
        )
    if entry.action == "approve":
        project.rules_date = cleaned["decision_date"]
    if "contract" in entry.inputs:
        for name in ("contract_kind", "contract_number", "contract_date", "contract_value"):
            setattr(project, name, cleaned[name])
    for name in ("started_on", "accepted_on", "settled_on", "closed_on"):
        if name in cleaned:
            setattr(project, name, cleaned[name])
    if "acceptance" in entry.inputs:
        for output in project.outputs.all():
            output.actual_value = cleaned["actual_outputs"][output.pk]
            output.save(update_fields=["actual_value"])
    if "reason" in cleaned:
        notes.insert(0, cleaned["reason"])
    return " ".join(notes)


def _transition_locked(
    actor, project: Project, entry: workflow.Transition, data: dict, *, override_reason="", note=""
) -> Project:
    """The one pipeline of every step: permission, inputs, documents, checks, norms, then the change."""
    _require(actor, entry.capability, entry.level, project, _lower_first(entry.label))
    cleaned = _clean_inputs(entry, project, data)
    problems = _document_problems(entry, project)
    for name in entry.checks:
        problems += checks.CHECKS[name](project, cleaned)
    _fail([p for p in problems if not p.overridable], _("Chưa thể %(action)s.") % {"action": _lower_first(entry.label)})
    findings: list[Problem] = []
    rule_notes: list[str] = []
    if entry.rule_stage:
        on_date = cleaned.get("decision_date") or _today()
        evaluation = evaluate_support(project, on_date)
        findings = evaluation.problems
        rule_notes = evaluation.notes
        _settle_rule_findings(actor, project, findings, override_reason)

    before = snapshot(project)
    source_state = project.status
    target = entry.target_for(project)
    texts = [_apply_inputs(entry, project, cleaned, actor), _apply_deadline(entry, project, cleaned), _text(note)]
    if entry.action == "return":
        project.returned_from = source_state
    elif source_state == S.RETURNED:
        project.returned_from = ""
    project.status = target
    project.version += 1
    project.save()
    text = " ".join(t for t in texts if t)
    ProjectStateChange.objects.create(
        project=project,
        action=entry.action,
        from_state=source_state,
        to_state=target,
        actor=actor,
        note=text,
        findings=[p.as_json() for p in findings] + [{"field": "", "message": n, "key": ""} for n in rule_notes],
        version=project.version,
    )
    audit_record(
        actor=actor, action=f"project.{entry.action}", obj=project, before=before, after=snapshot(project), note=text
    )
    analytics_refresh_project(project.pk)
    _notify_next(
        project,
        actor,
        creator_too=entry.notify_creator,
        headline=_("Đề án %(code)s: %(label)s — nay “%(state)s”.")
        % {"code": project.code, "label": entry.label, "state": project.status_label()},
    )
    return project


def project_transition(
    *, actor, project_id: int, action: str, version, data: dict | None = None, override_reason: str = "", note: str = ""
) -> Project:
    """Take one step of the lifecycle. Two people acting at once: the second gets a Conflict."""
    if action not in workflow.ACTIONS:
        raise ValidationFailed(
            _("Thao tác “%(action)s” không tồn tại.") % {"action": action}, details={"action": [_("Không hợp lệ.")]}
        )
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _stale(project, version)
        entry = workflow.transition_for(project, action)
        if entry is None:
            raise Conflict(
                _("Đề án đang ở trạng thái “%(state)s”: không thể thực hiện thao tác này.")
                % {"state": project.status_label()}
            )
        return _transition_locked(actor, project, entry, data or {}, override_reason=override_reason, note=note)


# --- Money ------------------------------------------------------------------------------------------------


def _source_totals(project: Project, *, include_pending: bool, exclude_pk: int | None = None):
    budgets = dict(
        project.budget_lines.filter(source__is_state_budget=True)
        .values("source_id")
        .annotate(total=Sum("amount"))
        .values_list("source_id", "total")
    )
    statuses = [MovementStatus.APPROVED, MovementStatus.PENDING] if include_pending else [MovementStatus.APPROVED]
    rows = project.movements.filter(status__in=statuses)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return totals_by_source(budgets, rows.values_list("source_id", "kind", "amount"))


def _movement_checks(project: Project, *, source, kind, amount, include_pending, exclude_pk=None) -> list[Problem]:
    totals = _source_totals(project, include_pending=include_pending, exclude_pk=exclude_pk)
    problems = movement_problems(
        kind=kind, amount=amount, project_status=project.status, totals=totals.get(source.pk) or Totals(),
        source_name=source.short_name,
    )  # fmt: skip
    if kind == MovementKind.ADVANCE and not problems:
        lines = list(project.budget_lines.select_related("content_item"))
        last = project.progress_reports.order_by("-period_end", "-id").first()
        cap, explanations = advance_cap(
            project, source, project.rules_date or _today(), budget_lines=lines,
            progress_percent=last.percent_complete if last else None,
        )  # fmt: skip
        advanced = totals[source.pk].advanced
        if advanced + amount > cap:
            problems.append(
                Problem(
                    "amount",
                    _("Tạm ứng nguồn %(source)s lên %(total)s, vượt mức tạm ứng cho phép %(cap)s. %(why)s")
                    % {
                        "source": source.short_name,
                        "total": money(advanced + amount),
                        "cap": money(cap),
                        "why": " ".join(explanations),
                    },
                    key=f"advance|{source.pk}|{advanced + amount}|{cap}",
                )
            )
    return problems


def money_enter(
    *, actor, project_id: int, source_id: int, kind: str, amount: int, occurred_on: dt.date, document_number: str,
    note: str = "",
) -> MoneyMovement:  # fmt: skip
    """An officer records an advance, payment, settlement or refund; it counts once a leader approves it."""
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        source = FundingSource.objects.filter(pk=source_id, is_state_budget=True).first()
        if source is None:
            raise ValidationFailed(
                _("Nguồn vốn không hợp lệ."),
                details={"source": [_("Chỉ kinh phí nhà nước được giải ngân qua hệ thống.")]},
            )
        _require(
            actor,
            "money.enter",
            workflow.money_level(source),
            project,
            _("nhập giải ngân nguồn %(s)s") % {"s": source.short_name},
        )
        errors = []
        if kind not in MovementKind.values:
            errors.append(Problem("kind", _("Loại giao dịch không hợp lệ.")))
        if not isinstance(amount, int) or isinstance(amount, bool):
            errors.append(Problem("amount", _("Số tiền phải là số nguyên đồng.")))
        if occurred_on is None:
            errors.append(Problem("occurred_on", _("Cần ghi ngày chứng từ.")))
        errors += _not_future(occurred_on, "occurred_on", _("Ngày chứng từ"))
        if not _text(document_number):
            errors.append(Problem("document_number", _("Cần ghi số chứng từ.")))
        _fail(errors, _("Giao dịch chưa hợp lệ."))
        problems = _movement_checks(project, source=source, kind=kind, amount=amount, include_pending=True)
        _fail([p for p in problems if not p.overridable])
        movement = MoneyMovement.objects.create(
            project=project, source=source, kind=kind, amount=amount, occurred_on=occurred_on,
            document_number=_text(document_number), note=_text(note), entered_by=actor,
        )  # fmt: skip
        audit_record(actor=actor, action=f"money.{kind}.enter", obj=project, after=snapshot(movement))
        notify(
            users_who_may("money.approve", workflow.money_level(source), project),
            message=_("Đề án %(code)s: %(kind)s %(amount)s chờ duyệt.")
            % {"code": project.code, "kind": movement.get_kind_display().lower(), "amount": money(amount)},
            project=project, url=_project_url(project), exclude=actor,
        )  # fmt: skip
    return movement


def money_decide(*, actor, movement_id: int, approve: bool, note: str = "", override_reason: str = "") -> MoneyMovement:
    """A leader approves (checking every invariant against the approved rows) or rejects a movement."""
    movement = MoneyMovement.objects.filter(pk=movement_id).only("project_id").first()
    if movement is None:
        raise NotFound(_("Không tìm thấy giao dịch."))
    with transaction.atomic():
        project = _lock_project(actor, movement.project_id)
        movement = MoneyMovement.objects.select_for_update(of=("self",)).select_related("source").get(pk=movement_id)
        source = movement.source
        _require(
            actor,
            "money.approve",
            workflow.money_level(source),
            project,
            _("duyệt giải ngân nguồn %(s)s") % {"s": source.short_name},
        )
        if movement.status != MovementStatus.PENDING:
            raise Conflict(
                _("Giao dịch này đã được %(who)s xử lý (%(status)s).")
                % {"who": movement.decided_by, "status": movement.get_status_display().lower()}
            )
        if movement.entered_by_id == actor.pk:
            raise PermissionDenied(_("Người nhập giao dịch không được tự duyệt giao dịch đó."))
        before = snapshot(movement)
        if approve:
            problems = _movement_checks(
                project, source=source, kind=movement.kind, amount=movement.amount, include_pending=False,
                exclude_pk=movement.pk,
            )  # fmt: skip
            _fail([p for p in problems if not p.overridable], _("Không thể duyệt giao dịch."))
            _settle_rule_findings(actor, project, problems, override_reason)
        elif not _text(note):
            raise ValidationFailed(_("Cần ghi lý do từ chối."), details={"note": [_("Bắt buộc.")]})
        movement.status = MovementStatus.APPROVED if approve else MovementStatus.REJECTED
        movement.decided_by, movement.decided_at, movement.decision_note = actor, timezone.now(), _text(note)
        movement.save()
        if approve:
            refresh_project_money(project)
        audit_record(
            actor=actor,
            action=f"money.{movement.kind}.{'approve' if approve else 'reject'}",
            obj=project,
            before=before,
            after=snapshot(movement),
            note=_text(note),
        )
        analytics_refresh_project(project.pk)
        notify(
            [movement.entered_by],
            message=_("Đề án %(code)s: %(kind)s %(amount)s đã %(result)s.")
            % {
                "code": project.code,
                "kind": movement.get_kind_display().lower(),
                "amount": money(movement.amount),
                "result": _("được duyệt") if approve else _("bị từ chối"),
            },
            project=project, url=_project_url(project), exclude=actor,
        )  # fmt: skip
    return movement


# --- Adjustments -----------------------------------------------------------------------------------------


def _decision_level(project: Project, *, budget_increase: bool, content_change: bool, beneficiaries: bool) -> str:
    """Budget increases and content changes go to the approver; beneficiary changes to the Cục (the Sở for
    group projects and local projects); a new timeline to the managing body (NĐ 45 / TT 36 practice)."""
    national = project.kind == ProjectKind.NATIONAL
    if budget_increase or content_change:
        return "central" if national else "committee"
    if beneficiaries:
        return "central" if national and project.project_type != ProjectType.GROUP else "department"
    return "central" if national else "department"


def adjustment_request(
    *, actor, project_id: int, version, reason: str, new_end_date: dt.date | None = None,
    budget_lines: list[dict] | None = None, add_beneficiaries: list[dict] | None = None,
    remove_beneficiaries: list[int] | None = None,
) -> Adjustment:  # fmt: skip
    with transaction.atomic():
        project = _lock_project(actor, project_id)
        _require(actor, "project.draft", workflow.IMPLEMENTER, project, _("đề nghị điều chỉnh đề án"))
        _stale(project, version)
        if project.status not in AFTER_APPROVAL:
            raise Conflict(_("Chỉ điều chỉnh đề án đã phê duyệt và chưa nghiệm thu; đề án nháp thì sửa trực tiếp."))
        if project.adjustments.filter(status=AdjustmentStatus.PENDING).exists():
            raise Conflict(_("Đề án đang có một đề nghị điều chỉnh chờ quyết định."))
        errors = []
        if not _text(reason):
            errors.append(Problem("reason", _("Cần ghi lý do điều chỉnh.")))
        if new_end_date is not None and project.start_date and new_end_date < project.start_date:
            errors.append(Problem("new_end_date", _("Ngày kết thúc mới phải sau ngày bắt đầu.")))
        add_beneficiaries = add_beneficiaries or []
        remove_beneficiaries = [int(pk) for pk in remove_beneficiaries or []]
        if not (new_end_date or budget_lines or add_beneficiaries or remove_beneficiaries):
            errors.append(Problem("reason", _("Đề nghị chưa có nội dung điều chỉnh nào.")))
        existing_ids = set(project.beneficiaries.values_list("pk", flat=True))
        if set(remove_beneficiaries) - existing_ids:
            errors.append(Problem("remove_beneficiaries", _("Cơ sở cần rút không có trong đề án.")))
        _fail(errors, _("Đề nghị điều chỉnh chưa hợp lệ."))
        items = set(project.content_items.values_list("pk", flat=True))
        content_change = False
        budget_increase = False
        if budget_lines:
            all_items = set(ContentItem.objects.values_list("pk", flat=True))
            rows = _clean_budget(project, budget_lines, all_items)
            content_change = any(row.content_item_id not in items for row in rows)
            old_state = checks.state_budget(project)
            sources = FundingSource.objects.in_bulk()
            new_state = sum(row.amount for row in rows if sources[row.source_id].is_state_budget)
            budget_increase = new_state > old_state
            budget_lines = [
                {"source": r.source_id, "content_item": r.content_item_id, "amount": r.amount} for r in rows
            ]
        additions = []
        for number, item in enumerate(add_beneficiaries, start=1):
            establishment = access_establishment(actor, item["establishment"])
            row = ProjectBeneficiary(
                project=project, establishment=establishment, content_item_id=int(item["content_item"]),
                units=int(item.get("units") or 1), planned_support=int(item["planned_support"]),
                counterpart=int(item["counterpart"]), double_funding_note=_text(item.get("double_funding_note")),
            )  # fmt: skip
            problems = [
                Problem("add_beneficiaries", _("Cơ sở bổ sung %(n)s: %(m)s") % {"n": number, "m": p.message})
                for p in _beneficiary_problems(project, row, establishment=establishment)
                if not (
                    p.field == "content_item"
                    and row.content_item_id in {line["content_item"] for line in budget_lines or []}
                )
            ]
            _fail(problems, _("Đề nghị điều chỉnh chưa hợp lệ."))
            additions.append(
                {
                    "establishment": establishment.pk, "content_item": row.content_item_id, "units": row.units,
                    "planned_support": row.planned_support, "counterpart": row.counterpart,
                    "double_funding_note": row.double_funding_note,
                }
            )  # fmt: skip
        adjustment = Adjustment.objects.create(
            project=project,
            reason=_text(reason),
            new_end_date=new_end_date,
            budget_changes=budget_lines or [],
            beneficiary_additions=additions,
            beneficiary_removals=remove_beneficiaries,
            decision_level=_decision_level(
                project,
                budget_increase=budget_increase,
                content_change=content_change,
                beneficiaries=bool(additions or remove_beneficiaries),
            ),  # fmt: skip
            requested_by=actor,
        )
        audit_record(actor=actor, action="project.adjustment_request", obj=project, after=snapshot(adjustment))
        level = workflow.DECISION_LEVELS[adjustment.decision_level]
        notify(
            users_who_may("project.decide", level, project),
            message=_("Đề án %(code)s: đề nghị điều chỉnh chờ quyết định.") % {"code": project.code},
            project=project, url=_project_url(project), exclude=actor,
        )  # fmt: skip
    return adjustment


def adjustment_decide(
    *, actor, adjustment_id: int, version, approve: bool, decision_number: str = "", note: str = "",
    override_reason: str = "",
) -> Adjustment:  # fmt: skip
    found = Adjustment.objects.filter(pk=adjustment_id).only("project_id").first()
    if found is None:
        raise NotFound(_("Không tìm thấy đề nghị điều chỉnh."))
    with transaction.atomic():
        project = _lock_project(actor, found.project_id)
        adjustment = Adjustment.objects.select_for_update().get(pk=adjustment_id)
        level = workflow.DECISION_LEVELS[adjustment.decision_level]
        _require(actor, "project.decide", level, project, _("quyết định điều chỉnh đề án"))
        _stale(project, version)
        if adjustment.status != AdjustmentStatus.PENDING:
            raise Conflict(_("Đề nghị điều chỉnh này đã được quyết định."))
        if project.status not in AFTER_APPROVAL:
            raise Conflict(_("Đề án không còn ở giai đoạn được điều chỉnh."))
        before = {**snapshot(project), "budget": _budget_snapshot(project)}
        if not approve:
            if not _text(note):
                raise ValidationFailed(_("Cần ghi lý do không chấp thuận."), details={"note": [_("Bắt buộc.")]})
        else:
            if not _text(decision_number):
                raise ValidationFailed(
                    _("Cần ghi số văn bản quyết định."), details={"decision_number": [_("Bắt buộc.")]}
                )
            _apply_adjustment(actor, project, adjustment, override_reason)
        adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REFUSED
        adjustment.decided_by, adjustment.decided_at = actor, timezone.now()
        adjustment.decision_number, adjustment.decision_note = _text(decision_number), _text(note)
        adjustment.save()
        project.version += 1
        project.save()
        audit_record(
            actor=actor,
            action="project.adjustment_approve" if approve else "project.adjustment_refuse",
            obj=project,
            before=before,
            after={**snapshot(project), "budget": _budget_snapshot(project), "adjustment": adjustment.pk},
            note=_text(note),
        )
        analytics_refresh_project(project.pk)
        notify(
            [adjustment.requested_by],
            message=_("Đề án %(code)s: đề nghị điều chỉnh %(result)s.")
            % {"code": project.code, "result": _("được chấp thuận") if approve else _("không được chấp thuận")},
            project=project, url=_project_url(project), exclude=actor,
        )  # fmt: skip
    return adjustment


def _apply_adjustment(actor, project: Project, adjustment: Adjustment, override_reason: str) -> None:
    if adjustment.new_end_date:
        project.end_date = adjustment.new_end_date
    if adjustment.budget_changes:
        new_items = {line["content_item"] for line in adjustment.budget_changes}
        project.content_items.add(*new_items)
        rows = _clean_budget(
            project, adjustment.budget_changes, set(project.content_items.values_list("pk", flat=True))
        )
        committed = _source_totals(project, include_pending=True)
        problems = []
        for source_id, totals in committed.items():
            new_budget = sum(row.amount for row in rows if row.source_id == source_id)
            if totals.advanced + totals.paid > new_budget:
                problems.append(
                    Problem(
                        "budget",
                        _("Dự toán mới của một nguồn (%(new)s) thấp hơn số đã tạm ứng/thanh toán (%(done)s).")
                        % {"new": money(new_budget), "done": money(totals.advanced + totals.paid)},
                    )
                )
        _fail(problems, _("Không thể áp dụng điều chỉnh."))
        _replace_budget(project, rows)
    project.beneficiaries.filter(pk__in=adjustment.beneficiary_removals).delete()
    for item in adjustment.beneficiary_additions:
        ProjectBeneficiary.objects.create(
            project=project, establishment_id=item["establishment"], content_item_id=item["content_item"],
            units=item["units"], planned_support=item["planned_support"], counterpart=item["counterpart"],
            double_funding_note=item["double_funding_note"], added_after_approval=True,
        )  # fmt: skip
    lines = list(project.budget_lines.select_related("source"))
    problems = checks._support_within_budget(list(project.beneficiaries.all()), lines)
    problems += checks.check_double_funding(project, {})
    _fail(problems, _("Không thể áp dụng điều chỉnh."))
    evaluation = evaluate_support(project, project.rules_date or _today())
    _settle_rule_findings(actor, project, evaluation.problems, override_reason)


# --- Annual plans -------------------------------------------------------------------------------------------


def _plan_snapshot(plan: AnnualPlan) -> dict:
    return {**snapshot(plan), "allocations": dict(plan.allocations.values_list("source_id", "amount"))}


def plan_create(
    *, actor, kind: str, year: int, title: str, programme: Programme | None = None, note: str = ""
) -> AnnualPlan:
    scope = user_scope(actor)
    province = Unit.objects.filter(pk=scope.province_id).first() if kind == ProjectKind.LOCAL else None
    errors = []
    if kind not in ProjectKind.values:
        errors.append(Problem("kind", _("Loại kế hoạch không hợp lệ.")))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(Problem("year", _("Năm kế hoạch không hợp lệ.")))
    if not _text(title):
        errors.append(Problem("title", _("Cần ghi tên kế hoạch.")))
    if kind == ProjectKind.LOCAL and province is None:
        errors.append(Problem("kind", _("Kế hoạch địa phương do Sở Công Thương của tỉnh lập.")))
    if programme is not None and not programme.start_year <= (year or 0) <= programme.end_year:
        errors.append(Problem("programme", _("Năm kế hoạch nằm ngoài thời gian của chương trình.")))
    _fail(errors, _("Kế hoạch chưa hợp lệ."))
    probe = AnnualPlan(kind=kind, province=province)
    _require(actor, "plan.manage", workflow.MANAGING, probe, _("lập kế hoạch năm"))
    with transaction.atomic():
        existing = AnnualPlan.objects.select_for_update().filter(kind=kind, province=province, year=year)
        if existing.exists():
            raise ValidationFailed(
                _("Đã có kế hoạch năm %(year)s.") % {"year": year}, details={"year": [_("Đã có kế hoạch năm này.")]}
            )
        plan = AnnualPlan.objects.create(
            kind=kind, province=province, year=year, programme=programme, managing_agency=actor.agency,
            title=_text(title), note=_text(note), created_by=actor,
        )  # fmt: skip
        audit_record(actor=actor, action="plan.create", obj=plan, after=_plan_snapshot(plan))
    return plan


def _lock_plan(actor, plan_id) -> AnnualPlan:
    plan = access_plan(actor, plan_id)
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


def plan_allocations_set(*, actor, plan_id: int, version, amounts: dict[int, int]) -> AnnualPlan:
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        _require(actor, "plan.manage", workflow.MANAGING, plan, _("phân bổ kinh phí kế hoạch"))
        _stale(plan, version)
        if plan.status != PlanStatus.DRAFT:
            raise Conflict(_("Kế hoạch đã gửi hoặc đã phê duyệt: chỉ sửa được khi đang lập (hoặc sau khi mở lại)."))
        sources = FundingSource.objects.filter(is_state_budget=True).in_bulk()
        errors = []
        for source_id, amount in amounts.items():
            if int(source_id) not in sources:
                errors.append(Problem("allocations", _("Nguồn vốn không hợp lệ.")))
            elif not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
                errors.append(
                    Problem(
                        "allocations",
                        _("%(s)s: số tiền phải là số nguyên đồng, không âm.")
                        % {"s": sources[int(source_id)].short_name},
                    )
                )
        _fail(errors, _("Phân bổ chưa hợp lệ."))
        before = _plan_snapshot(plan)
        plan.allocations.all().delete()
        PlanAllocation.objects.bulk_create(
            [PlanAllocation(plan=plan, source_id=int(s), amount=a) for s, a in amounts.items() if a]
        )
        plan.version += 1
        plan.save()
        audit_record(actor=actor, action="plan.allocations_set", obj=plan, before=before, after=_plan_snapshot(plan))
    return plan


def plan_add_project(*, actor, plan_id: int, project_id: int) -> list[Problem]:
    """Put an approved project into the plan; returns allocation warnings (checked hard at approval)."""
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        _require(actor, "plan.manage", workflow.MANAGING, plan, _("đưa đề án vào kế hoạch"))
        project = _lock_project(actor, project_id)
        errors = []
        if project.status != S.APPROVED:
            errors.append(Problem("project", _("Chỉ đưa vào kế hoạch đề án đã được phê duyệt.")))
        if project.plan_id is not None and project.plan_id != plan.pk:
            errors.append(Problem("project", _("Đề án đã thuộc kế hoạch khác.")))
        if (project.kind, project.year) != (plan.kind, plan.year) or (
            plan.kind == ProjectKind.LOCAL and project.province_id != plan.province_id
        ):
            errors.append(Problem("project", _("Đề án không cùng loại, năm hoặc tỉnh với kế hoạch.")))
        _fail(errors)
        before = snapshot(project)
        project.plan = plan
        project.version += 1
        project.save()
        audit_record(actor=actor, action="plan.add_project", obj=project, before=before, after=snapshot(project))
        planned = checks.plan_totals(plan)
        for row in BudgetLine.objects.filter(
            project__plan=plan, project__status=S.APPROVED, source__is_state_budget=True
        ):
            planned[row.source_id] = planned.get(row.source_id, 0) + row.amount
    return checks.allocation_problems(plan, planned)


def plan_remove_project(*, actor, plan_id: int, project_id: int) -> None:
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        _require(actor, "plan.manage", workflow.MANAGING, plan, _("bỏ đề án khỏi kế hoạch"))
        project = _lock_project(actor, project_id)
        if project.plan_id != plan.pk:
            raise NotFound(_("Đề án không thuộc kế hoạch này."))
        if project.status != S.APPROVED:
            raise Conflict(_("Đề án đã vào kế hoạch được duyệt: muốn bỏ thì phải ngừng đề án."))
        before = snapshot(project)
        project.plan = None
        project.version += 1
        project.save()
        audit_record(actor=actor, action="plan.remove_project", obj=project, before=before, after=snapshot(project))


def plan_transition(*, actor, plan_id: int, action: str, version, data: dict | None = None) -> AnnualPlan:
    """Submit, approve (which puts every approved project of the plan into it), return or reopen a plan."""
    data = data or {}
    with transaction.atomic():
        plan = _lock_plan(actor, plan_id)
        _stale(plan, version)
        entry = next((t for t in workflow.PLAN_TRANSITIONS if t.source == plan.status and t.action == action), None)
        if entry is None:
            raise Conflict(
                _("Kế hoạch đang ở trạng thái “%(s)s”: không thể thực hiện thao tác này.")
                % {"s": plan.get_status_display()}
            )
        _require(actor, entry.capability, entry.level, plan, _lower_first(entry.label))
        cleaned = _clean_inputs(entry, Project(), data)
        before = _plan_snapshot(plan)
        if action == "submit" and not plan.allocations.exists():
            raise ValidationFailed(_("Kế hoạch chưa có kinh phí được giao."), details={"allocations": [_("Bắt buộc.")]})
        if action == "approve":
            pending = list(Project.objects.select_for_update().filter(plan=plan, status=S.APPROVED))
            planned = checks.plan_totals(plan)
            for row in BudgetLine.objects.filter(project__in=pending, source__is_state_budget=True):
                planned[row.source_id] = planned.get(row.source_id, 0) + row.amount
            _fail(checks.allocation_problems(plan, planned), _("Tổng kinh phí các đề án vượt kinh phí được giao."))
            plan.decision_number, plan.decision_date = cleaned["decision_number"], cleaned["decision_date"]
            plan.approved_by = actor
        plan.status = entry.target
        plan.version += 1
        plan.save()
        audit_record(
            actor=actor, action=f"plan.{action}", obj=plan, before=before, after=_plan_snapshot(plan),
            note=cleaned.get("reason", ""),
        )  # fmt: skip
        if action == "approve":
            include = workflow.transition_for(Project(status=S.APPROVED), "include_in_plan")
            for project in pending:
                _transition_locked(
                    actor, project, include, {}, note=_("Kế hoạch “%(p)s” được phê duyệt.") % {"p": plan.title}
                )
        next_entries = [t for t in workflow.PLAN_TRANSITIONS if t.source == plan.status and t.inbox]
        for next_entry in next_entries:
            notify(
                users_who_may(next_entry.capability, next_entry.level, plan),
                message=_("Kế hoạch “%(p)s”: %(label)s.") % {"p": plan.title, "label": next_entry.label},
                url=reverse("plans:detail", kwargs={"plan_id": plan.pk}), exclude=actor,
            )  # fmt: skip
    return plan


# --- Programmes and reference data --------------------------------------------------------------------------


def programme_save(*, actor, data: dict, programme_id: int | None = None) -> Programme:
    with transaction.atomic():
        programme = (
            Programme.objects.select_for_update().get(pk=access_programme(actor, programme_id).pk)
            if programme_id
            else Programme()
        )
        before = snapshot(programme) if programme.pk else None
        for name, value in data.items():
            setattr(programme, name, _text(value) if isinstance(value, str) else value)
        if (
            programme.level == ProgrammeLevel.PROVINCIAL
            and programme.province is None
            and user_scope(actor).province_id
        ):
            programme.province_id = user_scope(actor).province_id
        if not can(actor, "programme.manage") or not may_manage_programme(actor, programme):
            raise PermissionDenied(_("Bạn không có quyền quản lý chương trình này."))
        _full_clean(programme)
        programme.save()
        audit_record(
            actor=actor, action="programme.update" if before else "programme.create", obj=programme, before=before,
            after=snapshot(programme), province_id=programme.province_id,
        )  # fmt: skip
    return programme


def _full_clean(obj) -> None:
    try:
        obj.full_clean()
    except DjangoValidationError as exc:
        details = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        first = next(iter(details.values()))[0]
        raise ValidationFailed(first, details=details) from None


def _overlaps(obj, same: dict) -> bool:
    """Another row of the same kind valid on any day of obj's validity."""
    others = type(obj).objects.filter(**same).exclude(pk=obj.pk)
    if obj.valid_to is not None:
        others = others.exclude(valid_from__gt=obj.valid_to)
    if obj.valid_from is not None:
        others = others.exclude(valid_to__lt=obj.valid_from)
    return others.exists()


REFERENCE_OVERLAP = {
    RuleSet: lambda obj: {"scope": obj.scope, "province": obj.province},
    Deadline: lambda obj: {"kind": obj.kind},
}


def reference_save(*, actor, instance, values: dict):
    """Create or change one row of reference data (content, sources, norms, deadlines, criteria, indicators)."""
    if not can(actor, "reference.manage"):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới sửa danh mục."))
    with transaction.atomic():
        model = type(instance)
        if instance.pk:
            instance = model.objects.select_for_update().get(pk=instance.pk)
        before = snapshot(instance) if instance.pk else None
        for name, value in values.items():
            setattr(instance, name, _text(value) if isinstance(value, str) else value)
        if isinstance(instance, RuleSet) and instance.scope == RuleScope.NATIONAL:
            instance.province = None
        _full_clean(instance)
        same = REFERENCE_OVERLAP.get(model)
        if same is not None and _overlaps(instance, same(instance)):
            raise ValidationFailed(
                _(
                    "Thời gian hiệu lực trùng với một bản ghi khác cùng loại: "
                    "hãy ghi ngày hết hiệu lực của bản ghi cũ trước."
                ),
                details={"valid_from": [_("Trùng thời gian hiệu lực.")]},
            )
        instance.save()
        audit_record(
            actor=actor, action=f"reference.{model._meta.model_name}.{'update' if before else 'create'}", obj=instance,
            before=before, after=snapshot(instance),
        )  # fmt: skip
    return instance
