from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from khuyencong.jobs.selectors import job_for


@login_required
def job_detail(request: HttpRequest, job_id) -> HttpResponse:
    """Full page, or (for htmx polling) just the status panel, which stops polling once finished."""
    job = job_for(request.user, job_id)
    template = "jobs/_status.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})
