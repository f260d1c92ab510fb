"""Street B's persons for the generated scope test (tests/test_scope_matrix.py)."""


def b_person(world):
    """A resident of 朝阳社区 (street B) who also works for street B's 规上 enterprise."""
    import datetime as dt

    from fugong.core import fake
    from fugong.health.models import Employment, Person

    person, _ = Person.objects.get_or_create(
        id_number=fake.id_number(777, dt.date(1979, 6, 6)),
        defaults={
            "name": "朝阳居民甲",
            "phone": fake.mobile(777),
            "area": world.areas["B1"],
            "address": "朝阳路7号",
        },
    )
    Employment.objects.get_or_create(person=person, enterprise=world.enterprises["B1_above_scale"])
    return person


TARGETS = {"person": b_person, "merge": b_person}
