"""Background work of the registry: recomputing size classes after thresholds change, large exports."""

from __future__ import annotations

from khuyencong.jobs.services import job_progress, job_start, job_task


@job_task
def recompute_sizes_task(job):
    from khuyencong.registry.services import sizes_recompute

    job_progress(job, done=0, message="Đang tính lại quy mô các cơ sở…")
    changed = sizes_recompute()
    return {"message": f"Đã tính lại quy mô: {changed} cơ sở thay đổi."}


def start_size_recompute(*, actor):
    return job_start(
        actor=actor, kind="registry.sizes", label="Tính lại quy mô cơ sở CNNT", task_obj=recompute_sizes_task
    )


@job_task
def export_task(job, *, user_id: int, query: dict):
    """Write the list the user filtered (`query`: the list page's GET parameters) to private storage."""
    from pathlib import Path

    from django.urls import reverse

    from khuyencong.accounts.models import User
    from khuyencong.imports.storage import private_storage
    from khuyencong.registry.exports import write_establishments
    from khuyencong.registry.forms import EstablishmentFilterForm
    from khuyencong.registry.selectors import establishments_for

    user = User.objects.get(pk=user_id)
    form = EstablishmentFilterForm(query, user=user)
    establishments = establishments_for(user, filters=form.filters())
    total = establishments.count()
    job_progress(job, done=0, total=total, message="Đang ghi tệp Excel…")
    path = Path(private_storage().path(export_file_name(job.pk)))
    path.parent.mkdir(parents=True, exist_ok=True)
    count = write_establishments(
        establishments, path, title="Danh sách cơ sở CNNT", progress=lambda done: job_progress(job, done=done)
    )
    return {
        "message": f"Đã xuất {count} cơ sở.",
        "url": reverse("registry:export_file", args=[job.pk]),
        "link_label": "Tải tệp Excel",
    }


def export_file_name(job_id) -> str:
    return f"exports/co-so-cnnt-{job_id}.xlsx"
