"""Creating jobs and reporting their progress from inside a background task.

A feature defines its task with `@job_task` and starts it with `job_start`; the task function receives the
Job and calls `job_progress` as it goes. With the database task backend the task row commits together with
the caller's transaction; with the immediate backend (tests) it runs at once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from khuyencong.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)


def job_task(function: Callable[..., dict | None]):
    """Turn `function(job, **kwargs) -> result dict` into a task that keeps its Job's status."""

    @functools.wraps(function)
    def run(job_id: str, **kwargs):
        Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
        job = Job.objects.get(pk=job_id)
        try:
            result = function(job, **kwargs) or {}
        except Exception as exc:
            logger.exception("Job %s (%s) failed", job_id, job.kind)
            Job.objects.filter(pk=job_id).update(
                status=JobStatus.FAILED, message=f"Lỗi khi thực hiện: {exc}"[:500], finished_at=timezone.now()
            )
            raise
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.SUCCEEDED,
            result=result,
            message=result.get("message", "")[:500],
            finished_at=timezone.now(),
        )
        return result

    return task(run)


def job_start(*, actor, kind: str, label: str, task_obj, total: int = 0, **kwargs) -> Job:
    """Record a job for `actor` and enqueue `task_obj` (made by `job_task`) with `kwargs`."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, label=label, owner=actor, total=total)
    task_obj.enqueue(str(job.pk), **kwargs)
    job.refresh_from_db()
    return job


def job_progress(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
    fields = {"done": done}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job.pk).update(**fields)
