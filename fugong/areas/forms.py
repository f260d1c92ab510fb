from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fugong.core.web.forms import KitForm

from .choices import GroupKind, MemberDuty
from .models import Area, Department


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{'　' * obj.depth}{obj.name}（{obj.code}）"


class AreaSearchForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("名称或区划编码"), "class": "form-control"}),
    )


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("区划 xlsx 文件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


class GroupSearchForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("工作组、区域或职责"), "class": "form-control"}),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        required=False,
        choices=[("", _("全部类型")), *GroupKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class GroupForm(KitForm):
    """Its area and department dropdowns hold only what the user may see (the kit narrows them)."""

    error_field = "name"
    name = forms.CharField(label=_("工作组名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=GroupKind.choices)
    area = AreaChoiceField(
        label=_("负责区域"),
        queryset=Area.objects.order_by("path"),
        help_text=_("只能选择您管辖范围内的区域；工作组覆盖该区域及其下级"),
    )
    department = forms.ModelChoiceField(
        label=_("牵头部门"), queryset=Department.objects.order_by("code"), required=False
    )
    note = forms.CharField(
        label=_("职责说明"), max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MemberAddForm(KitForm):
    error_field = "username"

    username = forms.CharField(
        label=_("成员用户名"),
        max_length=150,
        help_text=_("填写要加入的用户的用户名，只能添加您管辖范围内的用户"),
    )
    duty = forms.ChoiceField(label=_("职务"), choices=MemberDuty.choices, initial=MemberDuty.MEMBER)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = (
            get_user_model().objects.visible_to(self.user).filter(username=username, is_active=True).first()
        )
        if user is None:
            raise ValidationError(_("用户“%(name)s”不存在或不在您的管辖范围内") % {"name": username})
        self.cleaned_data["user"] = user
        return username
