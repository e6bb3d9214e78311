"""Every write of the reports app: create a report, edit its texts, make a draft (a background job), sign and
freeze it (a background job), review, accept, return, open an amendment. Each checks the capability and the
body against the stored report, runs in one transaction and writes its AuditEvent there; rendering (seconds)
happens outside the transaction, then the stored state is locked and checked again before anything is written.

`actor=None` is the system (the build_report command): no capability or scope applies; the trail says
"Hệ thống".
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from khuyencong.accounts.access import NATIONAL, PROVINCE, access_report, user_scope
from khuyencong.accounts.models import Agency, AgencyKind, User
from khuyencong.accounts.roles import ROLE_CAPABILITIES, Role, can
from khuyencong.audit.services import audit_record
from khuyencong.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.reports import workflow
from khuyencong.reports.diff import compare
from khuyencong.reports.excel import write_workbook
from khuyencong.reports.models import (
    DefinitionLevel,
    Report,
    ReportDefinition,
    ReportStep,
    ReportVersion,
    UnitBasis,
    VersionKind,
)
from khuyencong.reports.pdf import render_pdf
from khuyencong.reports.periods import Period, PeriodType
from khuyencong.reports.snapshot import build_snapshot, default_place, digest, signed
from khuyencong.reports.storage import store

Progress = Callable[[int, int, str], None]
FROZEN = (VersionKind.SUBMITTED, VersionKind.AMENDMENT)
MAX_TEXT = 20_000


def _text(value, limit: int = MAX_TEXT) -> str:
    return str(value or "").strip()[:limit]


def _require(actor, capability: str, what: str) -> None:
    if actor is not None and not can(actor, capability):
        raise PermissionDenied(f"Bạn không có quyền {what}.")


def _report_for_write(actor, report_id) -> Report:
    """The stored report, locked for the transaction, reached through the actor's scope."""
    if actor is not None:
        access_report(actor, report_id)
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("definition", "province", "agency__parent", "agency__jurisdiction")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound("Không tìm thấy báo cáo.")
    return report


def _stale(report: Report, revision) -> None:
    if revision is not None and int(revision) != report.revision:
        raise Conflict(
            f"Báo cáo vừa được người khác cập nhật (lần sửa {report.revision}); hãy tải lại trang rồi thực hiện lại.",
            details={"revision": [str(report.revision)]},
        )


def _snapshot_of(report: Report) -> dict:
    return {
        "status": report.status, "revision": report.revision, "place": report.place, "recipients": report.recipients,
        "narratives": report.narratives, "period": report.period_key, "province": report.province_id,
        "definition": report.definition.code, "unit_basis": report.unit_basis,
    }  # fmt: skip


# --- Create and edit ----------------------------------------------------------------------------------------------


def issuing_agency(province: Unit | None) -> Agency:
    """The Sở Công Thương of the province, or the central department for the country."""
    if province is None:
        agency = Agency.objects.filter(kind=AgencyKind.CENTRAL_DEPARTMENT, is_active=True).order_by("code").first()
    else:
        agency = (
            Agency.objects.filter(kind=AgencyKind.PROVINCIAL_DEPARTMENT, jurisdiction=province, is_active=True)
            .order_by("code")
            .first()
        )
    if agency is None:
        where = f"tỉnh {province.name}" if province else "trung ương"
        raise ValidationFailed(f"Chưa khai báo cơ quan ban hành báo cáo của {where}.", details={"province": [where]})
    return agency


def _area_for(actor, definition: ReportDefinition, province: Unit | None) -> Unit | None:
    scope = user_scope(actor) if actor is not None else None
    if definition.level == DefinitionLevel.NATIONAL:
        if province is not None:
            raise ValidationFailed("Báo cáo này là báo cáo toàn quốc.", details={"province": ["Để trống."]})
        if scope is not None and scope.kind != NATIONAL:
            raise PermissionDenied("Báo cáo toàn quốc do Cục lập.")
        return None
    if definition.level == DefinitionLevel.PROVINCIAL:
        if scope is not None:
            if scope.kind != PROVINCE:
                raise PermissionDenied("Báo cáo định kỳ của tỉnh do Sở Công Thương của tỉnh lập.")
            if province is not None and province.pk != scope.province_id:
                raise NotFound("Không tìm thấy tỉnh.")
            province = Unit.objects.get(pk=scope.province_id)
        if province is None:
            raise ValidationFailed("Chọn tỉnh, thành phố của báo cáo.", details={"province": ["Bắt buộc."]})
        return province
    if scope is not None and scope.kind == PROVINCE:
        if province is not None and province.pk != scope.province_id:
            raise NotFound("Không tìm thấy tỉnh.")
        return Unit.objects.get(pk=scope.province_id)
    if scope is not None and scope.kind != NATIONAL:
        raise PermissionDenied("Bạn không lập được báo cáo này.")
    return province


