"""Registry pages: list with filters and export, detail with tabs, create/edit, figures, products, photos,
certificates, approval, merge, public self-registration and the legal-rule tables. Thin: services write,
selectors read, access.py loads."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from khuyencong.accounts.access import (
    ESTABLISHMENT,
    access_certification,
    access_establishment,
    access_product,
    access_product_photo,
    user_scope,
)
from khuyencong.accounts.backends import PASSWORD_BACKEND
from khuyencong.accounts.roles import can
from khuyencong.core.errors import DomainError, NotFound, PermissionDenied
from khuyencong.core.forms import apply_domain_error
from khuyencong.core.pagination import paginate
from khuyencong.imports.storage import private_storage
from khuyencong.imports.workbooks import send_workbook
from khuyencong.jobs.selectors import job_for
from khuyencong.jobs.services import job_start
from khuyencong.registry import selectors, services
from khuyencong.registry.exports import SYNC_LIMIT, write_establishments
from khuyencong.registry.forms import (
    RULE_FORMS,
    CertificationForm,
    EstablishmentFilterForm,
    EstablishmentForm,
    FiguresForm,
    MergeForm,
    PhotoForm,
    ProductForm,
    RejectForm,
    SelfRegistrationForm,
)
from khuyencong.registry.models import Establishment, EstablishmentStatus, LegalForm, SizeClass, YearlyFigures
from khuyencong.registry.rules import eligibility_of
from khuyencong.registry.support import support_received
from khuyencong.registry.tasks import export_file_name, export_task

# The list counts its matches up to this many ("Hơn 1.000 bản ghi"): an exact count of a broad search reads
# every row it matches, which the page does not need.
LIST_COUNT_CAP = 1000

TABS = [
    ("ho-so", gettext_lazy("Hồ sơ")),
    ("san-pham", gettext_lazy("Sản phẩm và chứng nhận")),
    ("so-lieu", gettext_lazy("Số liệu hằng năm")),
    ("ho-tro", gettext_lazy("Hỗ trợ đã nhận")),
    ("lich-su", gettext_lazy("Lịch sử thay đổi")),
]


def _list_crumb():
    return (_("Cơ sở CNNT"), reverse("registry:list"))


def _detail_url(establishment_id, tab: str = "") -> str:
    url = reverse("registry:detail", args=[establishment_id])
    return f"{url}?tab={tab}" if tab else url


def _can_edit(user, establishment: Establishment) -> bool:
    capability = "establishment.edit_own" if user_scope(user).kind == ESTABLISHMENT else "establishment.edit"
    return can(user, capability) and establishment.status != EstablishmentStatus.MERGED


# --- List and export ------------------------------------------------------------------------------------


@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "data.view"):
        raise PermissionDenied(_("Bạn không có quyền xem danh sách cơ sở."))
    form = EstablishmentFilterForm(request.GET or None, user=request.user)
    page = paginate(
        request,
        selectors.establishments_for(request.user, filters=form.filters()),
        count_cap=LIST_COUNT_CAP,
        ids_first=lambda ids: selectors.establishment_rows(request.user, ids),
    )
    _label_rows(page)
    context = {
        "form": form,
        "page": page,
        "can_create": can(request.user, "establishment.edit") and user_scope(request.user).kind != ESTABLISHMENT,
        "pending": selectors.pending_count(request.user),
        "export_query": page.querystring,
        "breadcrumbs": [(_("Cơ sở CNNT"), None)],
    }
    return render(request, "registry/list.html", context)


def _label_rows(rows) -> None:
    """Each row's legal form, size and status in words, each label translated once per page: get_FOO_display
    rebuilds and translates the field's whole list of choices on every call (≈ 450 translations a page)."""
    labels = {
        field: {value: str(label) for value, label in choices}
        for field, choices in (
            ("legal_form", LegalForm.choices),
            ("size_class", SizeClass.choices),
            ("status", EstablishmentStatus.choices),
        )
    }
    for row in rows:
        for field, names in labels.items():
            value = getattr(row, field)
            setattr(row, f"{field}_label", names.get(value, value))


