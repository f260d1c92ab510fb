from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Department
from fugong.core.access import Role, ScopeKind, scope_kind
from fugong.core.throttle import client_key
from fugong.core.validators import normalize_mobile, validate_mobile
from fugong.core.web.forms import KitForm

from . import selectors
from .models import User
from .services import LoginError, LoginThrottled, login_attempt, validate_new_password


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        self.throttled = 0  # seconds to wait, when the attempt was refused unjudged
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.user = login_attempt(
                username=data["username"],
                password=data["password"],
                client=client_key(self.request),
                request=self.request,
            )
        except LoginThrottled as exc:
            self.throttled = exc.seconds
            raise forms.ValidationError(exc.message) from None
        except LoginError as exc:
            raise forms.ValidationError(exc.message) from None
        return data


class PasswordChangeForm(KitForm):
    error_field = "new_password"

    old_password = forms.CharField(label=_("原密码"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=password_validators_help_text_html(),
    )
    confirm_password = forms.CharField(label=_("确认新密码"), strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", _("两次输入的新密码不一致"))
        return data


class UserSearchForm(KitForm):
    q = forms.CharField(
        label=_("搜索"), required=False, widget=forms.TextInput(attrs={"placeholder": _("用户名或姓名")})
    )
    role = forms.ChoiceField(label=_("角色"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *selectors.UserStatus.choices]
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["role"].choices = [("", _("全部角色")), *selectors.grantable_roles(actor=user)]


SCOPE_HELP = _(
    "区划类角色填写区划编码（如 500109001001）；企业管理员、员工填写所属企业的统一社会信用代码；"
    "系统管理员不填。只能填写您管辖范围内的编码。"
)
USERNAME_VALIDATOR = RegexValidator(r"^[\w.@+-]+\Z", _("用户名只能包含字母、数字和 @ . + - _"))


class UserForm(KitForm):
    """Profile, role and scope of an account, shared by create and edit (and the API's users)."""

    full_name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.CharField(
        label=_("手机号"), max_length=20, required=False, help_text=_("用于联系和找回密码，列表中脱敏显示")
    )
    role = forms.ChoiceField(label=_("角色"))
    scope_code = forms.CharField(label=_("管辖范围编码"), max_length=32, required=False, help_text=SCOPE_HELP)
    department = forms.ModelChoiceField(
        label=_("所属部门"),
        queryset=Department.objects.all(),  # narrowed to the actor's by user=
        required=False,
        help_text=_("部门人员必填：决定其可查看的企业类别"),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.actor = user
        roles = selectors.grantable_roles(actor=user)
        self.fields["role"].choices = [("", "——"), *roles]
        if any(value == Role.DEPARTMENT_OFFICER for value, _label in roles):
            self.fields["department"].empty_label = "——"
        else:  # only matters for department officers, whom this actor cannot grant
            del self.fields["department"]
        self.fields["scope_code"].widget.attrs.update({"list": "fg-scope-codes", "inputmode": "text"})

    def clean_phone(self):
        phone = normalize_mobile(self.cleaned_data.get("phone", ""))
        if phone:
            validate_mobile(phone)
        return phone

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if not role:
            return data
        data["scope_area"], data["scope_enterprise"] = self._resolve_scope(role, data.get("scope_code", ""))
        if role == Role.DEPARTMENT_OFFICER and not data.get("department"):
            self.add_error("department", _("部门人员必须选择所属部门"))
        if role != Role.DEPARTMENT_OFFICER:
            data["department"] = None
        return data

    def _resolve_scope(self, role: str, code: str):
        kind = scope_kind(role)
        if kind == ScopeKind.NONE:
            if code:
                self.add_error("scope_code", _("系统管理员不设管辖范围，请清空此项"))
            return None, None
        if not code:
            self.add_error("scope_code", _("请填写管辖范围编码"))
            return None, None
        if kind == ScopeKind.ENTERPRISE:
            enterprise = selectors.scope_enterprise_by_code(actor=self.actor, code=code)
            if enterprise is None:
                self.add_error(
                    "scope_code",
                    _("统一社会信用代码“%(code)s”对应的企业不存在或不在您的管辖范围内") % {"code": code},
                )
            return None, enterprise
        area = selectors.scope_area_by_code(actor=self.actor, code=code)
        if area is None:
            self.add_error("scope_code", _("区划编码“%(code)s”不存在或不在您的管辖范围内") % {"code": code})
        return area, None

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "phone": data["phone"],
            "role": data["role"],
            "scope_area": data["scope_area"],
            "scope_enterprise": data["scope_enterprise"],
            "department": data.get("department"),
        }


SERVICE_FIELD_MAP = {"scope_area": "scope_code", "scope_enterprise": "scope_code"}


def on_scope_code(exc: ValidationError) -> ValidationError:
    """A service names the scope by the model's fields; the form (and the API) by its code."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors: dict[str, list] = {}
    for name, messages in exc.message_dict.items():
        errors.setdefault(SERVICE_FIELD_MAP.get(name, name), []).extend(messages)
    return ValidationError(errors)


class UserCreateForm(UserForm):
    error_field = "password"
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[USERNAME_VALIDATOR],
        help_text=_("登录用，建议用手机号或姓名拼音"),
    )
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    confirm_password = forms.CharField(
        label=_("确认初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "full_name",
        "phone",
        "role",
        "scope_code",
        "department",
        "password",
        "confirm_password",
    ]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username=username).exists():
            raise ValidationError(_("该用户名已被使用"))
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password and password != data.get("confirm_password"):
            self.add_error("confirm_password", _("两次输入的密码不一致"))
        elif password:
            probe = User(username=data.get("username", ""), full_name=data.get("full_name", ""))
            try:
                validate_new_password(password, probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "username": self.cleaned_data["username"],
            "password": self.cleaned_data["password"],
        }


class UserEditForm(UserForm):
    error_field = "scope_code"

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {
            "full_name": user.full_name,
            "phone": user.phone,
            "role": user.role,
            "scope_code": selectors.scope_code_of(user),
            "department": user.department_id,
        }

    def changes(self, user: User) -> dict:
        """Only what differs, so an unchanged role is not re-granted by mistake."""
        return {k: v for k, v in self.service_kwargs().items() if getattr(user, k) != v}


class PasswordResetForm(KitForm):
    error_field = "password"

    password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    confirm_password = forms.CharField(
        label=_("确认新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("confirm_password"):
            self.add_error("confirm_password", _("两次输入的密码不一致"))
        return data
