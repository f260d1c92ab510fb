"""Forms of the filing pages: the filing in sections, its roster (staff rows, new people, xlsx),
the commitment, the review decision, bulk filing and the district's settings.

Forms only parse and check input; the services decide and write.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.core.validators import normalize_code, normalize_mobile, validate_id_number, validate_mobile
from fugong.core.web.forms import KitForm, KitModelForm
from fugong.core.xlsx import Column, RowError, read_rows
from fugong.enterprises.choices import Category

from ..choices import ConditionRule, HealthState, Mode
from ..models import Filing
from ..services import FILING_FIELDS

NOT_NEGATIVE = _("不能为负数")
ROSTER_INLINE_MAX = 150  # beyond this the roster is kept and changed by xlsx (the form's field limit)

SECTIONS = [
    (_("计划与方案"), ["planned_date", "prevention_plan"]),
    (_("防疫物资"), ["masks_stock", "masks_days", "disinfectant_kg", "disinfectant_days", "thermometers"]),
    (
        _("场所与措施"),
        ["ventilation", "has_isolation_room", "canteen_measures", "has_dormitory", "dormitory_measures"],
    ),
]


def check_planned_date(value: dt.date) -> dt.date:
    today = timezone.localdate()
    if value < today:
        raise ValidationError(_("计划复工日期不能早于今天"))
    if value > today + dt.timedelta(days=180):
        raise ValidationError(_("计划复工日期不能晚于半年之后"))
    return value


class FilingForm(KitModelForm):
    class Meta:
        model = Filing
        fields = FILING_FIELDS
        widgets = {
            "planned_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "prevention_plan": forms.Textarea(attrs={"rows": 4}),
            "canteen_measures": forms.Textarea(attrs={"rows": 2}),
            "dormitory_measures": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "planned_date": _("今天起半年以内"),
            "prevention_plan": _("体温检测、消毒通风、发现异常的处置流程等，审核时据此判断是否满足条件"),
            "masks_days": _("按返岗人数每人每天用量计算可用天数"),
            "disinfectant_days": _("按每日消毒频次计算可用天数"),
            "thermometers": _("体温计、额温枪、测温门等的数量"),
            "canteen_measures": _("错峰、分餐、隔板等；无食堂填“无食堂”"),
            "dormitory_measures": _("有宿舍时填写：控制居住密度、每日消毒等"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prevention_plan"].required = True
        for name in ("masks_stock", "masks_days", "disinfectant_kg", "disinfectant_days", "thermometers"):
            self.fields[name].min_value = 0
            self.fields[name].error_messages["min_value"] = NOT_NEGATIVE
            self.fields[name].widget.attrs["min"] = 0
            self.fields[name].widget.attrs["inputmode"] = (
                "decimal" if name == "disinfectant_kg" else "numeric"
            )

    def clean_planned_date(self):
        return check_planned_date(self.cleaned_data["planned_date"])

    def clean_disinfectant_kg(self):
        value = self.cleaned_data["disinfectant_kg"]
        if value is not None and value < 0:
            raise ValidationError(NOT_NEGATIVE)
        return value

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in FILING_FIELDS}


class FormSection:
    """A titled subset of a form's fields, renderable by ``_form_fields.html``."""

    non_field_errors = None

    def __init__(self, title, fields):
        self.title, self._fields = title, fields

    def visible_fields(self):
        return self._fields

    def hidden_fields(self):
        return []


def form_sections(form) -> list[FormSection]:
    return [FormSection(title, [form[n] for n in names]) for title, names in SECTIONS]


# --- the roster ------------------------------------------------------------------------------------

HEALTH_CHOICES = HealthState.choices


