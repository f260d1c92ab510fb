"""Who reaches a person, at which level, through which relation (SORMAS pseudonymizes outside the
jurisdiction; CommCare scopes by location).

Two levels of viewing, one of changing:

- ``FILE`` — the home community chain: the person's community lies in the viewer's area (community
  worker, street officer, the district leader read-only) and the sysadmin. The whole file: home,
  community, every visible employer, the cards of other apps (quarantine…), history; numbers
  masked unless a role allowed to unmask asks, as everywhere (core.masking).
- ``EMPLOYMENT`` — an *active* employment at an enterprise the viewer sees (its admin, its
  commissioner, its medic, the department officer of its sector, its community and street). What
  employment needs and nothing more: the name, the masked ID number and phone, and that enterprise's
  own employment, roster entries and check-ins. Nothing of the home, the home community, quarantine
  or returnee data, other employers, or the file's history.
- ``CHANGE`` — identity fields, phone, address, moving to another community, merging: only the owning
  chain (street and community officers whose area holds the person; the sysadmin), never through an
  employment; the district leader never.

Quarantine orders keep their own scope (the order's community and street, its doctor, the site's
staff: quarantine.models.Order.scope_filter); the person file never widens it. An ended employment
(``is_active=False``) grants nothing.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Case, CharField, Q, Value, When

from fugong.core.access import Role
from fugong.core.policies import InArea, Policy, Relation, grant
from fugong.core.scoping import CHANGE, VIEW

FILE = "file"  # the home community chain: the whole file
EMPLOYMENT = "employment"  # an active employment at an enterprise the viewer sees: staff view
NONE = ""  # out of scope: not found

HOME_CHAIN = frozenset({Role.DISTRICT_LEADER, Role.STREET_OFFICER, Role.COMMUNITY_WORKER})
OWNERS = frozenset({Role.STREET_OFFICER, Role.COMMUNITY_WORKER})  # change; the leader reads only
EMPLOYERS_SIDE = frozenset(
    {
        Role.ENTERPRISE_ADMIN,  # not the employee: a colleague is not a viewer
        Role.COMMISSIONER,
        Role.MEDIC,
        Role.DEPARTMENT_OFFICER,
        Role.STREET_OFFICER,
        Role.COMMUNITY_WORKER,
        Role.DISTRICT_LEADER,
    }
)


@dataclass(frozen=True)
class ActiveStaff(Relation):
    """The person has an active employment at an enterprise the user may view."""

    def _enterprises(self):
        from fugong.enterprises.models import Enterprise

        return Enterprise

    def q(self, user, action, model):
        from .models import Employment

        visible = self._enterprises().objects.visible_to(user, VIEW)
        return Q(pk__in=Employment.objects.filter(is_active=True, enterprise__in=visible).values("person_id"))

    def users(self, obj, action):
        from fugong.enterprises.policies import ENTERPRISE

        enterprises = self._enterprises().objects.filter(employments__person=obj, employments__is_active=True)
        reached = [q for e in enterprises if (q := ENTERPRISE.responsible(e, VIEW, as_q=True)) is not None]
        return reduce(operator.or_, reached) if reached else None


FILE_GRANTS = (grant(HOME_CHAIN, InArea()),)
EMPLOYMENT_GRANTS = (grant(EMPLOYERS_SIDE, ActiveStaff()),)

PERSON = Policy(
    {
        FILE: FILE_GRANTS,
        EMPLOYMENT: EMPLOYMENT_GRANTS,
        VIEW: FILE_GRANTS + EMPLOYMENT_GRANTS,  # the union: lists and lookups, rendered by level
        CHANGE: (grant(OWNERS, InArea()),),
    }
)


def level_expression(user):
    """An expression giving each person row the viewer's level (FILE, EMPLOYMENT or NONE), so a list
    or a single row reads its level in the same query."""
    from .models import Person

    if user.is_sysadmin:
        return Value(FILE, output_field=CharField())
    whens = [
        When(condition, then=Value(level))
        for level in (FILE, EMPLOYMENT)
        if (condition := PERSON.scope_filter(user, level, Person)) is not None
    ]
    if not whens:
        return Value(NONE, output_field=CharField())
    return Case(*whens, default=Value(NONE), output_field=CharField())