def report_create(
    *, actor, definition_id, period: Period, province_id=None, unit_basis: str = UnitBasis.CURRENT
) -> Report:
    """A new report (status "đang lập") of one definition, period and area; one per definition, period and area."""
    _require(actor, "report.prepare", "lập báo cáo")
    definition = ReportDefinition.objects.filter(pk=definition_id, is_active=True).first()
    if definition is None:
        raise ValidationFailed("Mẫu báo cáo không hợp lệ.", details={"definition": ["Không hợp lệ."]})
    if period.type not in definition.period_types:
        allowed = ", ".join(str(PeriodType(value).label).lower() for value in definition.period_types)
        raise ValidationFailed(
            f"Mẫu “{definition.title}” lập theo kỳ: {allowed}.", details={"period_type": ["Không hợp lệ."]}
        )
    if unit_basis not in UnitBasis.values:
        raise ValidationFailed("Cách tính địa bàn không hợp lệ.", details={"unit_basis": ["Không hợp lệ."]})
    province = None
    if province_id not in (None, ""):
        province = Unit.objects.filter(pk=province_id, level=UnitLevel.PROVINCE, valid_to__isnull=True).first()
        if province is None:
            raise ValidationFailed("Tỉnh, thành phố không hợp lệ.", details={"province": ["Không hợp lệ."]})
    province = _area_for(actor, definition, province)
    if province is not None and unit_basis != UnitBasis.CURRENT:
        raise ValidationFailed(
            "Báo cáo của một tỉnh tính theo tỉnh hiện nay.", details={"unit_basis": ["Chỉ dùng cho báo cáo toàn quốc."]}
        )
    agency = issuing_agency(province)
    report = Report(
        definition=definition, period_type=period.type, period_key=period.key, year=period.year,
        period_start=period.start, period_end=period.end, province=province, agency=agency, unit_basis=unit_basis,
        recipients=definition.recipients, created_by=actor if actor is not None else None,
    )  # fmt: skip
    report.place = default_place(report)
    try:
        with transaction.atomic():
            report.save()
            ReportStep.objects.create(report=report, action="create", to_status=report.status, actor=actor)
            audit_record(actor=actor, action="report.create", obj=report, after=_snapshot_of(report))
    except IntegrityError:
        existing = Report.objects.filter(
            definition=definition, period_key=period.key, province=province, unit_basis=unit_basis
        ).first()
        raise Conflict(
            f"Đã có báo cáo “{definition.title}” {period.inline}"
            + (f" của {province}" if province else " toàn quốc")
            + ": mở báo cáo đó để tiếp tục.",
            details={"existing": [str(existing.pk) if existing else ""]},
        ) from None
    return report


def report_update(*, actor, report_id, revision, data: dict) -> Report:
    """Edit the place name, the recipients and the narrative texts while the report is being prepared."""
    with transaction.atomic():
        report = _report_for_write(actor, report_id)
        if actor is not None and not workflow.may_prepare(actor, report):
            raise PermissionDenied("Bạn không sửa được báo cáo này ở trạng thái hiện tại.")
        if report.status not in workflow.EDITABLE:
            raise Conflict(f"Báo cáo đang ở trạng thái “{report.get_status_display()}”, không sửa được.")
        _stale(report, revision)
        before = _snapshot_of(report)
        errors: dict[str, list[str]] = {}
        place = _text(data.get("place", report.place), 80)
        if not place:
            errors["place"] = ["Nhập địa danh ghi ở dòng ngày tháng (ví dụ Hà Nội)."]
        narrative_keys = {spec["key"] for spec in report.definition.sections if spec["kind"] == "narrative"}
        narratives = dict(report.narratives)
        for key, value in (data.get("narratives") or {}).items():
            if key not in narrative_keys:
                errors[f"narrative_{key}"] = ["Phần này không có trong mẫu báo cáo."]
                continue
            narratives[key] = _text(value)
        if errors:
            raise ValidationFailed("Nội dung chưa hợp lệ: " + "; ".join(m for ms in errors.values() for m in ms),
                                   details=errors)  # fmt: skip
        report.place = place
        report.recipients = _text(data.get("recipients", report.recipients), 2000)
        report.narratives = narratives
        report.revision += 1
        report.save()
        audit_record(actor=actor, action="report.update", obj=report, before=before, after=_snapshot_of(report))
    return report


