"""Pages that belong to no feature: the home page, the health check and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from khuyencong.accounts.access import user_scope
from khuyencong.accounts.roles import Role, user_roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = [Role(code).label for code in sorted(user_roles(request.user))]
    return render(request, "core/home.html", {"roles": roles, "scope": user_scope(request.user)})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the reverse proxy and monitoring: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context processors here: they could be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
