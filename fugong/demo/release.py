"""The demo's released home quarantine: a returnee of the ``community`` account whose quarantine
ends today and is released, so that the 解除隔离通知书 list has a notice to open, print and verify."""

import datetime as dt
import random

from django.utils import timezone

from fugong.accounts.models import User
from fugong.core import fake

from .sensors import DEMO_ORIGIN


def build_release_demo(*, seed: int = 7) -> str | None:
    """Returns a line for the demo's report, or None when the demo has no ``community`` account.
    Runs after the door-sensor demo, which adds the key area the returnee comes from."""
    from fugong.quarantine import services as quarantine

    worker = User.objects.filter(username="community").first()
    if worker is None:
        return None
    rng = random.Random(seed + 1)
    arrival = timezone.localdate() - dt.timedelta(days=15)
    returnee = quarantine.returnee_register(
        actor=worker,
        id_number=fake.id_number(902, dt.date(1979, 3, 8)),
        name=fake.person_name(rng),
        phone=fake.mobile(90_002),
        origin_province=DEMO_ORIGIN[0],
        origin_city=DEMO_ORIGIN[1],
        arrival_date=arrival,
        transport="car",
        transport_detail="渝B·演示",
        address="天生路90号1栋1单元302",
        destination_id=worker.scope_area_id,
    )
    # Quarantined from the day that makes today its planned end (the rule in force decides the days).
    start = max(arrival, timezone.localdate() - dt.timedelta(days=returnee.decision.days))
    order = quarantine.order_issue(actor=worker, returnee_id=returnee.pk, start_date=start)
    order = quarantine.order_release(actor=worker, order_id=order.pk)
    notice = order.notice
    return f"解除隔离通知书：{notice.number}（{order.person.name}），核验链接 {notice.verify_url}"
