"""Pages of projects, plans, programmes, reference data and "my work". Thin: rules live in services.py, reads in
selectors.py; every object is loaded through accounts/access.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.access import (
    NATIONAL,
    PROVINCE,
    access_plan,
    access_programme,
    access_project,
    user_scope,
)
from khuyencong.accounts.models import Agency, AgencyKind
from khuyencong.accounts.roles import can
from khuyencong.core.errors import DomainError, PermissionDenied
from khuyencong.core.forms import apply_domain_error
from khuyencong.core.pagination import paginate
from khuyencong.geo.models import Unit, UnitLevel
from khuyencong.indicators import selectors as indicator_selectors
from khuyencong.indicators import services as indicator_services
from khuyencong.programmes import forms as pf
from khuyencong.programmes import selectors, services, workflow
from khuyencong.programmes.checks import double_funding_conflicts
from khuyencong.programmes.models import FundingSource, MoneyMovement, ProjectKind, RuleSet, SupportRule
from khuyencong.programmes.rules import evaluate_support


def _fail(request: HttpRequest, form, exc: DomainError) -> None:
    apply_domain_error(form, exc)
    messages.error(request, exc.message)


def _project_crumbs(project=None, *extra):
    crumbs = [(_("Đề án"), reverse("projects:list"))]
    if project is not None:
        crumbs.append((project.code, reverse("projects:detail", kwargs={"project_id": project.pk})))
    return crumbs + list(extra)


def _provinces():
    return Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True).order_by("code")


def _legacy_provinces():
    return Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=False).order_by("code")


def _agencies_for(user):
    """Agencies that may implement a project drafted by this user."""
    scope = user_scope(user)
    if scope.kind == PROVINCE:
        return Agency.objects.filter(
            is_active=True,
            jurisdiction__province_id=scope.province_id,
            kind__in=[AgencyKind.PROVINCIAL_DEPARTMENT, AgencyKind.PROVINCIAL_CENTRE],
        ).order_by("code")
    return Agency.objects.filter(
        is_active=True, kind__in=[AgencyKind.CENTRAL_DEPARTMENT, AgencyKind.REGIONAL_CENTRE]
    ).order_by("code")


def _project_form(request, user, *, project=None, data=None):
    national = user_scope(user).kind == NATIONAL
    province_id = project.province_id if project else user_scope(user).province_id
    communes = None
    if project is not None and province_id:
        communes = Unit.objects.filter(
            Q(province_id=province_id) | Q(province_id=project.legacy_province_id),
            level__in=[UnitLevel.COMMUNE, UnitLevel.DISTRICT],
        ).order_by("level", "name")
    initial = None
    if project is not None:
        initial = {
            **{name: getattr(project, name) for name in services.PROJECT_FIELDS},
            "content_items": project.content_items.all(),
            "communes": project.communes.all(),
            "partners": pf.partners_text(project),
        }
    return pf.ProjectForm(
        data,
        initial=initial,
        programmes=selectors.programmes_visible_to(user),
        agencies=_agencies_for(user),
        provinces=_provinces() if national else None,
        legacy_provinces=_legacy_provinces(),
        communes=communes,
    )


# --- Projects ---------------------------------------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "data.view"):
        raise PermissionDenied(_("Bạn không có quyền xem đề án."))
    national = user_scope(request.user).kind == NATIONAL
    form = pf.ProjectFilterForm(
        request.GET or None,
        programmes=selectors.programmes_visible_to(request.user),
        provinces=_provinces() if national else None,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    projects = selectors.project_list(request.user, filters=filters)
    page = paginate(request, selectors.project_list_page_rows(projects))
    return render(
        request,
        "programmes/project_list.html",
        {
            "form": form,
            "page": page,
            "totals": selectors.project_totals(projects),
            "may_create": can(request.user, "project.draft"),
            "breadcrumbs": [(_("Đề án"), None)],
        },
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "project.draft"):
        raise PermissionDenied(_("Bạn không có quyền lập đề án."))
    form = _project_form(request, request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo đề án %(code)s. Hãy lập dự toán, cơ sở thụ hưởng và sản phẩm đầu ra.")
                % {"code": project.code},
            )
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/project_form.html",
        {"form": form, "breadcrumbs": _project_crumbs(None, (_("Lập đề án"), None))},
    )


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    context = selectors.project_detail(request.user, project)
    evaluation = evaluate_support(
        project,
        project.rules_date or timezone.localdate(),
        beneficiaries=context["beneficiaries"],
        budget_lines=context["budget_lines"],
    )
    overridden = {o.finding_key for o in context["overrides"]}
    conflicts = double_funding_conflicts(project, context["beneficiaries"])
    for row in context["beneficiaries"]:
        row.conflicts = conflicts.get(row.pk, [])
    return render(
        request,
        "programmes/project_detail.html",
        {
            **context,
            "project": project,
            "evaluation": evaluation,
            "open_findings": [p for p in evaluation.problems if p.key not in overridden],
            "abilities": selectors.project_abilities(
                request.user, project, adjustments=context["adjustments"], budget_lines=context["budget_lines"]
            ),
            "deadline": selectors.deadline_of(project),
            "today": timezone.localdate(),
            "breadcrumbs": _project_crumbs(None, (project.code, None)),
        },
    )


def _edit_gate(request, project, doing: str) -> None:
    if not (can(request.user, "project.draft") and workflow.IMPLEMENTER.allows(request.user, project)):
        raise PermissionDenied(_("Bạn không có quyền %(doing)s.") % {"doing": doing})


def _not_editable(request, project) -> HttpResponse | None:
    """Drafting pages of a project that is no longer a draft send the user back with the reason."""
    if project.is_editable:
        return None
    messages.warning(
        request,
        _("Đề án đang ở trạng thái “%(state)s”: chỉ sửa được khi còn là nháp hoặc bị trả lại; hãy đề nghị điều chỉnh.")
        % {"state": project.status_label()},
    )
    return redirect("projects:detail", project_id=project.pk)


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    _edit_gate(request, project, _("sửa đề án"))
    if (back := _not_editable(request, project)) is not None:
        return back
    form = _project_form(request, request.user, project=project, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user, project_id=project.pk, version=request.POST.get("version"), data=form.cleaned_data
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã lưu đề án."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/project_form.html",
        {"form": form, "project": project, "breadcrumbs": _project_crumbs(project, (_("Sửa"), None))},
    )


@login_required
def project_budget(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    _edit_gate(request, project, _("lập dự toán"))
    if (back := _not_editable(request, project)) is not None:
        return back
    items = project.content_items.all()
    initial = [
        {"source": line.source, "content_item": line.content_item, "amount": line.amount}
        for line in project.budget_lines.select_related("source", "content_item")
    ]
    formset = pf.BudgetFormSet(request.POST or None, initial=initial, items=items, prefix="budget")
    if request.method == "POST" and formset.is_valid():
        try:
            services.project_budget_set(
                actor=request.user, project_id=project.pk, version=request.POST.get("version"), lines=formset.lines()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            for field_messages in (exc.details or {}).values():
                for message in field_messages:
                    messages.error(request, message)
        else:
            messages.success(request, _("Đã lưu dự toán."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/project_budget.html",
        {"formset": formset, "project": project, "breadcrumbs": _project_crumbs(project, (_("Dự toán"), None))},
    )


@login_required
def project_outputs(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    _edit_gate(request, project, _("ghi sản phẩm đầu ra"))
    if (back := _not_editable(request, project)) is not None:
        return back
    initial = {f"ind_{o.indicator_id}": o.planned_value for o in project.outputs.all()}
    form = pf.OutputsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_outputs_set(
                actor=request.user, project_id=project.pk, version=request.POST.get("version"), outputs=form.outputs()
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã lưu sản phẩm đầu ra."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/simple_form.html",
        {
            "form": form,
            "project": project,
            "title": _("Sản phẩm đầu ra kế hoạch"),
            "with_version": True,
            "breadcrumbs": _project_crumbs(project, (_("Sản phẩm đầu ra"), None)),
        },
    )


@login_required
def beneficiary_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    _edit_gate(request, project, _("thêm cơ sở thụ hưởng"))
    if not selectors.project_abilities(request.user, project)["beneficiaries"] and (
        back := _not_editable(request, project)
    ):
        return back
    query = request.GET.get("q", "").strip()
    candidates = list(selectors.establishment_candidates(request.user, project, query)) if query else []
    form = pf.BeneficiaryForm(
        request.POST or None,
        establishments=selectors.establishments_for(request.user, project),
        candidates=candidates,
        items=project.content_items.all(),
        may_override=can(request.user, "rules.override"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row, conflicts = services.project_beneficiary_add(
                actor=request.user,
                project_id=project.pk,
                version=request.POST.get("version"),
                establishment_id=data["establishment"].pk,
                content_item_id=data["content_item"].pk,
                units=data["units"],
                planned_support=data["planned_support"] or 0,
                counterpart=data["counterpart"] or 0,
                double_funding_note=data["double_funding_note"],
                override_reason=data.get("override_reason", ""),
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            if conflicts and not row.double_funding_note:
                messages.warning(
                    request,
                    _("Cơ sở đã/đang được hỗ trợ cùng nội dung bởi %(codes)s: cần ghi giải trình trước khi gửi đề án.")
                    % {"codes": ", ".join(p.code for p in conflicts)},
                )
            messages.success(request, _("Đã thêm cơ sở thụ hưởng."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/beneficiary_form.html",
        {
            "form": form,
            "project": project,
            "query": query,
            "candidates": candidates,
            "breadcrumbs": _project_crumbs(project, (_("Thêm cơ sở thụ hưởng"), None)),
        },
    )


@login_required
def beneficiary_edit(request: HttpRequest, project_id: int, beneficiary_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    _edit_gate(request, project, _("sửa cơ sở thụ hưởng"))
    if (back := _not_editable(request, project)) is not None:
        return back
    row = project.beneficiaries.select_related("establishment", "content_item").filter(pk=beneficiary_id).first()
    if row is None:
        raise Http404
    form = pf.BeneficiaryEditForm(
        request.POST or None,
        initial={
            "units": row.units,
            "planned_support": row.planned_support,
            "counterpart": row.counterpart,
            "double_funding_note": row.double_funding_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_beneficiary_update(
                actor=request.user,
                project_id=project.pk,
                version=request.POST.get("version"),
                beneficiary_id=row.pk,
                **{k: v if v is not None else 0 for k, v in form.cleaned_data.items()},
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/simple_form.html",
        {
            "form": form,
            "project": project,
            "title": f"{row.establishment.name} — {row.content_item.name}",
            "with_version": True,
            "breadcrumbs": _project_crumbs(project, (row.establishment.name, None)),
        },
    )


@login_required
@require_POST
def beneficiary_remove(request: HttpRequest, project_id: int, beneficiary_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    try:
        services.project_beneficiary_remove(
            actor=request.user,
            project_id=project.pk,
            version=request.POST.get("version"),
            beneficiary_id=beneficiary_id,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        if isinstance(exc, PermissionDenied):
            raise
    else:
        messages.success(request, _("Đã bỏ cơ sở khỏi đề án."))
    return redirect("projects:detail", project_id=project.pk)


@login_required
def document_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    if not workflow.participates(request.user, project):
        raise PermissionDenied(_("Bạn không tham gia xử lý đề án này."))
    form = pf.DocumentForm(request.POST or None, request.FILES or None, initial={"doc_type": request.GET.get("loai")})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_document_add(actor=request.user, project_id=project.pk, **form.cleaned_data)
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã đính kèm văn bản."))
            return redirect(reverse("projects:detail", kwargs={"project_id": project.pk}) + "#van-ban")
    return render(
        request,
        "programmes/simple_form.html",
        {
            "form": form,
            "project": project,
            "title": _("Đính kèm văn bản"),
            "multipart": True,
            "breadcrumbs": _project_crumbs(project, (_("Văn bản"), None)),
        },
    )


@login_required
def document_download(request: HttpRequest, project_id: int, document_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    if user_scope(request.user).kind not in (NATIONAL, PROVINCE):
        raise PermissionDenied(_("Văn bản của đề án chỉ dành cho cơ quan quản lý."))
    document = project.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name)


@login_required
@require_POST
def document_remove(request: HttpRequest, project_id: int, document_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    try:
        services.project_document_remove(actor=request.user, project_id=project.pk, document_id=document_id)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã rút văn bản."))
    return redirect(reverse("projects:detail", kwargs={"project_id": project.pk}) + "#van-ban")


@login_required
def project_transition(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    project = access_project(request.user, project_id)
    entry = workflow.transition_for(project, action)
    if entry is None:
        messages.error(
            request,
            _("Đề án đang ở trạng thái “%(s)s”: thao tác này không còn áp dụng.") % {"s": project.status_label()},
        )
        return redirect("projects:detail", project_id=project.pk)
    if not workflow.may_take(request.user, entry, project):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện “%(label)s”: việc này do %(level)s thực hiện.")
            % {"label": entry.label, "level": entry.level.label}
        )
    form_class = pf.transition_form_class(entry, project=project, may_override=can(request.user, "rules.override"))
    form = form_class(request.POST or None, initial={"version": project.version})
    if request.method == "POST" and form.is_valid():
        data = pf.transition_data(form)
        try:
            services.project_transition(
                actor=request.user,
                project_id=project.pk,
                action=action,
                version=data.pop("version"),
                data=data,
                override_reason=data.pop("override_reason", ""),
                note=data.pop("note", ""),
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã thực hiện: %(label)s.") % {"label": entry.label})
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/transition_form.html",
        {
            "form": form,
            "project": project,
            "entry": entry,
            "required_documents": entry.documents,
            "evaluation": evaluate_support(project, timezone.localdate()) if entry.rule_stage else None,
            "breadcrumbs": _project_crumbs(project, (entry.label, None)),
        },
    )


@login_required
def rule_override(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    if not (
        can(request.user, "rules.override")
        and (workflow.DEPARTMENT.allows(request.user, project) or workflow.APPROVING.allows(request.user, project))
    ):
        raise PermissionDenied(_("Chỉ lãnh đạo Sở, Cục hoặc UBND tỉnh có thẩm quyền mới cho phép vượt định mức."))
    evaluation = evaluate_support(project, project.rules_date or timezone.localdate())
    form = pf.OverrideForm(request.POST or None, initial={"version": project.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_override_grant(
                actor=request.user,
                project_id=project.pk,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
            if isinstance(exc, PermissionDenied):
                raise
        else:
            messages.success(request, _("Đã ghi nhận cho phép vượt định mức."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/override_form.html",
        {
            "form": form,
            "project": project,
            "evaluation": evaluation,
            "breadcrumbs": _project_crumbs(project, (_("Cho phép vượt định mức"), None)),
        },
    )


def _simple_project_form(request, project, form, *, title: str, submit, success: str, crumb: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            submit(form.cleaned_data)
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, success)
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/simple_form.html",
        {"form": form, "project": project, "title": title, "breadcrumbs": _project_crumbs(project, (crumb, None))},
    )


@login_required
def progress_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    _edit_gate(request, project, _("báo cáo tiến độ"))
    if not selectors.project_abilities(request.user, project)["progress"]:
        messages.warning(request, _("Chỉ báo cáo tiến độ khi đề án đã ký hợp đồng và đang triển khai."))
        return redirect("projects:detail", project_id=project.pk)
    return _simple_project_form(
        request,
        project,
        pf.ProgressForm(request.POST or None),
        title=_("Báo cáo tiến độ"),
        submit=lambda data: services.progress_report_add(actor=request.user, project_id=project.pk, **data),
        success=_("Đã ghi báo cáo tiến độ."),
        crumb=_("Báo cáo tiến độ"),
    )


@login_required
def inspection_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    if not selectors.project_abilities(request.user, project)["inspect"]:
        raise PermissionDenied(_("Việc kiểm tra, giám sát do Cục hoặc Sở Công Thương thực hiện."))
    return _simple_project_form(
        request,
        project,
        pf.InspectionForm(request.POST or None),
        title=_("Biên bản kiểm tra, giám sát"),
        submit=lambda data: services.inspection_add(actor=request.user, project_id=project.pk, **data),
        success=_("Đã ghi kết quả kiểm tra."),
        crumb=_("Kiểm tra"),
    )


@login_required
def money_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    sources = selectors.money_sources_for(request.user, project, "money.enter")
    if not sources.exists():
        raise PermissionDenied(_("Bạn không có quyền nhập giải ngân cho đề án này."))
    return _simple_project_form(
        request,
        project,
        pf.MoneyForm(request.POST or None, sources=sources, initial={"occurred_on": timezone.localdate()}),
        title=_("Nhập tạm ứng, thanh toán, quyết toán, hoàn trả"),
        submit=lambda data: services.money_enter(
            actor=request.user, project_id=project.pk, source_id=data.pop("source").pk, **data
        ),
        success=_("Đã nhập; khoản này được tính khi lãnh đạo duyệt."),
        crumb=_("Giải ngân"),
    )


@login_required
def money_decide(request: HttpRequest, project_id: int, movement_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    movement = (
        MoneyMovement.objects.select_related("source", "entered_by").filter(pk=movement_id, project=project).first()
    )
    if movement is None:
        raise Http404
    if not selectors.money_sources_for(request.user, project, "money.approve").filter(pk=movement.source_id).exists():
        raise PermissionDenied(_("Bạn không có quyền duyệt giải ngân nguồn này."))
    form = pf.MoneyDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.money_decide(
                actor=request.user,
                movement_id=movement.pk,
                approve=data["decision"] == "approve",
                note=data["note"],
                override_reason=data["override_reason"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã ghi quyết định."))
            return redirect(reverse("projects:detail", kwargs={"project_id": project.pk}) + "#giai-ngan")
    return render(
        request,
        "programmes/money_decide.html",
        {
            "form": form,
            "project": project,
            "movement": movement,
            "budget": selectors.budget_panel(project),
            "breadcrumbs": _project_crumbs(project, (_("Duyệt giải ngân"), None)),
        },
    )


@login_required
def adjustment_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    _edit_gate(request, project, _("đề nghị điều chỉnh"))
    if not selectors.project_abilities(request.user, project)["adjust"]:
        messages.warning(
            request, _("Chỉ đề nghị điều chỉnh đề án đã phê duyệt, chưa nghiệm thu và không có đề nghị khác đang chờ.")
        )
        return redirect("projects:detail", project_id=project.pk)
    beneficiaries = project.beneficiaries.select_related("establishment", "content_item")
    form = pf.AdjustmentForm(request.POST or None, beneficiaries=beneficiaries, initial={"version": project.version})
    initial = [
        {"source": line.source, "content_item": line.content_item, "amount": line.amount}
        for line in project.budget_lines.select_related("source", "content_item")
    ]
    formset = pf.BudgetFormSet(request.POST or None, initial=initial, prefix="budget")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            services.adjustment_request(
                actor=request.user,
                project_id=project.pk,
                version=data["version"],
                reason=data["reason"],
                new_end_date=data["new_end_date"],
                budget_lines=formset.lines() if data["change_budget"] else None,
                remove_beneficiaries=[row.pk for row in data["remove_beneficiaries"]],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị điều chỉnh."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/adjustment_form.html",
        {
            "form": form,
            "formset": formset,
            "project": project,
            "breadcrumbs": _project_crumbs(project, (_("Đề nghị điều chỉnh"), None)),
        },
    )


@login_required
def adjustment_decide(request: HttpRequest, project_id: int, adjustment_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)
    adjustment = project.adjustments.select_related("requested_by").filter(pk=adjustment_id).first()
    if adjustment is None:
        raise Http404
    level = workflow.DECISION_LEVELS[adjustment.decision_level]
    if not (can(request.user, "project.decide") and level.allows(request.user, project)):
        raise PermissionDenied(_("Việc này do %(level)s quyết định.") % {"level": level.label})
    form = pf.AdjustmentDecisionForm(request.POST or None, initial={"version": project.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.adjustment_decide(
                actor=request.user,
                adjustment_id=adjustment.pk,
                version=data["version"],
                approve=data["decision"] == "approve",
                decision_number=data["decision_number"],
                note=data["note"],
                override_reason=data["override_reason"],
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã ghi quyết định điều chỉnh."))
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request,
        "programmes/adjustment_decide.html",
        {
            "form": form,
            "project": project,
            "adjustment": adjustment,
            "sources": FundingSource.objects.in_bulk(),
            "breadcrumbs": _project_crumbs(project, (_("Quyết định điều chỉnh"), None)),
        },
    )


# --- Plans ------------------------------------------------------------------------------------------------------


def _plan_crumbs(plan=None, *extra):
    crumbs = [(_("Kế hoạch"), reverse("plans:list"))]
    if plan is not None:
        crumbs.append((plan.title, reverse("plans:detail", kwargs={"plan_id": plan.pk})))
    return crumbs + list(extra)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "data.view"):
        raise PermissionDenied(_("Bạn không có quyền xem trang này."))
    form = pf.PlanFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.plan_list(request.user, filters=filters))
    return render(
        request,
        "programmes/plan_list.html",
        {
            "form": form,
            "page": page,
            "may_create": can(request.user, "plan.manage"),
            "breadcrumbs": [(_("Kế hoạch"), None)],
        },
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "plan.manage"):
        raise PermissionDenied(_("Bạn không có quyền lập kế hoạch."))
    kind = ProjectKind.NATIONAL if user_scope(request.user).kind == NATIONAL else ProjectKind.LOCAL
    form = pf.PlanForm(request.POST or None, programmes=selectors.programmes_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, kind=kind, **form.cleaned_data)
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã tạo kế hoạch. Hãy ghi kinh phí được giao và đưa đề án vào kế hoạch."))
            return redirect("plans:detail", plan_id=plan.pk)
    return render(
        request,
        "programmes/simple_form.html",
        {
            "form": form,
            "title": _("Lập kế hoạch khuyến công quốc gia")
            if kind == ProjectKind.NATIONAL
            else _("Lập kế hoạch khuyến công địa phương"),
            "breadcrumbs": _plan_crumbs(None, (_("Lập kế hoạch"), None)),
        },
    )


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id)
    manage = can(request.user, "plan.manage") and workflow.MANAGING.allows(request.user, plan)
    page = paginate(request, selectors.plan_projects(request.user, plan))
    return render(
        request,
        "programmes/plan_detail.html",
        {
            "plan": plan,
            "overview": selectors.plan_overview(plan),
            "page": page,
            "manage": manage,
            "actions": [
                t
                for t in workflow.PLAN_TRANSITIONS
                if t.source == plan.status and workflow.may_take(request.user, t, plan)
            ],
            "add_form": pf.PlanProjectForm(candidates=selectors.plan_candidates(request.user, plan))
            if manage
            else None,
            "breadcrumbs": _plan_crumbs(None, (plan.title, None)),
        },
    )


@login_required
def plan_allocations(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id)
    if not (can(request.user, "plan.manage") and workflow.MANAGING.allows(request.user, plan)):
        raise PermissionDenied(_("Bạn không có quyền phân bổ kinh phí kế hoạch này."))
    sources = FundingSource.objects.filter(is_state_budget=True)
    current = dict(plan.allocations.values_list("source_id", "amount"))
    form = pf.AllocationForm(
        request.POST or None,
        sources=sources,
        initial={"version": plan.version, **{f"source_{pk}": amount for pk, amount in current.items()}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_allocations_set(
                actor=request.user, plan_id=plan.pk, version=form.cleaned_data["version"], amounts=form.amounts()
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã lưu kinh phí được giao."))
            return redirect("plans:detail", plan_id=plan.pk)
    return render(
        request,
        "programmes/simple_form.html",
        {"form": form, "title": _("Kinh phí được giao"), "breadcrumbs": _plan_crumbs(plan, (_("Kinh phí"), None))},
    )


@login_required
@require_POST
def plan_add_project(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id)
    if not (can(request.user, "plan.manage") and workflow.MANAGING.allows(request.user, plan)):
        raise PermissionDenied(_("Bạn không có quyền đưa đề án vào kế hoạch này."))
    form = pf.PlanProjectForm(request.POST, candidates=selectors.plan_candidates(request.user, plan))
    if not form.is_valid():
        messages.error(request, _("Cần chọn một đề án đã được phê duyệt."))
    else:
        try:
            warnings = services.plan_add_project(
                actor=request.user, plan_id=plan.pk, project_id=form.cleaned_data["project"].pk
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã đưa đề án vào kế hoạch."))
            for warning in warnings:
                messages.warning(request, warning.message)
    return redirect("plans:detail", plan_id=plan.pk)


@login_required
@require_POST
def plan_remove_project(request: HttpRequest, plan_id: int, project_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id)
    try:
        services.plan_remove_project(actor=request.user, plan_id=plan.pk, project_id=project_id)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã bỏ đề án khỏi kế hoạch."))
    return redirect("plans:detail", plan_id=plan.pk)


@login_required
def plan_transition(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    plan = access_plan(request.user, plan_id)
    entry = next((t for t in workflow.PLAN_TRANSITIONS if t.source == plan.status and t.action == action), None)
    if entry is None:
        messages.error(request, _("Thao tác này không áp dụng với kế hoạch ở trạng thái hiện tại."))
        return redirect("plans:detail", plan_id=plan.pk)
    if not workflow.may_take(request.user, entry, plan):
        raise PermissionDenied(_("Việc này do %(level)s thực hiện.") % {"level": entry.level.label})
    form = pf.transition_form_class(entry)(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.plan_transition(
                actor=request.user, plan_id=plan.pk, action=action, version=data.pop("version"), data=data
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã thực hiện: %(label)s.") % {"label": entry.label})
            return redirect("plans:detail", plan_id=plan.pk)
    return render(
        request,
        "programmes/simple_form.html",
        {"form": form, "title": f"{entry.label}: {plan.title}", "breadcrumbs": _plan_crumbs(plan, (entry.label, None))},
    )


# --- Programmes and reference data -----------------------------------------------------------------------------


def _programme_crumbs(*extra):
    return [(_("Chương trình"), reverse("programmes:list")), *extra]


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "data.view"):
        raise PermissionDenied(_("Bạn không có quyền xem trang này."))
    page = paginate(
        request, selectors.programmes_visible_to(request.user).order_by("level", "province__code", "-start_year")
    )
    return render(
        request,
        "programmes/programme_list.html",
        {
            "page": page,
            "may_create": can(request.user, "programme.manage"),
            "may_reference": can(request.user, "reference.manage"),
            "breadcrumbs": [(_("Chương trình"), None)],
        },
    )


def _programme_form(request, instance=None):
    national = user_scope(request.user).is_national
    return pf.ProgrammeForm(request.POST or None, instance=instance, provinces=_provinces(), national_scope=national)


def _programme_save(request, form, programme_id=None):
    data = {name: form.cleaned_data[name] for name in form.cleaned_data}
    return services.programme_save(actor=request.user, data=data, programme_id=programme_id)


@login_required
def programme_new(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "programme.manage"):
        raise PermissionDenied(_("Bạn không có quyền quản lý chương trình."))
    form = _programme_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            programme = _programme_save(request, form)
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            return redirect("programmes:detail", programme_id=programme.pk)
    return render(
        request,
        "programmes/simple_form.html",
        {"form": form, "title": _("Thêm chương trình"), "breadcrumbs": _programme_crumbs((_("Thêm"), None))},
    )


@login_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id)
    manage = can(request.user, "programme.manage") and selectors.may_manage_programme(request.user, programme)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "targets": indicator_selectors.programme_progress(request.user, programme),
            "manage": manage,
            "target_form": pf.TargetForm() if manage else None,
            "breadcrumbs": _programme_crumbs((programme.name, None)),
        },
    )


def _programme_gate(request, programme) -> None:
    if not selectors.may_manage_programme(request.user, programme):
        raise PermissionDenied(_("Bạn không có quyền quản lý chương trình này."))


@login_required
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id, write=True)
    _programme_gate(request, programme)
    form = _programme_form(request, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            _programme_save(request, form, programme_id=programme.pk)
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            return redirect("programmes:detail", programme_id=programme.pk)
    return render(
        request,
        "programmes/simple_form.html",
        {"form": form, "title": programme.name, "breadcrumbs": _programme_crumbs((programme.name, None))},
    )


@login_required
@require_POST
def programme_target(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id, write=True)
    _programme_gate(request, programme)
    form = pf.TargetForm(request.POST)
    if form.is_valid():
        try:
            indicator_services.target_set(
                actor=request.user,
                programme_id=programme.pk,
                indicator_id=form.cleaned_data["indicator"].pk,
                target_value=form.cleaned_data["target_value"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã lưu mục tiêu."))
    else:
        messages.error(request, _("Mục tiêu chưa hợp lệ."))
    return redirect("programmes:detail", programme_id=programme.pk)


def _reference_kind(kind: str):
    if kind not in pf.REFERENCE_KINDS:
        raise Http404
    return pf.REFERENCE_KINDS[kind]


def _require_reference(request) -> None:
    if not can(request.user, "reference.manage"):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới sửa danh mục."))


@login_required
def reference_index(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "data.view"):
        raise PermissionDenied(_("Bạn không có quyền xem trang này."))
    kinds = [(slug, title) for slug, (_model, title, _form, _cols) in pf.REFERENCE_KINDS.items()]
    return render(
        request,
        "programmes/reference_index.html",
        {"kinds": kinds, "breadcrumbs": _programme_crumbs((_("Danh mục và định mức"), None))},
    )


@login_required
def reference_list(request: HttpRequest, kind: str) -> HttpResponse:
    if not can(request.user, "data.view"):
        raise PermissionDenied(_("Bạn không có quyền xem trang này."))
    model, title, _form, columns = _reference_kind(kind)
    rows = model.objects.all()
    related = [name for name in columns if model._meta.get_field(name).is_relation]
    page = paginate(request, rows.select_related(*related), per_page=50)
    headers = [model._meta.get_field(name).verbose_name for name in columns]
    for row in page:
        row.cells = [getattr(row, f"get_{name}_display", lambda n=name, r=row: getattr(r, n))() for name in columns]
    return render(
        request,
        "programmes/reference_list.html",
        {
            "page": page,
            "kind": kind,
            "title": title,
            "headers": headers,
            "manage": can(request.user, "reference.manage"),
            "breadcrumbs": _programme_crumbs((_("Danh mục"), reverse("programmes:reference")), (title, None)),
        },
    )


@login_required
def reference_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    _require_reference(request)
    model, title, form_class, _columns = _reference_kind(kind)
    instance = model.objects.filter(pk=pk).first() if pk else model(**_reference_defaults(request, model))
    if instance is None:
        raise Http404
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.reference_save(
                actor=request.user, instance=model.objects.get(pk=pk) if pk else model(), values=form.cleaned_data
            )
        except DomainError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            if isinstance(saved, RuleSet | SupportRule):
                rule_set_id = saved.pk if isinstance(saved, RuleSet) else saved.rule_set_id
                return redirect("programmes:rule_set", rule_set_id=rule_set_id)
            return redirect("programmes:reference_list", kind=kind)
    return render(
        request,
        "programmes/simple_form.html",
        {
            "form": form,
            "title": f"{title}: {instance}" if pk else title,
            "breadcrumbs": _programme_crumbs(
                (_("Danh mục"), reverse("programmes:reference")),
                (title, reverse("programmes:reference_list", kwargs={"kind": kind})),
                (_("Sửa") if pk else _("Thêm"), None),
            ),
        },
    )


def _reference_defaults(request, model) -> dict:
    """A new norm row opened from a rule set's page belongs to that rule set."""
    rule_set = request.GET.get("bo")
    if model is SupportRule and rule_set and rule_set.isdigit():
        return {"rule_set_id": int(rule_set)}
    return {}


