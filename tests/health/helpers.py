"""Persons for the registry tests, with valid ID numbers from the fake generator."""

import datetime as dt

from django.utils import timezone

from fugong.core import fake
from fugong.health.models import Employment, Person


def id_no(seq: int) -> str:
    return fake.id_number(seq, dt.date(1985, 3, 1 + seq % 28))


def wrong_check(seq: int) -> str:
    good = id_no(seq)
    return good[:17] + ("0" if good[17] != "0" else "1")


def person(world, area_key: str, seq: int, *, name: str = "", phone: str = "") -> Person:
    area = world.areas[area_key]
    return Person.objects.create(
        id_number=id_no(seq), name=name or f"居民{seq}", phone=phone or fake.mobile(seq), area=area
    )


def staff(world, enterprise_key: str, seq: int, *, home: str | None = None) -> Person:
    """A member of the enterprise's staff, living in ``home`` (an area key; by default the
    enterprise's own community, whose chain holds the file — health.policies)."""
    area = world.areas[home] if home else world.enterprises[enterprise_key].area
    p = Person.objects.create(id_number=id_no(seq), name=f"员工{seq}", phone=fake.mobile(seq), area=area)
    Employment.objects.create(person=p, enterprise=world.enterprises[enterprise_key])
    return p


def filing(world, enterprise_key: str):
    from fugong.resumption.models import Filing

    enterprise = world.enterprises[enterprise_key]
    street = world.areas[enterprise_key[0]]
    filing, _ = Filing.objects.get_or_create(
        enterprise=enterprise,
        status="submitted",
        defaults={
            "area_path": enterprise.area_path,
            "category": enterprise.category,
            "mode": "review",
            "planned_date": timezone.localdate(),
            "holder_area": street,
            "submitted_at": timezone.now(),
        },
    )
    return filing


def on_roster(world, enterprise_key: str, p: Person):
    from fugong.resumption.models import RosterEntry

    return RosterEntry.objects.create(
        filing=filing(world, enterprise_key), person=p, last14_location="重庆北碚"
    )
