"""Supervision: the district's checklist, inspections with findings and photos, violations with the
three-step escalation, and the dishonesty list (不诚信企业名单).

Every row belonging to an enterprise copies its ``area_path`` and is visible exactly when the
enterprise is; acting on it is narrower (``policies``: the capability and the right relation to the
enterprise). The enterprise admin sees its own.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.models import pattern_index
from fugong.core.scoping import ScopedManager

from . import policies
from .choices import LIVE_LISTING, FindingStatus, ItemResult, ListingStatus, Step, ViolationStatus


class ChecklistItem(models.Model):
    """A checklist item kept by the district, in force from a date (dated versions per code)."""

    code = models.CharField(_("编码"), max_length=32)
    title = models.CharField(_("检查项"), max_length=100)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="checklist_version_unique")
        ]

    def __str__(self):
        return self.title


class EscalationPolicy(models.Model):
    """The district's window for counting an enterprise's violations (one row)."""

    window_days = models.PositiveSmallIntegerField(
        _("违规累计期限（天）"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("在此天数内的违规次数决定建议的处理步骤"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("违规处理设置")
        verbose_name_plural = _("违规处理设置")

    def __str__(self):
        return str(self.window_days)


class Inspection(models.Model):
    """One inspection of an enterprise; with no findings it is a complete "无异常" inspection."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="inspections"
    )
    area_path = models.CharField(max_length=255, editable=False)
    date = models.DateField(_("检查日期"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人"), on_delete=models.PROTECT, related_name="+"
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("复查的检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
    )
    note = models.TextField(_("检查情况"), blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedManager()
    area_path_source = "enterprise"
    AUDIT_FIELDS = ["enterprise", "date", "inspector", "follows", "note"]

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-date", "-id"]
        indexes = [
            pattern_index("area_path", "inspection_area_path_idx"),
            models.Index(fields=["enterprise", "-date"], name="inspection_enterprise_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.date}"

    @classmethod
    def scope_filter(cls, user, action):
        return policies.scope(user, action)


class InspectionItem(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("结果"), max_length=8, choices=ItemResult.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["item__sort_order", "item__code"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_unique")]

    def __str__(self):
        return f"{self.item} · {self.get_result_display()}"


class InspectionPhoto(models.Model):
    """A photo taken at the inspection; served only through a view that checks scope."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="supervision/", max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["id"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, user, action):
        return policies.scope(user, action, prefix="inspection__enterprise")


class Finding(models.Model):
    """A problem found at an inspection, to be rectified by a deadline; a follow-up closes it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, editable=False)
    description = models.CharField(_("问题"), max_length=300)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    closed_by = models.ForeignKey(
        Inspection,
        verbose_name=_("复查确认"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="closed_findings",
    )
    closed_at = models.DateTimeField(_("整改确认时间"), null=True, blank=True)

    objects = ScopedManager()
    area_path_source = "enterprise"

    class Meta:
        verbose_name = _("检查发现的问题")
        verbose_name_plural = _("检查发现的问题")
        ordering = ["deadline", "id"]
        indexes = [
            pattern_index("area_path", "finding_area_path_idx"),
            models.Index(fields=["status", "deadline"], name="finding_open_idx"),
        ]

    def __str__(self):
        return self.description

    @classmethod
    def scope_filter(cls, user, action):
        return policies.scope(user, action)

    def is_overdue(self, today) -> bool:
        return self.status == FindingStatus.OPEN and self.deadline < today


class Violation(models.Model):
    """A violation found at an inspection; ``sequence`` is its count within the district's window,
    from which the step is proposed; an officer confirms it or decides otherwise, with a reason."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="violations"
    )
    area_path = models.CharField(max_length=255, editable=False)
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="violations"
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("对应问题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="violations",
    )
    description = models.TextField(_("违规情形"))
    occurred_on = models.DateField(_("违规日期"))
    window_days = models.PositiveSmallIntegerField(_("累计期限（天）"))
    sequence = models.PositiveSmallIntegerField(_("期限内第几次"))
    proposed_step = models.CharField(_("建议处理"), max_length=12, choices=Step.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=ViolationStatus.choices, default=ViolationStatus.PENDING
    )
    decided_step = models.CharField(_("处理决定"), max_length=12, choices=Step.choices, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认干部"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedManager()
    area_path_source = "enterprise"
    AUDIT_FIELDS = [
        "description",
        "occurred_on",
        "sequence",
        "proposed_step",
        "status",
        "decided_step",
        "decision_reason",
        "decided_by",
    ]

    class Meta:
        verbose_name = _("违规记录")
        verbose_name_plural = _("违规记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            pattern_index("area_path", "violation_area_path_idx"),
            models.Index(fields=["enterprise", "occurred_on"], name="violation_window_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.occurred_on} · 第{self.sequence}次"

    @classmethod
    def scope_filter(cls, user, action):
        return policies.scope(user, action)


class Statement(models.Model):
    """The enterprise states its case on a violation."""

    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="statements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("陈述人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("陈述内容"))
    created_at = models.DateTimeField(_("陈述时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业陈述")
        verbose_name_plural = _("企业陈述")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:40]


class Listing(models.Model):
    """An enterprise on the dishonesty list: proposed by one officer, in effect only when another
    with the approving right confirms; removed the same way, each step with its reason."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="dishonesty_listings",
    )
    area_path = models.CharField(max_length=255, editable=False)
    violation = models.ForeignKey(
        Violation, verbose_name=_("依据的违规"), on_delete=models.PROTECT, related_name="listings"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.PROPOSED
    )
    reason = models.TextField(_("列入理由"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提议人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提议时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("列入时间"), null=True, blank=True)
    removal_reason = models.TextField(_("移出理由"), blank=True)
    removal_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移出提议人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_proposed_at = models.DateTimeField(_("移出提议时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移出确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedManager()
    area_path_source = "enterprise"
    AUDIT_FIELDS = [
        "status",
        "reason",
        "proposed_by",
        "approved_by",
        "removal_reason",
        "removal_proposed_by",
        "removed_by",
    ]

    class Meta:
        verbose_name = _("不诚信企业名单")
        verbose_name_plural = _("不诚信企业名单")
        ordering = ["-proposed_at", "-id"]
        indexes = [pattern_index("area_path", "listing_area_path_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status__in=LIVE_LISTING),
                name="listing_one_live_per_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="listing_approver_not_proposer",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_status_display()}"

    @classmethod
    def scope_filter(cls, user, action):
        return policies.scope(user, action)

    @property
    def is_listed(self) -> bool:
        return self.status in (ListingStatus.ACTIVE, ListingStatus.REMOVAL_PROPOSED)


__all__ = [
    "ChecklistItem",
    "EscalationPolicy",
    "Finding",
    "Inspection",
    "InspectionItem",
    "InspectionPhoto",
    "ItemResult",
    "Listing",
    "Statement",
    "Violation",
]