@login_required
def rule_set_detail(request: HttpRequest, rule_set_id: int) -> HttpResponse:
    if not can(request.user, "data.view"):
        raise PermissionDenied(_("Bạn không có quyền xem trang này."))
    rule_set = RuleSet.objects.select_related("province").filter(pk=rule_set_id).first()
    if rule_set is None:
        raise Http404
    return render(
        request,
        "programmes/rule_set_detail.html",
        {
            "rule_set": rule_set,
            "rules": rule_set.rules.select_related("content_item", "content_item__group"),
            "manage": can(request.user, "reference.manage"),
            "breadcrumbs": _programme_crumbs(
                (_("Danh mục"), reverse("programmes:reference")),
                (_("Bộ định mức hỗ trợ"), reverse("programmes:reference_list", kwargs={"kind": "dinh-muc"})),
                (rule_set.name, None),
            ),
        },
    )


# --- My work ----------------------------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.awaiting_projects(request.user))
    for project in page:
        project.due = selectors.deadline_of(project)
        project.overdue = selectors.is_overdue(project.due)
        project.next_actions = [e for e in workflow.actions_for(request.user, project) if e.inbox]
    return render(
        request,
        "programmes/inbox.html",
        {
            "page": page,
            "movements": selectors.awaiting_movements(request.user)[:50],
            "adjustments": selectors.awaiting_adjustments(request.user)[:50],
            "plans": selectors.awaiting_plans(request.user)[:20],
            "notifications": selectors.notifications_for(request.user, unread_only=True)[:20],
            "breadcrumbs": [(_("Việc của tôi"), None)],
        },
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.notifications_for(request.user))
    return render(
        request,
        "programmes/notification_list.html",
        {"page": page, "breadcrumbs": [(_("Việc của tôi"), reverse("inbox:home")), (_("Thông báo"), None)]},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("id")
    services.notification_mark_read(
        actor=request.user, notification_id=int(target) if target and target.isdigit() else None
    )
    next_url = request.POST.get("next") or ""
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("inbox:notifications")
