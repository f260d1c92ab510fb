"""Door sensors and their alerts for the scope matrix (tests/test_scope_matrix.py, tests/scope.py).

A device belongs to the area that registered it, an alert to the area of its quarantine: both are
managed by that community and its street."""

from django.utils import timezone

from fugong.quarantine import services as quarantine
from fugong.quarantine.models import Order
from fugong.sensors import services
from fugong.sensors.models import Alert, Binding, Device, Event
from tests.quarantine.factories import register
from tests.scope import COMMUNITY, STREET, Listing, Target

from .factories import key_area


def _home_order(world, side) -> Order:
    name = f"{world.areas[side.area].name}居家者"
    order = Order.objects.filter(person__name=name).first()
    if order is None:
        key_area()
        returnee = register(world, side.worker, side.area, province="浙江省", city="温州市", name=name)
        order = quarantine.order_issue(
            actor=world.users[side.worker], returnee_id=returnee.pk, start_date=timezone.localdate()
        )
    return order


def device(world, side) -> Device:
    """A door sensor registered by the side's community, bound to one of its home quarantines."""
    device_id = f"MC-{world.areas[side.area].code}"
    existing = Device.objects.filter(device_id=device_id).first()
    if existing is None:
        actor = world.users[side.worker]
        existing, _secret = services.device_register(actor=actor, device_id=device_id)
        services.device_bind(actor=actor, device_pk=existing.pk, order_id=_home_order(world, side).pk)
    return existing


def alert(world, side) -> Alert:
    found = device(world, side)
    existing = Alert.objects.filter(device=found).first()
    if existing is None:
        binding = Binding.objects.get(device=found, unbound_at__isnull=True)
        now = timezone.now()
        event = Event.objects.create(
            device=found,
            event_id=f"scope-{found.pk}",
            kind="door_open",
            occurred_at=now,
            received_at=now,
            order=binding.order,
            area_path=binding.area_path,
        )
        existing = Alert.objects.create(
            event=event, device=found, order=binding.order, area_path=binding.area_path
        )
    return existing


MANAGED = (STREET, COMMUNITY)

TARGETS = {
    "sensors:device_rotate": Target(device, *MANAGED),
    "sensors:device_unbind": Target(device, *MANAGED),
    "sensors:device_active": Target(device, *MANAGED),
    "api-1.0.0:sensor_device": Target(device, *MANAGED),
    "api-1.0.0:sensor_device_bind": Target(device, *MANAGED),
    "api-1.0.0:sensor_device_rotate": Target(device, *MANAGED),
    "api-1.0.0:sensor_device_active": Target(device, *MANAGED, data=lambda d: {"active": True}),
    "api-1.0.0:sensor_device_unbind": Target(device, *MANAGED, data=lambda d: {"reason": "隔离结束"}),
    "sensors:alert_ack": Target(alert, *MANAGED),
    "sensors:alert_close": Target(alert, *MANAGED),
    "api-1.0.0:sensor_alert": Target(alert, *MANAGED),
    "api-1.0.0:sensor_alert_ack": Target(alert, *MANAGED),
    "api-1.0.0:sensor_alert_close": Target(alert, *MANAGED, data=lambda a: {"outcome": "at_home"}),
}
LISTS = {
    "sensors:device_list": Listing(device, lambda d: d.device_id, *MANAGED),
    "api-1.0.0:sensor_devices": Listing(device, lambda d: d.device_id, *MANAGED),
    "sensors:alert_list": Listing(alert, lambda a: a.device.device_id, *MANAGED),
    "api-1.0.0:sensor_alerts": Listing(alert, lambda a: a.device.device_id, *MANAGED),
}
PAGES = {
    "sensors:alert_poll": "community_A",
    "sensors:bind": "community_A",
    "api-1.0.0:sensor_device_create": "community_A",
}
