"""Forms of the quarantine pages. Choices are narrowed to the user's scope; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.core.access import Role
from fugong.core.web.forms import KitForm

from .models import ContactMethod, ContactStatus, DeliveryMethod, Measure, RiskLevel, Transport

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONDITIONS = [
    ("high", _("来自高风险地区")),
    ("medium", _("来自中风险地区")),
    ("key", _("来自重点地区")),
    ("outside_city", _("来自市外")),
    ("any", _("其他所有返区人员")),
]


def ancestor_paths(path: str) -> list[str]:
    """'/a/b/c/' → ['/a/', '/a/b/', '/a/b/c/']: the areas whose staff cover a row at ``path``."""
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


class ReturneeForm(KitForm):
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=32)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    origin_province = forms.CharField(
        label=_("来源省份"), max_length=32, help_text=_("如：湖北省；市内返区填“重庆市”")
    )
    origin_city = forms.CharField(label=_("来源城市"), max_length=32, required=False)
    origin_district = forms.CharField(label=_("来源区县"), max_length=32, required=False)
    arrival_date = forms.DateField(label=_("抵达日期"), widget=DATE)
    transport = forms.ChoiceField(label=_("交通方式"), choices=Transport.choices)
    transport_detail = forms.CharField(label=_("车次/航班/车牌"), max_length=64, required=False)
    destination = forms.ModelChoiceField(label=_("目的社区"), queryset=None, required=False)
    destination_code = forms.CharField(
        label=_("其他社区的区划编码"),
        max_length=32,
        required=False,
        help_text=_("目的社区不在您的辖区时填写其区划编码（12位），提交后移交目的社区接收"),
    )
    address = forms.CharField(label=_("目的地址"), max_length=200)
    employer = forms.ModelChoiceField(label=_("工作单位"), queryset=None, required=False)

    def __init__(self, *args, employers=None, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
        self.fields["destination"].queryset = communities

    def clean(self):
        data = super().clean()
        code = (data.get("destination_code") or "").strip()
        if code:
            area = Area.objects.filter(code=code, kind="community").first()
            if area is None:
                self.add_error("destination_code", _("没有这个社区编码，请核对"))
            data["destination"] = area
        elif not data.get("destination"):
            self.add_error("destination", _("请选择目的社区"))
        return data


class DecisionForm(KitForm):
    measure = forms.ChoiceField(label=_("措施"), choices=Measure.choices)
    days = forms.IntegerField(label=_("天数"), min_value=0, max_value=60)
    reason = forms.CharField(
        label=_("调整理由"), max_length=200, help_text=_("人工调整必须说明理由，将记录在案")
    )


class ReasonForm(KitForm):
    reason = forms.CharField(label=_("理由"), max_length=200, required=False)


class OrderForm(KitForm):
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    responsible = forms.ModelChoiceField(label=_("责任网格员"), queryset=None, required=False)
    doctor = forms.ModelChoiceField(label=_("家庭医生"), queryset=None, required=False)

    def __init__(self, *args, area_path: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        active = User.objects.filter(is_active=True)
        self.fields["responsible"].queryset = active.filter(
            role=Role.COMMUNITY_WORKER, scope_path__startswith=area_path or "\0"
        )
        self.fields["doctor"].queryset = active.filter(
            role=Role.MEDIC, scope_path__in=ancestor_paths(area_path)
        )


class ChangeEndForm(KitForm):
    new_end = forms.DateField(label=_("新的解除日期"), widget=DATE)
    reason = forms.CharField(label=_("理由"), max_length=200)


class TransferForm(KitForm):
    hospital = forms.CharField(label=_("转送医院"), max_length=100)


class FollowUpForm(KitForm):
    method = forms.ChoiceField(label=_("联系方式"), choices=ContactMethod.choices, widget=forms.RadioSelect)
    status = forms.ChoiceField(label=_("联系结果"), choices=ContactStatus.choices, widget=forms.RadioSelect)
    temperature = forms.DecimalField(
        label=_("体温（℃）"),
        max_digits=3,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    symptoms = forms.CharField(
        label=_("症状"), max_length=200, required=False, help_text=_("如发热、咳嗽、乏力；无症状可不填")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class CheckInForm(KitForm):
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    room = forms.ModelChoiceField(label=_("房间"), queryset=None)
    checked_registration = forms.BooleanField(label=_("已登记"), required=False)
    checked_temperature = forms.BooleanField(label=_("已体温检测"), required=False)
    checked_health = forms.BooleanField(label=_("核酸/健康状况已核验"), required=False)

    def __init__(self, *args, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms


class SiteForm(KitForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    area = forms.ModelChoiceField(
        label=_("所在区域"), queryset=Area.objects.filter(kind__in=["street", "community"])
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    rooms = forms.CharField(  # a hotel's whole list of rooms: longer than the one-line default
        label=_("房间号"), max_length=5000, required=False, help_text=_("以空格或逗号分隔，如 101 102 103")
    )


class RiskAreaForm(KitForm):
    province = forms.CharField(label=_("省份"), max_length=32)
    city = forms.CharField(label=_("城市"), max_length=32, required=False)
    district = forms.CharField(label=_("区县"), max_length=32, required=False)
    level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    effective_to = forms.DateField(label=_("截止日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("依据"), max_length=200, required=False)


class RuleSetForm(KitForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    legal_basis = forms.CharField(label=_("法律与政策依据"), widget=forms.Textarea(attrs={"rows": 3}))
    appeal = forms.CharField(label=_("申诉渠道"), widget=forms.Textarea(attrs={"rows": 3}))
    rules = forms.CharField(
        label=_("规则（每行一条，按顺序）"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "格式：条件 措施 天数。条件 high/medium/key/outside_city/any，措施 centralized/home/monitoring，"
            "如“high centralized 7”"
        ),
    )

    def clean_rules(self):
        spec = []
        for line in self.cleaned_data["rules"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 3 or not parts[2].isdigit():
                raise ValidationError(_("第%(n)d条规则格式不正确") % {"n": len(spec) + 1})
            spec.append((parts[0], parts[1], int(parts[2])))
        return spec


# Release notices ---------------------------------------------------------------------------------


class DeliveryForm(KitForm):
    method = forms.ChoiceField(
        label=_("送达方式"),
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.HOME,
        widget=forms.RadioSelect,
    )
    with_doctor = forms.ModelChoiceField(
        label=_("同行家庭医生"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("社区工作人员和家庭医生一同入户送达时选择"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, doctors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if doctors is not None:
            self.fields["with_doctor"].queryset = doctors
            self.fields["with_doctor"].label_from_instance = lambda u: u.full_name or u.username


class NoticeFilterForm(KitForm):
    q = forms.CharField(label=_("姓名、身份证号或编号"), max_length=40, required=False)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("全部")),
            ("unissued", _("未签发")),
            ("undelivered", _("未送达")),
            ("delivered", _("已送达")),
        ],
    )
    since = forms.DateField(label=_("解除日期从"), required=False, widget=DATE)
    until = forms.DateField(label=_("至"), required=False, widget=DATE)


class NoticeFileForm(KitForm):
    file = forms.FileField(
        label=_("通知书 PDF 文件"), help_text=_("核对手中的电子文件与签发的原件是否完全一致")
    )
