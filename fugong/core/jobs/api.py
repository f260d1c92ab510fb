"""/api/v1/jobs: the caller's background jobs (我的任务), one job, and its result file."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ..api import ErrorOut
from .kinds import kind_label
from .models import Job
from .views import job_file_response

router = Router(tags=["后台任务"])


class JobOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    status: str
    status_label: str
    progress_done: int
    progress_total: int
    percent: int
    created_at: str
    started_at: str | None
    finished_at: str | None
    file_name: str
    download: str | None


class QueuedExportOut(Schema):
    """An export too large to send at once: the job that writes it (GET ``url`` until done, then ``file``)."""

    job_id: int
    rows: int
    status: str
    url: str
    file: str


class JobDetailOut(JobOut):
    log: str
    result: dict


def job_out(job: Job, *, detail: bool = False) -> dict:
    done = job.status == Job.Status.DONE and bool(job.file)
    out = {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": kind_label(job.kind),
        "title": job.title,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "percent": job.percent,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "file_name": job.file_name if done else "",
        "download": f"/api/v1/jobs/{job.pk}/file" if done else None,
    }
    if detail:
        out.update(log=job.log_tail(50), result=job.result)
    return out


@router.get("", response=list[JobOut], url_name="list_jobs", summary="我的任务（新的在前，默认 50 个）")
def list_jobs(request, offset: int = 0, limit: int = 50):
    """The caller's jobs, newest first: ``limit`` (1–200) from ``offset``."""
    offset, limit = max(0, min(offset, 10**9)), max(1, min(limit, 200))
    return [job_out(j) for j in Job.objects.filter(requested_by=request.user)[offset : offset + limit]]


@router.get(
    "/{int:job_id}",
    response={200: JobDetailOut, 404: ErrorOut},
    url_name="get_job",
    summary="一个任务的状态、进度与日志",
)
def get_job(request, job_id: int):
    return job_out(get_object_or_404(Job.objects.visible_to(request.user), pk=job_id), detail=True)


@router.get(
    "/{int:job_id}/file",
    response={200: None, 404: ErrorOut},
    url_name="get_job_file",
    summary="下载任务的结果文件（仅发起人与系统管理员）",
)
def get_job_file(request, job_id: int):
    return job_file_response(request.user, job_id)


__all__ = ["router"]
