"""Forms of the notice pages; the services re-check everything they are given."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.enterprises.choices import Category

from .targets import allowed_categories, target_areas


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * obj.depth + obj.name


class NoticeForm(forms.Form):
    title = forms.CharField(
        label=_("标题"), max_length=120, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    body = forms.CharField(
        label=_("正文"),
        max_length=20000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10}),
        help_text=_("纯文本，换行会保留"),
    )
    target_area = AreaChoiceField(
        label=_("发送范围"),
        queryset=None,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_("发送给该区域（含下级区域）内、您管辖范围内的企业"),
        error_messages={"invalid_choice": _("发送范围不在您的管辖范围内"), "required": _("请选择发送范围")},
    )
    categories = forms.MultipleChoiceField(
        label=_("企业类别"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则发送给范围内全部类别"),
        error_messages={"invalid_choice": _("企业类别「%(value)s」不在您的主管范围内")},
    )
    target_emergency = forms.BooleanField(label=_("仅发送给应急保供企业"), required=False)
    target_key_industry = forms.BooleanField(label=_("仅发送给重点产业企业"), required=False)
    attachments = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("可多选；PDF、Word（docx）、Excel（xlsx）、JPG、PNG，单个文件不超过 10 MB"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_area"].queryset = target_areas(user)
        allowed = set(allowed_categories(user))
        self.fields["categories"].choices = [(v, label) for v, label in Category.choices if v in allowed]

    @staticmethod
    def initial_from(notice) -> dict:
        return {
            "title": notice.title,
            "body": notice.body,
            "target_area": notice.target_area_id,
            "categories": notice.target_categories,
            "target_emergency": notice.target_emergency,
            "target_key_industry": notice.target_key_industry,
        }


class PublishForm(forms.Form):
    expected_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(
        label=_("我已核对发送范围和收件企业数"), error_messages={"required": _("请勾选确认后再发布")}
    )


class RemindForm(forms.Form):
    only_unread = forms.BooleanField(required=False, label=_("只提醒未读的企业"))
