"""The evening summary job (晚间日报), run through Django's task API (django-tasks).

Each evening the job (a) copies the day's enterprise counts into the daily tallies
(``tallies.snapshot_status``), so the trend and any later summary of that day have them, (b) builds
the summary of the district and of every street, town and park, and (c) keeps each result in a
``SummaryRun`` row with its status, times and log. Running it again for the same day replaces that
day's rows (one per area and day, a unique constraint).

Production schedules it with cron and one worker process::

    0 21 * * *  cd /srv/fugong && .venv/bin/python manage.py evening_summary --enqueue
    .venv/bin/python manage.py db_worker        # kept running (systemd), executes the queue

``manage.py evening_summary`` without ``--enqueue`` runs it at once, in the foreground. Either way the
run is a core.jobs row (kind ``resumption.evening_summary``, one live job per day, so enqueueing the
same evening twice gives one job), carried to the worker by core.jobs' one django-tasks task.
"""

import datetime as dt
import logging
import traceback

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fugong.areas.models import Area
from fugong.core.jobs import runner as jobs

from . import tallies
from .models import SummaryRun
from .summary import build_summaries

logger = logging.getLogger("fugong.resumption.summary")
Status = SummaryRun.Status


def summary_targets() -> list[Area]:
    """The nodes that get an evening summary: each district root and every street-level node."""
    return list(Area.objects.filter(depth__lte=1).order_by("depth", "sort_order", "path"))


def _stamp(message: str) -> str:
    return f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {message}"


def _mark(day: dt.date, areas: list[Area], **values) -> dict[int, SummaryRun]:
    """Create or reset the day's row of each area (never a second row for the same area and day)."""
    runs = {}
    for area in areas:
        run, _ = SummaryRun.objects.update_or_create(
            date=day, area=area, defaults={"area_path": area.path, **values}
        )
        runs[area.pk] = run
    return runs


JOB_KIND = "resumption.evening_summary"


@transaction.atomic
def summary_enqueue(*, day: dt.date, requested_by=None) -> list[SummaryRun]:
    """Queue the day's job (a core.jobs row, one live job per day): its rows show 排队中 at once;
    the job is sent to the worker when this commits."""
    job = jobs.enqueue(
        JOB_KIND,
        params={"day": day.isoformat()},
        requested_by=requested_by,
        dedupe_key=f"{JOB_KIND}:{day.isoformat()}",
        title=f"晚间日报 {day.isoformat()}",
    )
    areas = summary_targets()
    runs = _mark(
        day,
        areas,
        status=Status.QUEUED,
        queued_at=timezone.now(),
        started_at=None,
        finished_at=None,
        log=_stamp("已加入队列，等待后台任务执行"),
        task_id=f"job-{job.pk}",
    )
    return list(runs.values())


def summary_run_job(*, day: dt.date, requested_by=None):
    """Run the day's job now, in this process (``manage.py evening_summary``): its core.jobs row."""
    return jobs.run_now(
        JOB_KIND,
        params={"day": day.isoformat()},
        requested_by=requested_by,
        dedupe_key=f"{JOB_KIND}:{day.isoformat()}",
        title=f"晚间日报 {day.isoformat()}",
    )


def run_evening_summary(job) -> dict:
    """The job kind's runner (ResumptionConfig.job_kinds): the summary of ``params["day"]``."""
    day = dt.date.fromisoformat(job.params["day"])
    result = summary_run(day=day)
    SummaryRun.objects.filter(date=day).update(task_id=f"job-{job.job.pk}")
    job.progress(result["areas"], result["areas"])
    job.log(f"{day.isoformat()}：{result['areas']} 个辖区")
    return result


def summary_run(*, day: dt.date) -> dict:
    """Run the evening job for ``day`` now; returns what it produced. A failure marks every row of
    the day 失败 with the error in its log, and is raised again for the task backend to record."""
    today = timezone.localdate()
    areas = summary_targets()
    _mark(
        day,
        areas,
        status=Status.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        log=_stamp("开始生成"),
        text="",
        rows=[],
        row_count=0,
    )
    log = [_stamp("开始生成")]
    try:
        with transaction.atomic():
            if day > today:
                raise ValueError(f"不能生成未来日期（{day.isoformat()}）的日报")
            if day == today:
                log.append(_stamp(f"留存当日企业复工状态快照：{tallies.snapshot_status(day)} 行"))
            else:
                log.append(_stamp("过去日期：沿用当日已留存的状态快照（不补拍，以免用今天的状态代替当日）"))
            summaries = build_summaries(areas, day=day)
            finished = timezone.now()
            for area, summary in zip(areas, summaries, strict=True):
                rows = [r.as_dict(precise=True) for r in summary.rows] + [summary.total.as_dict(precise=True)]
                SummaryRun.objects.filter(date=day, area=area).update(
                    status=Status.DONE,
                    finished_at=finished,
                    text=summary.text,
                    rows=rows,
                    row_count=len(rows),
                    log="\n".join([*log, _stamp(f"完成：{len(rows)} 行（含合计）")]),
                )
    except Exception as exc:
        logger.exception("evening summary for %s failed", day)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        SummaryRun.objects.filter(date=day, area__in=areas).update(
            status=Status.FAILED, finished_at=timezone.now(), log="\n".join([*log, _stamp(f"失败：{detail}")])
        )
        raise
    return {"date": day.isoformat(), "areas": len(areas), "status": Status.DONE}


@task()
def evening_summary(day_iso: str) -> dict:
    """The task of the releases before core.jobs (rows already queued under that name still run):
    the evening summary of ``day_iso`` (YYYY-MM-DD), without a job row."""
    return summary_run(day=dt.date.fromisoformat(day_iso))
