"""Forms of the person registry: they parse input; the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area
from fugong.core.web.forms import KitForm
from fugong.core.xlsx import Column, read_rows

EXAMPLE_ID = "500109198503010110"  # the template's example row, skipped on import

IMPORT_COLUMNS = [
    Column("name", "姓名", example="张三"),
    Column(
        "id_number", "身份证号", example=EXAMPLE_ID, note="18位，校验位须正确；已登记的身份证号不会重复导入"
    ),
    Column("phone", "手机号", required=False, example="13800138000", note="11位手机号码"),
    Column("area", "居住社区编码", example="500109001001", note="您管辖范围内的社区（村）区划编码"),
    Column("address", "居住地址", required=False, example="天生路2号3栋"),
]


def import_rows(upload) -> list[tuple[int, dict]]:
    """The data rows of an uploaded sheet, without the template's example row (the page and the
    API read an upload the same way); raises SheetError when the file cannot be read."""
    return [(n, r) for n, r in read_rows(upload, IMPORT_COLUMNS) if r.get("id_number") != EXAMPLE_ID]


class PersonForm(KitForm):
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    name = forms.CharField(label=_("姓名"), max_length=32)
    phone = forms.CharField(
        label=_("手机号"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    # The communities (villages, grids) a person may live in; user= narrows them to the user's scope.
    area = forms.ModelChoiceField(
        label=_("居住社区"),
        queryset=Area.objects.filter(kind__in=["community", "village", "grid"]).order_by("path"),
        empty_label=_("请选择"),
    )
    address = forms.CharField(label=_("居住地址"), max_length=200, required=False)
    confirm_duplicate = forms.BooleanField(
        label=_("已核对，确认不是同一人"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].label_from_instance = lambda a: f"{a.name}（{a.code}）"
        if editing:
            del self.fields["id_number"]


class MergeForm(KitForm):
    survivor_id_number = forms.CharField(
        label=_("保留记录的身份证号"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("输入完整的身份证号，找到要保留的那条记录"),
    )
    reason = forms.CharField(label=_("合并原因"), max_length=200)
