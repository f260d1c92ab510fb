"""Excel export of the missing-report list: the rows the user filtered, phones always masked,
watermarked with who exported when, streamed so memory stays flat."""

import datetime as dt

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fugong.core.masking import mask_phone
from fugong.core.xlsx import export_response, export_watermark
from fugong.enterprises.choices import Category

from .choices import EnterpriseState

ITERATOR_CHUNK = 2000
HEADERS = [
    gettext_lazy("企业名称"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("所属区域"),
    gettext_lazy("企业类别"),
    gettext_lazy("复工状态"),
    gettext_lazy("联系人"),
    gettext_lazy("联系电话"),
    gettext_lazy("驻企服务专员"),
]
VALUES = [
    "name",
    "credit_code",
    "area__name",
    "category",
    "status__state",
    "contact_name",
    "contact_phone",
    "legal_rep_name",
    "legal_rep_phone",
    "commissioner__full_name",
    "commissioner__username",
]


def missing_rows(queryset: QuerySet):
    """One list per enterprise; the contact falls back to the legal representative."""
    categories = {value: str(label) for value, label in Category.choices}
    states = {value: str(label) for value, label in EnterpriseState.choices}
    for (
        name,
        code,
        area,
        category,
        state,
        contact,
        phone,
        legal,
        legal_phone,
        commissioner,
        commissioner_login,
    ) in queryset.values_list(*VALUES).iterator(chunk_size=ITERATOR_CHUNK):
        yield [
            name,
            code,
            area,
            categories.get(category, category),
            states.get(state, state),
            contact or legal,
            mask_phone(phone or legal_phone),
            commissioner or commissioner_login or "",
        ]


def missing_export(*, user, queryset: QuerySet, day: dt.date) -> FileResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return export_response(
        HEADERS,
        missing_rows(queryset),
        filename=f"日报缺报企业-{day:%Y%m%d}-{stamp}.xlsx",
        title=f"{day:%Y-%m-%d} 日报缺报企业",
        watermark=export_watermark(user),
    )
