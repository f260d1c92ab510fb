"""Excel export of the enterprise list: exactly the rows the user filtered, masked by default.

Rows are read with ``values_list(...).iterator()`` (joined to the area and the commissioner) and
written to a write-only workbook, so memory stays flat as rows grow. Unmasked phone numbers are
exported only for a role that may see them and only when asked; such an export is logged once with
its row count.
"""

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from fugong.core import audit
from fugong.core.access import PERSONAL_UNMASK
from fugong.core.masking import mask_phone
from fugong.core.models import PersonalDataAccess
from fugong.core.xlsx import export_response, export_watermark

from .choices import Category, Industry
from .models import Enterprise

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
    paths = [path for _, path in COLUMNS]
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


def enterprise_export(*, user, queryset: QuerySet[Enterprise], full: bool) -> FileResponse:
    """The xlsx of ``queryset`` (already scoped and filtered); ``full`` only when ``wants_full``."""
    fmt = _row_formatter(full)
    counter = {"rows": 0}

    def rows():
        for values in queryset.values_list(*(path for _, path in COLUMNS)).iterator(
            chunk_size=ITERATOR_CHUNK
        ):
            counter["rows"] += 1
            yield fmt(values)

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = export_response(
        [header for header, _ in COLUMNS],
        rows(),
        filename=f"企业名录-{stamp}.xlsx",
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
    return response
