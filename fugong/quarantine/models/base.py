"""Scoping pieces shared by the quarantine models: who sees rows under an area."""

from django.db.models import Q

from fugong.core.access import Role
from fugong.core.scoping import subtree_q


def _area_roles_q(user, field: str = "area_path") -> Q | None:
    if user.role in {Role.DISTRICT_LEADER, Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.MEDIC}:
        return subtree_q(user.area_scope_path, field)
    return None


def _or(*conditions) -> Q | None:
    present = [c for c in conditions if c is not None]
    if not present:
        return None
    result = present[0]
    for c in present[1:]:
        result |= c
    return result
