"""The enterprise form: the same validation for the page, the API and (field by field) the import."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.core.access import COMMUNITY_CATEGORIES, ENTERPRISE_ASSIGN, Role
from fugong.core.validators import normalize_code, normalize_mobile
from fugong.core.web.forms import KitModelForm

from .choices import Category
from .models import Enterprise
from .selectors import credit_code_conflict

BASE_FIELDS = [
    "credit_code",
    "name",
    "legal_rep_name",
    "legal_rep_phone",
    "contact_name",
    "contact_phone",
    "area",
    "address",
    "category",
    "industry",
    "headcount",
    "local_headcount",
    "is_emergency_supply",
    "is_key_industry",
]
ASSIGN_FIELDS = ["commissioner", "paired_leader", "medic", "working_group"]
# What an enterprise admin may correct about their own enterprise.
SELF_FIELDS = [
    "legal_rep_name",
    "legal_rep_phone",
    "contact_name",
    "contact_phone",
    "address",
    "headcount",
    "local_headcount",
]


# The sections of the enterprise page and form, in order.
SECTIONS = [
    (_("基本信息"), ["credit_code", "name", "area", "address", "category", "industry"]),
    (_("法定代表人与联系人"), ["legal_rep_name", "legal_rep_phone", "contact_name", "contact_phone"]),
    (_("规模与标识"), ["headcount", "local_headcount", "is_emergency_supply", "is_key_industry"]),
    (_("包保责任"), ["commissioner", "paired_leader", "medic", "working_group"]),
]


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
    sections = [FormSection(title, [form[n] for n in names if n in form.fields]) for title, names in SECTIONS]
    return [s for s in sections if s.visible_fields()]


def fields_for(user, instance: Enterprise | None = None) -> list[str]:
    if user.role == Role.ENTERPRISE_ADMIN:
        return SELF_FIELDS
    return BASE_FIELDS + (ASSIGN_FIELDS if user.can(ENTERPRISE_ASSIGN) else [])


def _same_branch(user, role: str):
    """Staff of ``role`` whose scope lies on the user's branch of the tree (above or below)."""
    qs = User.objects.filter(role=role, is_active=True)
    if user.is_sysadmin:
        return qs
    path = user.scope_path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/" and i > 0]
    return qs.filter(Q(scope_path__startswith=path) | Q(scope_path__in=prefixes))


class EnterpriseForm(KitModelForm):
    """``user=`` narrows the area and working-group choices (KitModelForm); staff choices follow the
    user's branch of the tree."""

    class Meta:
        model = Enterprise
        fields = BASE_FIELDS + ASSIGN_FIELDS
        help_texts = {
            "credit_code": _("18位，营业执照上的统一社会信用代码"),
            "local_headcount": _("户籍或常住在本区的职工人数，不超过职工总数"),
            "area": _("企业所在的社区或村"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        allowed = fields_for(user, self.instance)
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]
        if "area" in self.fields:
            self.fields["area"].queryset = self.fields["area"].queryset.order_by("path")
        if "category" in self.fields and user.role == Role.COMMUNITY_WORKER:
            self.fields["category"].choices = [c for c in Category.choices if c[0] in COMMUNITY_CATEGORIES]
        if "commissioner" in self.fields:
            self.fields["commissioner"].queryset = _same_branch(user, Role.COMMISSIONER)
            self.fields["paired_leader"].queryset = User.objects.filter(
                role=Role.DISTRICT_LEADER, is_active=True
            )
            self.fields["medic"].queryset = _same_branch(user, Role.MEDIC)

    def clean_credit_code(self):
        code = normalize_code(self.cleaned_data["credit_code"])
        conflict = credit_code_conflict(user=self.user, code=code, exclude_pk=self.instance.pk)
        if conflict:
            raise ValidationError(conflict, code="unique")
        return code

    def validate_unique(self):
        # The credit code's uniqueness is answered by clean_credit_code, in words that depend on
        # what the user may see; the model's own message would confirm a registration anywhere.
        exclude = self._get_validation_exclusions() | {"credit_code"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)

    def clean_legal_rep_phone(self):
        return normalize_mobile(self.cleaned_data["legal_rep_phone"])

    def clean_contact_phone(self):
        return normalize_mobile(self.cleaned_data.get("contact_phone", ""))

    def clean(self):
        data = super().clean()
        headcount, local = data.get("headcount"), data.get("local_headcount")
        if headcount is not None and local is not None and local > headcount:
            self.add_error("local_headcount", _("本地职工数不能超过职工总数"))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}
