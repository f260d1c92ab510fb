"""The person registry for the scope matrix (tests/test_scope_matrix.py, tests/scope.py)."""

import datetime as dt

from fugong.core import fake
from fugong.health.models import Employment, Person
from tests.scope import COMMUNITY, STREET, Listing, Target


def person(world, side) -> Person:
    """A resident of the side's community who works for the side's enterprise."""
    area = world.areas[side.area]
    person, _ = Person.objects.get_or_create(
        id_number=fake.id_number(770 + area.pk, dt.date(1979, 6, 6)),
        defaults={
            "name": f"{area.name}居民",
            "phone": fake.mobile(770 + area.pk),
            "area": area,
            "address": f"{area.name}7号",
        },
    )
    Employment.objects.get_or_create(person=person, enterprise=world.enterprises[side.enterprise])
    return person


def name(row) -> str:
    return row.name


# Residents are the street's and the community's (the medic and the employer see staff only).
PERSON = Target(person, STREET, COMMUNITY)

TARGETS = {
    "health:person_detail": PERSON,
    "health:person_edit": PERSON,
    "health:person_merge": PERSON,
    "health:person_reveal": PERSON,
    "api-1.0.0:get_person": PERSON,
    "api-1.0.0:update_person": PERSON,
    "api-1.0.0:merge_person": PERSON,
    "api-1.0.0:reveal_person": PERSON,
}
LISTS = {
    "health:person_list": Listing(person, name, STREET, COMMUNITY),
    "api-1.0.0:list_persons": Listing(person, name, STREET, COMMUNITY),
    "health:person_export": Listing(person, name, STREET, COMMUNITY),
}
PAGES = {
    "health:person_new": "community_A",
    "health:person_import": "community_A",
    "health:person_import_template": "community_A",
    "api-1.0.0:create_person": "community_A",
    "api-1.0.0:import_persons": "community_A",
    "api-1.0.0:lookup_person": "community_A",  # one person, given as ?id_number=
}
