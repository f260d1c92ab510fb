"""Making returnees, orders, sites and stays for the quarantine tests (through the services)."""

import datetime as dt
import itertools

from django.utils import timezone

from fugong.core import fake
from fugong.quarantine import services
from fugong.quarantine.models import RiskArea
from tests.clock import travel_to

_seq = itertools.count(500)
# The ninth edition (第九版, 7 days) is in force from 2022-06-28; before that, the 2020 measures (14 days).
# A test that names the edition travels there rather than relying on the session's instant.
under_the_ninth_edition = travel_to(2022, 7, 4)  # a Monday morning
BIRTH = dt.date(1985, 3, 14)


def id_number(seq: int | None = None) -> str:
    return fake.id_number(next(_seq) if seq is None else seq, BIRTH)


def high_risk(province="湖北省", city="武汉市", since=dt.date(2020, 1, 1), until=None) -> RiskArea:
    return RiskArea.objects.create(
        province=province, city=city, level="high", effective_from=since, effective_to=until
    )


def register(
    world,
    user="community_A",
    destination="A1",
    *,
    arrival=None,
    province="湖北省",
    city="武汉市",
    number=None,
    name="张三",
    today=None,
    **extra,
):
    today = today or timezone.localdate()
    return services.returnee_register(
        actor=world.users[user],
        id_number=number or id_number(),
        name=name,
        phone="13800138000",
        origin_province=province,
        origin_city=city,
        arrival_date=arrival or today - dt.timedelta(days=1),
        transport="train",
        address="某小区1栋1单元",
        destination_id=world.areas[destination].pk,
        today=today,
        **extra,
    )


def order_for(world, street="A", *, kind_high=True, start=None):
    """An active order in street ``street``: a returnee from a high-risk area, registered locally."""
    if kind_high and not RiskArea.objects.filter(province="湖北省", level="high").exists():
        high_risk(since=dt.date(2020, 1, 1))
    returnee = register(world, f"community_{street}", f"{street}1")
    return services.order_issue(
        actor=world.users[f"community_{street}"],
        returnee_id=returnee.pk,
        start_date=start or timezone.localdate(),
    )


def site_with_rooms(world, street="A", rooms=("101", "102"), name=None):
    site = services.site_create(
        actor=world.users["sysadmin"],
        name=name or f"{street}街道隔离酒店",
        area_id=world.areas[street].pk,
        rooms=list(rooms),
    )
    services.staff_bind(
        actor=world.users["sysadmin"], site_id=site.pk, user_id=world.users[f"site_{street}"].pk
    )
    return site


def check_in(world, site, room, order, user: str):
    return services.stay_check_in(
        actor=world.users[user],
        site_id=site.pk,
        room_id=room.pk,
        id_number=order.person.id_number,
        checked_registration=True,
        checked_temperature=True,
        checked_health=True,
    )
