"""Writes of devices, bindings, device events and alerts.

A device's secret is made here with ``secrets``, handed back once in plain text and stored only as
its SHA-256; the endpoint compares digests in constant time, and an unknown device costs the same
comparison as a wrong secret, so neither the answer nor its timing says which it was.

``event_record`` is idempotent on (device, event id): a retry returns the first result and writes
nothing, also when two copies race (the unique constraint decides, the loser reads the winner's
row). A refused event writes only a ``RefusedEvent`` row (reason, device id as sent, address) and a
warning line without personal data; a device whose quarantine has ended is unbound on the way.
"""

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.areas.models import Area
from fugong.core import audit
from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.models import AuditAction
from fugong.core.scoping import CHANGE
from fugong.quarantine.models import Measure, Order, OrderStatus

from .models import (
    ALARM_KINDS,
    Alert,
    AlertStatus,
    Binding,
    Device,
    DeviceKind,
    Event,
    EventKind,
    Outcome,
    RefusalReason,
    RefusedEvent,
)

CLOCK_SKEW = dt.timedelta(minutes=5)
OLDEST_EVENT = dt.timedelta(days=7)
DEVICE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{2,63}$")
EVENT_ID_RE = re.compile(r"^[\x21-\x7e]{1,64}$")  # printable ASCII without spaces, as devices send
MAX_SECRET_LENGTH = 256
# Compared against when the device is unknown: no secret hashes to it, and the work is the same.
_NO_DEVICE_HASH = "0" * 64
DEVICE_FIELDS = ["device_id", "kind", "area", "is_active", "note"]

security_log = logging.getLogger("fugong.sensors.security")


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(24)


def _require(actor) -> None:
    if not actor.can(QUARANTINE_MANAGE):
        raise PermissionDenied(_("您无权管理门磁设备"))


def _locked(model, actor, pk):
    """The row in the actor's scope, locked; out of scope reads as missing."""
    try:
        return model.objects.visible_to(actor, CHANGE).select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise PermissionDenied(_("该记录不存在或不在您的管辖范围内")) from None


def _covers(actor, area: Area) -> bool:
    path = actor.area_scope_path
    return bool(actor.is_sysadmin or (path and area.path.startswith(path)))


# Devices -----------------------------------------------------------------------------------------


def _device_area(actor, area_id: int | None) -> Area | None:
    if area_id:
        area = Area.objects.filter(pk=area_id).first()
        return area if area is not None and _covers(actor, area) else None
    return actor.scope_area if not actor.is_sysadmin else None


@transaction.atomic
def device_register(
    *, actor, device_id: str, kind: str = DeviceKind.DOOR, area_id: int | None = None, note: str = ""
) -> tuple[Device, str]:
    """Register a device in the actor's area (or an area under it); ``(device, secret)``.

    The secret is returned this once: only its SHA-256 is kept, so it cannot be shown again."""
    _require(actor)
    device_id, note = (device_id or "").strip(), (note or "").strip()
    errors: dict[str, list[str]] = {}
    if not DEVICE_ID_RE.match(device_id):
        errors["device_id"] = [_("设备编号应为3–64位字母、数字或 . _ : -，以字母或数字开头")]
    elif Device.objects.filter(device_id=device_id).exists():
        errors["device_id"] = [_("该设备编号已登记")]
    if kind not in DeviceKind.values:
        errors["kind"] = [_("请选择设备类型")]
    area = _device_area(actor, area_id)
    if area is None:
        errors["area"] = [_("请选择管辖范围内的区域")]
    if len(note) > 200:
        errors["note"] = [_("备注请控制在200字以内")]
    if errors:
        raise ValidationError(errors)
    secret = _new_secret()
    try:
        with transaction.atomic():
            device = Device.objects.create(
                device_id=device_id,
                kind=kind,
                area=area,
                note=note,
                registered_by=actor,
                secret_hash=hash_secret(secret),
            )
    except IntegrityError:  # registered at the same instant by someone else
        raise ValidationError({"device_id": [_("该设备编号已登记")]}) from None
    audit.record(
        actor=actor, obj=device, action=AuditAction.CREATE, after=audit.snapshot(device, DEVICE_FIELDS)
    )
    return device, secret


