"""Home quarantines with door sensors, made through the services (as the pages and API would)."""

import datetime as dt
import itertools

from django.test import Client
from django.utils import timezone

from fugong.quarantine import services as quarantine
from fugong.quarantine.models import RiskArea
from fugong.sensors import services
from tests.quarantine.factories import register

_seq = itertools.count(1)


def key_area() -> RiskArea:
    """A key area (重点地区): under the rule set in force, arrivals from it stay 7 days at home."""
    area, _ = RiskArea.objects.get_or_create(
        province="浙江省", city="温州市", level="key", effective_from=dt.date(2020, 1, 1)
    )
    return area


def home_order(world, street: str = "A", *, name: str = "李四"):
    """An active home quarantine in street ``street``'s community, its worker responsible."""
    key_area()
    returnee = register(
        world, f"community_{street}", f"{street}1", province="浙江省", city="温州市", name=name
    )
    assert returnee.decision.measure == "home", returnee.decision
    return quarantine.order_issue(
        actor=world.users[f"community_{street}"], returnee_id=returnee.pk, start_date=timezone.localdate()
    )


def device(world, street: str = "A", device_id: str | None = None, user: str | None = None):
    """``(device, secret)`` registered by street ``street``'s community worker."""
    return services.device_register(
        actor=world.users[user or f"community_{street}"],
        device_id=device_id or f"MC-{street}-{next(_seq):04d}",
    )


def bound_device(world, street: str = "A", order=None):
    """``(device, secret, order)``: a device bound to an active home quarantine."""
    order = order or home_order(world, street)
    dev, secret = device(world, street)
    services.device_bind(actor=world.users[f"community_{street}"], device_pk=dev.pk, order_id=order.pk)
    return dev, secret, order


def post_event(
    device_id: str, secret: str, *, event_id="e-1", kind="door_open", occurred_at=None, client=None, **body
):
    client = client or Client()
    payload = {
        "event_id": event_id,
        "kind": kind,
        "occurred_at": (occurred_at or timezone.now()).isoformat(),
        **body,
    }
    return client.post(
        "/api/v1/sensors/events",
        payload,
        content_type="application/json",
        headers={"X-Device-Id": device_id, "X-Device-Secret": secret},
    )


def alarm(world, street: str = "A", event_id: str = "e-1"):
    """An open alert: a bound device posts a door-open event. ``(alert, device, secret, order)``."""
    dev, secret, order = bound_device(world, street)
    result = services.event_record(
        device_id=dev.device_id,
        secret=secret,
        event_id=event_id,
        kind="door_open",
        occurred_at=timezone.now(),
    )
    return result.alert, dev, secret, order
