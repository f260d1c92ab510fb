"""Who reaches an enterprise of the registry, for which action, through which relation.

The rows that hang on an enterprise (filings, reports, inspections, problems…) are reached through
it: their tables say ``Through("enterprise")`` (core.policies), so one table decides them all.
"""

from fugong.core.access import COMMUNITY_CATEGORIES, Role
from fugong.core.policies import Assigned, Both, InArea, InSector, OwnEnterprise, Policy, grant
from fugong.core.scoping import CHANGE, VIEW

OWN = grant(Role.ENTERPRISE_ADMIN, OwnEnterprise("pk"))

ENTERPRISE = Policy(
    {
        VIEW: (
            grant({Role.DISTRICT_LEADER, Role.STREET_OFFICER, Role.COMMUNITY_WORKER}, InArea()),
            grant(Role.DEPARTMENT_OFFICER, InSector()),  # its sector, in its area
            grant(Role.DEPARTMENT_OFFICER, Both(InArea(), Assigned("commissioner"))),
            grant(Role.COMMISSIONER, Assigned("commissioner")),
            grant(Role.MEDIC, Assigned("medic")),
            OWN,
        ),
        CHANGE: (
            grant(Role.STREET_OFFICER, InArea()),
            grant(Role.DEPARTMENT_OFFICER, InSector()),
            grant(Role.COMMUNITY_WORKER, InSector(categories=frozenset(COMMUNITY_CATEGORIES))),
            OWN,
        ),
    }
)
