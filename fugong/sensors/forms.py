"""Forms of the sensor pages: parse and narrow choices to the user's scope; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DeviceKind, Outcome


class DeviceForm(forms.Form):
    device_id = forms.CharField(
        label=_("设备编号"),
        max_length=64,
        help_text=_("设备机身或包装上的编号，例如 MC-20200214-001"),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label=_("设备类型"), choices=DeviceKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    area = forms.ModelChoiceField(
        label=_("所属区域"),
        queryset=None,
        required=False,
        empty_label=_("本人管辖区域"),
        help_text=_("设备只能绑定该区域内的居家隔离户"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("备注"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class _OrderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person.name} · {obj.returnee.address} · {obj.start_date:%m-%d}起"


class BindForm(forms.Form):
    device = forms.ModelChoiceField(
        label=_("设备"),
        queryset=None,
        empty_label=_("请选择空闲设备"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    order = _OrderChoice(
        label=_("居家隔离户"),
        queryset=None,
        empty_label=_("请选择正在居家隔离的人员"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, devices, orders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices
        self.fields["order"].queryset = orders


class CloseForm(forms.Form):
    """Rendered once per alert card, so without ids (``auto_id=False`` by default here)."""

    outcome = forms.ChoiceField(
        label=_("处置结果"),
        choices=[("", _("请选择处置结果")), *Outcome.choices],
        widget=forms.Select(attrs={"class": "form-select", "aria-label": _("处置结果")}),
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "placeholder": _("说明（联系不上时必填）"),
                "aria-label": _("说明"),
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)
