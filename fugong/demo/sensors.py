"""The demo's door sensor: one home quarantine of the ``community`` account with device DEMO-MC-0001.

The returnee comes from a key area (重点地区) added for the demo, so the rule set in force decides
home quarantine by itself; the community worker who issues the order is its responsible worker.
"""

import datetime as dt
import random

from django.utils import timezone

from fugong.accounts.models import User
from fugong.core import fake

DEMO_DEVICE_ID = "DEMO-MC-0001"
DEMO_DEVICE_SECRET = "Fugong-Demo-Door-2020"  # noqa: S105 (documented in README.md; real devices get random ones)
DEMO_ORIGIN = ("浙江省", "温州市")


def build_sensor_demo(*, seed: int = 7) -> str | None:
    """Returns a line for the demo's report, or None when the demo has no ``community`` account."""
    from fugong.quarantine import services as quarantine
    from fugong.sensors import services as sensors
    from fugong.sensors.models import Device

    system = User.objects.get(username="sysadmin")
    worker = User.objects.filter(username="community").first()
    if worker is None:
        return None
    today = timezone.localdate()
    quarantine.risk_area_add(
        actor=system,
        province=DEMO_ORIGIN[0],
        city=DEMO_ORIGIN[1],
        level="key",
        effective_from=today - dt.timedelta(days=30),
        note="演示数据：重点地区",
    )
    rng = random.Random(seed)
    returnee = quarantine.returnee_register(
        actor=worker,
        id_number=fake.id_number(901, dt.date(1988, 6, 12)),
        name=fake.person_name(rng),
        phone=fake.mobile(90_001),
        origin_province=DEMO_ORIGIN[0],
        origin_city=DEMO_ORIGIN[1],
        arrival_date=today - dt.timedelta(days=1),
        transport="train",
        transport_detail="G1234",
        address="天生路88号3栋2单元501",
        destination_id=worker.scope_area_id,
    )
    order = quarantine.order_issue(actor=worker, returnee_id=returnee.pk, start_date=returnee.arrival_date)
    device, _random_secret = sensors.device_register(actor=worker, device_id=DEMO_DEVICE_ID, note="演示设备")
    # The demo's device answers to a documented secret, so that anyone can try an event at once.
    Device.objects.filter(pk=device.pk).update(secret_hash=sensors.hash_secret(DEMO_DEVICE_SECRET))
    sensors.device_bind(actor=worker, device_pk=device.pk, order_id=order.pk)
    return (
        f"门磁设备：{DEMO_DEVICE_ID}（密钥 {DEMO_DEVICE_SECRET}），已绑定 community 负责的居家隔离"
        f"（{order.person.name}，{order.get_kind_display()}至 {order.planned_end:%Y-%m-%d}）；试一试：\n"
        f"    python manage.py sensor_event {DEMO_DEVICE_ID} --secret {DEMO_DEVICE_SECRET} --kind person_left"
    )