@login_required
@require_GET
def establishment_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx: written now for up to SYNC_LIMIT rows, otherwise by a background job."""
    if not can(request.user, "data.view"):
        raise PermissionDenied(_("Bạn không có quyền xuất danh sách cơ sở."))
    form = EstablishmentFilterForm(request.GET or None, user=request.user)
    establishments = selectors.establishments_for(request.user, filters=form.filters())
    if establishments.count() > SYNC_LIMIT:
        job = job_start(
            actor=request.user,
            kind="registry.export",
            label=_("Xuất danh sách cơ sở CNNT ra Excel"),
            task_obj=export_task,
            user_id=request.user.pk,
            query={key: request.GET.get(key) for key in request.GET},
        )
        return redirect("jobs:detail", job.pk)
    return send_workbook(
        lambda path: write_establishments(establishments, path, title=_("Danh sách cơ sở CNNT")), "co-so-cnnt.xlsx"
    )


@login_required
def export_file(request: HttpRequest, job_id) -> HttpResponse:
    job = job_for(request.user, job_id)
    path = Path(private_storage().path(export_file_name(job.pk)))
    if job.kind != "registry.export" or not path.exists():
        raise PermissionDenied(_("Tệp xuất không còn."))
    return FileResponse(open(path, "rb"), as_attachment=True, filename="co-so-cnnt.xlsx")


# --- Detail ---------------------------------------------------------------------------------------------


@login_required
def establishment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = selectors.establishment_detail(request.user, pk)
    tab = request.GET.get("tab") or "ho-so"
    if tab not in dict(TABS):
        tab = "ho-so"
    user = request.user
    context = {
        "establishment": establishment,
        "tab": tab,
        "tabs": TABS,
        "can_edit": _can_edit(user, establishment),
        "can_approve": can(user, "establishment.approve") and establishment.status == EstablishmentStatus.PENDING,
        "can_merge": can(user, "establishment.merge") and establishment.status != EstablishmentStatus.MERGED,
        "is_own": user_scope(user).kind == ESTABLISHMENT,
        "breadcrumbs": [_list_crumb(), (establishment.name, None)],
    }
    if tab == "ho-so":
        context["eligibility"] = eligibility_of(establishment)
        context["similar"] = selectors.similar_in_scope(user, establishment)
        context["reject_form"] = RejectForm()
    elif tab == "san-pham":
        context["products"] = selectors.products_of(establishment)
        context["certifications"] = selectors.certifications_of(establishment)
    elif tab == "so-lieu":
        context["figures"] = selectors.figures_of(establishment)
    elif tab == "ho-tro":
        context["support"] = support_received(establishment)
    else:
        context["page"] = paginate(request, selectors.history_of(establishment), per_page=20)
    return render(request, "registry/detail.html", context)


# --- Create and edit ------------------------------------------------------------------------------------


@login_required
def establishment_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "establishment.edit") or user_scope(request.user).kind == ESTABLISHMENT:
        raise PermissionDenied(_("Bạn không có quyền thêm cơ sở CNNT."))
    form = EstablishmentForm(request.POST or None, user=request.user)
    similar = []
    if request.method == "POST" and form.is_valid():
        try:
            establishment = services.establishment_create(
                actor=request.user,
                data=form.profile_data(),
                province=form.cleaned_data["province"],
                confirm_similar=form.cleaned_data["confirm_similar"],
            )
        except services.PossibleDuplicate as error:
            similar = error.details["similar"]
            form.add_error(None, error.message)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã thêm cơ sở “%(name)s”.") % {"name": establishment.name})
            return redirect("registry:detail", establishment.pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "similar": similar,
            "title": _("Thêm cơ sở CNNT"),
            "breadcrumbs": [_list_crumb(), (_("Thêm cơ sở"), None)],
        },
    )


@login_required
def establishment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = access_establishment(request.user, pk, write=True)
    if request.method == "POST":
        form = EstablishmentForm(request.POST, user=request.user)
    else:
        form = EstablishmentForm(initial=EstablishmentForm.initial_from(establishment), user=request.user)
    if user_scope(request.user).kind == ESTABLISHMENT:
        form.fields["province"].queryset = form.fields["province"].queryset.filter(pk=establishment.province_id)
        form.fields["commune"].queryset = selectors.current_communes(establishment.province_id)
    form.fields.pop("confirm_similar")
    if request.method == "POST" and form.is_valid():
        try:
            services.establishment_update(
                actor=request.user,
                establishment_id=pk,
                version=form.cleaned_data["version"],
                data=form.profile_data(),
                province=form.cleaned_data["province"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã lưu hồ sơ cơ sở."))
            return redirect("registry:detail", pk)
    return render(
        request,
        "registry/form.html",
        {
            "form": form,
            "establishment": establishment,
            "title": _("Sửa hồ sơ: %(name)s") % {"name": establishment.name},
            "breadcrumbs": [_list_crumb(), (establishment.name, _detail_url(pk)), (_("Sửa"), None)],
        },
    )


@require_GET
def commune_options(request: HttpRequest) -> HttpResponse:
    """<option> elements of today's communes of a province (public reference data; used by htmx)."""
    province = request.GET.get("province", "")
    communes = selectors.current_communes(province if province.isdigit() else None)
    return render(request, "registry/_commune_options.html", {"communes": communes})


