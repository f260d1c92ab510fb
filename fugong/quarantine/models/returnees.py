"""Returnees (返区人员), dated risk areas, the versioned rule sets deciding the measure and each
returnee's decision; handover between communities is kept on the returnee.

Rules are versioned data (RuleSet with an effective date and ordered Rule rows; RiskArea rows with
effective dates); every decision names the rule set and rule that fired, who acted, the legal
basis and how to appeal. A decision changed by hand carries its reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_MANAGE, RETURNEE_REGISTER, Role
from fugong.core.models import TimeStampedModel, pattern_index
from fugong.core.scoping import ScopedManager, subtree_q

from .base import _area_roles_q, _or


class RiskLevel(models.TextChoices):
    HIGH = "high", _("高风险")
    MEDIUM = "medium", _("中风险")
    LOW = "low", _("低风险")
    KEY = "key", _("重点地区")


class Condition(models.TextChoices):
    HIGH = "high", _("来自高风险地区")
    MEDIUM = "medium", _("来自中风险地区")
    KEY = "key", _("来自重点地区")
    OUTSIDE_CITY = "outside_city", _("来自市外")
    ANY = "any", _("其他所有返区人员")


class Measure(models.TextChoices):
    CENTRALIZED = "centralized", _("集中隔离")
    HOME = "home", _("居家隔离")
    MONITORING = "monitoring", _("健康监测")


class Transport(models.TextChoices):
    TRAIN = "train", _("火车/高铁")
    PLANE = "plane", _("飞机")
    COACH = "coach", _("长途客车")
    CAR = "car", _("自驾")
    OTHER = "other", _("其他")


class Handover(models.TextChoices):
    NONE = "none", _("本社区登记")
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")


class RiskArea(TimeStampedModel):
    """The district's dated list of risk areas: an origin and its level between two dates.

    A blank district covers the whole city, a blank city the whole province.
    """

    province = models.CharField(_("省份"), max_length=32)
    city = models.CharField(_("城市"), max_length=32, blank=True)
    district = models.CharField(_("区县"), max_length=32, blank=True)
    level = models.CharField(_("风险等级"), max_length=16, choices=RiskLevel.choices)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("截止日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("风险地区")
        verbose_name_plural = _("风险地区")
        ordering = ["-effective_from", "province", "city", "district"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="riskarea_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.province}{self.city}{self.district} {self.get_level_display()}"


class RuleSet(TimeStampedModel):
    """One version of the district's measures for returnees, in force from a date until the next."""

    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(
        _("生效日期"), unique=True, error_messages={"unique": _("该日期已有一套规则生效")}
    )
    legal_basis = models.TextField(_("法律与政策依据"))
    appeal = models.TextField(_("申诉渠道"))
    home_city = models.CharField(_("本市"), max_length=32, default="重庆市")

    class Meta:
        verbose_name = _("管控规则")
        verbose_name_plural = _("管控规则")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.name}（{self.effective_from:%Y-%m-%d}起）"


