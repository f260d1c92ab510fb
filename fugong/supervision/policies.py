"""Who may do what to supervision rows, beyond seeing them.

Every inspection, finding, photo, violation and listing is seen exactly when its enterprise is
(``view``). Acting on one is narrower: the action's capability, and a relation to the enterprise
that the role holds for that action. The models' ``scope_filter`` reads this table, the services
enforce it inside their transaction, and the pages and the API only offer what it allows.

======== ================================================ ======================= =====================================
action   what                                             capability              relation to the enterprise
======== ================================================ ======================= =====================================
change   record an inspection (its findings, photos,      supervision.inspect     street officer: in their street;
         the follow-up closing them) or a violation                               community worker: a 个体工商户 or
                                                                                  九小场所 of their community;
                                                                                  department officer: their sector or
                                                                                  served by them; commissioner: served
decide   confirm a violation's step, propose listing      supervision.decide      street officer: in their street;
                                                                                  department officer: their sector
approve  confirm listing on, or removal from, the list    supervision.approve     district leader: in their district
remove   propose removal from the list                    decide or approve       as for decide, or as for approve
======== ================================================ ======================= =====================================

The district leader and a department officer outside its sector may read these rows but not act.
"""

from django.db.models import Q

from fugong.core.access import (
    COMMUNITY_CATEGORIES,
    DISHONESTY_APPROVE,
    INSPECT,
    VIOLATION_DECIDE,
    Role,
)
from fugong.core.scoping import CHANGE, VIEW, subtree_q
from fugong.enterprises.models import Enterprise
from fugong.enterprises.scoping import enterprise_scoped

DECIDE = "decide"
APPROVE = "approve"
REMOVE = "remove"


def _area(user) -> Q | None:
    return subtree_q(user.area_scope_path)


def _small_entities_of_area(user) -> Q | None:
    area = _area(user)
    return None if area is None else area & Q(category__in=list(COMMUNITY_CATEGORIES))


def _sector(user) -> Q | None:
    area = _area(user)
    if area is None or not user.department_id:
        return None
    return area & Q(category__in=user.department.sector_categories)


def _sector_or_served(user) -> Q | None:
    sector = _sector(user)
    served = Q(commissioner=user)
    return served if sector is None else sector | served


def _served(user) -> Q:
    return Q(commissioner=user)


# action -> [(capability, {role: relation})]: any matching entry allows.
POLICY = {
    CHANGE: [
        (
            INSPECT,
            {
                Role.STREET_OFFICER: _area,
                Role.COMMUNITY_WORKER: _small_entities_of_area,
                Role.DEPARTMENT_OFFICER: _sector_or_served,
                Role.COMMISSIONER: _served,
            },
        )
    ],
    DECIDE: [(VIOLATION_DECIDE, {Role.STREET_OFFICER: _area, Role.DEPARTMENT_OFFICER: _sector})],
    APPROVE: [(DISHONESTY_APPROVE, {Role.DISTRICT_LEADER: _area})],
}
POLICY[REMOVE] = POLICY[DECIDE] + POLICY[APPROVE]


def enterprise_condition(user, action: str) -> Q | None:
    """The enterprises whose supervision rows ``user`` may act on with ``action`` (a Q on Enterprise),
    or None for none. ``view`` is answered by the enterprise's own scope, not here."""
    if user.is_sysadmin:
        return Q()
    result = None
    for capability, relations in POLICY.get(action, []):
        relation = relations.get(user.role)
        if relation is None or not user.can(capability):
            continue
        condition = relation(user)
        if condition is not None:
            result = condition if result is None else result | condition
    return result


def scope(user, action: str, prefix: str = "enterprise") -> Q | None:
    """``scope_filter`` of a supervision model whose enterprise is reached through ``prefix``."""
    if action == VIEW:
        return enterprise_scoped(user, VIEW, prefix=prefix)
    condition = enterprise_condition(user, action)
    if condition is None:
        return None
    if user.is_sysadmin:
        return Q()
    return Q(**{f"{prefix}__in": Enterprise.objects.filter(condition).values("pk")})


def allows(user, action: str, obj) -> bool:
    """May ``user`` take ``action`` on this row (an inspection, violation, listing — or an enterprise,
    for recording an inspection of it)?"""
    if not user.is_authenticated:
        return False
    if isinstance(obj, Enterprise):
        condition = enterprise_condition(user, action)
        return condition is not None and Enterprise.objects.filter(condition, pk=obj.pk).exists()
    return type(obj).objects.visible_to(user, action).filter(pk=obj.pk).exists()
