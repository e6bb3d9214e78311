from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from khuyencong.accounts.roles import can
from khuyencong.audit.forms import AuditFilterForm
from khuyencong.audit.selectors import audit_events_for
from khuyencong.core.pagination import paginate


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "audit.view"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, audit_events_for(request.user, filters=filters))
    return render(request, "audit/event_list.html", {"form": form, "page": page})
