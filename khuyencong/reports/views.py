"""Pages of the periodic reports. Thin: rules in services.py and workflow.py, reads in selectors.py, every report
and every file loaded through accounts/access.py (another province's report or file answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khuyencong.accounts.access import NATIONAL, access_report, access_report_version, user_scope
from khuyencong.accounts.roles import can
from khuyencong.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from khuyencong.core.forms import apply_domain_error
from khuyencong.core.pagination import paginate
from khuyencong.jobs.selectors import job_for
from khuyencong.reports import forms as rf
from khuyencong.reports import selectors, services, workflow
from khuyencong.reports.diff import shown
from khuyencong.reports.models import ReportDefinition, ReportPeriodRule, VersionKind
from khuyencong.reports.snapshot import recipients_lines
from khuyencong.reports.storage import open_file

FORMATS = {"xlsx": ("xlsx_name", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           "pdf": ("pdf_name", "application/pdf")}  # fmt: skip


def _require_view(user) -> None:
    if not can(user, "report.view"):
        raise PermissionDenied(_("Bạn không có quyền xem báo cáo."))


def _crumbs(report=None, *extra):
    crumbs = [(_("Báo cáo"), reverse("reports:list"))]
    if report is not None:
        crumbs.append((f"{report.definition.title} — {report.period.inline}", _detail_url(report)))
    return crumbs + list(extra)


def _detail_url(report) -> str:
    return reverse("reports:detail", kwargs={"report_id": report.pk})


def _fail(request, form, error: DomainError) -> None:
    apply_domain_error(form, error)
    messages.error(request, error.message)


# --- List and creation --------------------------------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    national = user_scope(request.user).kind == NATIONAL
    form = rf.ReportFilterForm(request.GET or None, national=national)
    page = paginate(request, selectors.report_list(request.user, filters=form.filters()))
    return render(
        request,
        "reports/list.html",
        {
            "form": form,
            "page": page,
            "may_create": selectors.definitions_for(request.user).exists(),
            "breadcrumbs": [(_("Báo cáo"), None)],
        },
    )


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    definitions = selectors.definitions_for(request.user)
    if not definitions.exists():
        raise PermissionDenied(_("Bạn không có quyền lập báo cáo."))
    national = user_scope(request.user).kind == NATIONAL
    form = rf.ReportCreateForm(request.POST or None, definitions=definitions, national=national)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_create(
                actor=request.user, definition_id=data["definition"].pk, period=data["period"],
                province_id=data["province"].pk if data.get("province") else None,
                unit_basis=data.get("unit_basis") or "current",
            )  # fmt: skip
        except DomainError as error:
            existing = (error.details or {}).get("existing") if isinstance(error.details, dict) else None
            if existing and existing[0]:
                messages.info(request, error.message)
                return redirect("reports:detail", report_id=int(existing[0]))
            _fail(request, form, error)
        else:
            messages.success(request, _("Đã lập báo cáo. Viết phần thuyết minh rồi tạo bản nháp Excel và PDF."))
            return redirect(_detail_url(report))
    return render(
        request,
        "reports/new.html",
        {"form": form, "definitions": definitions, "breadcrumbs": _crumbs(None, (_("Lập báo cáo"), None))},
    )


# --- One report ---------------------------------------------------------------------------------------------------


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(request.user, report_id)
    page = selectors.report_page(request.user, report)
    job = None
    if request.GET.get("tac-vu"):
        try:
            job = job_for(request.user, request.GET["tac-vu"])
        except (NotFound, DjangoValidationError, ValueError):  # a malformed or someone else's job: no panel
            job = None
    changes = []
    if page.latest_draft is not None and page.latest_draft.amends_id:
        changes = [shown(change, report.definition.money_unit) for change in page.latest_draft.changes[:200]]
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "page": page,
            "job": job,
            "changes": changes,
            "recipients": recipients_lines(report.recipients, report, timezone.localdate()),
            "narratives": [
                (spec.get("title") or spec["key"], (report.narratives or {}).get(spec["key"], ""))
                for spec in report.definition.sections
                if spec["kind"] == "narrative"
            ],
            "breadcrumbs": _crumbs(None, (f"{report.definition.title} — {report.period.inline}", None)),
        },
    )


@login_required
def report_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(request.user, report_id)
    if not workflow.may_prepare(request.user, report) or report.status not in workflow.EDITABLE:
        raise PermissionDenied(_("Bạn không sửa được báo cáo này ở trạng thái hiện tại."))
    initial = {"place": report.place, "recipients": report.recipients}
    form = rf.ReportEditForm(request.POST or None, initial=initial, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(
                actor=request.user, report_id=report.pk, revision=request.POST.get("revision"),
                data=form.service_data(),
            )  # fmt: skip
        except DomainError as error:
            _fail(request, form, error)
        else:
            messages.success(request, _("Đã lưu. Tạo bản nháp mới để xem nội dung trong tệp Excel và PDF."))
            return redirect(_detail_url(report))
    return render(
        request,
        "reports/edit.html",
        {"report": report, "form": form, "breadcrumbs": _crumbs(report, (_("Sửa nội dung"), None))},
    )


@login_required
@require_POST
def report_generate(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        job = services.report_generate(actor=request.user, report_id=report_id)
    except (Conflict, ValidationFailed) as error:  # no right or no report: 403 / 404 as everywhere
        messages.error(request, error.message)
        return redirect("reports:detail", report_id=report_id)
    return redirect(f"{reverse('reports:detail', kwargs={'report_id': report_id})}?tac-vu={job.pk}")


@login_required
def report_transition(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    report = access_report(request.user, report_id)
    step = workflow.BY_ACTION.get(action)
    if step is None:
        raise Http404()
    if not workflow.allowed(request.user, report, step):
        raise PermissionDenied(_("Bạn không thực hiện được bước này trên báo cáo ở trạng thái hiện tại."))
    initial = {"revision": report.revision}
    if step.signs:
        drafts = list(selectors.signable_drafts(report))
        initial.update(
            signer_name=request.user.get_full_name(),
            signer_title=(request.user.position or report.definition.signer_title).upper(),
            date=timezone.localdate(),
            version_id=drafts[0].pk if drafts else None,
        )  # fmt: skip
        form = rf.SignForm(request.POST or None, initial=initial, drafts=drafts)
    else:
        drafts = []
        form = rf.NoteForm(request.POST or None, initial=initial, required=step.note_required)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.report_transition(
                actor=request.user, report_id=report.pk, action=action, revision=data["revision"],
                note=data.get("note", ""), version_id=data.get("version_id"),
                signature=form.signature() if step.signs else None,
            )  # fmt: skip
        except DomainError as error:
            _fail(request, form, error)
        else:
            if step.signs:
                return redirect(f"{_detail_url(report)}?tac-vu={result.pk}")
            messages.success(request, _("Đã thực hiện: %(step)s.") % {"step": step.label})
            return redirect(_detail_url(report))
    return render(
        request,
        "reports/transition.html",
        {"report": report, "step": step, "form": form, "drafts": drafts,
         "breadcrumbs": _crumbs(report, (step.label, None))},
    )  # fmt: skip


@login_required
def version_detail(request: HttpRequest, report_id: int, version_id: int) -> HttpResponse:
    version = access_report_version(request.user, report_id, version_id)
    report = version.report
    changes = [shown(change, report.definition.money_unit) for change in version.changes]
    return render(
        request,
        "reports/version.html",
        {"report": report, "version": version, "changes": changes,
         "breadcrumbs": _crumbs(report, (version.label, None))},
    )  # fmt: skip


@login_required
@require_GET
def version_download(request: HttpRequest, report_id: int, version_id: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404()
    version = access_report_version(request.user, report_id, version_id)
    field, content_type = FORMATS[fmt]
    report = version.report
    where = report.province.code if report.province_id else "toan-quoc"
    draft = "-du-thao" if version.kind == VersionKind.DRAFT else ""
    filename = f"{report.definition.code}-{report.period_key.replace('..', '_')}-{where}-v{version.number}{draft}.{fmt}"
    response = FileResponse(open_file(getattr(version, field)), as_attachment=True, filename=filename,
                            content_type=content_type)  # fmt: skip
    response["X-Content-SHA256"] = getattr(version, f"{fmt}_sha256")
    return response


# --- Filing status ------------------------------------------------------------------------------------------------


@login_required
def filing_status(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    definitions = selectors.periodic_definitions()
    form = rf.FilingFilterForm(request.GET or None, definitions=definitions)
    definition = definitions.first()
    year = timezone.localdate().year
    only_overdue = False
    if form.is_valid():
        definition, year, only_overdue = (
            form.cleaned_data["definition"], form.cleaned_data["year"], form.cleaned_data["only_overdue"]
        )  # fmt: skip
    matrix = selectors.filing_matrix(request.user, definition, year, only_overdue=only_overdue) if definition else None
    return render(
        request,
        "reports/filing_status.html",
        {"form": form, "matrix": matrix, "today": timezone.localdate(),
         "breadcrumbs": _crumbs(None, (_("Tình hình gửi báo cáo"), None))},
    )  # fmt: skip


# --- Definitions and deadlines ------------------------------------------------------------------------------------


def _may_manage_reference(user) -> bool:
    return can(user, "reference.manage") and user_scope(user).kind == NATIONAL


@login_required
def definition_list(request: HttpRequest) -> HttpResponse:
    _require_view(request.user)
    definitions = ReportDefinition.objects.prefetch_related("rules").order_by("sort_order", "code")
    return render(
        request,
        "reports/definitions.html",
        {"definitions": definitions, "may_manage": _may_manage_reference(request.user),
         "breadcrumbs": _crumbs(None, (_("Mẫu báo cáo và hạn gửi"), None))},
    )  # fmt: skip


@login_required
def definition_edit(request: HttpRequest, definition_id: int) -> HttpResponse:
    if not _may_manage_reference(request.user):
        raise PermissionDenied(_("Chỉ quản trị viên cấp trung ương sửa mẫu báo cáo."))
    definition = ReportDefinition.objects.filter(pk=definition_id).first()
    if definition is None:
        raise Http404()
    initial = {
        "title": definition.title, "document_type": definition.document_type, "symbol": definition.symbol,
        "period_types": definition.period_types, "signer_title": definition.signer_title,
        "recipients": definition.recipients, "sections": rf.sections_text(definition.sections),
        "citation": definition.citation, "description": definition.description, "is_active": definition.is_active,
    }  # fmt: skip
    form = rf.DefinitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.definition_save(actor=request.user, definition_id=definition.pk, data=form.cleaned_data)
        except DomainError as error:
            _fail(request, form, error)
        else:
            messages.success(request, _("Đã lưu mẫu báo cáo."))
            return redirect("reports:definitions")
    crumbs = _crumbs(None, (_("Mẫu báo cáo và hạn gửi"), reverse("reports:definitions")), (definition.title, None))
    return render(request, "reports/definition_form.html", {"definition": definition, "form": form,
                                                             "breadcrumbs": crumbs})  # fmt: skip


@login_required
def rule_edit(request: HttpRequest, definition_id: int, rule_id: int | None = None) -> HttpResponse:
    if not _may_manage_reference(request.user):
        raise PermissionDenied(_("Chỉ quản trị viên cấp trung ương sửa hạn gửi báo cáo."))
    definition = ReportDefinition.objects.filter(pk=definition_id).first()
    rule = ReportPeriodRule.objects.filter(pk=rule_id, definition=definition).first() if rule_id else None
    if definition is None or (rule_id and rule is None):
        raise Http404()
    initial = (
        {"period_type": rule.period_type, "due_days": rule.due_days, "valid_from": rule.valid_from,
         "valid_to": rule.valid_to, "citation": rule.citation, "note": rule.note}
        if rule else {}
    )  # fmt: skip
    form = rf.RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_save(actor=request.user, definition_id=definition.pk, rule_id=rule_id, data=form.cleaned_data)
        except DomainError as error:
            _fail(request, form, error)
        else:
            messages.success(request, _("Đã lưu hạn gửi báo cáo."))
            return redirect("reports:definitions")
    crumbs = _crumbs(None, (_("Mẫu báo cáo và hạn gửi"), reverse("reports:definitions")),
                     (_("Hạn gửi") + f": {definition.title}", None))  # fmt: skip
    return render(request, "reports/rule_form.html", {"definition": definition, "rule": rule, "form": form,
                                                       "breadcrumbs": crumbs})  # fmt: skip