# --- Approval and merge ---------------------------------------------------------------------------------


def _post_action(request, pk: int, action, success: str, tab: str = "") -> HttpResponse:
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_detail_url(pk, tab))


def _require_approver(request, pk: int) -> None:
    access_establishment(request.user, pk)
    if not can(request.user, "establishment.approve"):
        raise PermissionDenied(_("Bạn không có quyền duyệt đăng ký cơ sở."))


@login_required
@require_POST
def establishment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_approver(request, pk)
    return _post_action(
        request,
        pk,
        lambda: services.establishment_approve(actor=request.user, establishment_id=pk),
        _("Đã duyệt hồ sơ."),
    )


@login_required
@require_POST
def establishment_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _require_approver(request, pk)
    reason = request.POST.get("reason", "")
    return _post_action(
        request,
        pk,
        lambda: services.establishment_reject(actor=request.user, establishment_id=pk, reason=reason),
        _("Đã từ chối hồ sơ và ghi lý do."),
    )


@login_required
@require_POST
def establishment_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    access_establishment(request.user, pk, write=True)
    return _post_action(
        request,
        pk,
        lambda: services.establishment_resubmit(actor=request.user, establishment_id=pk),
        _("Đã gửi lại hồ sơ để Sở Công Thương duyệt."),
    )


