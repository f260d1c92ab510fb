"""The person registry for the scope matrix (tests/test_scope_matrix.py, tests/scope.py)."""

import datetime as dt

from fugong.core import fake
from fugong.health.models import DiscrepancySource, Employment, Person, PersonDiscrepancy
from tests.scope import COMMUNITY, RELATION, RELATION_CHANGE, RELATION_ENDED, STREET, Listing, Target


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


def linked_person(world, side) -> Person:
    """A resident of the side's community (street B) on the staff of the side's enterprise (street A)
    — the relation ended when ``side.ended`` — who also works for B1's commerce enterprise and once
    worked for A1's: employers the relation must not name."""
    area = world.areas[side.area]
    seq = 880 + area.pk + (1 if side.ended else 0)
    person, _ = Person.objects.get_or_create(
        id_number=fake.id_number(seq, dt.date(1981, 8, 8)),
        defaults={
            "name": f"关联{seq}号",
            "phone": fake.mobile(seq),
            "area": area,
            "address": f"{area.name}8号",
        },
    )
    for key, active in ((side.enterprise, not side.ended), ("B1_commerce", True), ("A1_commerce", False)):
        Employment.objects.update_or_create(
            person=person, enterprise=world.enterprises[key], defaults={"is_active": active}
        )
    return person


def file_of(person: Person) -> list[str]:
    """What the staff view must not show: full numbers, the home, the other and past employers
    (the linked employer is the one active 规上 enterprise, see linked_person)."""
    others = person.employments.exclude(is_active=True, enterprise__category="above_scale")
    return [person.id_number, person.phone, person.address, person.area.name] + [
        e.enterprise.name for e in others.select_related("enterprise")
    ]


def name(row) -> str:
    return row.name


def discrepancy(world, side) -> PersonDiscrepancy:
    """Someone of another street typed the side's resident's ID number with another name (登记核实):
    the resident's home chain reviews it; nobody else, the registrant included, sees it."""
    resident = person(world, side)
    made, _ = PersonDiscrepancy.objects.get_or_create(
        person=resident,
        typed_name=f"{resident.name}别名",
        defaults={
            "source": DiscrepancySource.PERSON_CREATE,
            "typed_id_number": resident.id_number,
            "name_differs": True,
        },
    )
    return made


def typed(row) -> str:
    return row.typed_name


# Residents are the street's and the community's; staff are seen as staff by the employer's side
# while the employment lasts (health.policies).
PERSON = (
    Target(person, STREET, COMMUNITY),
    Target(linked_person, RELATION, hidden=file_of),
    Target(linked_person, RELATION_ENDED),
)
# Changing a person (and revealing the file's numbers) is the home chain's alone.
PERSON_CHANGE = (Target(person, STREET, COMMUNITY), Target(linked_person, RELATION_CHANGE, RELATION_ENDED))

TARGETS = {
    "health:person_detail": PERSON,
    "health:person_edit": PERSON_CHANGE,
    "health:person_merge": PERSON_CHANGE,
    "health:person_reveal": PERSON_CHANGE,
    "api-1.0.0:get_person": PERSON,
    # Its path is get_person's: the linked users read it (GET) and change nothing by PUT.
    "api-1.0.0:update_person": PERSON,
    "api-1.0.0:merge_person": PERSON_CHANGE,
    "api-1.0.0:reveal_person": PERSON_CHANGE,
    # The review of a registration by a known ID number: the home chain's alone.
    "health:discrepancy_detail": Target(discrepancy, STREET, COMMUNITY),
    "api-1.0.0:resolve_discrepancy": Target(discrepancy, STREET, COMMUNITY),
}
# Lists show staff rows masked and without the home; the export holds the home chain's files only.
LISTED = (
    Listing(person, name, STREET, COMMUNITY),
    Listing(linked_person, name, RELATION, hidden=file_of),
    Listing(linked_person, name, RELATION_ENDED),
)
LISTS = {
    "health:person_list": LISTED,
    "api-1.0.0:list_persons": LISTED,
    "health:discrepancy_list": Listing(discrepancy, typed, STREET, COMMUNITY),
    "api-1.0.0:list_discrepancies": Listing(discrepancy, typed, STREET, COMMUNITY),
    "health:person_export": (
        Listing(person, name, STREET, COMMUNITY),
        Listing(linked_person, name, RELATION_CHANGE, RELATION_ENDED),
    ),
}
PAGES = {
    "health:person_new": "community_A",
    "health:person_import": "community_A",
    "health:person_import_template": "community_A",
    "api-1.0.0:create_person": "community_A",
    "api-1.0.0:import_persons": "community_A",
    "api-1.0.0:lookup_person": "community_A",  # one person, given as ?id_number=
}
