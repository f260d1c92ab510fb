"""The registry export: the list the user sees, masked unless a role allowed to unmask asks for the
full numbers — and then the export is logged with its row count. Watermarked with who and when."""

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone

from fugong.core.access import PERSONAL_UNMASK
from fugong.core.audit import log_personal_access
from fugong.core.masking import mask_id_number, mask_phone
from fugong.core.models import PersonalDataAccess
from fugong.core.xlsx import export_response, export_watermark

from .models import Person

HEADERS = ["姓名", "身份证号", "手机号", "居住社区", "居住地址", "登记时间"]
MAX_ROWS = 100_000


def wants_full(user, requested: bool) -> bool:
    return requested and user.can(PERSONAL_UNMASK)


def person_export(*, user, queryset: QuerySet, full: bool) -> FileResponse:
    fields = ("name", "id_number", "phone", "area__name", "address", "created_at")
    counter = {"rows": 0}

    def rows():
        for name, id_number, phone, area, address, created in queryset.values_list(*fields)[
            :MAX_ROWS
        ].iterator(chunk_size=2000):
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
    response = export_response(
        HEADERS, rows(), filename=f"人员档案-{stamp}.xlsx", title="人员档案", watermark=export_watermark(user)
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
    return response
