"""Large exports as jobs: above ``settings.FUGONG_EXPORT_INLINE_ROWS`` rows an export is a job whose
file the user downloads from 我的任务; below it the file is sent at once. Nothing is capped."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from ninja import Status

PROGRESS_EVERY = 5000


def inline_limit() -> int:
    return int(getattr(settings, "FUGONG_EXPORT_INLINE_ROWS", 50000))


def rows_if_too_large(queryset) -> int | None:
    """The row count when the export is too large to send at once, else None (one COUNT)."""
    count = queryset.count()
    return count if count > inline_limit() else None


def counting(rows, job, total: int):
    """Yield ``rows``, reporting the job's progress every few thousand."""
    done = 0
    job.progress(0, total)
    for row in rows:
        done += 1
        if done % PROGRESS_EVERY == 0:
            job.progress(done)
        yield row
    job.progress(done, max(total, done))


def queued_response(request, job, *, rows: int):
    """The page's answer to an export that became a job: a message, then 我的任务."""
    messages.info(
        request,
        _("共 %(rows)d 行，超过 %(limit)d 行的导出在后台生成，完成后请在“我的任务”中下载（任务 #%(job)d）")
        % {"rows": rows, "limit": inline_limit(), "job": job.pk},
    )
    return redirect("core:jobs")


def queued_api_response(job, *, rows: int) -> Status:
    """The API's answer to an export that became a job: 202 and where to follow it."""
    return Status(
        202,
        {
            "job_id": job.pk,
            "rows": rows,
            "status": job.status,
            "url": f"/api/v1/jobs/{job.pk}",
            "file": f"/api/v1/jobs/{job.pk}/file",
        },
    )
