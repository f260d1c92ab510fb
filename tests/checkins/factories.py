"""Staff and check-ins for the check-in tests."""

import datetime as dt
import uuid

from django.utils import timezone

from fugong.checkins import services
from fugong.checkins.models import Checkin
from fugong.core import fake
from fugong.health.models import Employment, Person


def staff(enterprise, seq: int, name: str = "", phone: str = "") -> Person:
    person = Person.objects.create(
        id_number=fake.id_number(seq, dt.date(1985, 3, 1)),
        name=name or f"员工{seq}",
        phone=phone,
        area=enterprise.area,
    )
    Employment.objects.create(person=person, enterprise=enterprise)
    return person


def checkin(
    person, enterprise, *, temperature="36.5", symptom="none", now=None, whereabouts="公司", **kw
) -> Checkin:
    row, _ = services.checkin_record(
        person_id=person.pk,
        enterprise_id=enterprise.pk,
        key=uuid.uuid4(),
        temperature=temperature,
        symptom=symptom,
        whereabouts=whereabouts,
        now=now or timezone.now(),
        **kw,
    )
    return row


def post(client, data, **headers):
    """POST /api/v1/checkins with a JSON body."""
    return client.post("/api/v1/checkins", data, content_type="application/json", headers=headers)