@transaction.atomic
def device_secret_rotate(*, actor, device_pk: int) -> tuple[Device, str]:
    """A new secret for a device (the old one stops working at once); ``(device, secret)``."""
    _require(actor)
    device = _locked(Device, actor, device_pk)
    secret = _new_secret()
    device.secret_hash, device.secret_rotated_at = hash_secret(secret), timezone.now()
    device.save(update_fields=["secret_hash", "secret_rotated_at"])
    audit.record(actor=actor, obj=device, action=AuditAction.UPDATE, after={"secret": str(_("已更换密钥"))})
    return device, secret


@transaction.atomic
@transaction.atomic
def device_set_active(*, actor, device_pk: int, active: bool) -> Device:
    """Stop (or resume) a device: a stopped device's events are refused, and it no longer guards the
    household it was bound to (its binding is closed, so the order's page shows no device)."""
    _require(actor)
    device = _locked(Device, actor, device_pk)
    before = audit.snapshot(device, ["is_active"])
    device.is_active = bool(active)
    device.save(update_fields=["is_active"])
    if not device.is_active:
        binding = device.bindings.select_for_update().filter(unbound_at__isnull=True).first()
        if binding is not None:
            _close_binding(binding, actor=actor, reason=_("设备停用，自动解绑"), now=timezone.now())
    audit.record(
        actor=actor,
        obj=device,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(device, ["is_active"]),
    )
    return device


# Bindings ----------------------------------------------------------------------------------------


def _bindable_order(actor, order_id) -> Order:
    try:
        order = Order.objects.visible_to(actor, CHANGE).select_for_update().get(pk=order_id)
    except (Order.DoesNotExist, ValueError, TypeError):
        raise ValidationError({"order": [_("请选择管辖范围内正在执行的居家隔离")]}) from None
    if order.status != OrderStatus.ACTIVE or order.kind != Measure.HOME:
        raise ValidationError({"order": [_("只能绑定正在执行的居家隔离")]})
    return order


@transaction.atomic
def device_bind(*, actor, device_pk: int, order_id: int) -> Binding:
    """Bind a free, active device in scope to an active home quarantine in scope under its area."""
    _require(actor)
    device = _locked(Device, actor, device_pk)
    if not device.is_active:
        raise ValidationError({"device": [_("设备已停用，不能绑定")]})
    order = _bindable_order(actor, order_id)
    if not order.area_path.startswith(device.area_path):
        raise ValidationError({"order": [_("该隔离户不在设备所属区域内")]})
    if device.bindings.filter(unbound_at__isnull=True).exists():
        raise ValidationError({"device": [_("该设备已绑定其他隔离户，请先解绑")]})
    try:
        with transaction.atomic():
            binding = Binding.objects.create(
                device=device, order=order, area_path=order.area_path, bound_by=actor
            )
    except IntegrityError:
        raise ValidationError({"device": [_("该设备刚刚已被绑定，请刷新后重试")]}) from None
    audit.record(
        actor=actor,
        obj=binding,
        action=AuditAction.CREATE,
        after={"device": device.device_id, "order": str(order), "bound_at": str(binding.bound_at)},
    )
    return binding


def _close_binding(binding: Binding, *, actor, reason: str, now: dt.datetime) -> None:
    binding.unbound_at, binding.unbound_by, binding.unbind_reason = now, actor, reason[:200]
    binding.save(update_fields=["unbound_at", "unbound_by", "unbind_reason"])
    audit.record(
        actor=actor,
        obj=binding,
        action=AuditAction.UPDATE,
        before={"unbound_at": None},
        after={"unbound_at": str(now), "reason": binding.unbind_reason},
    )


@transaction.atomic
def device_unbind(*, actor, device_pk: int, reason: str = "") -> Binding:
    _require(actor)
    device = _locked(Device, actor, device_pk)
    binding = device.bindings.select_for_update().filter(unbound_at__isnull=True).first()
    if binding is None:
        raise ValidationError(_("该设备未绑定隔离户"))
    _close_binding(binding, actor=actor, reason=(reason or "").strip() or _("人工解绑"), now=timezone.now())
    return binding


# Device events -----------------------------------------------------------------------------------


