"""/api/v1/summaries: the daily summary (日报) for any node and date, and the evening runs.

Same rules as the pages: the rates capability (403), the node in the caller's scope (404 like a
missing one), a department officer's figures limited to their sector categories.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from fugong.core.access import RATES_VIEW, RESUMPTION_CONFIGURE
from fugong.core.api import In, require
from fugong.core.scoping import get_visible_or_404

from .. import summary
from ..models import SummaryRun
from ..tasks import summary_enqueue

router = Router(tags=["复工复产"])
PAGE_SIZE = 50


class SummaryQuery(In):
    area: str | None = None
    date: str | None = None


class RowOut(Schema):
    code: str
    name: str
    registered: int | None
    out_of_scope: int | None
    in_scope: int | None
    resumed: int | None
    resumption_rate: float | None
    reports: int
    staff_on_duty: int
    staff_total: int
    on_duty_rate: float | None
    on_duty_average: float | None
    capacity_rate: float | None
    capacity_average: float | None


class SummaryOut(Schema):
    area: str
    area_name: str
    date: dt.date
    categories: list[str]
    status_available: bool
    text: str
    rows: list[RowOut]
    total: RowOut | None
    definitions: dict[str, str]


class RunOut(Schema):
    id: int
    date: dt.date
    area: str
    area_name: str
    status: str
    status_label: str
    queued_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    row_count: int
    log: str
    download: str | None


class RunDetailOut(RunOut):
    text: str
    rows: list[RowOut]
    total: RowOut | None


class RunPage(Schema):
    count: int
    items: list[RunOut]


class RunsQuery(In):
    date: dt.date | None = None
    page: int = 1


class StartIn(In):
    date: dt.date | None = None


def _run_item(run: SummaryRun) -> dict:
    done = run.status == SummaryRun.Status.DONE
    return {
        "id": run.pk,
        "date": run.date,
        "area": run.area.code,
        "area_name": run.area.name,
        "status": run.status,
        "status_label": run.get_status_display(),
        "queued_at": run.queued_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "row_count": run.row_count,
        "log": run.log,
        "download": reverse("resumption:summary_run_download", args=[run.pk]) if done else None,
    }


@router.get("", response=SummaryOut, url_name="summary", summary="某辖区某日的日报（表格与文字稿）")
def summary_get(request, filters: Query[SummaryQuery]):
    """``area`` 为区划编码（默认为本人辖区），``date`` 为 YYYY-MM-DD（默认今天）。比率为小数（0.952 即 95.2%）。"""
    require(request.user, RATES_VIEW, "您无权查看复工复产汇总")
    day = summary.parse_day(filters.date)
    return summary.summary_for(user=request.user, code=filters.area, day=day).as_dict()


@router.get("/runs", response=RunPage, url_name="summary_runs", summary="晚间日报运行记录")
def runs_list(request, filters: Query[RunsQuery]):
    require(request.user, RATES_VIEW, "您无权查看复工复产汇总")
    qs = SummaryRun.objects.visible_to(request.user).select_related("area")
    if filters.date:
        qs = qs.filter(date=filters.date)
    start = (max(filters.page, 1) - 1) * PAGE_SIZE
    return {"count": qs.count(), "items": [_run_item(r) for r in qs[start : start + PAGE_SIZE]]}


@router.post(
    "/runs",
    response={202: list[RunOut]},
    url_name="summary_run_start",
    summary="立即生成晚间日报（加入后台队列）",
)
def runs_start(request, payload: StartIn):
    require(request.user, RESUMPTION_CONFIGURE, "只有系统管理员可以手动生成晚间日报")
    day = payload.date or timezone.localdate()
    if day > timezone.localdate():
        raise HttpError(422, "不能生成未来日期的日报")
    runs = summary_enqueue(day=day, requested_by=request.user)
    return Status(
        202,
        [_run_item(r) for r in SummaryRun.objects.filter(pk__in=[r.pk for r in runs]).select_related("area")],
    )


@router.get(
    "/runs/{int:id}", response=RunDetailOut, url_name="summary_run_detail", summary="一份晚间日报的结果"
)
def run_detail(request, id: int):  # noqa: A002 — the path parameter's public name
    require(request.user, RATES_VIEW, "您无权查看复工复产汇总")
    run = get_visible_or_404(SummaryRun, request.user, pk=id)
    rows = list(run.rows)
    total = rows.pop() if rows else None
    return {**_run_item(run), "text": run.text, "rows": rows, "total": total}


@router.get("/runs/{int:id}/xlsx", url_name="summary_run_xlsx", summary="下载一份晚间日报的 xlsx（带水印）")
def run_xlsx(request, id: int):  # noqa: A002
    require(request.user, RATES_VIEW, "您无权查看复工复产汇总")
    run = get_visible_or_404(SummaryRun, request.user, pk=id)
    if run.status != SummaryRun.Status.DONE:
        raise HttpError(409, "该晚间日报尚未生成完成，暂无文件可下载")
    return summary.run_xlsx(run, request.user)
