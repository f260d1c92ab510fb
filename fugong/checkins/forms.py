from django import forms
from django.utils.translation import gettext_lazy as _

from fugong.core.validators import validate_id_number
from fugong.core.web.forms import KitForm

from .choices import SpotResult, Symptom


class IdentifyForm(KitForm):
    name = forms.CharField(label=_("姓名"), max_length=32)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        validators=[validate_id_number],
        help_text=_("只用于核对员工名单，本机不保存身份证号"),
    )

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class CheckinForm(KitForm):
    key = forms.UUIDField(widget=forms.HiddenInput)
    temperature = forms.CharField(
        label=_("体温（℃）"),
        max_length=5,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "placeholder": "36.5", "class": "form-control"}
        ),
    )
    symptom = forms.ChoiceField(
        label=_("症状"), choices=Symptom.choices, initial=Symptom.NONE, widget=forms.RadioSelect
    )
    risk_contact = forms.TypedChoiceField(
        label=_("近 14 天是否离开本市或接触过风险地区人员"),
        choices=[("0", _("否")), ("1", _("是"))],
        initial="0",
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    whereabouts = forms.CharField(
        label=_("今日去向"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：公司、家"), "class": "form-control"}),
    )


class ProxyCheckinForm(IdentifyForm, CheckinForm):
    pass


class AcknowledgeForm(forms.Form):
    outcome = forms.CharField(label=_("处置结果"), max_length=200)


class SpotCheckForm(forms.Form):
    result = forms.ChoiceField(label=_("抽查结果"), choices=[c for c in SpotResult.choices if c[0]])
    note = forms.CharField(label=_("抽查说明"), max_length=200, required=False)
