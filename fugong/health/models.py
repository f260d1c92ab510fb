from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.models import TimeStampedModel, pattern_index
from fugong.core.scoping import ScopedManager, subtree_q
from fugong.core.validators import validate_id_number, validate_mobile

from .policies import OWNERS


class Person(TimeStampedModel):
    """One person, one record (一人一档), found by the ID number.

    The ID number is stored whole so that lookup works; lists, the API and exports show it masked.
    Staff rosters of resumption filings, check-ins and quarantines all point here.
    """

    id_number = models.CharField(
        _("身份证号"),
        max_length=18,
        unique=True,
        validators=[validate_id_number],
        error_messages={"unique": _("该身份证号已登记")},
    )
    name = models.CharField(_("姓名"), max_length=32)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, validators=[validate_mobile])
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("居住社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    area_path = models.CharField(max_length=255, blank=True, editable=False)
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    # A merged duplicate stays as a tombstone pointing at the surviving record, never deleted.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("合并人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("合并时间"), null=True, blank=True)
    merge_reason = models.CharField(_("合并原因"), max_length=200, blank=True)

    objects = ScopedManager()
    area_path_source = "area"
    PERSONAL_FIELDS = {"id_number": "id_number", "phone": "phone"}

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [pattern_index("area_path", "person_area_path_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")), name="person_not_merged_into_self"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    def save(self, *args, **kwargs):
        self.area_path = self.area.path if self.area_id else ""
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, user, action):
        """The person policy (health.policies): "view" is the union of the home community chain
        (the file) and an active employment at an enterprise one sees (the staff view, rendered
        with less); "change" is the home chain's street and community officers only."""
        from .policies import PERSON

        return PERSON.scope_filter(user, action, cls)


class Employment(models.Model):
    """A person on an enterprise's staff list: the roster typed once and reused everywhere."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="employments"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="employments"
    )
    is_local = models.BooleanField(_("本地员工"), default=True)
    is_active = models.BooleanField(_("在册"), default=True)
    since = models.DateField(_("登记日期"), auto_now_add=True)

    class Meta:
        verbose_name = _("员工名册")
        verbose_name_plural = _("员工名册")
        constraints = [models.UniqueConstraint(fields=["person", "enterprise"], name="employment_unique")]
        indexes = [models.Index(fields=["enterprise", "is_active"], name="employment_active_idx")]

    def __str__(self):
        return f"{self.person} @ {self.enterprise}"


# Roles whose area grant owns the files of the residents under it (register, correct, review): the
# policy's CHANGE grant (health.policies.OWNERS), one definition.
OWNING_ROLES = OWNERS


class DiscrepancySource(models.TextChoices):
    PERSON_CREATE = "person_create", _("登记人员")
    PERSON_IMPORT = "person_import", _("批量导入人员")
    RETURNEE = "returnee", _("返区人员登记")
    ROSTER = "roster", _("复工备案名单")


class DiscrepancyStatus(models.TextChoices):
    OPEN = "open", _("待核实")
    RESOLVED = "resolved", _("已处理")
    REJECTED = "rejected", _("非同一人")


class DiscrepancyResolution(models.TextChoices):
    ACCEPT = "accept", _("采用登记的姓名和手机号")
    KEEP = "keep", _("保留档案信息")
    DIFFERENT = "different", _("非同一人（请登记方核实身份证号）")


class PersonDiscrepancy(models.Model):
    """Somebody outside the person's home chain typed this ID number (登记核实).

    The registrant was answered with what they typed only; the owning community chain sees both
    versions here and decides: take the typed name and phone, keep the file, or say it is not the
    same person (the registrant's record then says 请核实身份证号).
    """

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="discrepancies"
    )
    area_path = models.CharField(max_length=255, blank=True, editable=False)
    source = models.CharField(_("来源"), max_length=16, choices=DiscrepancySource.choices)
    typed_id_number = models.CharField(_("填写的身份证号"), max_length=18)
    typed_name = models.CharField(_("填写的姓名"), max_length=32)
    typed_phone = models.CharField(_("填写的手机号"), max_length=20, blank=True)
    typed_area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("填写的居住社区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    typed_address = models.CharField(_("填写的地址"), max_length=200, blank=True)
    name_differs = models.BooleanField(_("姓名不一致"), default=False)
    phone_differs = models.BooleanField(_("手机号不一致"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DiscrepancyStatus.choices, default=DiscrepancyStatus.OPEN
    )
    resolution = models.CharField(
        _("处理结果"), max_length=12, choices=DiscrepancyResolution.choices, blank=True
    )
    note = models.CharField(_("处理说明"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = ScopedManager()
    area_path_source = "person"  # follows the person when the owning community moves them

    class Meta:
        verbose_name = _("登记核实")
        verbose_name_plural = _("登记核实")
        ordering = ["-created_at", "-pk"]
        indexes = [
            pattern_index("area_path", "discrepancy_area_path_idx"),
            models.Index(fields=["status", "area_path"], name="discrepancy_status_idx"),
        ]

    def __str__(self):
        return f"{self.typed_name}（{self.get_source_display()}）"

    def save(self, *args, **kwargs):
        if not self.pk:
            self.area_path = self.person.area_path
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, user, action):
        """The person's owning community chain only: neither the registrant nor an employer."""
        if user.is_sysadmin:
            return Q()
        if user.role in OWNING_ROLES:
            return subtree_q(user.area_scope_path)
        return None
