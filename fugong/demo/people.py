"""The demo's people work in 天生街道, through the services: a fever check-in that raises an alert,
a follow-up of the door-sensor quarantine, a returnee handed over to the next community (waiting
to be accepted), and one centralized quarantine checked into the site's hotel.

Runs after the door-sensor demo (its home quarantine is followed up); the returnee of the
centralized quarantine comes from a high-risk area added here.
"""

import datetime as dt
import random
import uuid

from django.utils import timezone

from fugong.accounts.models import User
from fugong.core import fake

HIGH_RISK = ("黑龙江省", "绥化市")


def build_people_demo(*, seed: int = 7) -> list[str]:
    """Lines for the demo's report; nothing when the demo has no ``community`` account."""
    users = {u.username: u for u in User.objects.filter(username__in=("sysadmin", "community", "site"))}
    if len(users) < 3:
        return []
    rng = random.Random(seed + 2)
    return [
        alert_demo(rng),
        followup_demo(users["community"]),
        handover_demo(users["community"], rng),
        stay_demo(users, rng),
    ]


def alert_demo(rng: random.Random) -> str:
    """Staff of 天生街道's first served enterprise check in this morning; one has a fever."""
    from fugong.checkins import services
    from fugong.health.models import Employment

    staff = list(
        Employment.objects.filter(
            enterprise__area_path__startswith="/500109/500109001/", enterprise__medic__username="medic"
        )
        .select_related("person", "enterprise")
        .order_by("enterprise_id", "pk")[:5]
    )
    for n, job in enumerate(staff):
        services.checkin_record(
            person_id=job.person_id,
            enterprise_id=job.enterprise_id,
            key=uuid.UUID(int=rng.getrandbits(128)),
            temperature="37.9" if n == 0 else f"36.{rng.randint(2, 8)}",
            symptom="cough" if n == 0 else "none",
        )
    return f"健康打卡：{len(staff)} 人已打卡，1 条发热预警（{staff[0].enterprise.name}）" if staff else ""


def followup_demo(worker) -> str:
    """This morning's phone follow-up of the worker's home quarantine."""
    from fugong.quarantine import services
    from fugong.quarantine.models import Order, OrderStatus

    order = Order.objects.filter(responsible=worker, status=OrderStatus.ACTIVE).order_by("pk").first()
    if order is None:
        return ""
    services.followup_record(
        actor=worker, order_id=order.pk, method="phone", status="reached", temperature="36.5", note="无不适"
    )
    return f"隔离随访：{order.person.name} 已随访 1 次"


def _register(actor, rng, n: int, origin: tuple[str, str], destination, address: str):
    from fugong.quarantine import services

    return services.returnee_register(
        actor=actor,
        id_number=fake.id_number(910 + n, dt.date(1990, 1 + n, 10 + n)),
        name=fake.person_name(rng),
        phone=fake.mobile(90_010 + n),
        origin_province=origin[0],
        origin_city=origin[1],
        arrival_date=timezone.localdate(),
        transport="train",
        transport_detail="D5123",
        address=address,
        destination_id=destination.pk,
    )


def handover_demo(worker, rng: random.Random) -> str:
    """A returnee the worker registered for the next community: handed over, not yet accepted."""
    from fugong.areas.models import Area

    nearby = Area.objects.filter(parent_id=worker.scope_area.parent_id, kind="community")
    destination = nearby.exclude(pk=worker.scope_area_id).order_by("code").first()
    if destination is None:
        return ""
    returnee = _register(worker, rng, 1, ("四川省", "广安市"), destination, "天生路120号2栋1单元101")
    return f"返区人员移交：{returnee.person.name} 移交至 {destination.name}，待接收"


def stay_demo(users: dict, rng: random.Random) -> str:
    """A returnee from a high-risk area (centralized, by the rule set in force), checked into a room."""
    from fugong.quarantine import services
    from fugong.quarantine.models import Site

    worker, today = users["community"], timezone.localdate()
    services.risk_area_add(
        actor=users["sysadmin"],
        province=HIGH_RISK[0],
        city=HIGH_RISK[1],
        level="high",
        effective_from=today - dt.timedelta(days=10),
        note="演示数据：高风险地区",
    )
    returnee = _register(worker, rng, 2, HIGH_RISK, worker.scope_area, "天生路66号5栋3单元601")
    order = services.order_issue(actor=worker, returnee_id=returnee.pk, start_date=today)
    site = Site.objects.visible_to(users["site"]).order_by("pk").first()
    if site is None or order.kind != "centralized":
        return ""
    room = site.rooms.filter(is_active=True).order_by("number").first()
    services.stay_check_in(
        actor=users["site"],
        site_id=site.pk,
        room_id=room.pk,
        id_number=order.person.id_number,
        checked_registration=True,
        checked_temperature=True,
        checked_health=True,
    )
    return f"集中隔离：{order.person.name} 入住 {site.name} {room.number} 房间"