class EventRefused(Exception):
    """An event not recorded; ``status`` is the HTTP answer, ``message`` what the device is told.

    Unknown device and wrong secret share one message, so the answer does not say which."""

    MESSAGES = {
        RefusalReason.UNKNOWN_DEVICE: gettext_lazy("设备编号或密钥错误"),
        RefusalReason.WRONG_SECRET: gettext_lazy("设备编号或密钥错误"),
        RefusalReason.INACTIVE: gettext_lazy("设备已停用，事件未记录"),
        RefusalReason.UNBOUND: gettext_lazy("设备未绑定居家隔离，事件未记录"),
        RefusalReason.ORDER_ENDED: gettext_lazy(
            "设备绑定的隔离已结束（已解除或转院），设备已自动解绑，事件未记录"
        ),
    }

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def status(self) -> int:
        return 401 if self.reason in {RefusalReason.UNKNOWN_DEVICE, RefusalReason.WRONG_SECRET} else 409

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


@dataclass(frozen=True)
class EventResult:
    event: Event
    alert: Alert | None
    created: bool


def _secret_matches(device: Device | None, secret) -> bool:
    raw = secret if isinstance(secret, str) and len(secret) <= MAX_SECRET_LENGTH else ""
    expected = device.secret_hash if device is not None else _NO_DEVICE_HASH
    return hmac.compare_digest(hash_secret(raw), expected) and device is not None and bool(raw)


def _replay(device: Device, event_id) -> EventResult | None:
    if not isinstance(event_id, str) or not event_id:
        return None
    event = Event.objects.filter(device=device, event_id=event_id).select_related("alert").first()
    if event is None:
        return None
    return EventResult(event=event, alert=getattr(event, "alert", None), created=False)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _validate_event(*, event_id, kind, occurred_at, now, bound_at) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(event_id, str) or not EVENT_ID_RE.match(event_id):
        errors["event_id"] = [_("事件编号应为1–64位字母、数字或符号，不含空格")]
    if kind not in EventKind.values:
        errors["kind"] = [_("事件类型应为 door_open、person_left、tamper 或 low_battery")]
    if occurred_at is None:
        errors["occurred_at"] = [_("请提供事件发生时间")]
    elif occurred_at > now + CLOCK_SKEW:
        errors["occurred_at"] = [_("事件时间晚于服务器时间5分钟以上，请校准设备时钟")]
    elif occurred_at < now - OLDEST_EVENT:
        errors["occurred_at"] = [_("事件发生在7天以前，不予记录")]
    elif occurred_at < bound_at - CLOCK_SKEW:
        errors["occurred_at"] = [_("事件发生在设备绑定本隔离户之前，不予记录")]
    if errors:
        raise ValidationError(errors)


def _store(*, device: Device, binding: Binding, event_id: str, kind: str, occurred_at, now) -> EventResult:
    try:
        with transaction.atomic():
            event = Event.objects.create(
                device=device,
                event_id=event_id,
                kind=kind,
                occurred_at=occurred_at,
                received_at=now,
                order=binding.order,
                area_path=binding.area_path,
            )
            alert = None
            if kind in ALARM_KINDS:
                alert = Alert.objects.create(
                    event=event, device=device, order=binding.order, area_path=event.area_path
                )
    except IntegrityError:  # the same event arrived twice at once: the first one stands
        replay = _replay(device, event_id)
        if replay is None:
            raise
        return replay
    Device.objects.filter(pk=device.pk).update(last_seen_at=now)
    return EventResult(event=event, alert=alert, created=True)


def _remote_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _refusal(device: Device | None, secret) -> str | None:
    if _secret_matches(device, secret):
        return None
    return RefusalReason.WRONG_SECRET if device is not None else RefusalReason.UNKNOWN_DEVICE


def _log_refusal(device_id: str, reason: str, remote_ip: str | None) -> None:
    # The device id as sent (repr, so nothing it carries can forge a log line) and the reason only.
    security_log.warning("sensor event refused: %s device=%r from %s", reason, device_id[:64], remote_ip)


def device_authenticate(*, device_id: str, secret: str, remote_ip: str | None = None) -> Device:
    """The device these credentials belong to; a refusal is logged and raised as ``EventRefused``."""
    device_id = device_id if isinstance(device_id, str) else ""
    device = Device.objects.filter(device_id=device_id).first() if device_id else None
    reason = _refusal(device, secret)
    if reason is None:
        return device
    RefusedEvent.objects.create(device_id=device_id[:64], reason=reason, remote_ip=_remote_ip(remote_ip))
    _log_refusal(device_id, reason, _remote_ip(remote_ip))
    raise EventRefused(reason)


