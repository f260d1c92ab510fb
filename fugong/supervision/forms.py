"""Forms of the supervision pages. The inspection form is built from the checklist in force."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.core.web.forms import KitForm
from fugong.enterprises.choices import Category

from .choices import ItemResult, Step, ViolationStatus

FINDING_ROWS = 3


DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control form-control-lg"})


class InspectionForm(KitForm):
    date = forms.DateField(label=_("检查日期"), widget=DATE)
    note = forms.CharField(
        label=_("检查情况（选填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def __init__(self, *args, checklist, open_findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        self.fields["date"].initial = timezone.localdate()
        for item in checklist:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.title,
                choices=ItemResult.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择 符合 / 不符合 / 不适用")},
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("说明"), required=False, max_length=200)
        for n in range(FINDING_ROWS):
            self.fields[f"finding_{n}"] = forms.CharField(label=_("问题"), required=False, max_length=300)
            self.fields[f"deadline_{n}"] = forms.DateField(label=_("整改期限"), required=False, widget=DATE)
        if open_findings:
            self.fields["rectified"] = forms.MultipleChoiceField(
                label=_("复查确认已整改的问题"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(f.pk, f"{f.description}（期限 {f.deadline:%Y-%m-%d}）") for f in open_findings],
            )

    def item_rows(self):
        return [(item, self[f"item_{item.pk}"], self[f"note_{item.pk}"]) for item in self.checklist]

    def finding_rows(self):
        return [(self[f"finding_{n}"], self[f"deadline_{n}"]) for n in range(FINDING_ROWS)]

    def service_input(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "note": data["note"],
            "items": [
                {"item_id": i.pk, "result": data[f"item_{i.pk}"], "note": data[f"note_{i.pk}"]}
                for i in self.checklist
            ],
            "findings": [
                {"description": data[f"finding_{n}"], "deadline": data[f"deadline_{n}"]}
                for n in range(FINDING_ROWS)
            ],
            "rectified": [int(pk) for pk in data.get("rectified", [])],
        }


class InspectionFilterForm(KitForm):
    area = forms.ChoiceField(label=_("区域"), required=False)
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    outcome = forms.ChoiceField(
        label=_("检查结果"),
        required=False,
        choices=[("", _("全部")), ("findings", _("发现问题")), ("clear", _("无异常"))],
    )
    overdue = forms.BooleanField(label=_("有逾期未整改问题"), required=False)

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部区域")), *area_choices]


class ViolationForm(KitForm):
    description = forms.CharField(
        label=_("违规情形"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    finding = forms.TypedChoiceField(
        label=_("对应问题（选填）"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].choices = [("", "—"), *[(f.pk, f.description) for f in findings]]
        self.fields["finding"].widget.attrs["class"] = "form-select"


class DecisionForm(KitForm):
    step = forms.ChoiceField(label=_("处理决定"), choices=Step.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("理由（与系统建议不同时必填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(KitForm):
    reason = forms.CharField(
        label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ApproveForm(KitForm):
    decision = forms.ChoiceField(
        label=_("确认意见"),
        widget=forms.RadioSelect,
        initial="approve",
        choices=[("approve", _("同意")), ("reject", _("不同意"))],
    )
    reason = forms.CharField(
        label=_("意见（不同意时必填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class StatementForm(KitForm):
    text = forms.CharField(
        label=_("陈述内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class CoverageFilterForm(KitForm):
    area = forms.ChoiceField(label=_("区域"), required=False)
    category = forms.ChoiceField(label=_("企业类别"), required=False)
    which = forms.ChoiceField(
        label=_("名单"),
        required=False,
        choices=[("none", _("无人负责的企业")), ("gap", _("缺少应有覆盖的企业"))],
    )

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部区域")), *area_choices]
        self.fields["category"].choices = [("", _("全部类别")), *Category.choices]


class ViolationFilterForm(KitForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *ViolationStatus.choices]
    )
    area = forms.ChoiceField(label=_("区域"), required=False)

    def __init__(self, *args, area_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部区域")), *area_choices]


class WindowForm(KitForm):
    window_days = forms.IntegerField(label=_("违规累计期限（天）"), min_value=1, max_value=3650)


class ChecklistItemForm(KitForm):
    code = forms.SlugField(
        label=_("编码"), max_length=32, help_text=_("同一编码再次添加即为该检查项的新版本")
    )
    title = forms.CharField(label=_("检查项"), max_length=100)
    effective_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
