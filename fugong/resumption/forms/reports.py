"""The daily report form (the same validation for the page and the API) and the list filters."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.core.web.forms import KitForm
from fugong.enterprises.choices import Category

MAX_PEOPLE = 1_000_000
MAX_MASKS = 99_999_999
MAX_PROBLEMS = 9999  # problems_* are small integers in the database

PEOPLE_ERRORS = {
    "min_value": _("人数不能为负数"),
    "max_value": _("人数过大，请核对"),
    "invalid": _("请填写整数"),
}
STOCK_ERRORS = {"min_value": _("库存不能为负数"), "invalid": _("请填写数字")}
COUNT_ERRORS = {"min_value": _("不能为负数"), "max_value": _("数值过大，请核对"), "invalid": _("请填写整数")}
ZERO_WHEN_CLEAR = ("problems_found", "problems_solved", "abnormal_persons")


def _number(**attrs) -> forms.NumberInput:
    return forms.NumberInput(attrs={"class": "form-control form-control-lg", "inputmode": "numeric", **attrs})


class DailyReportForm(KitForm):
    """企业日报. "今日无异常" fills zeros for the problems and abnormal persons; without it those counts
    are required (0 is an answer). The stored 无异常 flag is true exactly when nothing was found."""

    date = forms.DateField(
        widget=forms.HiddenInput, error_messages={"required": _("缺少日报日期，请刷新页面后重新填报")}
    )
    staff_on_duty = forms.IntegerField(
        label=_("今日到岗人数"),
        min_value=0,
        max_value=MAX_PEOPLE,
        error_messages=PEOPLE_ERRORS,
        widget=_number(min=0),
    )
    staff_total = forms.IntegerField(
        label=_("职工总数"),
        min_value=1,
        max_value=MAX_PEOPLE,
        error_messages=PEOPLE_ERRORS | {"min_value": _("职工总数至少为 1")},
        widget=_number(min=1),
        help_text=_("按员工名册预填；人员变动时请改为实际在册人数"),
    )
    output_pct = forms.IntegerField(
        label=_("产能恢复（%）"),
        min_value=0,
        max_value=200,
        error_messages={
            "min_value": _("产能恢复不能为负数"),
            "max_value": _("产能恢复最多填 200%%"),
            "invalid": _("请填写 0–200 之间的整数"),
        },
        widget=_number(min=0, max=200),
        help_text=_("今日产出占正常产出的百分比（0–200），超过 100 需说明原因"),
    )
    output_reason = forms.CharField(
        label=_("产能超过100%的原因"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg"}),
    )
    masks_stock = forms.IntegerField(
        label=_("口罩库存（只）"),
        min_value=0,
        max_value=MAX_MASKS,
        error_messages=STOCK_ERRORS | {"max_value": _("数量过大，请核对")},
        widget=_number(min=0),
    )
    disinfectant_kg = forms.DecimalField(
        label=_("消毒液库存（公斤）"),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=1,
        error_messages=STOCK_ERRORS,
        widget=_number(min=0, step="0.1", inputmode="decimal"),
    )
    no_anomaly = forms.BooleanField(label=_("今日无异常"), required=False)
    problems_found = forms.IntegerField(
        label=_("今日发现问题数"),
        required=False,
        min_value=0,
        max_value=MAX_PROBLEMS,
        error_messages=COUNT_ERRORS,
        widget=_number(min=0),
    )
    problems_solved = forms.IntegerField(
        label=_("今日解决问题数"),
        required=False,
        min_value=0,
        max_value=MAX_PROBLEMS,
        error_messages=COUNT_ERRORS,
        widget=_number(min=0),
    )
    abnormal_persons = forms.IntegerField(
        label=_("健康异常人数"),
        required=False,
        min_value=0,
        max_value=MAX_PEOPLE,
        error_messages=PEOPLE_ERRORS,
        widget=_number(min=0),
        help_text=_("发热、咳嗽等症状或正在隔离的职工人数"),
    )
    problems_note = forms.CharField(
        label=_("情况说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        help_text=_("发现了什么问题、怎么解决的；有健康异常人员时写明处置情况"),
    )

    def clean(self):
        data = super().clean()
        on_duty, total = data.get("staff_on_duty"), data.get("staff_total")
        if on_duty is not None and total is not None and on_duty > total:
            self.add_error("staff_on_duty", _("今日到岗人数不能超过职工总数"))
        output = data.get("output_pct")
        data["output_reason"] = data.get("output_reason", "").strip()
        if output is not None and output > 100 and not data["output_reason"]:
            self.add_error("output_reason", _("产能超过100%时请说明原因"))
        if output is not None and output <= 100:
            data["output_reason"] = ""
        self._clean_anomaly(data)
        return data

    def _clean_anomaly(self, data: dict) -> None:
        names = ZERO_WHEN_CLEAR
        if data.get("no_anomaly"):
            for name in names:
                data[name] = data.get(name) or 0
            if data["problems_found"] or data["abnormal_persons"]:
                self.add_error("no_anomaly", _("已选择“今日无异常”，发现问题数和健康异常人数应为 0"))
        else:
            for name in names:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("请填写（没有请填 0），或点选“今日无异常”"))
        found, abnormal = data.get("problems_found"), data.get("abnormal_persons")
        if (found or abnormal) and not data.get("problems_note", "").strip():
            self.add_error("problems_note", _("发现问题或有健康异常人员时，请简要说明情况及处置"))
        data["no_anomaly"] = found == 0 and abnormal == 0

    def full_clean(self):
        super().full_clean()
        for name in self.errors:  # Bootstrap marks the fields in error red
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service's error on a hidden field (the date) is shown above the form, where it is seen."""
        if hasattr(exc, "error_dict"):
            hidden = {n for n, f in self.fields.items() if f.widget.is_hidden}
            exc = ValidationError({None if n in hidden else n: m for n, m in exc.error_dict.items()})
        super().add_service_errors(exc)

    def service_fields(self) -> dict:
        """The keyword arguments of ``services.daily_report_submit``."""
        fields = {name: self.cleaned_data[name] for name in self.fields}
        fields["problems_note"] = fields["problems_note"].strip()
        return fields


class ReportFilterForm(forms.Form):
    """The filters of the report list and the missing list (date defaults to today)."""

    date = forms.DateField(
        label=_("日期"),
        required=False,
        error_messages={"invalid": _("日期格式不正确，应为 YYYY-MM-DD")},
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    area = forms.CharField(label=_("区域"), required=False, max_length=32)
    category = forms.ChoiceField(
        label=_("企业类别"),
        required=False,
        choices=[("", _("全部类别")), *Category.choices],
        error_messages={"invalid_choice": _("不是有效的企业类别")},
    )

    def clean_date(self):
        day = self.cleaned_data.get("date") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("不能查询今天以后的日期"))
        return day

    def filters(self) -> dict:
        """``day``, ``area`` and ``category`` for the selectors; an invalid value is left out (and shown)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "day": data.get("date") or timezone.localdate(),
            "area": data.get("area") or None,
            "category": data.get("category") or None,
        }
