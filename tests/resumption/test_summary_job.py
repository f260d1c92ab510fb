"""The evening job (晚间日报): snapshot, one result per area and day, safe to run twice, failures logged,
stored results scoped and downloadable, and the task API (immediate and database backends)."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fugong.core.models import Job
from fugong.resumption import rates, tasks
from fugong.resumption.models import SummaryRun
from fugong.resumption.summary import build_summary
from fugong.resumption.tasks import evening_summary, summary_enqueue, summary_run

from .test_summary_build import make_resumption

IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}


def runs_by_area(day) -> dict[str, SummaryRun]:
    return {r.area.code: r for r in SummaryRun.objects.filter(date=day).select_related("area")}


def test_running_twice_leaves_one_done_result_per_area(world, setup):
    make_resumption(world, setup)
    today = timezone.localdate()

    summary_run(day=today)
    summary_run(day=today)

    runs = runs_by_area(today)
    assert set(runs) == {world.areas[k].code for k in ("district", "A", "B")}
    assert SummaryRun.objects.filter(date=today).count() == 3
    district = runs[world.areas["district"].code]
    assert district.status == SummaryRun.Status.DONE
    assert district.started_at <= district.finished_at
    assert district.row_count == 3  # 天生街道, 朝阳街道, 合计
    assert [r["name"] for r in district.rows] == ["天生街道", "朝阳街道", "合计"]
    assert district.text == build_summary(area=world.areas["district"], day=today).text
    assert "留存当日企业复工状态快照" in district.log and "完成：3 行（含合计）" in district.log
    assert runs[world.areas["A"].code].rows[-1]["resumed"] == 1


def test_a_failing_job_records_failed_and_the_error(world, setup, monkeypatch):
    today = timezone.localdate()

    def broken(*args, **kwargs):
        raise RuntimeError("数据库连接中断（模拟）")

    monkeypatch.setattr(tasks, "build_summaries", broken)
    with pytest.raises(RuntimeError):
        summary_run(day=today)

    runs = runs_by_area(today)
    assert {r.status for r in runs.values()} == {SummaryRun.Status.FAILED}
    assert all("失败：RuntimeError: 数据库连接中断（模拟）" in r.log for r in runs.values())
    assert all(r.finished_at is not None and r.rows == [] for r in runs.values())


def test_the_snapshot_makes_a_past_days_resumption_figure_available(world, setup):
    make_resumption(world, setup)
    today = timezone.localdate()
    with time_machine.travel(dt.timedelta(days=1)):  # the evening is over
        assert rates.figures(world.areas["district"], day=today).resumption.numerator is None

    summary_run(day=today)

    with time_machine.travel(dt.timedelta(days=1)):
        past = rates.figures(world.areas["district"], day=today)
        assert past.resumption.as_dict() == {"numerator": 2, "denominator": 5, "rate": 0.4}
        assert build_summary(area=world.areas["A"], day=today).total.resumed == 1


def test_a_past_day_is_not_snapshotted_with_todays_counts(world, setup):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    summary_run(day=yesterday)

    district = runs_by_area(yesterday)[world.areas["district"].code]
    assert district.status == SummaryRun.Status.DONE
    assert "不补拍" in district.log
    assert district.rows[-1]["registered"] is None
    assert "企业复工数据暂缺" in district.text


def test_the_task_runs_through_the_task_api(world, setup, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        queued = summary_enqueue(day=today)
        assert {r.status for r in queued} == {SummaryRun.Status.QUEUED}

    assert {r.status for r in runs_by_area(today).values()} == {SummaryRun.Status.DONE}
    result = evening_summary.enqueue(today.isoformat())
    assert result.return_value == {"date": today.isoformat(), "areas": 3, "status": "done"}
    assert SummaryRun.objects.filter(date=today).count() == 3


def test_the_database_backend_queues_the_job_for_the_worker(world, setup, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("evening_summary", enqueue=True, stdout=io.StringIO())

    runs = runs_by_area(today).values()
    assert {r.status for r in runs} == {SummaryRun.Status.QUEUED}
    job = Job.objects.get()
    assert (job.kind, job.status, job.params) == (
        "resumption.evening_summary",
        "queued",
        {"day": today.isoformat()},
    )
    assert {r.task_id for r in runs} == {f"job-{job.pk}"}
    task = DBTaskResult.objects.get()  # core.jobs' one task carries the job to the worker
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert job.task_id == str(task.id)

    # Enqueued again the same evening: still one job, one task.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("evening_summary", enqueue=True, stdout=io.StringIO())
    assert Job.objects.count() == 1 and DBTaskResult.objects.count() == 1


def test_the_command_runs_now_and_reports(world, setup):
    out = io.StringIO()
    call_command("evening_summary", stdout=out)
    assert "北碚区：已完成，3 行" in out.getvalue()
    with pytest.raises(Exception, match="不能生成未来日期"):
        call_command(
            "evening_summary", date=(timezone.localdate() + dt.timedelta(days=1)).isoformat(), stdout=out
        )


def test_stored_results_are_scoped_and_downloadable(world, setup, client_for, api_for):
    make_resumption(world, setup)
    today = timezone.localdate()
    summary_run(day=today)
    runs = runs_by_area(today)
    district, street_a, street_b = (runs[world.areas[k].code] for k in ("district", "A", "B"))

    officer = client_for("street_A")
    page = officer.get(reverse("resumption:summary")).content.decode()
    assert reverse("resumption:summary_run_download", args=[street_a.pk]) in page
    assert reverse("resumption:summary_run_download", args=[street_b.pk]) not in page
    for run in (district, street_b):
        assert officer.get(reverse("resumption:summary_run_download", args=[run.pk])).status_code == 404
        assert api_for("street_A").get(f"/api/v1/summaries/runs/{run.pk}").status_code == 404
        assert api_for("street_A").get(f"/api/v1/summaries/runs/{run.pk}/xlsx").status_code == 404
    listed = api_for("street_A").get("/api/v1/summaries/runs").json()
    assert [item["area_name"] for item in listed["items"]] == ["天生街道"]

    response = client_for("leader").get(reverse("resumption:summary_run_download", args=[district.pk]))
    body = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0].startswith("导出人：leader（leader）") and "晚间日报，生成于" in rows[0][0]
    assert [r[:6] for r in rows[2:]] == [
        ("天生街道", 3, 1, 2, 1, 50),
        ("朝阳街道", 3, 0, 3, 1, 33.3),
        ("合计", 6, 1, 5, 2, 40),
    ]
    detail = api_for("leader").get(f"/api/v1/summaries/runs/{district.pk}").json()
    assert (detail["status"], detail["row_count"], detail["total"]["resumed"]) == ("done", 3, 2)
    assert [r["name"] for r in detail["rows"]] == ["天生街道", "朝阳街道"]


def test_department_officers_see_no_all_category_runs(world, setup, api_for):
    summary_run(day=timezone.localdate())
    assert api_for("dept").get("/api/v1/summaries/runs").json() == {"count": 0, "items": []}
    assert api_for("leader").get("/api/v1/summaries/runs").json()["count"] == 3


def test_only_the_system_administrator_starts_a_run_by_hand(
    world, setup, api_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    assert (
        api_for("leader").post("/api/v1/summaries/runs", {}, content_type="application/json").status_code
        == 403
    )
    assert not SummaryRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for("sysadmin").post("/api/v1/summaries/runs", {}, content_type="application/json")
    assert response.status_code == 202
    assert len(response.json()) == 3
    assert {r.status for r in SummaryRun.objects.all()} == {SummaryRun.Status.DONE}
    job = Job.objects.get()  # shown on the sysadmin's 我的任务
    assert (job.status, job.requested_by) == (Job.Status.DONE, world.users["sysadmin"])
