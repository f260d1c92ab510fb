"""Door sensors and infrared cameras at the doors of home quarantines (红外感应摄像头, 门磁).

A device has an id and a secret (only the secret's SHA-256 is stored); it is bound to one active
home quarantine order at a time. It posts events (door opened, person left); an alarm event makes
an alert for the community worker responsible, who acknowledges it and records the outcome.
Events from unknown, unbound or released devices are refused and the refusal is logged — without
the secret and without personal data.

Every row carries the area path of the order (or, for a device, of the registering scope), so
"everything under node X" is one indexed prefix filter, as elsewhere.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.access import QUARANTINE_MANAGE, Role
from fugong.core.models import pattern_index
from fugong.core.scoping import ScopedManager, subtree_q


class DeviceKind(models.TextChoices):
    DOOR = "door", _("门磁")
    INFRARED = "infrared", _("红外感应摄像头")


class EventKind(models.TextChoices):
    DOOR_OPEN = "door_open", _("开门")
    PERSON_LEFT = "person_left", _("有人离开")
    TAMPER = "tamper", _("设备被拆动")
    LOW_BATTERY = "low_battery", _("电量低")


# The kinds that call a worker to the door; a low battery is recorded but raises no alert.
ALARM_KINDS = frozenset({EventKind.DOOR_OPEN, EventKind.PERSON_LEFT, EventKind.TAMPER})


class AlertStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    ACKNOWLEDGED = "acknowledged", _("处置中")
    CLOSED = "closed", _("已办结")


class Outcome(models.TextChoices):
    AT_HOME = "at_home", _("人员在家")
    TURNED_BACK = "turned_back", _("外出已劝返")
    FALSE_ALARM = "false_alarm", _("误报")
    DEVICE_FAULT = "device_fault", _("设备故障")
    UNREACHABLE = "unreachable", _("联系不上已上报")


class RefusalReason(models.TextChoices):
    UNKNOWN_DEVICE = "unknown_device", _("未登记的设备")
    WRONG_SECRET = "wrong_secret", _("设备密钥错误")
    INACTIVE = "inactive", _("设备已停用")
    UNBOUND = "unbound", _("设备未绑定隔离")
    ORDER_ENDED = "order_ended", _("隔离已结束")


def _manage_q(user, field: str = "area_path") -> Q | None:
    """Users who manage quarantines, over the subtree of their area."""
    if user.is_sysadmin:
        return Q()
    if not user.can(QUARANTINE_MANAGE):
        return None
    return subtree_q(user.area_scope_path, field)


def _with_doctor(user, action: str, area: Q | None, doctor_field: str) -> Q | None:
    """The area's managers; for reading, also the family doctor of the order (as for the order)."""
    if action != "view" or user.role != Role.MEDIC or not user.can(QUARANTINE_MANAGE):
        return area
    doctor = Q(**{doctor_field: user})
    return doctor if area is None else area | doctor


