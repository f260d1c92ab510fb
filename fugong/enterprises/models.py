from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fugong.core.models import TimeStampedModel, pattern_index
from fugong.core.policies import PolicyScoped
from fugong.core.scoping import ScopedManager
from fugong.core.validators import validate_credit_code, validate_mobile

from .choices import Category, Industry
from .policies import ENTERPRISE


class Enterprise(PolicyScoped, TimeStampedModel):
    """A market entity (市场主体), keyed on its unified social credit code.

    Everything the platform knows about an enterprise hangs here once; filings, reports and
    check-ins pre-fill from it.
    """

    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("该统一社会信用代码已登记，请勿重复录入")},
    )
    name = models.CharField(_("企业名称"), max_length=100)
    legal_rep_name = models.CharField(_("法定代表人"), max_length=32)
    legal_rep_phone = models.CharField(_("法定代表人电话"), max_length=20, validators=[validate_mobile])
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系人电话"), max_length=20, blank=True, validators=[validate_mobile])
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="enterprises"
    )
    area_path = models.CharField(max_length=255, editable=False)
    address = models.CharField(_("地址"), max_length=200)
    category = models.CharField(_("企业类别"), max_length=16, choices=Category.choices)
    industry = models.CharField(_("行业门类"), max_length=2, choices=Industry.choices)
    headcount = models.PositiveIntegerField(_("职工总数"))
    local_headcount = models.PositiveIntegerField(_("本地职工数"))
    is_emergency_supply = models.BooleanField(_("应急保供企业"), default=False)
    is_key_industry = models.BooleanField(_("重点产业企业"), default=False)
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("驻企服务专员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="served_enterprises",
    )
    paired_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系区领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="paired_enterprises",
    )
    medic = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包企医护人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="medic_enterprises",
    )
    working_group = models.ForeignKey(
        "areas.WorkingGroup",
        verbose_name=_("工作组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )

    objects = ScopedManager()
    policy = ENTERPRISE  # who reaches it, for which action (enterprises/policies.py)
    area_path_source = "area"
    PERSONAL_FIELDS = {"legal_rep_phone": "phone", "contact_phone": "phone"}
    AUDIT_FIELDS = [
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
        "commissioner",
        "paired_leader",
        "medic",
        "working_group",
    ]

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["area_path", "name"]
        indexes = [
            pattern_index("area_path", "enterprise_area_path_idx"),
            models.Index(fields=["category", "area_path"], name="enterprise_category_idx"),
            models.Index(fields=["name"], name="enterprise_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_headcount__lte=F("headcount")), name="enterprise_local_le_headcount"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)