def event_record(
    *,
    device_id: str,
    secret: str,
    event_id: str,
    kind: str,
    occurred_at: dt.datetime | None,
    remote_ip: str | None = None,
    now: dt.datetime | None = None,
) -> EventResult:
    """Record one event sent by a device; raises ``EventRefused`` or ``ValidationError`` (422).

    Order of checks: who (device and secret), replay (the first result, whatever the body says now),
    stopped, bound to an active home quarantine, then the body itself."""
    now = now or timezone.now()
    device_id = device_id if isinstance(device_id, str) else ""
    occurred_at = _aware(occurred_at)
    with transaction.atomic():
        # The device row is locked: its events, and binding or unbinding it, take turns.
        device = Device.objects.select_for_update().filter(device_id=device_id).first() if device_id else None
        reason = _refusal(device, secret)
        if reason is None:
            replay = _replay(device, event_id)
            if replay is not None:
                return replay
            binding = device.bindings.select_related("order").filter(unbound_at__isnull=True).first()
            if not device.is_active:
                reason = RefusalReason.INACTIVE
            elif binding is None:
                reason = RefusalReason.UNBOUND
            elif binding.order.status != OrderStatus.ACTIVE:
                _close_binding(binding, actor=None, reason=_("隔离已结束，自动解绑"), now=now)
                reason = RefusalReason.ORDER_ENDED
            else:
                _validate_event(
                    event_id=event_id, kind=kind, occurred_at=occurred_at, now=now, bound_at=binding.bound_at
                )
                return _store(
                    device=device,
                    binding=binding,
                    event_id=event_id,
                    kind=kind,
                    occurred_at=occurred_at,
                    now=now,
                )
        RefusedEvent.objects.create(device_id=device_id[:64], reason=reason, remote_ip=_remote_ip(remote_ip))
    _log_refusal(device_id, reason, _remote_ip(remote_ip))
    raise EventRefused(reason)


# Alerts ------------------------------------------------------------------------------------------


def _who_when(user, at) -> dict:
    return {
        "name": (user.full_name or user.username) if user else _("系统"),
        "time": f"{timezone.localtime(at):%H:%M}",
    }


@transaction.atomic
def alert_acknowledge(*, actor, alert_id: int) -> Alert:
    """Take an open alert in hand; a second person is told who already did."""
    _require(actor)
    alert = _locked(Alert, actor, alert_id)
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError(
            _("该告警已由%(name)s于%(time)s办结") % _who_when(alert.closed_by, alert.closed_at)
        )
    if alert.status == AlertStatus.ACKNOWLEDGED:
        raise ValidationError(
            _("该告警已由%(name)s于%(time)s确认，正在处置")
            % _who_when(alert.acknowledged_by, alert.acknowledged_at)
        )
    alert.status, alert.acknowledged_at, alert.acknowledged_by = (
        AlertStatus.ACKNOWLEDGED,
        timezone.now(),
        actor,
    )
    alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    audit.record(
        actor=actor,
        obj=alert,
        action=AuditAction.UPDATE,
        before={"status": str(AlertStatus.OPEN.label)},
        after={"status": str(AlertStatus.ACKNOWLEDGED.label)},
    )
    return alert


@transaction.atomic
def alert_close(*, actor, alert_id: int, outcome: str, note: str = "") -> Alert:
    """Close an alert with its outcome (closing an open one acknowledges it too)."""
    _require(actor)
    alert = _locked(Alert, actor, alert_id)
    if alert.status == AlertStatus.CLOSED:
        raise ValidationError(
            _("该告警已由%(name)s于%(time)s办结") % _who_when(alert.closed_by, alert.closed_at)
        )
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("请选择处置结果")]
    elif outcome == Outcome.UNREACHABLE and not note:
        errors["note"] = [_("联系不上的，请写明已上报给谁")]
    if len(note) > 200:
        errors["note"] = [_("处置说明请控制在200字以内")]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(alert, ["status", "outcome"])
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, actor
    alert.status, alert.outcome, alert.outcome_note = AlertStatus.CLOSED, outcome, note
    alert.closed_at, alert.closed_by = now, actor
    alert.save()
    audit.record(
        actor=actor,
        obj=alert,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(alert, ["status", "outcome", "outcome_note"]),
    )
    return alert
