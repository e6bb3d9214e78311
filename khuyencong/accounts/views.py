"""Sign-in and the user's own page (roles, scope, API tokens). Thin: the work is in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from khuyencong.accounts.access import user_scope
from khuyencong.accounts.forms import LoginForm, TokenForm
from khuyencong.accounts.roles import Role, user_roles
from khuyencong.accounts.selectors import api_tokens_of
from khuyencong.accounts.tokens import api_token_create, api_token_revoke
from khuyencong.core.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": [Role(code).label for code in sorted(user_roles(request.user))],
            "scope": user_scope(request.user),
            "tokens": api_tokens_of(request.user),
            "token_form": TokenForm(),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = api_token_create(
                actor=request.user, name=form.cleaned_data["name"], days_valid=form.cleaned_data["days_valid"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    else:
        messages.error(request, "Tên khóa API không hợp lệ.")
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        api_token_revoke(actor=request.user, token_id=token_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã thu hồi khóa API.")
    return redirect("accounts:profile")
