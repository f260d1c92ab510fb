"""Excel export of the enterprise list: exactly the rows the user filtered, masked by default.

Rows are read with ``values_list(...).iterator()`` (joined to the area and the commissioner) and
written to a write-only workbook, so memory stays flat as rows grow. Unmasked phone numbers are
exported only for a role that may see them and only when asked; such an export is logged once with
its row count. Above ``settings.FUGONG_EXPORT_INLINE_ROWS`` rows the same file is written by a job
(core.jobs) and downloaded from 我的任务; no export is capped.
"""

from types import SimpleNamespace

from django.db.models import QuerySet
from django.http import FileResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import audit
from fugong.core.access import ENTERPRISE_EXPORT, PERSONAL_UNMASK
from fugong.core.jobs.exports import counting
from fugong.core.jobs.runner import Job, JobError, enqueue
from fugong.core.masking import mask_phone
from fugong.core.models import PersonalDataAccess
from fugong.core.xlsx import XLSX_CONTENT_TYPE, export_file, export_watermark

from .choices import Category, Industry
from .models import Enterprise
from .selectors import enterprise_filter, stable_order

ITERATOR_CHUNK = 2000
# (header, values_list path); the header of each importable column matches the import template,
# so an exported file can be corrected and imported back.
COLUMNS = [
    ("统一社会信用代码", "credit_code"),
    ("企业名称", "name"),
    ("法定代表人", "legal_rep_name"),
    ("法定代表人电话", "legal_rep_phone"),
    ("联系人", "contact_name"),
    ("联系人电话", "contact_phone"),
    ("区域编码", "area__code"),
    ("所属区域", "area__name"),
    ("地址", "address"),
    ("企业类别", "category"),
    ("行业门类", "industry"),
    ("职工总数", "headcount"),
    ("本地职工数", "local_headcount"),
    ("应急保供", "is_emergency_supply"),
    ("重点产业", "is_key_industry"),
    ("驻企服务专员", "commissioner__full_name"),
    ("登记时间", "created_at"),
]
PHONE_COLUMNS = {"legal_rep_phone", "contact_phone"}


def wants_full(user, requested: bool) -> bool:
    return requested and user.can(PERSONAL_UNMASK)


def _row_formatter(full: bool):
    categories = {value: str(label) for value, label in Category.choices}
    industries = {value: f"{value} {label}" for value, label in Industry.choices}
    paths = [path for _header, path in COLUMNS]
    phone_at = [i for i, path in enumerate(paths) if path in PHONE_COLUMNS]
    category_at, industry_at = paths.index("category"), paths.index("industry")
    flag_at = [paths.index("is_emergency_supply"), paths.index("is_key_industry")]
    created_at = paths.index("created_at")
    tz = timezone.get_current_timezone()

    def fmt(values: tuple) -> list:
        row = list(values)
        if not full:
            for i in phone_at:
                row[i] = mask_phone(row[i])
        row[category_at] = categories.get(row[category_at], row[category_at])
        row[industry_at] = industries.get(row[industry_at], row[industry_at])
        for i in flag_at:
            row[i] = "是" if row[i] else "否"
        if row[created_at] is not None:
            row[created_at] = row[created_at].astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return row

    return fmt


def _write(*, user, queryset: QuerySet[Enterprise], full: bool, each=None):
    """The workbook of ``queryset`` in a temporary file, its download name and its row count; the
    unmasked export is logged once with that count. ``each`` wraps the rows (a job's progress)."""
    fmt = _row_formatter(full)
    counter = {"rows": 0}

    def rows():
        for values in queryset.values_list(*(path for _header, path in COLUMNS)).iterator(
            chunk_size=ITERATOR_CHUNK
        ):
            counter["rows"] += 1
            yield fmt(values)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    handle = export_file(
        [header for header, _path in COLUMNS],
        each(rows()) if each else rows(),
        title="企业名录",
        watermark=export_watermark(user),
    )
    if full:
        audit.log_personal_access(
            user=user,
            obj=None,
            model=Enterprise,
            fields=sorted(PHONE_COLUMNS),
            purpose=PersonalDataAccess.Purpose.EXPORT,
            row_count=counter["rows"],
            description="企业名录导出",
        )
    return handle, f"企业名录-{stamp}.xlsx", counter["rows"]


def enterprise_export(*, user, queryset: QuerySet[Enterprise], full: bool) -> FileResponse:
    """The xlsx of ``queryset`` (already scoped and filtered); ``full`` only when ``wants_full``."""
    handle, filename, _rows = _write(user=user, queryset=queryset, full=full)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


# --- above FUGONG_EXPORT_INLINE_ROWS: a job (core.jobs) whose file is downloaded from 我的任务 -----

JOB_KIND = "enterprises.export"


def enterprise_export_enqueue(*, user, query: str, full: bool) -> Job:
    """The export of the list filtered by ``query`` (the page's query string) as a job of ``user``."""
    return enqueue(
        JOB_KIND, params={"query": query, "full": bool(full)}, requested_by=user, title="企业名录导出"
    )


def run_export_job(job) -> dict:
    """The job kind's runner: the same filter, columns, masking, watermark and log as the page's."""
    user = job.user
    if user is None or not user.is_active or not user.can(ENTERPRISE_EXPORT):
        raise JobError(_("发起人已无权导出企业名录"))
    f = enterprise_filter(
        user=user, params=QueryDict(job.params.get("query", "")), request=SimpleNamespace(user=user)
    )
    queryset = stable_order(f.qs)
    total = queryset.count()
    full = wants_full(user, bool(job.params.get("full")))
    handle, filename, count = _write(
        user=user, queryset=queryset, full=full, each=lambda rows: counting(rows, job, total)
    )
    with handle:
        job.save_file(filename, handle)
    job.log(_("导出 %(count)d 行") % {"count": count})
    return {"rows": count}
