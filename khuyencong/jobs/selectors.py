from khuyencong.core.errors import NotFound
from khuyencong.jobs.models import Job


def job_for(user, job_id) -> Job:
    """A job is visible to the user who started it only."""
    job = Job.objects.filter(pk=job_id, owner=user).first() if user.is_authenticated else None
    if job is None:
        raise NotFound("Không tìm thấy tác vụ.")
    return job
