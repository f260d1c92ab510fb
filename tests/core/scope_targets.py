"""The home page, the menu's badges, the log of unmasked views and 我的任务, for the scope matrix
(tests/test_scope_matrix.py, tests/scope.py)."""

from django.core.files.base import ContentFile

from fugong.core.models import Job
from tests.scope import STREET, Listing, Target


def job(world, side) -> Job:
    """A finished job with a result file, asked for by the side's street officer."""
    user = world.users[f"street_{side.street}"]
    found = Job.objects.filter(requested_by=user, kind="core.sweep_uploads").first()
    if found is None:
        found = Job.objects.create(
            kind="core.sweep_uploads",
            title=f"任务{user.username}导出",
            status=Job.Status.DONE,
            requested_by=user,
            file_name="export.xlsx",
        )
        found.file.save(f"job-{found.pk}.xlsx", ContentFile(b"PK result"), save=True)
    return found


def title(row) -> str:
    return row.title


TARGETS = {
    "core:job_detail": Target(job, STREET),
    "core:job_file": Target(job, STREET),
    "api-1.0.0:get_job": Target(job, STREET),
    "api-1.0.0:get_job_file": Target(job, STREET),
}
LISTS = {
    "core:jobs": Listing(job, title, STREET),
    "api-1.0.0:list_jobs": Listing(job, title, STREET),
}
PAGES = {
    "core:home": "resident_A",
    "core:nav_badges": "street_A",
    "core:access_log": "sysadmin",
}
