"""An export above FUGONG_EXPORT_INLINE_ROWS is a job (core.jobs): the page redirects to 我的任务,
the API answers 202, and the job's file is the file the page would have streamed — the same
columns, masking, watermark and unmasked-export log. No export is capped."""

import pytest
from django.urls import reverse

from fugong.core.models import Job, PersonalDataAccess

from .helpers import read_xlsx

URL = "/enterprises/export.xlsx"
IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def inline(settings):
    settings.TASKS = IMMEDIATE  # the job runs when the request's transaction commits
    return settings


@pytest.mark.parametrize("params", [{}, {"full": "1"}, {"category": "above_scale", "full": "1"}])
def test_the_jobs_file_is_the_streamed_export(
    world, client_for, inline, params, django_capture_on_commit_callbacks
):
    client = client_for("street_A")
    streamed = read_xlsx(body(client.get(URL, params)))
    streamed_logs = list(PersonalDataAccess.objects.values_list("row_count", "purpose"))
    PersonalDataAccess.objects.all().delete()

    inline.FUGONG_EXPORT_INLINE_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, params, follow=True)
    assert response.redirect_chain == [(reverse("core:jobs"), 302)]
    job = Job.objects.get(kind="enterprises.export")
    assert (job.status, job.requested_by, job.result) == (
        Job.Status.DONE,
        world.users["street_A"],
        {"rows": len(streamed) - 2},
    )
    assert f"任务 #{job.pk}" in response.content.decode() and "企业名录导出" in response.content.decode()
    assert job.progress_done == job.progress_total == len(streamed) - 2

    from_job = read_xlsx(body(client.get(reverse("core:job_file", args=[job.pk]))))
    assert from_job[1:] == streamed[1:]  # headers and every row (masking and all)
    assert from_job[0][0].split("导出时间")[0] == streamed[0][0].split("导出时间")[0]  # the watermark
    assert list(PersonalDataAccess.objects.values_list("row_count", "purpose")) == streamed_logs
    assert client_for("street_B").get(reverse("core:job_file", args=[job.pk])).status_code == 404


def test_below_the_threshold_the_page_streams_as_before(world, client_for, inline):
    inline.FUGONG_EXPORT_INLINE_ROWS = 3  # street A has exactly three enterprises
    response = client_for("street_A").get(URL)
    assert response.status_code == 200 and len(read_xlsx(body(response))) == 5
    assert not Job.objects.exists()


def test_the_api_answers_202_with_the_job_and_its_file(
    world, api_for, inline, django_capture_on_commit_callbacks
):
    inline.FUGONG_EXPORT_INLINE_ROWS = 0
    api = api_for("street_A")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.get("/api/v1/enterprises/export.xlsx", {"category": "commerce"})
    assert response.status_code == 202
    queued = response.json()
    job = Job.objects.get()
    assert (queued["job_id"], queued["rows"], queued["file"]) == (job.pk, 1, f"/api/v1/jobs/{job.pk}/file")
    assert api.get(queued["url"]).json()["status"] == "done"
    rows = read_xlsx(body(api.get(queued["file"])))
    assert [r[0] for r in rows[2:]] == [world.enterprises["A1_commerce"].credit_code]
    assert api_for("street_B").get(queued["file"]).status_code == 404


def test_a_requester_who_lost_the_right_gets_a_failed_job_and_no_file(
    world, client_for, inline, django_capture_on_commit_callbacks
):
    from fugong.core.jobs.runner import run_job
    from fugong.enterprises.exports import enterprise_export_enqueue

    job = enterprise_export_enqueue(user=world.users["resident_A"], query="", full=False)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.file and "发起人已无权导出企业名录" in job.log
