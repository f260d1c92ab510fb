"""Street B's check-in objects for the scope matrix (tests/test_scope_matrix.py).

Keys match "<namespace>:<name>:<route>" of the pages and the API routes.
"""

import datetime as dt

from fugong.checkins.choices import FlagKind
from fugong.checkins.models import Alert, Checkin, Flag

from .factories import checkin, staff

B_SEQ = 880001


def b_checkin(world) -> Checkin:
    enterprise = world.enterprises["B1_above_scale"]
    row = Checkin.objects.filter(enterprise=enterprise).first()
    if row is None:
        row = checkin(staff(enterprise, B_SEQ, "朝阳员工"), enterprise, temperature="38.2", symptom="cough")
    return row


def b_alert(world) -> Alert:
    return b_checkin(world).alert


def b_flag(world) -> Flag:
    row = b_checkin(world)
    return Flag.objects.get_or_create(
        kind=FlagKind.SAME_SECOND,
        enterprise=row.enterprise,
        person=None,
        day=row.day - dt.timedelta(days=1),
        defaults={"detail": "朝阳同秒"},
    )[0]


# Namespaced ("checkins:alert…") and API-path ("v1/checkins/alerts/") keys, so no other app's route
# (a quarantine site's check-in, say) is matched by them.
TARGETS = {
    "checkins:alert": b_alert,
    "v1/checkins/alerts/": b_alert,
    "checkins:flag": b_flag,
    "v1/checkins/flags/": b_flag,
    "checkins:enterprise_link": lambda world: world.enterprises["B1_above_scale"],
}
