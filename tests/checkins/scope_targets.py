"""Check-ins, alerts and flags for the scope matrix (tests/test_scope_matrix.py, tests/scope.py).

Who monitors an enterprise's check-ins: its street, its commissioner, its own admin (the community
worker and the department have no check-in monitoring; their boundaries are tested elsewhere)."""

import datetime as dt

from fugong.checkins import services
from fugong.checkins.choices import FlagKind
from fugong.checkins.models import Alert, Checkin, Flag
from tests.scope import COMMISSIONER, ENTERPRISE, STREET, Listing, Target

from .factories import checkin, staff


def fever(world, side) -> Checkin:
    """A feverish check-in of a staff member of the side's enterprise (it raises an alert)."""
    enterprise = world.enterprises[side.enterprise]
    row = Checkin.objects.filter(enterprise=enterprise, person__name=f"预警员工{enterprise.pk:03d}").first()
    if row is None:
        person = staff(enterprise, 880000 + enterprise.pk, f"预警员工{enterprise.pk:03d}")
        row = checkin(person, enterprise, temperature="38.2", symptom="cough")
    return row


def alert(world, side) -> Alert:
    return fever(world, side).alert


def flag(world, side) -> Flag:
    row = fever(world, side)
    return Flag.objects.get_or_create(
        kind=FlagKind.SAME_SECOND,
        enterprise=row.enterprise,
        person=row.person,
        day=row.day - dt.timedelta(days=1),
        defaults={"detail": "同秒打卡"},
    )[0]


def enterprise(world, side):
    return world.enterprises[side.enterprise]


def person_name(row) -> str:
    return row.person.name


MONITORED = (STREET, COMMISSIONER, ENTERPRISE)

TARGETS = {
    # The QR link is made by those who may change the enterprise (its street, its admin).
    "checkins:enterprise_link": Target(enterprise, STREET, ENTERPRISE),
    "checkins:alert_ack": Target(alert, *MONITORED),
    "api-1.0.0:alert_ack": Target(alert, *MONITORED, data=lambda a: {"outcome": "已电话联系，居家观察"}),
    "checkins:flag_check": Target(flag, *MONITORED),
    # Only the commissioner (and the medic) spot-check; the street and the admin only monitor.
    "api-1.0.0:flag_check": Target(
        flag, COMMISSIONER, data=lambda f: {"result": "genuine", "note": "电话核实"}
    ),
}
LISTS = {
    "checkins:alerts": Listing(alert, person_name, *MONITORED),
    "api-1.0.0:alert_list": Listing(alert, person_name, *MONITORED),
    "checkins:flags": Listing(flag, person_name, *MONITORED),
    "api-1.0.0:checkin_list": Listing(fever, lambda c: str(c.key), *MONITORED),
    # The page lists the enterprises to choose from (and opens one's own for its admin).
    "checkins:missed": Listing(enterprise, lambda e: e.name, *MONITORED),
}
PAGES = {
    "checkins:mine": "employee_A",
    "api-1.0.0:checkin_create": "employee_A",
    "api-1.0.0:missed_list": "street_A",  # the list of one enterprise, given as ?enterprise_id=
}
# The check-in page behind an enterprise's QR code: its real token (not the enterprise's pk).
PUBLIC_TARGETS = {
    "checkins:checkin": lambda world: {
        "code": services.link_for(enterprise=world.enterprises["A1_above_scale"]).token
    },
}
