"""Returnees (返区人员), the measure decided for each by a dated rule set, handover between
communities, quarantine orders with twice-daily follow-ups, and centralized sites with rooms.

Rules are versioned data (RuleSet with an effective date and ordered Rule rows; RiskArea rows with
effective dates); every decision names the rule set and rule that fired, who acted, the legal
basis and how to appeal. A decision changed by hand carries its reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.accounts.roles import QUARANTINE_MANAGE, RETURNEE_REGISTER, Role
from fugong.areas.models import Area, pattern_index
from fugong.core.models import TimeStampedModel
from fugong.core.scoping import ScopedManager, subtree_q


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


def _area_roles_q(user, field: str = "area_path") -> Q | None:
    if user.role in {Role.DISTRICT_LEADER, Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.MEDIC}:
        return subtree_q(user.area_scope_path, field)
    return None


def _or(*conditions) -> Q | None:
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    result = present[0]
    for c in present[1:]:
        result |= c
    return result


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
        self.area_path = self.destination.path
        self.sender_path = self.sender_area.path if self.sender_area_id else ""
        super().save(*args, **kwargs)

    @classmethod
    def area_path_derived(cls, path: str) -> dict:
        """A return registered at the person's home goes where the person moves (save() keeps
        ``area_path`` equal to the destination's path)."""
        return {"destination": Area.objects.only("pk").get(path=path).pk}

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


class Site(TimeStampedModel):
    """A centralized quarantine site (集中隔离点), usually a hotel."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedManager()
    area_path_source = "area"

    class Meta:
        verbose_name = _("集中隔离点")
        verbose_name_plural = _("集中隔离点")
        ordering = ["area_path", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, user, action):
        if user.is_sysadmin:
            return Q()
        if user.role == Role.SITE_STAFF:
            return Q(staff__user=user)
        if action == "view" and user.can(QUARANTINE_MANAGE):
            return _area_roles_q(user)
        return None


class SiteStaff(models.Model):
    """A site staff user bound to one site: they see only that site."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.CASCADE,
        related_name="quarantine_site",
    )
    site = models.ForeignKey(Site, verbose_name=_("隔离点"), on_delete=models.CASCADE, related_name="staff")

    class Meta:
        verbose_name = _("隔离点工作人员")
        verbose_name_plural = _("隔离点工作人员")

    def __str__(self):
        return f"{self.user} @ {self.site}"


class Room(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("隔离点"), on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(_("房间号"), max_length=16)
    capacity = models.PositiveSmallIntegerField(_("可住人数"), default=1)
    is_active = models.BooleanField(_("可用"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="quarantine_room_number_unique"),
            models.CheckConstraint(condition=Q(capacity=1), name="quarantine_room_single"),
        ]

    def __str__(self):
        return f"{self.site} {self.number}"

    @classmethod
    def scope_filter(cls, user, action):
        condition = Site.scope_filter(user, action)
        return None if condition is None else Q(site__in=Site.objects.filter(condition))


class Stay(models.Model):
    """A guest's stay in one room: checked in after registration and checks, checked out once.

    At most one open stay per room and per person — enforced by partial unique indexes, so two
    concurrent assignments of one room cannot both succeed.
    """

    site = models.ForeignKey(Site, verbose_name=_("隔离点"), on_delete=models.PROTECT, related_name="stays")
    room = models.ForeignKey(Room, verbose_name=_("房间"), on_delete=models.PROTECT, related_name="stays")
    order = models.ForeignKey(Order, verbose_name=_("隔离令"), on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey(
        "health.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    checked_registration = models.BooleanField(_("已登记"), default=False)
    checked_temperature = models.BooleanField(_("已体温检测"), default=False)
    checked_health = models.BooleanField(_("核酸/健康状况已核验"), default=False)
    checked_in_at = models.DateTimeField(_("入住时间"), auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理入住"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_out_at = models.DateTimeField(_("退房时间"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理退房"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("入住记录")
        verbose_name_plural = _("入住记录")
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"], condition=Q(checked_out_at__isnull=True), name="quarantine_room_one_occupant"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(checked_out_at__isnull=True), name="quarantine_person_one_room"
            ),
            models.CheckConstraint(
                condition=Q(checked_registration=True, checked_temperature=True, checked_health=True),
                name="quarantine_stay_checked",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.room}"

    @classmethod
    def scope_filter(cls, user, action):
        condition = Site.scope_filter(user, action)
        return None if condition is None else Q(site__in=Site.objects.filter(condition))


# The release notice lives in its own module; imported here so Django registers it with the app.
from .notice_models import DeliveryMethod, ReleaseNotice  # noqa: E402, F401
