"""The command page's filters (shared by the page, the drill-down and the rates API) and its actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.enterprises.choices import Category, Industry

from ..choices import EnterpriseState
from ..selectors.command import METRICS, allowed_categories

BAD_DATE = _("日期格式不正确，应为 YYYY-MM-DD")


class CommandFilterForm(forms.Form):
    """area (a code), date, category and industry; categories offered are the user's own."""

    area = forms.CharField(label=_("区域"), required=False, max_length=32)
    date = forms.DateField(
        label=_("日期"), required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": BAD_DATE}
    )
    category = forms.ChoiceField(
        label=_("企业类别"),
        required=False,
        error_messages={"invalid_choice": _("不是有效的企业类别，或不在您的主管范围内")},
    )
    industry = forms.ChoiceField(
        label=_("行业门类"),
        required=False,
        choices=[("", _("全部行业")), *Industry.choices],
        error_messages={"invalid_choice": _("不是有效的行业门类")},
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        allowed = allowed_categories(user)
        labels = dict(Category.choices)
        self.fields["category"].choices = [
            ("", _("全部类别")),
            *[(c, labels[c]) for c in (allowed or Category.values)],
        ]

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天"))
        return day or timezone.localdate()


class DrilldownForm(CommandFilterForm):
    metric = forms.ChoiceField(
        label=_("指标"),
        choices=[(k, v["label"]) for k, v in METRICS.items()],
        error_messages={"required": _("请选择指标"), "invalid_choice": _("不是有效的指标")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=200,
        required=True,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": _("请填写理由")},
    )


class OutOfScopeForm(ReasonForm):
    out_of_scope = forms.TypedChoiceField(
        label=_("统计范围"),
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.Select(attrs={"class": "form-select"}),
        choices=[("1", _("不纳入统计")), ("0", _("恢复纳入统计"))],
    )


class StatusForm(ReasonForm):
    state = forms.ChoiceField(
        label=_("变更为"),
        widget=forms.Select(attrs={"class": "form-select"}),
        choices=[
            (EnterpriseState.SUSPENDED, _("停工整改")),
            (EnterpriseState.RESUMED_AGAIN, _("整改后复工")),
        ],
        error_messages={
            "required": _("请选择要变更的状态"),
            "invalid_choice": _("只能变更为“停工整改”或“整改后复工”"),
        },
    )
