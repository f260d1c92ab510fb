"""Bulk printing of more release notices than FUGONG_PRINT_INLINE_NOTICES is a job (core.jobs): the
same PDF and the same export log, downloaded from 我的任务 by the officer who asked (404 for others)."""

from django.urls import reverse

from fugong.core.models import Job, PersonalDataAccess

from .notice_helpers import pdf_text, released

IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}


def test_a_large_print_is_a_job_with_the_same_pdf(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    orders = [released(world, name=n) for n in ("周一", "吴二", "郑三")]
    ids = [o.pk for o in orders]
    client = client_for("community_A")
    inline = client.post("/quarantine/notices/print/", {"order": ids})
    assert inline.status_code == 200
    PersonalDataAccess.objects.all().delete()

    settings.FUGONG_PRINT_INLINE_NOTICES = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/quarantine/notices/print/", {"order": ids}, follow=True)
    assert response.redirect_chain == [(reverse("core:jobs"), 302)]
    job = Job.objects.get(kind="quarantine.notice_print")
    assert (job.status, job.result, job.requested_by) == (
        Job.Status.DONE,
        {"notices": 3},
        world.users["community_A"],
    )
    pdf = client.get(reverse("core:job_file", args=[job.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)
    assert pdf_text(body) == pdf_text(inline.content)
    assert PersonalDataAccess.objects.get(purpose="export").row_count == 3
    assert client_for("community_B").get(reverse("core:job_file", args=[job.pk])).status_code == 404
