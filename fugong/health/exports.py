"""The registry export: the list the user sees, masked unless a role allowed to unmask asks for the
full numbers — and then the export is logged with its row count. Watermarked with who and when.

Only FILE-level rows (health.policies): the persons of the exporter's own home chain. A person seen
only through an active employment is listed on the page (masked, without home), never exported
here, so a bulk file of a district's people never gathers other communities' residents.
Not capped: above ``settings.FUGONG_EXPORT_INLINE_ROWS`` rows the same file is written by a job
(core.jobs) and downloaded from 我的任务."""

from django.db.models import QuerySet
from django.http import FileResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core.access import PERSON_MANAGE, PERSONAL_UNMASK
from fugong.core.audit import log_personal_access
from fugong.core.jobs.exports import counting
from fugong.core.jobs.runner import Job, JobError, enqueue
from fugong.core.masking import mask_id_number, mask_phone
from fugong.core.models import PersonalDataAccess
from fugong.core.xlsx import XLSX_CONTENT_TYPE, export_file, export_watermark

from .models import Person
from .selectors import PersonFilter, person_list

HEADERS = [
    gettext_lazy("姓名"),
    gettext_lazy("身份证号"),
    gettext_lazy("手机号"),
    gettext_lazy("居住社区"),
    gettext_lazy("居住地址"),
    gettext_lazy("登记时间"),
]
JOB_KIND = "health.person_export"


def wants_full(user, requested: bool) -> bool:
    return requested and user.can(PERSONAL_UNMASK)


def _write(*, user, queryset: QuerySet, full: bool, each=None):
    """The workbook in a temporary file, its download name and row count; an unmasked export is
    logged once with that count. ``each`` wraps the rows (a job's progress). Not capped."""
    fields = ("name", "id_number", "phone", "area__name", "address", "created_at")
    counter = {"rows": 0}

    def rows():
        for name, id_number, phone, area, address, created in queryset.values_list(*fields).iterator(
            chunk_size=2000
        ):
            counter["rows"] += 1
            yield [
                name,
                id_number if full else mask_id_number(id_number),
                phone if full else mask_phone(phone),
                area or "",
                address,
                timezone.localtime(created).strftime("%Y-%m-%d"),
            ]

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    handle = export_file(
        HEADERS, each(rows()) if each else rows(), title="人员档案", watermark=export_watermark(user)
    )
    if full:
        log_personal_access(
            user=user,
            obj=None,
            model=Person,
            fields=["id_number", "phone"],
            purpose=PersonalDataAccess.Purpose.EXPORT,
            row_count=counter["rows"],
            description="人员档案导出",
        )
    return handle, f"人员档案-{stamp}.xlsx", counter["rows"]


def person_export(*, user, queryset: QuerySet, full: bool) -> FileResponse:
    handle, filename, _rows = _write(user=user, queryset=queryset, full=full)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


# --- above FUGONG_EXPORT_INLINE_ROWS: a job (core.jobs) whose file is downloaded from 我的任务 -----


def person_export_enqueue(*, user, query: str, full: bool) -> Job:
    return enqueue(
        JOB_KIND, params={"query": query, "full": bool(full)}, requested_by=user, title="人员档案导出"
    )


def run_export_job(job) -> dict:
    """The job kind's runner: the same filter, columns, masking, watermark and log as the page's."""
    user = job.user
    if user is None or not user.is_active or not user.can(PERSON_MANAGE):
        raise JobError(_("发起人已无权导出人员档案"))
    f = PersonFilter.from_params(QueryDict(job.params.get("query", "")))
    queryset = person_list(user=user, f=f, files_only=True)
    total = queryset.count()
    full = wants_full(user, bool(job.params.get("full")))
    handle, filename, count = _write(
        user=user, queryset=queryset, full=full, each=lambda rows: counting(rows, job, total)
    )
    with handle:
        job.save_file(filename, handle)
    job.log(_("导出 %(count)d 行") % {"count": count})
    return {"rows": count}
