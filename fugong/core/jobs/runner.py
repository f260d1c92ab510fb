"""Enqueue, claim and run jobs."""

import datetime as dt
import logging

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .kinds import job_kinds, kind_label
from .models import Job

logger = logging.getLogger("fugong.core.jobs")
Status = Job.Status


class JobError(Exception):
    """A failure whose message is fit for the job's page (no personal data): shown as it is."""


def _stamp(message: str) -> str:
    return f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {message}"


def enqueue(
    kind: str, *, params: dict | None = None, requested_by=None, dedupe_key: str = "", title: str = ""
) -> Job:
    """The job's row, sent to the task backend when the current transaction commits. With a
    ``dedupe_key`` already held by a live job, that job is returned and nothing new is sent."""
    if kind not in job_kinds():
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        if dedupe_key:
            live = Job.objects.filter(dedupe_key=dedupe_key, status__in=Job.LIVE).first()
            if live is not None and not reap_stale(jobs=Job.objects.filter(pk=live.pk)):
                return live
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    title=title or kind_label(kind),
                    params=params or {},
                    requested_by=requested_by,
                    dedupe_key=dedupe_key,
                    log=_stamp(_("已加入队列，等待后台执行")),
                )
        except IntegrityError:  # another process enqueued the same key a moment ago
            return Job.objects.get(dedupe_key=dedupe_key, status__in=Job.LIVE)
        transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int) -> None:
    from .tasks import run

    result = run.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def claim(job_id: int) -> bool:
    """Take job ``job_id`` for this worker: one UPDATE that only a queued row matches, so of two
    workers racing for it exactly one wins (PostgreSQL re-checks the condition after the row lock)."""
    return bool(
        Job.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
        )
    )


class JobContext:
    """What a runner gets: the job's params and requester, and ways to report."""

    def __init__(self, job: Job):
        self.job = job
        self.params = job.params
        self.user = job.requested_by
        self._lines = job.log.splitlines()

    def log(self, message: str) -> None:
        self._lines.append(_stamp(message))
        self.job.log = "\n".join(self._lines)
        Job.objects.filter(pk=self.job.pk).update(log=self.job.log, heartbeat_at=timezone.now())

    def progress(self, done: int, total: int | None = None) -> None:
        self.job.progress_done = done
        if total is not None:
            self.job.progress_total = total
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=self.job.progress_done,
            progress_total=self.job.progress_total,
            heartbeat_at=timezone.now(),
        )

    def save_file(self, name: str, handle) -> None:
        """Keep ``handle`` (an open binary file) as the job's result, downloaded as ``name``."""
        handle.seek(0)
        self.job.file.save(f"job-{self.job.pk}.{name.rsplit('.', 1)[-1]}", File(handle), save=False)
        self.job.file_name = name
        Job.objects.filter(pk=self.job.pk).update(file=self.job.file.name, file_name=name)


def run_job(job_id: int) -> Job | None:
    """Claim and run job ``job_id``; None when it was not queued (done, running elsewhere, gone)."""
    if not claim(job_id):
        return None
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    context = JobContext(job)
    context.log(_("开始执行"))
    try:
        kind = job_kinds().get(job.kind)
        if kind is None:
            raise JobError(_("未知的任务类型"))
        result = kind.resolve()(context) or {}
    except JobError as exc:
        _fail(context, str(exc))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(context, _("内部错误（%(error)s），详情已记入服务器日志") % {"error": type(exc).__name__})
    else:
        context.log(_("完成"))
        job.status, job.result, job.finished_at = Status.DONE, result, timezone.now()
        Job.objects.filter(pk=job.pk).update(status=job.status, result=result, finished_at=job.finished_at)
    return job


def _fail(context: JobContext, reason: str) -> None:
    context.log(_("失败：%(reason)s") % {"reason": reason})
    job = context.job
    job.status, job.finished_at = Status.FAILED, timezone.now()
    Job.objects.filter(pk=job.pk).update(status=job.status, finished_at=job.finished_at)


def run_now(
    kind: str, *, params: dict | None = None, requested_by=None, dedupe_key: str = "", title: str = ""
) -> Job:
    """Create a job and run it in this process (a management command in the foreground). With the
    dedupe key held by a live job, that job is returned unrun."""
    if kind not in job_kinds():
        raise ValueError(f"unknown job kind {kind!r}")
    if dedupe_key:
        reap_stale(jobs=Job.objects.filter(dedupe_key=dedupe_key))
        if Job.objects.filter(dedupe_key=dedupe_key, status__in=Job.LIVE).exists():
            return Job.objects.get(dedupe_key=dedupe_key, status__in=Job.LIVE)
    try:
        job = Job.objects.create(
            kind=kind,
            title=title or kind_label(kind),
            params=params or {},
            requested_by=requested_by,
            dedupe_key=dedupe_key,
            log=_stamp(_("在前台执行")),
        )
    except IntegrityError:
        return Job.objects.get(dedupe_key=dedupe_key, status__in=Job.LIVE)
    return run_job(job.pk) or Job.objects.get(pk=job.pk)


def reap_stale(*, jobs=None, now: dt.datetime | None = None) -> int:
    """Mark failed the jobs lost with their worker: running with no heartbeat for
    FUGONG_JOB_STALE_MINUTES, or queued for FUGONG_JOB_QUEUED_HOURS. Their dedupe keys are free
    again, so the next run can start. Each row is updated only while still in the state it was
    found in, so a job that finishes at this moment keeps its outcome. Returns how many."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=settings.FUGONG_JOB_STALE_MINUTES)
    lost = Q(status=Status.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    waiting = Q(
        status=Status.QUEUED, created_at__lt=now - dt.timedelta(hours=settings.FUGONG_JOB_QUEUED_HOURS)
    )
    reaped = 0
    for job in (
        (jobs if jobs is not None else Job.objects.all()).filter(lost | waiting).only("pk", "status", "log")
    ):
        if job.status == Status.RUNNING:
            line = _(
                "执行中断：超过 %(minutes)d 分钟没有进展（后台进程可能已退出），已标记为失败，可重新发起"
            ) % {"minutes": settings.FUGONG_JOB_STALE_MINUTES}
        else:
            line = _("排队超过 %(hours)d 小时仍未执行，已标记为失败，可重新发起") % {
                "hours": settings.FUGONG_JOB_QUEUED_HOURS
            }
        log = "\n".join(filter(None, [job.log, _stamp(line)]))
        reaped += Job.objects.filter(pk=job.pk, status=job.status).update(
            status=Status.FAILED, finished_at=now, log=log
        )
    return reaped


def expire_files(*, now: dt.datetime | None = None) -> int:
    """Delete the result files of jobs that ended more than FUGONG_JOB_FILE_DAYS days ago (exports
    carry personal data: kept for the download, not for ever). The row and its log stay."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.FUGONG_JOB_FILE_DAYS)
    expired = 0
    for job in Job.objects.filter(finished_at__lt=cutoff).exclude(file="").only("pk", "file", "log"):
        job.file.delete(save=False)
        line = _("结果文件已超过保留期（%(days)d 天），已删除") % {"days": settings.FUGONG_JOB_FILE_DAYS}
        expired += Job.objects.filter(pk=job.pk).update(
            file="", log="\n".join(filter(None, [job.log, _stamp(line)]))
        )
    return expired
