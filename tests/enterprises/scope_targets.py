"""The enterprise registry's routes for the scope matrix (tests/test_scope_matrix.py, tests/scope.py)."""

from tests.scope import (
    COMMISSIONER,
    COMMUNITY,
    COMMUNITY_A2,
    ENTERPRISE,
    SECTOR,
    STREET,
    Listing,
    Target,
)


def enterprise(world, side):
    return world.enterprises[side.enterprise]


def name(row) -> str:
    return row.name


def contact(enterprise) -> dict:
    """A change every rightful editor may make (an enterprise admin may not rename its enterprise)."""
    return {"contact_name": "王联络"}


# Who sees an enterprise: its street and community, its commissioner, the department of its sector,
# its own admin. Who changes it: the street, the department, its admin; a community worker only the
# individual businesses of the community (A2's, not A1's 规上).
SEEN = Target(enterprise, STREET, COMMUNITY, COMMISSIONER, SECTOR, ENTERPRISE)
CHANGED = Target(enterprise, STREET, COMMUNITY_A2, SECTOR, ENTERPRISE, data=contact)
LISTED = Listing(enterprise, name, STREET, COMMUNITY, COMMISSIONER, SECTOR, ENTERPRISE)
EXPORTED = Listing(enterprise, name, STREET, COMMUNITY, COMMISSIONER, SECTOR)  # not the enterprise's admin

TARGETS = {
    "enterprises:detail": SEEN,
    "enterprises:reveal": SEEN,
    "enterprises:edit": CHANGED,
    "api-1.0.0:get_enterprise": SEEN,
    "api-1.0.0:enterprise_history": SEEN,
    "api-1.0.0:reveal_phones": SEEN,
    "api-1.0.0:update_enterprise": CHANGED,
}
LISTS = {
    "enterprises:list": LISTED,
    "api-1.0.0:list_enterprises": LISTED,
    "enterprises:export": EXPORTED,
    "api-1.0.0:export_enterprises": EXPORTED,
}
PAGES = {
    "enterprises:create": "street_A",
    "enterprises:import": "street_A",
    "enterprises:import_template": "street_A",
    "api-1.0.0:create_enterprise": "street_A",
    "api-1.0.0:import_enterprises": "street_A",
    "api-1.0.0:import_template": "street_A",
}
