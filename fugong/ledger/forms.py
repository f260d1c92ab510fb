"""Forms of the ledger's pages (KitForm: styled, choices narrowed to the user's scope); the services
decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.areas.models import Area, Department
from fugong.core.access import Role
from fugong.core.text import MULTI_LINE_MAX
from fugong.core.web.forms import KitForm

from .choices import ProblemCategory

TEXTAREA = {"class": "form-control", "rows": 4}


class ProblemForm(KitForm):
    enterprise = forms.ModelChoiceField(
        label=_("企业"), queryset=None, help_text=_("只列出您可以代为登记的企业")
    )
    category = forms.ChoiceField(label=_("问题类别"), choices=[("", "—")] + ProblemCategory.choices)
    title = forms.CharField(
        label=_("问题标题"), max_length=100, help_text=_("一句话说明，如“原材料滞留湖北，无法运回”")
    )
    description = forms.CharField(
        label=_("问题描述"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("需要协调的内容、数量、时间要求和联系人"),
    )
    green_channel = forms.BooleanField(
        label=_("绿色通道（办理时限减半）"), required=False, help_text=_("应急保供、重点产业企业的紧急诉求")
    )

    def __init__(self, *args, enterprises, own_enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if own_enterprise is not None:  # an enterprise admin records for their own enterprise only
            del self.fields["enterprise"]
            del self.fields["green_channel"]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StartForm(VersionForm):
    note = forms.CharField(label=_("办理说明"), required=False, max_length=500)


class AnswerForm(VersionForm):
    answer = forms.CharField(
        label=_("答复内容"),
        max_length=MULTI_LINE_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("办理结果和依据；企业确认后办结"),
    )


class ExtensionForm(VersionForm):
    days = forms.IntegerField(label=_("延期（工作日）"), min_value=1, max_value=30, initial=3)
    reason = forms.CharField(
        label=_("延期理由"),
        max_length=MULTI_LINE_MAX,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
        help_text=_("须由上一级审批"),
    )


class DecideExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批意见"),
        coerce=lambda v: v == "1",
        choices=[("1", _("批准延期")), ("0", _("不批准"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500, help_text=_("不批准时必填"))


class ConfirmForm(VersionForm):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, _("5 非常满意")),
            (4, _("4 满意")),
            (3, _("3 基本满意")),
            (2, _("2 不满意")),
            (1, _("1 很不满意")),
        ],
    )
    comment = forms.CharField(label=_("评价"), required=False, max_length=500)


class ReopenForm(VersionForm):
    reason = forms.CharField(
        label=_("要求重新办理的理由"),
        max_length=MULTI_LINE_MAX,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
    )


ACTION_FORMS = {
    "start": StartForm,
    "answer": AnswerForm,
    "extend": ExtensionForm,
    "approve": DecideExtensionForm,
    "confirm": ConfirmForm,
    "reopen": ReopenForm,
}


class DueDaysForm(KitForm):
    category = forms.ChoiceField(label=_("问题类别"), choices=ProblemCategory.choices)
    days = forms.IntegerField(label=_("办理时限（工作日）"), min_value=1, max_value=90)


class RoutingRuleForm(KitForm):
    category = forms.ChoiceField(label=_("问题类别"), choices=ProblemCategory.choices)
    area = forms.ModelChoiceField(
        label=_("适用区域"),
        queryset=Area.objects.filter(depth__lte=1).order_by("path"),
        required=False,
        empty_label=_("全区"),
        help_text=_("更具体（层级更低）的区域优先"),
    )
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=Department.objects.order_by("code"))
    assignee = forms.ModelChoiceField(
        label=_("承办人"), queryset=User.objects.none(), required=False, empty_label=_("不指定")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)  # area and department narrowed to the user's scope
        # any department officer of the district may be named, whoever configures
        self.fields["assignee"].queryset = User.objects.filter(
            role=Role.DEPARTMENT_OFFICER, is_active=True
        ).order_by("department__code", "username")
