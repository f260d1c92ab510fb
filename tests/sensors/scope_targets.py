"""Street B's door-sensor objects for the generated scope test (tests/test_scope_matrix.py).

Keys are specific to this app's routes (its namespace and API prefix)."""


def b_device(world):
    from fugong.sensors.models import Device

    existing = Device.objects.filter(device_id="MC-B-SCOPE").first()
    if existing is None:
        from fugong.sensors import services

        from .factories import home_order

        order = home_order(world, "B", name="朝阳居家")
        existing, _secret = services.device_register(actor=world.users["community_B"], device_id="MC-B-SCOPE")
        services.device_bind(actor=world.users["community_B"], device_pk=existing.pk, order_id=order.pk)
    return existing


def b_alert(world):
    from django.utils import timezone

    from fugong.sensors.models import Alert, Binding, Event

    device = b_device(world)
    alert = Alert.objects.filter(device=device).first()
    if alert is None:
        binding = Binding.objects.get(device=device, unbound_at__isnull=True)
        now = timezone.now()
        event = Event.objects.create(
            device=device,
            event_id="scope-1",
            kind="door_open",
            occurred_at=now,
            received_at=now,
            order=binding.order,
            area_path=binding.area_path,
        )
        alert = Alert.objects.create(
            event=event, device=device, order=binding.order, area_path=binding.area_path
        )
    return alert


TARGETS = {
    "sensors:device": b_device,
    "v1/sensors/devices/": b_device,
    "sensors:alert": b_alert,
    "v1/sensors/alerts/": b_alert,
}
