"""Import pages: upload, confirm columns, preview with errors, commit with a progress bar, results, undo."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khuyencong.accounts.access import access_import_batch
from khuyencong.accounts.roles import can
from khuyencong.core.errors import DomainError, NotFound, PermissionDenied
from khuyencong.core.forms import apply_domain_error
from khuyencong.core.pagination import paginate
from khuyencong.imports import selectors, services
from khuyencong.imports.forms import CommitForm, MappingForm, UploadForm
from khuyencong.imports.importers import importer_for
from khuyencong.imports.models import ImportStatus
from khuyencong.imports.workbooks import send_workbook, write_error_workbook, write_template
from khuyencong.registry.selectors import current_provinces


def _require_import(user) -> None:
    if not can(user, "import.run"):
        raise PermissionDenied(_("Bạn không có quyền nhập dữ liệu."))


def _crumbs(*more):
    return [(_("Nhập dữ liệu"), reverse("imports:list")), *more]


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    return render(
        request,
        "imports/list.html",
        {"page": paginate(request, selectors.batches_for(request.user)), "breadcrumbs": [(_("Nhập dữ liệu"), None)]},
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _require_import(request.user)
    mappings = selectors.saved_mappings_of(request.user, "establishments")
    form = UploadForm(
        request.POST or None, request.FILES or None, provinces=current_provinces(request.user), mappings=mappings
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.import_batch_create(
                actor=request.user,
                kind=data["kind"],
                upload=data["file"],
                province=data["province"],
                as_of=data["as_of"],
                saved_mapping_id=data["saved_mapping"] or None,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("imports:detail", batch.pk)
    return render(
        request,
        "imports/upload.html",
        {"form": form, "mappings": mappings, "breadcrumbs": _crumbs((_("Tải tệp lên"), None))},
    )


def _mapping_page(request, batch, form) -> HttpResponse:
    """The column step: each column of the file with its first values and the field it feeds."""
    sample = selectors.sample_rows(batch)
    columns = [
        (form[name], [row[index] if index < len(row) else "" for row in sample]) for index, name in form.column_fields
    ]
    return render(
        request,
        "imports/mapping.html",
        {
            "batch": batch,
            "form": form,
            "columns": columns,
            "problems": services.mapping_problems(batch),
            "breadcrumbs": _crumbs((batch.original_name, None)),
        },
    )


def _mapping_form(batch, data=None) -> MappingForm:
    initial = {
        "sheet_name": batch.sheet_name,
        "header_row": batch.header_row,
        "as_of": batch.as_of,
        "mode": batch.mode,
        "version": batch.version,
        **{f"col_{index}": name for index, name in batch.mapping.items()},
    }
    return MappingForm(
        data, initial=initial, batch=batch, importer=importer_for(batch.kind), sheets=selectors.sheet_names(batch)
    )


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_import_batch(request.user, batch_id)
    context = {"batch": batch, "breadcrumbs": _crumbs((batch.original_name, None))}
    mapping_step = batch.status == ImportStatus.UPLOADED or (
        request.GET.get("buoc") == "cot" and batch.status in services.CONFIGURABLE
    )
    if mapping_step:
        return _mapping_page(request, batch, _mapping_form(batch))
    if batch.status in services.COMMITTABLE:
        context["commit_form"] = CommitForm(initial={"mode": batch.mode, "version": batch.version})
    severity = request.GET.get("muc", "error")
    context["severity"] = severity
    context["issues"] = paginate(request, selectors.issues_of(batch, severity=severity), per_page=50)
    context["stats"] = batch.column_stats
    context["preview_headers"] = [stat["header"] for stat in batch.column_stats]
    context["can_undo"] = batch.status == ImportStatus.COMMITTED and not batch.updated_count
    return render(request, "imports/detail.html", context)


@login_required
@require_POST
def configure(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_import_batch(request.user, batch_id)
    form = _mapping_form(batch, request.POST)
    reread = request.POST.get("action") == "reread"
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.import_batch_configure(
                actor=request.user,
                batch_id=batch.pk,
                version=data["version"],
                mapping=form.mapping(),
                as_of=data["as_of"],
                mode=data["mode"],
                sheet_name=data["sheet_name"],
                header_row=data["header_row"],
                save_as=data["save_as"],
                reread=reread,
            )
            if not reread:
                services.import_batch_validate(actor=request.user, batch_id=batch.pk)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("imports:detail", batch.pk)
    batch.refresh_from_db()
    return _mapping_page(request, batch, form)


@login_required
@require_POST
def commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_import_batch(request.user, batch_id)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn chế độ nhập."))
        return redirect("imports:detail", batch.pk)
    try:
        services.import_batch_commit(
            actor=request.user, batch_id=batch.pk, version=form.cleaned_data["version"], mode=form.cleaned_data["mode"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("imports:detail", batch.pk)


@login_required
@require_POST
def undo(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_import_batch(request.user, batch_id)
    try:
        services.import_batch_undo(actor=request.user, batch_id=batch.pk, version=request.POST.get("version"))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã hoàn tác lô nhập: các cơ sở do lô tạo đã được xóa."))
    return redirect("imports:detail", batch.pk)


@login_required
@require_GET
def error_workbook(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_import_batch(request.user, batch_id)
    if batch.status in (ImportStatus.UPLOADED, ImportStatus.VALIDATING):
        raise NotFound(_("Lô chưa được kiểm tra."))
    all_rows = request.GET.get("tat-ca") == "1"
    stem = Path(batch.original_name).stem[:80]
    return send_workbook(lambda path: write_error_workbook(batch, path, all_rows=all_rows), f"{stem}-loi.xlsx")


@login_required
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    _require_import(request.user)
    try:
        importer = importer_for(kind)
    except LookupError:
        raise NotFound() from None
    return send_workbook(lambda path: write_template(importer, path), f"mau-nhap-{kind}.xlsx")


@login_required
@require_POST
def mapping_delete(request: HttpRequest, mapping_id: int) -> HttpResponse:
    _require_import(request.user)
    try:
        services.saved_mapping_delete(actor=request.user, mapping_id=mapping_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã xóa mẫu ánh xạ."))
    return redirect("imports:upload")
