"""Daily health check-ins (一日一检), the alerts they raise and the patterns flagged for a spot-check.

A check-in is a signal, not the truth: the row is kept narrow (6,000,000 a month) and indexed by
(person, day) and (enterprise, day); scripted-looking patterns are flagged, never silently trusted.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.access import Role
from fugong.core.scoping import ScopedManager, subtree_q

from .choices import FlagKind, OnRepeat, Slot, SpotResult, Symptom

TEMP_MIN, TEMP_MAX = 35.0, 42.0


def _new_token() -> str:
    return secrets.token_urlsafe(18)


def _enterprise_scope(user, action, field="enterprise"):
    if user.is_sysadmin:
        return Q()
    if not user.can("health.checkin_monitor"):
        return None
    from fugong.enterprises.models import Enterprise

    return Q(**{f"{field}__in": Enterprise.objects.visible_to(user, "view")})


class CheckinSettings(models.Model):
    """The district's check-in rules: one row (pk=1)."""

    fever_threshold = models.DecimalField(_("发热阈值（℃）"), max_digits=3, decimal_places=1, default=37.3)
    twice_daily = models.BooleanField(_("每日早晚两次打卡"), default=False)
    on_repeat = models.CharField(
        _("同一时段重复打卡"), max_length=8, choices=OnRepeat.choices, default=OnRepeat.REFUSE
    )
    identical_days = models.PositiveSmallIntegerField(_("连续相同答案天数（标记抽查）"), default=5)
    same_second_count = models.PositiveSmallIntegerField(_("同一秒打卡人数（标记抽查）"), default=5)

    class Meta:
        verbose_name = _("打卡设置")
        verbose_name_plural = _("打卡设置")

    def __str__(self):
        return str(self._meta.verbose_name)


class EnterpriseLink(models.Model):
    """The unguessable token behind an enterprise's check-in QR code (not its pk)."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="checkin_link",
    )
    token = models.CharField(_("打卡码"), max_length=32, unique=True, default=_new_token)

    class Meta:
        verbose_name = _("打卡二维码")
        verbose_name_plural = _("打卡二维码")

    def __str__(self):
        return f"{self.enterprise}"


class CheckinIdentity(models.Model):
    """An account (employee, resident) bound to its person after identifying once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_identity"
    )
    person = models.ForeignKey("health.Person", on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("打卡身份")
        verbose_name_plural = _("打卡身份")

    def __str__(self):
        return f"{self.user_id} → {self.person_id}"


class Checkin(models.Model):
    """One answer of one person for one day (and slot). Kept narrow: no text beyond ``whereabouts``."""

    # No single-column FK indexes: (person, day, slot) and (enterprise, day) lead with these columns,
    # and every index costs each of the 6,000,000 inserts a month; the proxy columns are rarely read.
    person = models.ForeignKey(
        "health.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    day = models.DateField(_("日期"))
    slot = models.PositiveSmallIntegerField(_("时段"), choices=Slot.choices, default=Slot.DAY)
    temperature = models.DecimalField(
        _("体温（℃）"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(TEMP_MIN), MaxValueValidator(TEMP_MAX)],
    )
    symptom = models.CharField(_("症状"), max_length=8, choices=Symptom.choices, default=Symptom.NONE)
    risk_contact = models.BooleanField(_("离开本市或接触风险地区人员"), default=False)
    whereabouts = models.CharField(_("今日去向"), max_length=60, blank=True)
    abnormal = models.BooleanField(_("异常"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"))
    key = models.UUIDField(_("幂等键"), unique=True)
    proxy_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代打卡账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    proxy_person = models.ForeignKey(
        "health.Person",
        verbose_name=_("代打卡人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("健康打卡")
        verbose_name_plural = _("健康打卡")
        constraints = [
            models.UniqueConstraint(fields=["person", "day", "slot"], name="checkin_person_day_slot"),
            models.CheckConstraint(
                condition=Q(temperature__gte=TEMP_MIN, temperature__lte=TEMP_MAX),
                name="checkin_temperature_range",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "day"], name="checkin_enterprise_day")]

    def __str__(self):
        return f"{self.person_id} {self.day}"

    @property
    def is_proxy(self) -> bool:
        return bool(self.proxy_user_id or self.proxy_person_id)

    @classmethod
    def scope_filter(cls, user, action):
        """Check-ins of enterprises one monitors; a community worker also sees those of residents of
        the community (the proxies they record)."""
        q = _enterprise_scope(user, action)
        if user.role == Role.COMMUNITY_WORKER and action == "view":
            area = subtree_q(user.area_scope_path, "person__area_path")
            return area if q is None else (q | area if area is not None else q)
        return q


class Alert(models.Model):
    """Fever or symptoms: shown to the enterprise admin, its commissioner and its medic."""

    checkin = models.OneToOneField(
        Checkin, verbose_name=_("打卡记录"), on_delete=models.CASCADE, related_name="alert"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        "health.Person", verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=60)
    created_at = models.DateTimeField(_("产生时间"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("处置结果"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("打卡预警")
        verbose_name_plural = _("打卡预警")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "acknowledged_at"], name="alert_enterprise_ack")]

    def __str__(self):
        return self.reason

    @classmethod
    def scope_filter(cls, user, action):
        return _enterprise_scope(user, action)


class Flag(models.Model):
    """A pattern that looks scripted, for a medic or commissioner to spot-check."""

    kind = models.CharField(_("类型"), max_length=16, choices=FlagKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "health.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("日期"))
    detail = models.CharField(_("说明"), max_length=200)
    created_at = models.DateTimeField(_("标记时间"), auto_now_add=True)
    result = models.CharField(
        _("抽查结果"), max_length=12, choices=SpotResult.choices, blank=True, default=""
    )
    note = models.CharField(_("抽查说明"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("抽查时间"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("抽查标记")
        verbose_name_plural = _("抽查标记")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "person", "day"], condition=Q(person__isnull=False), name="flag_person_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "enterprise", "day"],
                condition=Q(person__isnull=True),
                name="flag_enterprise_unique",
            ),
        ]

    def __str__(self):
        return self.detail

    @classmethod
    def scope_filter(cls, user, action):
        return _enterprise_scope(user, action)