class Rule(models.Model):
    """The first rule of a set, in order, whose condition holds decides the measure."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("规则版本"), on_delete=models.PROTECT, related_name="rules"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    condition = models.CharField(_("条件"), max_length=16, choices=Condition.choices)
    measure = models.CharField(_("措施"), max_length=16, choices=Measure.choices)
    days = models.PositiveSmallIntegerField(_("天数"))

    class Meta:
        verbose_name = _("管控规则条目")
        verbose_name_plural = _("管控规则条目")
        ordering = ["rule_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "order"], name="quarantine_rule_order_unique")
        ]

    def __str__(self):
        return f"{self.order}. {self.get_condition_display()} → {self.get_measure_display()}{self.days}天"


class Returnee(TimeStampedModel):
    """One return to the district: who, from where, when, to which community; handed over when the
    destination community is not the registering one."""

    person = models.ForeignKey(
        "health.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="returns"
    )
    # As typed by the registrant: what every answer about this return shows (a known person's file
    # stays with their home community, health.services.person_link).
    name = models.CharField(_("姓名"), max_length=32, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    origin_province = models.CharField(_("来源省份"), max_length=32)
    origin_city = models.CharField(_("来源城市"), max_length=32, blank=True)
    origin_district = models.CharField(_("来源区县"), max_length=32, blank=True)
    arrival_date = models.DateField(_("抵达日期"))
    transport = models.CharField(_("交通方式"), max_length=16, choices=Transport.choices)
    transport_detail = models.CharField(_("车次/航班/车牌"), max_length=64, blank=True)
    address = models.CharField(_("目的地址"), max_length=200)
    destination = models.ForeignKey(
        "areas.Area", verbose_name=_("目的社区"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, editable=False)
    employer = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returnees",
    )
    sender_area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("登记单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender_path = models.CharField(max_length=255, blank=True, editable=False)
    # The receiving side when it is not the destination: the home community of a person already on
    # file out of the registrant's scope, who decides about the measure (area_path follows it).
    receiver = models.ForeignKey(
        "areas.Area",
        verbose_name=_("接收社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handover = models.CharField(_("交接状态"), max_length=16, choices=Handover.choices, default=Handover.NONE)
    handover_reason = models.CharField(_("退回理由"), max_length=200, blank=True)
    handover_at = models.DateTimeField(_("接收/退回时间"), null=True, blank=True)
    handover_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收/退回人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    area_path_source = "person"

    class Meta:
        verbose_name = _("返区人员")
        verbose_name_plural = _("返区人员")
        ordering = ["-arrival_date", "-id"]
        indexes = [
            pattern_index("area_path", "returnee_area_path_idx"),
            pattern_index("sender_path", "returnee_sender_path_idx"),
        ]

    def __str__(self):
        return f"{self.person} {self.arrival_date:%m-%d}"

    def save(self, *args, **kwargs):
        self.area_path = self.receiving_area.path
        self.sender_path = self.sender_area.path if self.sender_area_id else ""
        super().save(*args, **kwargs)

    @property
    def receiving_area(self) -> Area:
        return self.receiver if self.receiver_id else self.destination

    @classmethod
    def area_path_derived(cls, path: str) -> dict:
        """A return registered at the person's home goes where the person moves (save() keeps
        ``area_path`` equal to the receiving side's path): the receiver when there is one (the
        typed destination stays), else the destination."""
        pk = Area.objects.only("pk").get(path=path).pk
        target = cls._meta.get_field("destination").target_field
        return {
            "destination": models.Case(
                models.When(receiver__isnull=True, then=models.Value(pk)),
                default=models.F("destination"),
                output_field=target,
            ),
            "receiver": models.Case(
                models.When(receiver__isnull=False, then=models.Value(pk)),
                default=models.F("receiver"),
                output_field=target,
            ),
        }

    @property
    def origin(self) -> str:
        return f"{self.origin_province}{self.origin_city}{self.origin_district}"

    @property
    def decision(self):
        return self.decisions.order_by("-id").first()

    @classmethod
    def scope_filter(cls, user, action):
        """The destination's community and street; the registering side sees what it registered; an
        employer its own staff; site staff the guests of their site."""
        if user.is_sysadmin:
            return Q()
        if user.role == Role.SITE_STAFF:
            from .sites import Stay  # the sites module builds on this one

            return (
                Q(pk__in=Stay.objects.filter(site__staff__user=user).values("order__returnee_id"))
                if action == "view"
                else None
            )
        if user.role == Role.ENTERPRISE_ADMIN:
            if not user.can(RETURNEE_REGISTER) or not user.scope_enterprise_id:
                return None
            return Q(employer_id=user.scope_enterprise_id) if action == "view" else None
        own = _area_roles_q(user)
        sent = subtree_q(user.area_scope_path, "sender_path") if user.can(RETURNEE_REGISTER) else None
        if action == "view":
            return _or(own, sent)
        return own if user.can(QUARANTINE_MANAGE) else None


class Decision(models.Model):
    """The measure for one returnee: by a rule (rule set and rule named) or by hand with a reason."""

    returnee = models.ForeignKey(
        Returnee, verbose_name=_("返区人员"), on_delete=models.CASCADE, related_name="decisions"
    )
    risk_level = models.CharField(_("来源地风险"), max_length=16, choices=RiskLevel.choices, blank=True)
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("规则版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        Rule, verbose_name=_("适用规则"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    measure = models.CharField(_("措施"), max_length=16, choices=Measure.choices)
    days = models.PositiveSmallIntegerField(_("天数"))
    legal_basis = models.TextField(_("依据"))
    appeal = models.TextField(_("申诉渠道"))
    manual = models.BooleanField(_("人工调整"), default=False)
    reason = models.CharField(_("调整理由"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("管控措施决定")
        verbose_name_plural = _("管控措施决定")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(manual=False) | ~Q(reason=""), name="quarantine_manual_decision_has_reason"
            )
        ]

    def __str__(self):
        return f"{self.get_measure_display()}{self.days}天"
