"""Administration pages: users (create, roles, deactivate) and agencies. Thin: the rules are in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from khuyencong.accounts.access import access_agency, access_user
from khuyencong.accounts.forms import DeactivateForm, UserCreateForm, UserFilterForm, UserRolesForm
from khuyencong.accounts.roles import Role, can, user_roles
from khuyencong.accounts.selectors import agencies_list, agencies_visible_to, users_list
from khuyencong.accounts.services import user_create, user_reset_password, user_set_active, user_set_roles
from khuyencong.audit.selectors import audit_events_for
from khuyencong.core.errors import DomainError, PermissionDenied
from khuyencong.core.forms import apply_domain_error
from khuyencong.core.pagination import paginate


def _require_manager(request: HttpRequest) -> None:
    if not can(request.user, "users.manage"):
        raise PermissionDenied("Bạn không có quyền quản lý người dùng.")


def _crumbs(*extra):
    return [("Quản trị người dùng", reverse("quantri:users")), *extra]


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, users_list(request.user, filters=filters))
    for user in page:
        user.role_labels = [Role(group.name).label for group in user.groups.all() if group.name in Role.values]
    return render(
        request,
        "accounts/admin/user_list.html",
        {"form": form, "page": page, "breadcrumbs": [("Quản trị người dùng", None)]},
    )


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = UserCreateForm(request.POST or None, agencies=agencies_visible_to(request.user).order_by("code"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
                agency=data["agency"],
                establishment_id=data["establishment_id"],
                roles=set(data["roles"]),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return render(
                request,
                "accounts/admin/one_time_password.html",
                {"target": user, "password": password, "breadcrumbs": _crumbs((user.username, None))},
            )
    return render(request, "accounts/admin/user_new.html", {"form": form, "breadcrumbs": _crumbs(("Thêm", None))})


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    target = access_user(request.user, user_id)
    roles_form = UserRolesForm(request.POST or None, initial={"roles": sorted(user_roles(target))})
    if request.method == "POST" and roles_form.is_valid():
        try:
            user_set_roles(actor=request.user, user_id=target.pk, roles=set(roles_form.cleaned_data["roles"]))
        except DomainError as exc:
            apply_domain_error(roles_form, exc)
        else:
            messages.success(request, "Đã cập nhật vai trò.")
            return redirect("quantri:user", user_id=target.pk)
    history = audit_events_for(request.user, filters={"object_type": "accounts.user", "object_id": str(target.pk)})
    return render(
        request,
        "accounts/admin/user_detail.html",
        {
            "target": target,
            "target_roles": [Role(code).label for code in sorted(user_roles(target))],
            "roles_form": roles_form,
            "deactivate_form": DeactivateForm(),
            "history": history[:50],
            "breadcrumbs": _crumbs((target.username, None)),
        },
    )


@login_required
@require_POST
def user_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    form = DeactivateForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        user_set_active(actor=request.user, user_id=user_id, active=False, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã ngừng hoạt động tài khoản. Lịch sử của tài khoản được giữ nguyên.")
    return redirect("quantri:user", user_id=user_id)


@login_required
@require_POST
def user_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    try:
        user_set_active(actor=request.user, user_id=user_id, active=True)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã kích hoạt lại tài khoản.")
    return redirect("quantri:user", user_id=user_id)


@login_required
@require_POST
def user_password(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_manager(request)
    target = access_user(request.user, user_id)
    try:
        password = user_reset_password(actor=request.user, user_id=target.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quantri:user", user_id=target.pk)
    return render(
        request,
        "accounts/admin/one_time_password.html",
        {"target": target, "password": password, "breadcrumbs": _crumbs((target.username, None))},
    )


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    query = request.GET.get("q", "")
    page = paginate(request, agencies_list(request.user, q=query), per_page=50)
    return render(
        request,
        "accounts/admin/agency_list.html",
        {"page": page, "q": query, "breadcrumbs": [("Cơ quan", None)]},
    )


@login_required
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    _require_manager(request)
    agency = access_agency(request.user, agency_id)
    return render(
        request,
        "accounts/admin/agency_detail.html",
        {
            "agency": agency,
            "names": agency.names.all(),
            "staff": agency.users.order_by("username"),
            "breadcrumbs": [("Cơ quan", reverse("quantri:agencies")), (agency.short_name or agency.code, None)],
        },
    )