class Device(models.Model):
    """A door sensor or infrared camera. The secret is never stored, only its SHA-256 in hex."""

    device_id = models.CharField(
        _("设备编号"), max_length=64, unique=True, error_messages={"unique": _("该设备编号已登记")}
    )
    kind = models.CharField(_("设备类型"), max_length=16, choices=DeviceKind.choices, default=DeviceKind.DOOR)
    secret_hash = models.CharField(max_length=64, editable=False)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    secret_rotated_at = models.DateTimeField(_("密钥更换时间"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    last_seen_at = models.DateTimeField(_("最近上报"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    area_path_source = "area"

    class Meta:
        verbose_name = _("感应设备")
        verbose_name_plural = _("感应设备")
        ordering = ["area_path", "device_id"]
        indexes = [pattern_index("area_path", "sensor_device_area_path_idx")]

    def __str__(self):
        return self.device_id

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, user, action):
        """Managers of quarantines whose area covers the device's registering area."""
        return _manage_q(user)


class Binding(models.Model):
    """A device at the door of one home quarantine, from binding to unbinding.

    At most one open binding per device (and so per order and device): partial unique indexes.
    """

    device = models.ForeignKey(
        Device, verbose_name=_("设备"), on_delete=models.PROTECT, related_name="bindings"
    )
    order = models.ForeignKey(
        "quarantine.Order",
        verbose_name=_("隔离措施"),
        on_delete=models.PROTECT,
        related_name="sensor_bindings",
    )
    area_path = models.CharField(max_length=255, editable=False)
    bound_at = models.DateTimeField(_("绑定时间"), auto_now_add=True)
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("绑定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unbound_at = models.DateTimeField(_("解绑时间"), null=True, blank=True)
    unbound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解绑人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unbind_reason = models.CharField(_("解绑原因"), max_length=200, blank=True)

    objects = ScopedManager()
    area_path_source = "order"

    class Meta:
        verbose_name = _("设备绑定")
        verbose_name_plural = _("设备绑定")
        ordering = ["-bound_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(unbound_at__isnull=True),
                name="sensor_binding_one_open_per_device",
            ),
            models.UniqueConstraint(
                fields=["order", "device"],
                condition=Q(unbound_at__isnull=True),
                name="sensor_binding_one_open_per_order_device",
            ),
        ]
        indexes = [pattern_index("area_path", "sensor_binding_area_path_idx")]

    def __str__(self):
        return f"{self.device} → {self.order}"

    @property
    def is_open(self) -> bool:
        return self.unbound_at is None

    @classmethod
    def scope_filter(cls, user, action):
        return _with_doctor(user, action, _manage_q(user), "order__doctor")


class Event(models.Model):
    """One event as the device sent it; (device, event_id) is unique, so a retry is a replay."""

    device = models.ForeignKey(
        Device, verbose_name=_("设备"), on_delete=models.PROTECT, related_name="events"
    )
    event_id = models.CharField(_("事件编号"), max_length=64)
    kind = models.CharField(_("事件类型"), max_length=16, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    received_at = models.DateTimeField(_("接收时间"))
    order = models.ForeignKey(
        "quarantine.Order", verbose_name=_("隔离措施"), on_delete=models.PROTECT, related_name="sensor_events"
    )
    area_path = models.CharField(max_length=255, editable=False)

    objects = ScopedManager()
    area_path_source = "order"

    class Meta:
        verbose_name = _("设备事件")
        verbose_name_plural = _("设备事件")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "event_id"], name="sensor_event_unique_per_device"),
        ]
        indexes = [
            models.Index(fields=["order", "-occurred_at"], name="sensor_event_order_idx"),
            pattern_index("area_path", "sensor_event_area_path_idx"),
        ]

    def __str__(self):
        return f"{self.device} {self.event_id}"

    @classmethod
    def scope_filter(cls, user, action):
        return _with_doctor(user, action, _manage_q(user), "order__doctor")


class Alert(models.Model):
    """The alarm of one event, for the order's community: open → acknowledged → closed with an outcome."""

    event = models.OneToOneField(
        Event, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="alert"
    )
    device = models.ForeignKey(
        Device, verbose_name=_("设备"), on_delete=models.PROTECT, related_name="alerts"
    )
    order = models.ForeignKey(
        "quarantine.Order", verbose_name=_("隔离措施"), on_delete=models.PROTECT, related_name="sensor_alerts"
    )
    area_path = models.CharField(max_length=255, editable=False)
    created_at = models.DateTimeField(_("告警时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("处置结果"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("处置说明"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    area_path_source = "order"

    class Meta:
        verbose_name = _("门磁告警")
        verbose_name_plural = _("门磁告警")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "area_path"], name="sensor_alert_status_idx"),
            pattern_index("area_path", "sensor_alert_area_path_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False) & ~Q(outcome="")),
                name="sensor_alert_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(acknowledged_at__isnull=False),
                name="sensor_alert_handled_is_acknowledged",
            ),
        ]

    def __str__(self):
        return f"{self.device} {self.get_status_display()}"

    @classmethod
    def scope_filter(cls, user, action):
        return _with_doctor(user, action, _manage_q(user), "order__doctor")


class RefusedEvent(models.Model):
    """An event the endpoint refused: the device id as sent (truncated), why, and from where.

    Never the secret, never the payload: nothing here can identify the person behind the door.
    """

    device_id = models.CharField(_("设备编号（上报值）"), max_length=64, blank=True)
    reason = models.CharField(_("原因"), max_length=16, choices=RefusalReason.choices)
    remote_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("被拒绝的设备事件")
        verbose_name_plural = _("被拒绝的设备事件")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["device_id", "-at"], name="sensor_refused_device_idx")]

    def __str__(self):
        return f"{self.device_id} {self.get_reason_display()}"

    @classmethod
    def scope_filter(cls, user, action):
        """The system administrator sees all; a manager, the refusals naming a device in their area."""
        if user.is_sysadmin:
            return Q()
        if action != "view":
            return None
        devices = _manage_q(user)
        if devices is None:
            return None
        return Q(device_id__in=Device.objects.filter(devices).values("device_id"))
