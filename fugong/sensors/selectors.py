"""Scoped reads: the alert list (open first), alerts newer than the page has, the menu badge, devices
with their open binding, the orders a device may be bound to, and one order's sensor panel."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.scoping import CHANGE
from fugong.quarantine.models import Measure, Order, OrderStatus

from .models import Alert, AlertStatus, Binding, Device, Event, RefusedEvent

PENDING = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


def _alerts(user) -> QuerySet[Alert]:
    return Alert.objects.visible_to(user).select_related(
        "order__person", "order__returnee", "device", "event", "acknowledged_by", "closed_by"
    )


def alerts_pending(*, user) -> QuerySet[Alert]:
    """Open alerts first (newest on top), then those being handled."""
    first = Case(When(status=AlertStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return _alerts(user).filter(status__in=PENDING).annotate(_first=first).order_by("_first", "-id")


def alerts_closed(*, user) -> QuerySet[Alert]:
    return _alerts(user).filter(status=AlertStatus.CLOSED).order_by("-closed_at", "-id")


def alert_list(*, user, status: str = "") -> QuerySet[Alert]:
    qs = _alerts(user)
    return qs.filter(status=status) if status in AlertStatus.values else qs


def alerts_after(*, user, after_id: int) -> list[Alert]:
    """Alerts in scope created after the newest one the page shows (newest first)."""
    return list(_alerts(user).filter(pk__gt=after_id, status__in=PENDING).order_by("-id")[:50])


def alert_get(*, user, pk: int) -> Alert:
    return _alerts(user).get(pk=pk)


def open_count(*, user) -> int:
    return Alert.objects.visible_to(user).filter(status=AlertStatus.OPEN).count()


def open_alert_badge(*, user) -> int:
    """Open door-sensor alerts in the user's area (the menu badge): one indexed count."""
    if not user.can(QUARANTINE_MANAGE):
        return 0
    return open_count(user=user)


def latest_alert_id(*, user) -> int:
    return Alert.objects.visible_to(user).order_by("-id").values_list("pk", flat=True).first() or 0


def _open_bindings(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}bindings",
        queryset=Binding.objects.filter(unbound_at__isnull=True).select_related(
            "order__person", "order__returnee"
        ),
        to_attr="open_bindings",
    )


def device_list(*, user) -> QuerySet[Device]:
    return (
        Device.objects.visible_to(user)
        .select_related("area", "registered_by")
        .prefetch_related(_open_bindings())
    )


def device_get(*, user, pk: int) -> Device:
    return device_list(user=user).get(pk=pk)


def devices_free(*, user) -> QuerySet[Device]:
    """Active devices the user may bind that are bound to no one now."""
    return (
        Device.objects.visible_to(user, CHANGE)
        .filter(is_active=True)
        .exclude(pk__in=Binding.objects.filter(unbound_at__isnull=True).values("device_id"))
        .order_by("device_id")
    )


def bindable_orders(*, user) -> QuerySet[Order]:
    """Active home quarantines the user may change."""
    return (
        Order.objects.visible_to(user, CHANGE)
        .filter(status=OrderStatus.ACTIVE, kind=Measure.HOME)
        .select_related("person", "returnee")
        .order_by("area_path", "person__name", "id")
    )


def order_panel(*, user, order: Order) -> dict:
    """What the order's page shows of its sensors."""
    bindings = list(
        Binding.objects.visible_to(user).filter(order=order, unbound_at__isnull=True).select_related("device")
    )
    events = list(Event.objects.visible_to(user).filter(order=order).select_related("device", "alert")[:10])
    alerts = list(_alerts(user).filter(order=order, status__in=PENDING).order_by("-id"))
    return {"bindings": bindings, "events": events, "alerts": alerts}


def refused_recent(*, user, limit: int = 20) -> list[RefusedEvent]:
    return list(RefusedEvent.objects.visible_to(user)[:limit])