class StaffRowForm(KitForm):
    """A known staff member on the roster: only what changes is typed."""

    person_id = forms.IntegerField(widget=forms.HiddenInput)
    last14_location = forms.CharField(label=_("近14天所在地"), max_length=100, required=False)
    health_state = forms.ChoiceField(label=_("健康状况"), choices=HEALTH_CHOICES)
    is_local = forms.BooleanField(label=_("本地员工"), required=False)
    remove = forms.BooleanField(label=_("移出名单"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last14_location"].widget.attrs["placeholder"] = _("如：重庆市北碚区")

    def clean(self):
        data = super().clean()
        if not data.get("remove") and not (data.get("last14_location") or "").strip():
            self.add_error("last14_location", _("请填写近14天所在地"))
        return data


class NewRowForm(KitForm):
    """A person added by hand: found by ID number, created when new."""

    name = forms.CharField(label=_("姓名"), max_length=32, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=24, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    last14_location = forms.CharField(label=_("近14天所在地"), max_length=100, required=False)
    health_state = forms.ChoiceField(label=_("健康状况"), choices=HEALTH_CHOICES, required=False)
    is_local = forms.BooleanField(label=_("本地员工"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update(autocomplete="off", inputmode="text")
        self.fields["phone"].widget.attrs.update(inputmode="tel")

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any((data.get(k) or "").strip() for k in ("name", "id_number", "phone", "last14_location"))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        for name, message in (
            ("name", _("请填写姓名")),
            ("id_number", _("请填写身份证号")),
            ("phone", _("请填写手机号")),
            ("last14_location", _("请填写近14天所在地")),
        ):
            if not (data.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, message)
        if not data.get("health_state"):
            data["health_state"] = HealthState.HEALTHY
        return data

    def clean_id_number(self):
        value = normalize_code(self.cleaned_data["id_number"])
        if value:
            validate_id_number(value)
        return value

    def clean_phone(self):
        value = normalize_mobile(self.cleaned_data["phone"])
        if value:
            validate_mobile(value)
        return value


StaffFormSet = forms.formset_factory(StaffRowForm, extra=0, max_num=ROSTER_INLINE_MAX, validate_max=True)
NewFormSet = forms.formset_factory(NewRowForm, extra=3, max_num=50, validate_max=True)


class RosterUploadForm(KitForm):
    roster_file = forms.FileField(
        label=_("从 Excel 导入名单"),
        required=False,
        help_text=_("使用名单模板填写；身份证号相同的人员以表格为准"),
    )
    replace = forms.BooleanField(label=_("以表格替换现有名单（不勾选则合并）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roster_file"].widget.attrs["accept"] = ".xlsx"


HEALTH_LABELS = {str(label): value for value, label in HealthState.choices}
YES_NO = {"是": True, "否": False, "": True}
ROSTER_COLUMNS = [
    Column("name", "姓名", example="张三"),
    Column(
        "id_number",
        "身份证号",
        example="500109198501011234",
        note="18位公民身份号码，末位可为X；请将单元格设为文本",
    ),
    Column("phone", "手机号", example="13800000000", note="11位手机号码"),
    Column("last14_location", "近14天所在地", example="重庆市北碚区", note="近14天主要停留的省市区县"),
    Column("health_state", "健康状况", example="健康", note="健康 / 有发热或症状 / 隔离中"),
    Column("is_local", "本地员工", required=False, example="是", note="是 / 否，留空视为是"),
]
EXAMPLE_ID = "500109198501011234"


def roster_from_xlsx(upload) -> tuple[list[dict], list[RowError]]:
    """Rows of a roster workbook, each checked; ``(rows, errors)``. Raises SheetError for the file."""
    labels = {c.key: c.label for c in ROSTER_COLUMNS}
    rows, errors, seen = [], [], {}
    for number, raw in read_rows(upload, ROSTER_COLUMNS):
        if raw.get("id_number") == EXAMPLE_ID:
            continue  # the template's example row left in
        row_errors = _check_row(raw, number, labels)
        id_number = normalize_code(raw.get("id_number"))
        if not row_errors and id_number in seen:
            row_errors.append(
                RowError(number, labels["id_number"], f"与第 {seen[id_number]} 行的身份证号重复")
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        seen[id_number] = number
        rows.append(
            {
                "row": number,
                "name": raw["name"].strip(),
                "id_number": id_number,
                "phone": normalize_mobile(raw["phone"]),
                "last14_location": raw["last14_location"].strip(),
                "health_state": HEALTH_LABELS[raw["health_state"].strip()],
                "is_local": YES_NO[raw.get("is_local", "").strip()],
            }
        )
    return rows, errors


def _check_row(raw: dict, number: int, labels: dict) -> list[RowError]:
    errors = []
    for key in ("name", "id_number", "phone", "last14_location", "health_state"):
        if not (raw.get(key) or "").strip():
            errors.append(RowError(number, labels[key], "必填，不能为空"))
    for key, check, normalize in (
        ("id_number", validate_id_number, normalize_code),
        ("phone", validate_mobile, normalize_mobile),
    ):
        value = normalize(raw.get(key))
        if value:
            try:
                check(value)
            except ValidationError as exc:
                errors.append(RowError(number, labels[key], exc.messages[0]))
    if len((raw.get("name") or "").strip()) > 32:
        errors.append(RowError(number, labels["name"], "不超过32个字"))
    if len((raw.get("last14_location") or "").strip()) > 100:
        errors.append(RowError(number, labels["last14_location"], "不超过100个字"))
    health = (raw.get("health_state") or "").strip()
    if health and health not in HEALTH_LABELS:
        errors.append(RowError(number, labels["health_state"], "应为 健康 / 有发热或症状 / 隔离中"))
    if (raw.get("is_local") or "").strip() not in YES_NO:
        errors.append(RowError(number, labels["is_local"], "应为 是 或 否"))
    return errors


# --- commitment, review, bulk filing ------------------------------------------------------------------


class SubmitForm(KitForm):
    signatory_name = forms.CharField(label=_("承诺人（法定代表人或授权人）姓名"), max_length=32)
    accept = forms.BooleanField(
        label=_("本人已阅读上述承诺书，代表本企业作出承诺"),
        error_messages={"required": _("请阅读承诺书并勾选确认后再提交")},
    )
    commitment_version = forms.CharField(widget=forms.HiddenInput)


DECISION_CHOICES = [("approve", _("审核通过")), ("return", _("退回修改")), ("reject", _("不予复工"))]


class DecisionForm(KitForm):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=DECISION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择审核结果")},
    )
    reason = forms.CharField(
        label=_("审核意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写审核意见")},
        help_text=_("通过、退回或不予复工都须写明理由，企业可见"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class BulkFilingForm(KitForm):
    enterprises = forms.ModelMultipleChoiceField(
        queryset=None, label=_("商户"), error_messages={"required": _("请至少选择一户")}
    )
    note = forms.CharField(
        label=_("备注"), max_length=150, required=False, help_text=_("如：已上门核实防控措施")
    )
    confirm = forms.BooleanField(
        label=_("已逐户核实上述商户的防控措施，由社区代为备案"), error_messages={"required": _("请勾选确认")}
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprises"].queryset = candidates
        self.fields["enterprises"].error_messages["invalid_choice"] = _("所选商户不在可代为备案的范围内")
        self.fields["enterprises"].error_messages["invalid_pk_value"] = _("所选商户不在可代为备案的范围内")


# --- the district's settings ------------------------------------------------------------------------


class PolicyForm(KitForm):
    mode = forms.ChoiceField(label=_("复工方式"), choices=Mode.choices)
    review_working_days = forms.IntegerField(
        label=_("审核时限（工作日）"),
        min_value=1,
        max_value=15,
        error_messages={"min_value": _("至少1个工作日"), "max_value": _("不超过15个工作日")},
    )


class ConditionAddForm(KitForm):
    code = forms.SlugField(
        label=_("编码"),
        max_length=32,
        help_text=_("与已有条件相同的编码即为该条件的新版本；新条件请用新编码（字母、数字）"),
    )
    title = forms.CharField(label=_("条件"), max_length=100)
    rule = forms.ChoiceField(label=_("检查方式"), choices=ConditionRule.choices)
    threshold = forms.IntegerField(
        label=_("数量要求"), min_value=0, required=False, help_text=_("储备天数、体温计数量等检查方式需要")
    )
    categories = forms.MultipleChoiceField(
        label=_("适用类别"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示适用全部类别"),
    )
    legal_basis = forms.CharField(label=_("依据"), max_length=200, required=False)
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        needs = {ConditionRule.MASK_DAYS, ConditionRule.DISINFECTANT_DAYS, ConditionRule.THERMOMETERS}
        if data.get("rule") in needs and data.get("threshold") is None:
            self.add_error("threshold", _("该检查方式须填写数量要求"))
        return data


class ConditionEndForm(KitForm):
    condition_id = forms.IntegerField(widget=forms.HiddenInput)
    effective_to = forms.DateField(label=_("失效日期"), widget=forms.DateInput(attrs={"type": "date"}))


class CommitmentForm(KitForm):
    version = forms.CharField(label=_("版本号"), max_length=16, help_text=_("如 2020-2"))
    text = forms.CharField(label=_("承诺书内容"), widget=forms.Textarea(attrs={"rows": 10}))
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
