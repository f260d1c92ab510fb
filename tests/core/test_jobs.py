"""core.jobs: one row per background run, enqueued on commit, one live job per key, claimed once,
progress and log shown to the requester, failures logged without personal data, files only for the
requester (and the system administrator)."""

import datetime as dt
import io
import os
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fugong.core.jobs import JobKind, runner
from fugong.core.models import Job

FAILING = JobKind("test.failing", "tests.core.test_jobs.failing_runner", "测试")
SLOW = JobKind("test.counting", "tests.core.test_jobs.counting_runner", "测试")
calls: list[int] = []


def failing_runner(job):
    job.progress(1, 2)
    raise RuntimeError("张三 110101199003077777 13800138000")  # personal data in the error's text


def counting_runner(job):
    calls.append(job.job.pk)
    job.progress(2, 2)
    return {"ok": True}


@pytest.fixture
def test_kinds(monkeypatch):
    kinds = {**runner.job_kinds(), FAILING.kind: FAILING, SLOW.kind: SLOW}
    monkeypatch.setattr(runner, "job_kinds", lambda: kinds)
    calls.clear()


def test_a_job_is_sent_when_its_transaction_commits_and_never_on_rollback(
    world, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        runner.enqueue("core.sweep_uploads", requested_by=world.users["sysadmin"])
        1 / 0  # noqa: B018 — the caller's transaction fails after enqueueing
    assert callbacks == [] and not Job.objects.exists() and not DBTaskResult.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        job = runner.enqueue("core.sweep_uploads", requested_by=world.users["sysadmin"])
        assert not DBTaskResult.objects.exists()  # nothing sent before the commit
    task = DBTaskResult.objects.get()  # the database backend: queued for manage.py db_worker
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    job.refresh_from_db()
    assert (job.status, job.task_id) == (Job.Status.QUEUED, str(task.id))


def test_enqueueing_the_same_run_twice_gives_one_job(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = runner.enqueue("core.sweep_uploads", dedupe_key="sweep:today")
        second = runner.enqueue("core.sweep_uploads", dedupe_key="sweep:today")
    assert first.pk == second.pk and Job.objects.count() == 1 and len(callbacks) == 1
    runner.run_job(first.pk)
    # Once it is done the key is free again: the next evening is a new job.
    third = runner.enqueue("core.sweep_uploads", dedupe_key="sweep:today")
    assert third.pk != first.pk


def test_a_job_runs_once_however_often_it_is_sent(world, test_kinds):
    job = Job.objects.create(kind=SLOW.kind)
    assert runner.run_job(job.pk).status == Job.Status.DONE
    assert runner.run_job(job.pk) is None  # a second worker (or a retried task) finds it taken
    assert calls == [job.pk]
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.percent, job.result) == (2, 2, 100, {"ok": True})
    assert job.started_at <= job.finished_at


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_job_run_it_once(test_kinds):
    job = Job.objects.create(kind=SLOW.kind)
    start = threading.Barrier(2, timeout=10)
    won = []

    def work():
        try:
            start.wait()
            won.append(runner.run_job(job.pk) is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == [False, True] and calls == [job.pk]


def test_a_failure_is_logged_without_personal_data_or_traceback(world, test_kinds, client_for, api_for):
    job = Job.objects.create(kind=FAILING.kind, requested_by=world.users["street_A"], title="会失败的任务")
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert "失败：内部错误（RuntimeError），详情已记入服务器日志" in job.log
    page = client_for("street_A").get(reverse("core:job_detail", args=[job.pk])).content.decode()
    detail = api_for("street_A").get(f"/api/v1/jobs/{job.pk}").json()
    for shown in (job.log, page, detail["log"]):
        assert "110101199003077777" not in shown and "13800138000" not in shown and "张三" not in shown
        assert "Traceback" not in shown
    assert "内部错误（RuntimeError）" in page and detail["status"] == "failed"


def test_progress_is_polled_while_running_and_the_poll_stops_when_done(world, client_for):
    job = Job.objects.create(
        kind="core.sweep_uploads",
        title="正在导出",
        status=Job.Status.RUNNING,
        requested_by=world.users["street_A"],
        progress_done=3,
        progress_total=4,
        log="第一行\n导出 3 / 4 行",
    )
    client = client_for("street_A")
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "75%" in page and "导出 3 / 4 行" in page
    fragment = client.get(reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="fg-job"') and "<html" not in fragment
    listing = client.get(reverse("core:jobs")).content.decode()
    assert "正在导出" in listing and 'hx-trigger="every 2s"' in listing

    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, progress_done=4)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page.split('id="fg-job"', 1)[1].split(">", 1)[0] and "100%" in page
    assert 'hx-trigger="every 2s"' not in client.get(reverse("core:jobs")).content.decode()


def test_only_the_requester_and_the_system_administrator_download_the_file(world, client_for, api_for):
    job = Job.objects.create(
        kind="core.sweep_uploads",
        status=Job.Status.DONE,
        requested_by=world.users["street_A"],
        file_name="导出.xlsx",
    )
    job.file.save(f"job-{job.pk}.xlsx", ContentFile(b"the result"), save=True)
    url, api_url = reverse("core:job_file", args=[job.pk]), f"/api/v1/jobs/{job.pk}/file"

    for name in ("street_A", "sysadmin"):
        assert b"".join(client_for(name).get(url).streaming_content) == b"the result"
        assert b"".join(api_for(name).get(api_url).streaming_content) == b"the result"
    for name in ("street_B", "leader", "community_A"):
        assert client_for(name).get(url).status_code == 404
        assert client_for(name).get(reverse("core:job_detail", args=[job.pk])).status_code == 404
        assert api_for(name).get(api_url).status_code == 404
        assert api_for(name).get(f"/api/v1/jobs/{job.pk}").status_code == 404
        assert api_for(name).get("/api/v1/jobs").json() == []
    assert [j["id"] for j in api_for("street_A").get("/api/v1/jobs").json()] == [job.pk]
    assert api_for("street_A").get("/api/v1/jobs").json()[0]["download"] == api_url


def test_the_cron_commands_each_leave_a_done_job(world):
    for command, kind in (
        ("escalate_problems", "ledger.escalate_problems"),
        ("checkin_patterns", "checkins.patterns"),
        ("sweep_uploads", "core.sweep_uploads"),
        ("sweep_jobs", "core.sweep_jobs"),
        ("evening_summary", "resumption.evening_summary"),
    ):
        call_command(command, stdout=io.StringIO())
        job = Job.objects.filter(kind=kind).get()
        assert job.status == Job.Status.DONE and job.requested_by is None, (command, job.log)


def test_a_job_lost_with_its_worker_is_failed_and_frees_its_key(world, test_kinds):
    """A running job with no heartbeat for FUGONG_JOB_STALE_MINUTES blocked its dedupe key for ever;
    now the next enqueue (and manage.py sweep_jobs) marks it failed and a new run starts."""
    now = timezone.now()
    lost = Job.objects.create(kind=SLOW.kind, dedupe_key="k", status=Job.Status.RUNNING, started_at=now)
    Job.objects.filter(pk=lost.pk).update(heartbeat_at=now - dt.timedelta(minutes=29))
    assert runner.enqueue(SLOW.kind, dedupe_key="k").pk == lost.pk  # 29 minutes: still believed alive

    Job.objects.filter(pk=lost.pk).update(heartbeat_at=now - dt.timedelta(minutes=31))
    fresh = runner.enqueue(SLOW.kind, dedupe_key="k")
    lost.refresh_from_db()
    assert fresh.pk != lost.pk and fresh.status == Job.Status.QUEUED
    assert lost.status == Job.Status.FAILED and lost.finished_at is not None
    assert "执行中断：超过 30 分钟没有进展" in lost.log

    # run_now (the cron commands) reaps the same way; a queued job that never reached a worker too
    Job.objects.filter(pk=fresh.pk).update(created_at=now - dt.timedelta(hours=25))
    ran = runner.run_now(SLOW.kind, dedupe_key="k")
    fresh.refresh_from_db()
    assert fresh.status == Job.Status.FAILED and "排队超过 24 小时仍未执行" in fresh.log
    assert ran.pk not in (lost.pk, fresh.pk) and ran.status == Job.Status.DONE


def test_the_sweep_keeps_live_and_finished_jobs_and_their_outcome(world, test_kinds):
    now = timezone.now()
    alive = Job.objects.create(kind=SLOW.kind, status=Job.Status.RUNNING, started_at=now, heartbeat_at=now)
    done = Job.objects.create(kind=SLOW.kind, status=Job.Status.DONE, started_at=now - dt.timedelta(hours=2))
    queued = Job.objects.create(kind=SLOW.kind)  # queued a moment ago
    out = io.StringIO()
    call_command("sweep_jobs", stdout=out)
    assert "中断的任务 0 个" in out.getvalue()
    for job, status in ((alive, Job.Status.RUNNING), (done, Job.Status.DONE), (queued, Job.Status.QUEUED)):
        job.refresh_from_db()
        assert job.status == status
    assert Job.objects.filter(kind="core.sweep_jobs", status=Job.Status.DONE).count() == 1


def test_result_files_are_deleted_after_the_retention_but_the_job_stays(world, client_for):
    now = timezone.now()
    old, recent = (
        Job.objects.create(
            kind="core.sweep_uploads",
            status=Job.Status.DONE,
            requested_by=world.users["street_A"],
            file_name="导出.xlsx",
            finished_at=now - dt.timedelta(days=days),
        )
        for days in (8, 6)
    )
    for job in (old, recent):
        job.file.save(f"job-{job.pk}.xlsx", ContentFile(b"personal data"), save=True)
    old_path = old.file.path
    call_command("sweep_jobs", stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not os.path.exists(old_path) and "结果文件已超过保留期（7 天），已删除" in old.log
    assert recent.file and os.path.exists(recent.file.path)
    client = client_for("street_A")
    assert client.get(reverse("core:job_file", args=[old.pk])).status_code == 404
    assert client.get(reverse("core:job_file", args=[recent.pk])).status_code == 200
    assert "结果文件已超过保留期" in client.get(reverse("core:job_detail", args=[old.pk])).content.decode()


def test_my_jobs_are_paged_on_the_page_and_in_the_api(world, client_for, api_for):
    Job.objects.bulk_create(
        Job(kind="core.sweep_uploads", title=f"导出第{n:02d}批", requested_by=world.users["street_A"])
        for n in range(45)
    )
    Job.objects.create(kind="core.sweep_uploads", title="别人的任务", requested_by=world.users["street_B"])
    client = client_for("street_A")
    first = client.get(reverse("core:jobs")).content.decode()
    assert "共 45 条，第 1 / 3 页" in first and "别人的任务" not in first
    last = client.get(reverse("core:jobs"), {"page": 3}).content.decode()
    assert last.count("导出第") == 5 and "第 3 / 3 页" in last
    assert client.get(reverse("core:jobs"), {"page": "99999999999999999999999"}).status_code == 200
    api = api_for("street_A")
    assert len(api.get("/api/v1/jobs").json()) == 45
    assert len(api.get("/api/v1/jobs", {"limit": 10, "offset": 40}).json()) == 5
    assert len(api.get("/api/v1/jobs", {"limit": 100000}).json()) == 45
