"""Writes about persons: found by ID number, created once, reused by rosters and check-ins."""

from django.db import IntegrityError, transaction

from fugong.core.validators import normalize_code

from .models import Employment, Person


@transaction.atomic
def person_get_or_create(*, id_number: str, name: str, phone: str = "", actor=None) -> tuple[Person, bool]:
    """The person with this ID number, created when new; a known person keeps their record."""
    id_number = normalize_code(id_number)
    person = Person.objects.filter(id_number=id_number).first()
    if person is not None:
        return person, False
    person = Person(id_number=id_number, name=name.strip(), phone=phone, created_by=actor, updated_by=actor)
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # entered at the same moment elsewhere
        return Person.objects.get(id_number=id_number), False
    return person, True


def employment_ensure(*, person: Person, enterprise, is_local: bool) -> Employment:
    employment, created = Employment.objects.get_or_create(person=person, enterprise=enterprise,
                                                           defaults={"is_local": is_local})
    if not created and (employment.is_local != is_local or not employment.is_active):
        employment.is_local, employment.is_active = is_local, True
        employment.save(update_fields=["is_local", "is_active"])
    return employment
