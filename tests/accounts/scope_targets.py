"""User management and the auth API for the scope matrix (tests/test_scope_matrix.py, tests/scope.py)."""

from fugong.accounts.models import User
from fugong.core.access import Role
from tests.scope import COMMUNITY, ENTERPRISE, STREET, Listing, Target
from tests.world import _user


def resident(world, side) -> User:
    """A resident of the side's community (a street or community worker manages them)."""
    existing = User.objects.filter(username=f"resident_of_{side.area}").first()
    return existing or _user(f"resident_of_{side.area}", Role.RESIDENT, area=world.areas[side.area])


def employee(world, side) -> User:
    """An employee of the side's enterprise (its admin manages them)."""
    enterprise = world.enterprises[side.enterprise]
    username = f"employee_of_{enterprise.pk}"
    return User.objects.filter(username=username).first() or _user(
        username, Role.EMPLOYEE, enterprise=enterprise
    )


def username(user) -> str:
    return user.username


MANAGED = (Target(resident, STREET, COMMUNITY), Target(employee, ENTERPRISE))

TARGETS = {
    "accounts:user_detail": MANAGED,
    "accounts:user_edit": MANAGED,
    "accounts:user_reset_password": MANAGED,
    "accounts:user_toggle_active": MANAGED,
    "accounts:user_unlock": MANAGED,
    # The same actions through the API (fugong/accounts/api.py), with bodies that really act.
    "api-1.0.0:get_user": MANAGED,
    "api-1.0.0:update_user": tuple(
        Target(t.make, *t.boundaries, data=lambda u: {"full_name": "新名字"}) for t in MANAGED
    ),
    "api-1.0.0:set_user_active": tuple(
        Target(t.make, *t.boundaries, data=lambda u: {"active": False}) for t in MANAGED
    ),
    "api-1.0.0:unlock_user": tuple(Target(t.make, *t.boundaries, data=lambda u: {}) for t in MANAGED),
    "api-1.0.0:reset_user_password": tuple(Target(t.make, *t.boundaries, data=lambda u: {}) for t in MANAGED),
}
LISTS = {
    "accounts:users": Listing(resident, username, STREET, COMMUNITY),
    "api-1.0.0:list_users": Listing(resident, username, STREET, COMMUNITY),
}
PAGES = {
    "accounts:password_change": "resident_A",
    "accounts:user_create": "street_A",
    "api-1.0.0:me": "resident_A",
    "api-1.0.0:revoke_token": "resident_A",
    "api-1.0.0:change_password": "resident_A",
    "api-1.0.0:create_user": "street_A",
}
