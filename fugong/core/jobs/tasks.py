"""The one django-tasks task: the transport between ``enqueue`` and the worker (``manage.py db_worker``)."""

from django_tasks import task


@task()
def run(job_id: int) -> str:
    """Run job ``job_id`` if it is still queued; returns its status."""
    from .runner import run_job

    job = run_job(job_id)
    return job.status if job is not None else "skipped"
