"""The people export above FUGONG_EXPORT_INLINE_ROWS is a job whose file is the streamed export."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from fugong.core.models import Job, PersonalDataAccess

from .helpers import person

IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}


def sheet(response) -> list[list]:
    body = b"".join(response.streaming_content)
    return [list(r) for r in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)]


def test_the_jobs_file_is_the_streamed_export_and_not_capped(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    for i in range(3):
        person(world, "A1", 300 + i)
    person(world, "B1", 310)
    client = client_for("community_A")
    streamed = sheet(client.get("/people/export/", {"full": "1"}))
    assert len(streamed) == 5
    PersonalDataAccess.objects.all().delete()

    settings.FUGONG_EXPORT_INLINE_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/people/export/", {"full": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("core:jobs")
    job = Job.objects.get(kind="health.person_export")
    assert job.status == Job.Status.DONE and job.requested_by == world.users["community_A"]
    from_job = sheet(client.get(reverse("core:job_file", args=[job.pk])))
    assert from_job[1:] == streamed[1:]
    log = PersonalDataAccess.objects.get()
    assert (log.purpose, log.row_count, log.user) == ("export", 3, world.users["community_A"])
    assert client_for("community_B").get(reverse("core:job_file", args=[job.pk])).status_code == 404
