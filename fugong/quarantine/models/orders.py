"""Quarantine orders (home or centralized) with their changes and twice-daily follow-ups."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.access import QUARANTINE_MANAGE, Role
from fugong.core.models import TimeStampedModel, pattern_index
from fugong.core.scoping import ScopedManager

from .base import _area_roles_q, _or
from .returnees import Decision, Measure, Returnee


class OrderStatus(models.TextChoices):
    ACTIVE = "active", _("隔离中")
    HOSPITAL = "hospital", _("已转院")
    RELEASED = "released", _("已解除")


class Order(TimeStampedModel):
    """A quarantine order: home or centralized, from a start date for the rule's days (changed only
    with a reason), a responsible community worker and a family doctor, released with a number."""

    returnee = models.ForeignKey(
        Returnee, verbose_name=_("返区人员"), on_delete=models.PROTECT, related_name="orders"
    )
    person = models.ForeignKey(
        "health.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="quarantine_orders"
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("依据的决定"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("隔离方式"), max_length=16, choices=Measure.choices)
    start_date = models.DateField(_("开始日期"))
    rule_days = models.PositiveSmallIntegerField(_("规则天数"))
    planned_end = models.DateField(_("计划解除日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ACTIVE
    )
    area_path = models.CharField(max_length=255, editable=False)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任网格员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("家庭医生"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hospital = models.CharField(_("转送医院"), max_length=100, blank=True)
    transferred_at = models.DateTimeField(_("转院时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    release_reason = models.CharField(_("解除理由"), max_length=200, blank=True)
    release_number = models.CharField(_("解除通知书编号"), max_length=32, blank=True)

    objects = ScopedManager()
    area_path_source = "returnee"

    class Meta:
        verbose_name = _("隔离令")
        verbose_name_plural = _("隔离令")
        ordering = ["-start_date", "-id"]
        indexes = [
            pattern_index("area_path", "qorder_area_path_idx"),
            models.Index(fields=["status", "area_path"], name="qorder_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="qorder_one_active"
            ),
            models.UniqueConstraint(
                fields=["release_number"],
                condition=~Q(release_number=""),
                name="qorder_release_number_unique",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.get_kind_display()}"

    @classmethod
    def scope_filter(cls, user, action):
        """The destination community and street (not the side that handed the person over), the
        family doctor, and site staff for the guests of their site."""
        if user.is_sysadmin:
            return Q()
        if user.role == Role.SITE_STAFF:
            from .sites import Stay  # the sites module builds on this one

            return (
                Q(pk__in=Stay.objects.filter(site__staff__user=user).values("order_id"))
                if action == "view"
                else None
            )
        if not user.can(QUARANTINE_MANAGE):
            return None
        return _or(_area_roles_q(user), Q(doctor=user) if user.role == Role.MEDIC else None)


class OrderChange(models.Model):
    """An extension or shortening of an order's planned end, with its reason."""

    order = models.ForeignKey(
        Order, verbose_name=_("隔离令"), on_delete=models.CASCADE, related_name="changes"
    )
    old_end = models.DateField(_("原解除日期"))
    new_end = models.DateField(_("新解除日期"))
    reason = models.CharField(_("理由"), max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("隔离期调整")
        verbose_name_plural = _("隔离期调整")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.old_end} → {self.new_end}"


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")
    VISIT = "visit", _("上门")


class ContactStatus(models.TextChoices):
    REACHED = "reached", _("已联系")
    NOT_REACHED = "not_reached", _("未联系上")
    REFUSED = "refused", _("拒绝配合")


class FollowUp(models.Model):
    """One of the twice-daily checks of a person under quarantine."""

    order = models.ForeignKey(
        Order, verbose_name=_("隔离令"), on_delete=models.CASCADE, related_name="followups"
    )
    at = models.DateTimeField(_("随访时间"), db_index=True)
    method = models.CharField(_("联系方式"), max_length=16, choices=ContactMethod.choices)
    status = models.CharField(_("联系结果"), max_length=16, choices=ContactStatus.choices)
    temperature = models.DecimalField(_("体温（℃）"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.CharField(_("症状"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    area_path = models.CharField(max_length=255, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("随访人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    area_path_source = "order"

    class Meta:
        verbose_name = _("随访记录")
        verbose_name_plural = _("随访记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["order", "-at"], name="followup_order_at_idx")]

    def __str__(self):
        return f"{self.order} {self.at:%m-%d %H:%M}"

    @classmethod
    def scope_filter(cls, user, action):
        condition = Order.scope_filter(user, action)
        return None if condition is None else Q(order__in=Order.objects.filter(condition))
