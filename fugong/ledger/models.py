"""问题台账 / 企业诉求: an enterprise's problem, routed by rules kept as data, tracked to closure.

Every problem copies its enterprise's area path and category, so "everything under node X" and a
department's sector are filters on the row itself; the clock (``due_at``) is set on creation and
by approved extensions, and overdue is always computed from it in queries.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fugong.core.access import Role
from fugong.core.models import TimeStampedModel, pattern_index
from fugong.core.scoping import ScopedManager, subtree_q
from fugong.enterprises.choices import Category
from fugong.resumption.models import holding_area

from .choices import (
    Channel,
    EscalationLevel,
    EventKind,
    ExtensionStatus,
    ProblemCategory,
    ProblemStatus,
)


class CategoryDueDays(models.Model):
    """The district's answer time for a category, in working days (defaults: choices.DEFAULT_DUE_DAYS)."""

    category = models.CharField(_("问题类别"), max_length=24, choices=ProblemCategory.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("问题办理时限")
        verbose_name_plural = _("问题办理时限")
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="ledger_due_days_positive")]

    def __str__(self):
        return f"{self.get_category_display()}：{self.days}"


class RoutingRule(models.Model):
    """Problems of ``category`` from enterprises under ``area`` (the whole district when empty) go to
    ``department`` and, optionally, to one person there. The rule with the deepest area wins."""

    category = models.CharField(_("问题类别"), max_length=24, choices=ProblemCategory.choices)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("适用区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示全区"),
    )
    area_path = models.CharField(max_length=255, editable=False, blank=True)
    department = models.ForeignKey(
        "areas.Department", verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    area_path_source = "area"

    class Meta:
        verbose_name = _("分办规则")
        verbose_name_plural = _("分办规则")
        ordering = ["category", "area_path"]
        constraints = [models.UniqueConstraint(fields=["category", "area_path"], name="ledger_rule_unique")]

    def __str__(self):
        return f"{self.get_category_display()} → {self.department}"

    def save(self, *args, **kwargs):
        self.area_path = self.area.path if self.area_id else ""
        super().save(*args, **kwargs)


class Problem(TimeStampedModel):
    """One problem (诉求) of one enterprise: who recorded it, who holds it, its clock and its answer."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="problems"
    )
    area_path = models.CharField(max_length=255, editable=False)
    enterprise_category = models.CharField(
        _("企业类别"), max_length=16, choices=Category.choices, editable=False
    )
    street = models.ForeignKey(
        "areas.Area", verbose_name=_("所属街镇"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    category = models.CharField(_("问题类别"), max_length=24, choices=ProblemCategory.choices)
    title = models.CharField(_("问题标题"), max_length=100)
    description = models.TextField(_("问题描述"))
    channel = models.CharField(_("来源"), max_length=16, choices=Channel.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    green_channel = models.BooleanField(_("绿色通道"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    department = models.ForeignKey(
        "areas.Department",
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示由企业所在街镇承办"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rule = models.ForeignKey(
        RoutingRule,
        verbose_name=_("命中的分办规则"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    due_at = models.DateTimeField(_("办理期限"))
    escalation_level = models.PositiveSmallIntegerField(
        _("督办层级"), choices=EscalationLevel.choices, default=EscalationLevel.HANDLER
    )
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(
        _("满意度"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_seconds = models.PositiveIntegerField(_("办结用时（秒）"), null=True, blank=True, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedManager()
    area_path_source = "enterprise"
    AUDIT_FIELDS = [
        "enterprise",
        "category",
        "title",
        "channel",
        "green_channel",
        "status",
        "department",
        "assignee",
        "due_at",
        "escalation_level",
        "answer",
        "rating",
        "rating_comment",
    ]

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            pattern_index("area_path", "problem_area_path_idx"),
            models.Index(fields=["status", "due_at"], name="problem_status_due_idx"),
            models.Index(fields=["department", "status"], name="problem_department_idx"),
            models.Index(fields=["-created_at", "-id"], name="problem_created_idx"),
            models.Index(fields=["category", "status"], name="problem_category_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="problem_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProblemStatus.CONFIRMED) | Q(rating__isnull=False),
                name="problem_confirmed_has_rating",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProblemStatus.ANSWERED) | ~Q(answer=""),
                name="problem_answered_has_answer",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.title}"

    @classmethod
    def area_path_derived(cls, path: str) -> dict:
        """A problem is held by the street of its enterprise's area, wherever the enterprise goes."""
        return {"street": holding_area(path).pk}

    @property
    def holder_label(self) -> str:
        return self.department.name if self.department_id else self.street.name

    @classmethod
    def scope_filter(cls, user, action):
        """Deny by default. Enterprise admins: their own; commissioners: the enterprises they serve;
        department officers: routed to their department, to them, or in their sector; street officers
        and district leaders: their subtree."""
        role = user.role
        if user.is_sysadmin:
            return Q()
        if role == Role.ENTERPRISE_ADMIN:
            return Q(enterprise_id=user.scope_enterprise_id) if user.scope_enterprise_id else None
        if role == Role.COMMISSIONER:
            return Q(enterprise__commissioner=user) | Q(assignee=user)
        area = subtree_q(user.area_scope_path)
        if area is None:
            return None
        if role == Role.DEPARTMENT_OFFICER:
            mine = Q(assignee=user)
            if user.department_id:
                mine |= Q(department_id=user.department_id)
                sectors = user.department.sector_categories
                if sectors and action == "view":
                    mine |= Q(enterprise_category__in=sectors)
            return area & mine
        if role in {Role.STREET_OFFICER, Role.DISTRICT_LEADER}:
            return area
        return None


class ProblemEvent(models.Model):
    """Every step of a problem: who, when, from what to what, and why (the timeline)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事项"), max_length=24, choices=EventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=12, choices=ProblemStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=ProblemStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.problem_id}: {self.kind}"


class Extension(models.Model):
    """延期申请: a reason, the working days asked for, and the decision of someone from the level above."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="extensions")
    area_path = models.CharField(max_length=255, editable=False)
    days = models.PositiveSmallIntegerField(
        _("延期（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    due_before = models.DateTimeField(_("原办理期限"))
    due_after = models.DateTimeField(_("延期后期限"), null=True, blank=True)

    objects = ScopedManager()
    area_path_source = "problem"

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=Q(status=ExtensionStatus.PENDING), name="extension_one_pending"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="extension_has_reason"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="extension_approver_differs",
            ),
        ]
        indexes = [pattern_index("area_path", "extension_area_path_idx")]

    def __str__(self):
        return f"{self.problem_id} +{self.days}"

    @classmethod
    def scope_filter(cls, user, action):
        """An extension is visible exactly when its problem is."""
        if user.is_sysadmin:
            return Q()
        condition = Problem.scope_filter(user, action)
        if condition is None:
            return None
        return Q(problem__in=Problem.objects.filter(condition).values("pk"))
