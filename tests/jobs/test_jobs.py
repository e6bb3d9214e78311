"""Background jobs: status, progress and the page that polls them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khuyencong.jobs.models import Job, JobStatus
from khuyencong.jobs.services import job_progress, job_start, job_task

pytestmark = pytest.mark.django_db


@job_task
def count_to(job, *, upto: int):
    for number in range(1, upto + 1):
        job_progress(job, done=number, total=upto)
    return {"message": f"Đã đếm tới {upto}", "url": "/"}


@job_task
def broken(job):
    raise ValueError("hỏng")


def test_job_runs_and_records_progress(personas, client_for):
    job = job_start(actor=personas.province_a_officer, kind="test.count", label="Đếm", task_obj=count_to, upto=7)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total, job.percent) == (7, 7, 100)
    assert job.message == "Đã đếm tới 7"
    page = client_for(personas.province_a_officer).get(reverse("jobs:detail", args=[job.pk]))
    assert "Hoàn thành" in page.content.decode() and "hx-trigger" not in page.content.decode()


def test_failed_job_is_reported(personas):
    job = job_start(actor=personas.province_a_officer, kind="test.broken", label="Hỏng", task_obj=broken)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "hỏng" in job.message


def test_running_job_panel_polls_and_only_its_owner_sees_it(personas, client_for):
    job = Job.objects.create(kind="x", label="Đang chạy", owner=personas.province_a_officer, total=10, done=4)
    url = reverse("jobs:detail", args=[job.pk])
    panel = client_for(personas.province_a_officer).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in panel and 'value="40"' in panel and "<html" not in panel
    assert client_for(personas.province_b_officer).get(url).status_code == 404
