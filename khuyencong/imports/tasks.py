"""The two background jobs of an import: validate every row, then commit."""

from __future__ import annotations

from django.urls import reverse

from khuyencong.core.errors import DomainError
from khuyencong.imports import pipeline
from khuyencong.imports.importers import importer_for
from khuyencong.imports.models import ImportBatch, ImportStatus
from khuyencong.jobs.services import job_progress, job_task


def _run(job, batch_id: int, actor_id: int | None, step) -> dict:
    from khuyencong.accounts.models import User

    batch = ImportBatch.objects.get(pk=batch_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    url = reverse("imports:detail", args=[batch.pk])
    try:
        step(
            batch,
            importer_for(batch.kind),
            actor=actor,
            progress=lambda done, total, message: job_progress(job, done=done, total=total, message=message),
        )
    except DomainError as error:  # the file itself is unreadable: a user problem, not a crash
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.FAILED, message=error.message[:500])
        return {"message": error.message, "url": url}
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED, message="Lỗi hệ thống khi xử lý tệp; quản trị viên đã được ghi nhận lỗi."
        )
        raise
    batch.refresh_from_db()
    return {"message": batch.message, "url": url, "link_label": "Xem kết quả"}


@job_task
def validate_task(job, *, batch_id: int, actor_id: int | None):
    return _run(job, batch_id, actor_id, pipeline.validate_batch)


@job_task
def commit_task(job, *, batch_id: int, actor_id: int | None):
    return _run(job, batch_id, actor_id, pipeline.commit_batch)