# --- Drafts (background job) --------------------------------------------------------------------------------------


def report_generate(*, actor, report_id):
    """Start the job that computes the snapshot and renders the draft Excel and PDF files."""
    from khuyencong.jobs.services import job_start
    from khuyencong.reports.tasks import generate_task

    report = access_report(actor, report_id)
    _check_draftable(actor, report)
    return job_start(
        actor=actor, kind="reports.generate", label=f"Lập bản nháp Excel và PDF: {report}"[:255],
        task_obj=generate_task, total=4, report_id=report.pk, actor_id=actor.pk,
    )  # fmt: skip


def _last_frozen(report: Report) -> ReportVersion | None:
    return report.versions.filter(kind__in=FROZEN).order_by("-number").first()


def _amendment(report: Report, snapshot: dict, reason: str = "") -> dict | None:
    previous = _last_frozen(report)
    if previous is None:
        return None
    label = f"{previous.label.lower()} ngày {timezone.localtime(previous.created_at):%d/%m/%Y}"
    return {
        "amends": previous.number,
        "amends_label": label,
        "amends_sha256": previous.snapshot_sha256,
        "reason": reason,
        "changes": compare(previous.snapshot, snapshot),
    }


def _render(snapshot: dict, progress: Progress | None, base: int = 1):
    fingerprint = digest(snapshot)
    if progress:
        progress(base, 4, "Lập tệp Excel")
    with tempfile.TemporaryDirectory(prefix="khuyencong-report-") as folder:
        path = Path(folder) / "bao-cao.xlsx"
        write_workbook(snapshot, path)
        xlsx = store(path.read_bytes(), "xlsx")
    if progress:
        progress(base + 1, 4, "Dàn trang tệp PDF")
    rendered = render_pdf(snapshot, fingerprint=fingerprint)
    pdf = store(rendered.content, "pdf")
    return fingerprint, xlsx, pdf, rendered.pages