@login_required
def establishment_merge(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = access_establishment(request.user, pk, write=True)
    if not can(request.user, "establishment.merge"):
        raise PermissionDenied(_("Bạn không có quyền gộp cơ sở."))
    form = MergeForm(request.POST or None, initial={"duplicate": request.GET.get("trung")})
    if request.method == "POST" and form.is_valid():
        try:
            services.establishment_merge(
                actor=request.user,
                survivor_id=pk,
                duplicate_id=form.cleaned_data["duplicate"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã gộp hồ sơ trùng vào hồ sơ này."))
            return redirect("registry:detail", pk)
    query = request.GET.get("q", "")
    return render(
        request,
        "registry/merge.html",
        {
            "establishment": establishment,
            "form": form,
            "query": query,
            "candidates": selectors.merge_candidates(request.user, establishment, query),
            "breadcrumbs": [_list_crumb(), (establishment.name, _detail_url(pk)), (_("Gộp hồ sơ trùng"), None)],
        },
    )


# --- Yearly figures -------------------------------------------------------------------------------------


@login_required
def figures_edit(request: HttpRequest, pk: int, year: int | None = None) -> HttpResponse:
    establishment = access_establishment(request.user, pk, write=True)
    existing = YearlyFigures.objects.filter(establishment=establishment, year=year).first() if year else None
    if year and existing is None:
        return redirect("registry:figures_add", pk)
    initial = {field.name: getattr(existing, field.name) for field in YearlyFigures._meta.fields} if existing else {}
    form = FiguresForm(request.POST or None, initial=initial)
    if existing:
        form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.figures_save(
                actor=request.user,
                establishment_id=pk,
                year=existing.year if existing else data["year"],
                data=data,
                version=data.get("version") if existing else None,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã lưu số liệu năm."))
            return redirect(_detail_url(pk, "so-lieu"))
    title = _("Số liệu năm %(year)s") % {"year": year} if year else _("Thêm số liệu năm")
    return render(
        request,
        "registry/part_form.html",
        {
            "form": form,
            "establishment": establishment,
            "title": title,
            "back": _detail_url(pk, "so-lieu"),
            "breadcrumbs": [_list_crumb(), (establishment.name, _detail_url(pk, "so-lieu")), (title, None)],
        },
    )


@login_required
@require_POST
def figures_delete(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    access_establishment(request.user, pk, write=True)
    return _post_action(
        request,
        pk,
        lambda: services.figures_delete(actor=request.user, establishment_id=pk, year=year),
        _("Đã xóa số liệu năm %(year)s.") % {"year": year},
        "so-lieu",
    )


# --- Products, photos, certifications ---------------------------------------------------------------------


def _part_page(request, establishment, form, title: str, *, multipart: bool = False) -> HttpResponse:
    back = _detail_url(establishment.pk, "san-pham")
    return render(
        request,
        "registry/part_form.html",
        {
            "form": form,
            "establishment": establishment,
            "title": title,
            "back": back,
            "multipart": multipart,
            "breadcrumbs": [_list_crumb(), (establishment.name, back), (title, None)],
        },
    )


@login_required
def product_add(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = access_establishment(request.user, pk, write=True)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_create(actor=request.user, establishment_id=pk, data=form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã thêm sản phẩm."))
            return redirect(_detail_url(pk, "san-pham"))
    return _part_page(request, establishment, form, _("Thêm sản phẩm"))


@login_required
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    product = access_product(request.user, product_id, write=True)
    initial = {
        "name": product.name,
        "group": product.group,
        "description": product.description,
        "version": product.version,
    }
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(
                actor=request.user, product_id=product_id, version=form.cleaned_data["version"], data=form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã lưu sản phẩm."))
            return redirect(_detail_url(product.establishment_id, "san-pham"))
    return _part_page(request, product.establishment, form, _("Sửa sản phẩm: %(name)s") % {"name": product.name})


@login_required
@require_POST
def product_delete(request: HttpRequest, product_id: int) -> HttpResponse:
    product = access_product(request.user, product_id, write=True)
    return _post_action(
        request,
        product.establishment_id,
        lambda: services.product_delete(actor=request.user, product_id=product_id),
        _("Đã xóa sản phẩm."),
        "san-pham",
    )


@login_required
def photo_add(request: HttpRequest, product_id: int) -> HttpResponse:
    product = access_product(request.user, product_id, write=True)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_photo_add(
                actor=request.user,
                product_id=product_id,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã thêm ảnh sản phẩm."))
            return redirect(_detail_url(product.establishment_id, "san-pham"))
    title = _("Thêm ảnh: %(name)s") % {"name": product.name}
    return _part_page(request, product.establishment, form, title, multipart=True)


@login_required
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """Photos are private files: sent only after the access check."""
    found = access_product_photo(request.user, photo_id)
    response = FileResponse(found.image.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def photo_delete(request: HttpRequest, photo_id: int) -> HttpResponse:
    found = access_product_photo(request.user, photo_id, write=True)
    return _post_action(
        request,
        found.product.establishment_id,
        lambda: services.product_photo_delete(actor=request.user, photo_id=photo_id),
        _("Đã xóa ảnh."),
        "san-pham",
    )


@login_required
def certification_add(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = access_establishment(request.user, pk, write=True)
    form = CertificationForm(request.POST or None, products=selectors.product_choices(establishment))
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_create(actor=request.user, establishment_id=pk, data=form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã thêm chứng nhận."))
            return redirect(_detail_url(pk, "san-pham"))
    return _part_page(request, establishment, form, _("Thêm chứng nhận"))


@login_required
def certification_edit(request: HttpRequest, certification_id: int) -> HttpResponse:
    certification = access_certification(request.user, certification_id, write=True)
    fields = (
        "kind",
        "product",
        "level",
        "stars",
        "title",
        "issuer",
        "decision_number",
        "decision_date",
        "valid_until",
        "note",
        "version",
    )
    initial = {field: getattr(certification, field) for field in fields}
    form = CertificationForm(
        request.POST or None, initial=initial, products=selectors.product_choices(certification.establishment)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_update(
                actor=request.user,
                certification_id=certification_id,
                version=form.cleaned_data["version"],
                data=form.cleaned_data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã lưu chứng nhận."))
            return redirect(_detail_url(certification.establishment_id, "san-pham"))
    return _part_page(request, certification.establishment, form, _("Sửa chứng nhận"))


@login_required
@require_POST
def certification_delete(request: HttpRequest, certification_id: int) -> HttpResponse:
    certification = access_certification(request.user, certification_id, write=True)
    return _post_action(
        request,
        certification.establishment_id,
        lambda: services.certification_delete(actor=request.user, certification_id=certification_id),
        _("Đã xóa chứng nhận."),
        "san-pham",
    )


# --- Public self-registration ---------------------------------------------------------------------------


def self_register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        messages.info(request, _("Bạn đã đăng nhập: trang đăng ký dành cho cơ sở chưa có tài khoản."))
        return redirect("core:home")
    form = SelfRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["homepage"]:
            return redirect("self_registration:done")  # a robot: pretend success, store nothing
        try:
            user, _establishment = services.establishment_self_register(
                account=form.account(), data=form.profile_data(), province=form.cleaned_data["province"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            login(request, user, backend=PASSWORD_BACKEND)
            return redirect("self_registration:done")
    return render(request, "registry/self_register.html", {"form": form})


def self_register_done(request: HttpRequest) -> HttpResponse:
    establishment = getattr(request.user, "establishment", None) if request.user.is_authenticated else None
    return render(request, "registry/self_register_done.html", {"establishment": establishment})


# --- Dated legal rules ------------------------------------------------------------------------------------


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    from khuyencong.registry.models import CertificationValidityRule, EligibilityRule, SizeThreshold

    if not can(request.user, "data.view") or user_scope(request.user).kind == ESTABLISHMENT:
        raise PermissionDenied(_("Bạn không có quyền xem danh mục quy định."))
    return render(
        request,
        "registry/rules.html",
        {
            "thresholds": SizeThreshold.objects.all(),
            "eligibility_rules": EligibilityRule.objects.all(),
            "validity_rules": CertificationValidityRule.objects.all(),
            "can_manage": can(request.user, "reference.manage"),
            "breadcrumbs": [_list_crumb(), (_("Quy định áp dụng"), None)],
        },
    )


@login_required
def rule_edit(request: HttpRequest, kind: str, rule_id: int | None = None) -> HttpResponse:
    if not can(request.user, "reference.manage"):
        raise PermissionDenied(_("Bạn không có quyền sửa danh mục quy định."))
    form_class = RULE_FORMS.get(kind)
    if form_class is None:
        raise NotFound(_("Không có loại quy định này."))
    model = form_class._meta.model
    instance = model.objects.filter(pk=rule_id).first() if rule_id else model()
    if instance is None:
        return redirect("registry:rules")
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form._meta.fields}
        try:
            services.rule_save(
                actor=request.user, instance=model.objects.filter(pk=rule_id).first() or model(), data=data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Đã lưu quy định."))
            return redirect("registry:rules")
    title = str(model._meta.verbose_name)
    return render(
        request,
        "registry/rule_form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [_list_crumb(), (_("Quy định áp dụng"), reverse("registry:rules")), (title, None)],
        },
    )
