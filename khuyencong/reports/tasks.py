"""Background jobs of the reports: make a draft (snapshot, Excel, PDF), and sign a draft (render it again with
the signature, then freeze it). Each reports its progress to the job's status panel on the report page."""

from __future__ import annotations

from django.urls import reverse

from khuyencong.core.errors import DomainError
from khuyencong.jobs.services import job_progress, job_task


def _actor(actor_id):
    from khuyencong.accounts.models import User

    return User.objects.filter(pk=actor_id).first() if actor_id else None


def _result(report_id: int, message: str, *, failed: bool = False) -> dict:
    return {
        "message": message,
        "url": reverse("reports:detail", kwargs={"report_id": report_id}),
        "link_label": "Quay lại báo cáo" if failed else "Xem báo cáo và tải tệp",
        "failed": failed,
    }


@job_task
def generate_task(job, *, report_id: int, actor_id: int | None):
    from khuyencong.reports.services import draft_build

    def progress(done: int, total: int, message: str) -> None:
        job_progress(job, done=done, total=total, message=message)

    try:
        version = draft_build(actor=_actor(actor_id), report_id=report_id, progress=progress)
    except DomainError as error:  # the report moved on meanwhile: a user-facing message, not a crash
        return _result(report_id, error.message, failed=True)
    return _result(report_id, f"Đã lập {version.label.lower()}: Excel và PDF ({version.pdf_pages} trang).")


@job_task
def freeze_task(job, *, report_id: int, actor_id: int | None, action: str, draft_id: int, revision: int,
                signature: dict, note: str = ""):  # fmt: skip
    from khuyencong.reports.services import freeze

    def progress(done: int, total: int, message: str) -> None:
        job_progress(job, done=done, total=total, message=message)

    try:
        version = freeze(
            actor=_actor(actor_id), report_id=report_id, action=action, draft_id=draft_id, revision=revision,
            signature=signature, note=note, progress=progress,
        )  # fmt: skip
    except DomainError as error:
        return _result(report_id, error.message, failed=True)
    return _result(report_id, f"Đã ký và lưu {version.label.lower()}; tệp và số liệu không thể sửa.")