def _next_number(report: Report) -> int:
    return (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _insert_version(report: Report, *, kind, revision, snapshot, fingerprint, xlsx, pdf, pages, actor, **extra):
    return ReportVersion.objects.create(
        report=report, number=_next_number(report), kind=kind, revision=revision, snapshot=snapshot,
        snapshot_sha256=fingerprint, xlsx_name=xlsx.name, xlsx_sha256=xlsx.sha256, xlsx_size=xlsx.size,
        pdf_name=pdf.name, pdf_sha256=pdf.sha256, pdf_size=pdf.size, pdf_pages=pages,
        cut_off=dt.date.fromisoformat(snapshot["cut_off"]), created_by=actor, **extra,
    )  # fmt: skip


def draft_build(*, actor, report_id, today: dt.date | None = None, progress: Progress | None = None) -> ReportVersion:
    """Compute and render a draft now (the job's body, and the build_report command's --record)."""
    report = Report.objects.select_related("definition", "province", "agency__parent", "agency__jurisdiction").get(
        pk=report_id
    )
    _check_draftable(actor, report)
    revision = report.revision
    if progress:
        progress(0, 4, f"Tổng hợp số liệu ({len(report.definition.sections)} phần)")
    snapshot = build_snapshot(report, today=today)
    amendment = _amendment(report, snapshot, _pending_reason(report))
    if amendment is not None:
        snapshot["amendment"] = amendment
    fingerprint, xlsx, pdf, pages = _render(snapshot, progress)
    with transaction.atomic():
        report = _report_for_write(None, report_id)
        try:
            _check_draftable(actor, report)
        except (PermissionDenied, Conflict):
            raise Conflict("Báo cáo đã chuyển bước trong lúc lập bản nháp; bản nháp không được lưu.") from None
        version = _insert_version(
            report, kind=VersionKind.DRAFT, revision=revision, snapshot=snapshot, fingerprint=fingerprint, xlsx=xlsx,
            pdf=pdf, pages=pages, actor=actor, amends=_last_frozen(report),
            changes=amendment["changes"] if amendment else [],
        )  # fmt: skip
        ReportStep.objects.create(
            report=report, action="draft", from_status=report.status, to_status=report.status, version=version,
            actor=actor,
        )  # fmt: skip
        audit_record(
            actor=actor, action="report.draft", obj=report,
            after={"version": version.number, "snapshot_sha256": fingerprint, "xlsx_sha256": xlsx.sha256,
                   "pdf_sha256": pdf.sha256},
        )  # fmt: skip
    if progress:
        progress(4, 4, f"Đã lập {version.label.lower()}")
    return version


def _check_draftable(actor, report: Report) -> None:
    if report.definition.has_workflow and report.status not in workflow.EDITABLE:
        raise Conflict(
            f"Báo cáo đang ở trạng thái “{report.get_status_display()}”: muốn sửa số liệu phải lập bản sửa đổi, "
            "bổ sung."
        )
    if actor is not None and not workflow.may_prepare(actor, report):
        raise PermissionDenied("Bạn không tạo được bản nháp của báo cáo này.")


def _pending_reason(report: Report) -> str:
    step = report.steps.filter(action="amend").order_by("-at", "-id").first()
    last = _last_frozen(report)
    if step is None or (last is not None and step.at < last.created_at):
        return ""
    return step.note


# --- Steps --------------------------------------------------------------------------------------------------------


def _check_signature(report: Report, signature: dict) -> dict:
    errors: dict[str, list[str]] = {}
    number = _text(signature.get("number"), 20)
    if not number:
        errors["number"] = ["Nhập số văn bản do văn thư cấp."]
    day = signature.get("date")
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, dt.date):
        errors["date"] = ["Nhập ngày ký (dd/mm/yyyy)."]
    elif day > timezone.localdate():
        errors["date"] = ["Ngày ký không được sau hôm nay."]
    elif day < report.period_start:
        errors["date"] = ["Ngày ký không được trước kỳ báo cáo."]
    title = _text(signature.get("signer_title"), 120)
    if not title:
        errors["signer_title"] = ["Nhập chức danh người ký, ví dụ GIÁM ĐỐC hoặc KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC."]
    name = _text(signature.get("signer_name"), 120)
    if not name:
        errors["signer_name"] = ["Nhập họ và tên người ký."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(f"Thông tin ký chưa đủ: {first}", details=errors)
    return {"number": number, "date": day.isoformat(), "signer_title": title, "signer_name": name}


def _draft_to_sign(report: Report, version_id) -> ReportVersion:
    draft = ReportVersion.objects.defer("snapshot").filter(pk=version_id, report=report, kind=VersionKind.DRAFT).first()
    if draft is None:
        raise ValidationFailed("Chọn bản nháp để ký.", details={"version_id": ["Không có bản nháp này."]})
    if draft.revision != report.revision:
        raise Conflict(
            "Nội dung báo cáo đã sửa sau khi lập bản nháp này: hãy lập bản nháp mới, xem lại rồi ký.",
            details={"version_id": [str(draft.pk)]},
        )
    return draft


def _check_step(actor, report: Report, step: workflow.Step) -> None:
    if not workflow.applies(step, report):
        raise Conflict(
            f"Không thể “{step.label}” khi báo cáo đang ở trạng thái “{report.get_status_display()}”.",
            details={"action": [step.action]},
        )
    if actor is not None and not can(actor, step.capability):
        raise PermissionDenied(f"Bạn không có quyền “{step.label}”.")
    if actor is not None and not workflow.in_body(actor, report, step.body):
        who = {
            workflow.SIGNER: "lãnh đạo Sở Công Thương của tỉnh" if report.province_id else "lãnh đạo Cục",
            workflow.CENTRAL: "Cục",
            workflow.PREPARER: "cán bộ lập báo cáo của đơn vị",
        }[step.body]
        raise PermissionDenied(f"Bước “{step.label}” do {who} thực hiện.")


def report_transition(*, actor, report_id, action: str, revision, note: str = "", version_id=None,
                      signature: dict | None = None):  # fmt: skip
    """Take one step of the table in workflow.py. Signing steps start the freezing job and return the Job;
    the others return the report."""
    step = workflow.BY_ACTION.get(action)
    if step is None:
        raise ValidationFailed("Thao tác không hợp lệ.", details={"action": ["Không hợp lệ."]})
    note = _text(note, 4000)
    if step.signs:
        report = access_report(actor, report_id) if actor is not None else Report.objects.get(pk=report_id)
        _check_step(actor, report, step)
        _stale(report, revision)
        draft = _draft_to_sign(report, version_id)
        clean = _check_signature(report, signature or {})
        return _start_freeze(actor, report, step, draft, clean, note)
    if step.note_required and not note:
        raise ValidationFailed("Ghi rõ ý kiến, lý do.", details={"note": ["Bắt buộc."]})
    with transaction.atomic():
        report = _report_for_write(actor, report_id)
        _check_step(actor, report, step)
        _stale(report, revision)
        before = _snapshot_of(report)
        source = report.status
        report.status = step.target
        report.revision += 1
        if step.action in ("return", "review", "accept") and note:
            report.last_note = note
        report.save()
        ReportStep.objects.create(
            report=report, action=step.action, from_status=source, to_status=report.status, actor=actor, note=note
        )
        audit_record(actor=actor, action=f"report.{step.action}", obj=report, before=before,
                     after=_snapshot_of(report), note=note)  # fmt: skip
        _notify(step, report, actor, note)
    return report


def _start_freeze(actor, report: Report, step: workflow.Step, draft: ReportVersion, signature: dict, note: str):
    from khuyencong.jobs.services import job_start
    from khuyencong.reports.tasks import freeze_task

    return job_start(
        actor=actor, kind="reports.freeze", label=f"{step.label}: {report}"[:255], task_obj=freeze_task, total=4,
        report_id=report.pk, actor_id=actor.pk if actor else None, action=step.action, draft_id=draft.pk,
        revision=report.revision, signature=signature, note=note,
    )  # fmt: skip


def freeze(*, actor, report_id, action: str, draft_id, revision, signature: dict, note: str = "",
           progress: Progress | None = None) -> ReportVersion:  # fmt: skip
    """Sign a draft: its snapshot with the signature block, rendered again, then — under the report's lock,
    after checking that nothing moved — stored as a frozen version, never to change."""
    step = workflow.BY_ACTION[action]
    report = Report.objects.select_related("definition", "province", "agency__parent", "agency__jurisdiction").get(
        pk=report_id
    )
    draft = ReportVersion.objects.get(pk=draft_id, report=report, kind=VersionKind.DRAFT)
    if progress:
        progress(0, 4, "Ghi thông tin ký vào báo cáo")
    snapshot = signed({key: value for key, value in draft.snapshot.items() if key != "amendment"}, report, signature)
    previous = _last_frozen(report)
    amendment = _amendment(report, snapshot, _pending_reason(report))
    if amendment is not None:
        snapshot["amendment"] = amendment
    fingerprint, xlsx, pdf, pages = _render(snapshot, progress)
    with transaction.atomic():
        report = _report_for_write(None, report_id)
        _check_step(actor, report, step)
        _stale(report, revision)
        if _last_frozen(report) != previous:
            raise Conflict("Báo cáo vừa được người khác ký gửi; hãy tải lại trang.")
        before = _snapshot_of(report)
        version = _insert_version(
            report, kind=VersionKind.AMENDMENT if previous else VersionKind.SUBMITTED, revision=report.revision,
            snapshot=snapshot, fingerprint=fingerprint, xlsx=xlsx, pdf=pdf, pages=pages, actor=actor,
            based_on=draft, amends=previous, changes=amendment["changes"] if amendment else [], note=note,
        )  # fmt: skip
        source = report.status
        report.status = step.target
        report.revision += 1
        report.last_note = ""
        report.save()
        ReportStep.objects.create(
            report=report, action=step.action, from_status=source, to_status=report.status, version=version,
            actor=actor, note=note,
        )  # fmt: skip
        audit_record(
            actor=actor, action=f"report.{step.action}", obj=report, before=before,
            after={**_snapshot_of(report), "version": version.number, "kind": version.kind,
                   "snapshot_sha256": fingerprint, "xlsx_sha256": xlsx.sha256, "pdf_sha256": pdf.sha256,
                   "number": signature["number"], "signed_on": signature["date"]},
            note=note,
        )  # fmt: skip
        _notify(step, report, actor, note)
    if progress:
        progress(4, 4, f"Đã ký: {version.label}")
    return version


# --- Notifications ------------------------------------------------------------------------------------------------


def users_with(capability: str, province_id: int | None) -> list[User]:
    """Active users holding the capability through a role (administrators aside) in the area's agencies."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps and role != Role.SYSTEM_ADMIN]
    users = User.objects.filter(is_active=True, groups__name__in=roles, agency__is_active=True)
    if province_id is None:
        users = users.filter(agency__jurisdiction__isnull=True)
    else:
        users = users.filter(agency__jurisdiction__province_id=province_id)
    return list(users.distinct())


def _notify(step: workflow.Step, report: Report, actor, note: str) -> None:
    from khuyencong.programmes.services import notify

    url = reverse("reports:detail", kwargs={"report_id": report.pk})
    if step.action == "submit":
        recipients = users_with("report.review", None) + users_with("report.decide", None)
        message = f"{report.province.name} đã gửi {report.definition.title.lower()} {report.period.inline}."
    elif step.action in ("accept", "return"):
        recipients = users_with("report.prepare", report.province_id) + users_with("report.submit", report.province_id)
        verdict = "đã chấp nhận" if step.action == "accept" else "trả lại để sửa"
        message = f"Cục {verdict} {report.definition.title.lower()} {report.period.inline}" + (
            f": {note}" if note else "."
        )
    else:
        return
    notify(recipients, message=message, url=url, exclude=actor)


# --- Definitions and deadlines (national reference data) ----------------------------------------------------------


def _require_reference(actor) -> None:
    """National reference data: holders of reference.manage with national scope (or the system)."""
    if actor is None:
        return
    if not can(actor, "reference.manage") or user_scope(actor).kind != NATIONAL:
        raise PermissionDenied("Chỉ quản trị viên cấp trung ương sửa mẫu báo cáo và hạn gửi.")


def parse_sections(text: str, current: list[dict]) -> list[dict]:
    """ "mã | loại | tiêu đề" lines → section specs, keeping the options of sections that keep their key."""
    from khuyencong.reports.sections import SECTION_KINDS

    options = {spec["key"]: spec.get("options", {}) for spec in current}
    sections, errors, seen = [], [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not all(parts):
            errors.append(f"Dòng {number}: cần đủ ba phần “mã | loại | tiêu đề”.")
            continue
        key, kind, title = parts
        if kind not in SECTION_KINDS:
            errors.append(f"Dòng {number}: loại “{kind}” không có; dùng một trong: {', '.join(SECTION_KINDS)}.")
        if key in seen or not key.replace("_", "").isalnum():
            errors.append(f"Dòng {number}: mã “{key}” trùng hoặc không hợp lệ (chữ không dấu, số, gạch dưới).")
        seen.add(key)
        sections.append({"key": key, "kind": kind, "title": title[:300], "options": options.get(key, {})})
    if not sections and not errors:
        errors.append("Báo cáo cần ít nhất một phần.")
    if errors:
        raise ValidationFailed(errors[0], details={"sections": errors})
    return sections


def definition_save(*, actor, definition_id, data: dict) -> ReportDefinition:
    """Edit a report definition (its code and level stay: reports already made refer to them)."""
    from khuyencong.audit.services import snapshot as model_snapshot
    from khuyencong.reports.periods import PeriodType as PT

    _require_reference(actor)
    with transaction.atomic():
        definition = ReportDefinition.objects.select_for_update().filter(pk=definition_id).first()
        if definition is None:
            raise NotFound("Không tìm thấy mẫu báo cáo.")
        before = model_snapshot(definition)
        errors: dict[str, list[str]] = {}
        title = _text(data.get("title"), 300)
        if not title:
            errors["title"] = ["Nhập trích yếu của báo cáo."]
        period_types = [value for value in data.get("period_types") or [] if value in PT.values]
        if not period_types:
            errors["period_types"] = ["Chọn ít nhất một loại kỳ."]
        if definition.level != DefinitionLevel.ANY and PT.ADHOC in period_types:
            errors["period_types"] = ["Báo cáo ký gửi, ban hành theo kỳ quý, 6 tháng hoặc năm, không theo kỳ tùy chọn."]
        try:
            sections = parse_sections(data.get("sections", ""), definition.sections)
        except ValidationFailed as error:
            errors.update(error.details)
            sections = definition.sections
        if errors:
            first = next(iter(errors.values()))[0]
            raise ValidationFailed(f"Mẫu báo cáo chưa hợp lệ: {first}", details=errors)
        definition.title = title
        definition.document_type = _text(data.get("document_type"), 60) or definition.document_type
        definition.symbol = _text(data.get("symbol"), 40)
        definition.period_types = period_types
        definition.signer_title = _text(data.get("signer_title"), 120)
        definition.recipients = _text(data.get("recipients"), 2000)
        definition.sections = sections
        definition.citation = _text(data.get("citation"), 300)
        definition.description = _text(data.get("description"), 2000)
        definition.is_active = bool(data.get("is_active"))
        definition.save()
        audit_record(actor=actor, action="report_definition.update", obj=definition, before=before,
                     after=model_snapshot(definition))  # fmt: skip
    return definition


def rule_save(*, actor, definition_id, data: dict, rule_id=None):
    """Create or edit a filing deadline; two rules of one definition and period type may not overlap in time."""
    from khuyencong.audit.services import snapshot as model_snapshot
    from khuyencong.reports.models import ReportPeriodRule
    from khuyencong.reports.periods import PeriodType as PT

    _require_reference(actor)
    with transaction.atomic():
        definition = ReportDefinition.objects.filter(pk=definition_id).first()
        if definition is None:
            raise NotFound("Không tìm thấy mẫu báo cáo.")
        rule = None
        if rule_id is not None:
            rule = ReportPeriodRule.objects.select_for_update().filter(pk=rule_id, definition=definition).first()
            if rule is None:
                raise NotFound("Không tìm thấy quy định hạn gửi.")
        before = model_snapshot(rule) if rule else None
        errors: dict[str, list[str]] = {}
        period_type = data.get("period_type")
        if period_type not in (PT.QUARTER, PT.HALF, PT.YEAR):
            errors["period_type"] = ["Chọn quý, 6 tháng hoặc năm."]
        due_days = data.get("due_days")
        if not isinstance(due_days, int) or not 0 <= due_days <= 366:
            errors["due_days"] = ["Số ngày từ 0 đến 366."]
        valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            errors["valid_to"] = ["Ngày kết thúc hiệu lực phải sau ngày bắt đầu."]
        citation = _text(data.get("citation"), 300)
        if not citation:
            errors["citation"] = ["Ghi căn cứ pháp lý (số, ngày văn bản quy định hạn gửi)."]
        if not errors:
            others = ReportPeriodRule.objects.filter(definition=definition, period_type=period_type)
            if rule is not None:
                others = others.exclude(pk=rule.pk)
            for other in others:
                starts_before_end = other.valid_from is None or valid_to is None or other.valid_from <= valid_to
                ends_after_start = other.valid_to is None or valid_from is None or other.valid_to >= valid_from
                if starts_before_end and ends_after_start:
                    errors["valid_from"] = [f"Trùng thời gian áp dụng với quy định “{other.citation}”."]
                    break
        if errors:
            first = next(iter(errors.values()))[0]
            raise ValidationFailed(f"Quy định hạn gửi chưa hợp lệ: {first}", details=errors)
        rule = rule or ReportPeriodRule(definition=definition)
        rule.period_type, rule.due_days = period_type, due_days
        rule.valid_from, rule.valid_to = valid_from, valid_to
        rule.citation, rule.note = citation, _text(data.get("note"), 300)
        rule.save()
        audit_record(actor=actor, action="report_rule.save", obj=rule, before=before, after=model_snapshot(rule))
    return rule
