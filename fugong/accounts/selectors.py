"""Scoped reads about accounts: the users an actor manages, scopes resolved by code, audit history."""

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area, Department
from fugong.core.access import GRANTABLE, USER_MANAGE, Role
from fugong.core.scoping import CHANGE, get_visible_or_404
from fugong.core.validators import normalize_code

from . import throttles
from .models import User, enterprise_model

LIST_RELATED = ("scope_area", "scope_enterprise", "department")


class UserStatus(models.TextChoices):
    ACTIVE = "active", _("启用")
    INACTIVE = "inactive", _("停用")
    LOCKED = "locked", _("锁定")


def user_status(user: User, *, throttle: bool = False) -> str:
    """Locked: an explicit lock, or (``throttle``, one user's page: a cache read each) some client has
    run out of login attempts for the username; the administrator's 解除锁定 starts every client over."""
    if not user.is_active:
        return UserStatus.INACTIVE
    locked = user.is_locked or (throttle and throttles.blocked_somewhere(user.username))
    return UserStatus.LOCKED if locked else UserStatus.ACTIVE


def user_queryset(*, actor: User, action: str = CHANGE) -> QuerySet[User]:
    """The users ``actor`` manages (``change``) or may see (``view``, which includes themselves)."""
    return User.objects.visible_to(actor, action).select_related(*LIST_RELATED)


def user_search(*, actor: User, q: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    return user_filter(user_queryset(actor=actor), q=q, role=role, status=status)


def user_filter(users: QuerySet[User], *, q: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    """The list's search: username or name, role, and status (active, disabled, locked)."""
    q = q.strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if role:
        users = users.filter(role=role)
    now = timezone.now()
    if status == UserStatus.ACTIVE:
        users = users.filter(is_active=True).exclude(locked_until__gt=now)
    elif status == UserStatus.INACTIVE:
        users = users.filter(is_active=False)
    elif status == UserStatus.LOCKED:
        users = users.filter(is_active=True, locked_until__gt=now)
    return users


def user_get(*, actor: User, pk) -> User:
    """A user the actor manages; out of scope raises Http404 exactly like a missing one."""
    return get_visible_or_404(User, actor, CHANGE, pk=pk)


def users_scoped_on(*, actor: User, area: Area, limit: int = 50) -> list[User]:
    """Users whose scope is exactly ``area`` and whom ``actor`` manages (none without USER_MANAGE)."""
    if not actor.can(USER_MANAGE):
        return []
    return list(user_queryset(actor=actor).filter(scope_area=area)[:limit])


def grantable_roles(*, actor: User) -> list[tuple[str, str]]:
    """(value, label) of the roles ``actor`` may grant, in the order of the role table."""
    allowed = GRANTABLE.get(actor.role, frozenset())
    return [(role.value, role.label) for role in Role if role in allowed]


def scope_area_by_code(*, actor: User, code: str) -> Area | None:
    """The area with ``code`` if the actor can see it; None for unknown and out-of-scope alike."""
    code = normalize_code(code)
    return Area.objects.visible_to(actor).filter(code=code).first() if code else None


def scope_enterprise_by_code(*, actor: User, code: str):
    """The enterprise with this credit code if the actor can see it; None otherwise."""
    code = normalize_code(code)
    return enterprise_model().objects.visible_to(actor).filter(credit_code=code).first() if code else None


def scope_code_options(*, actor: User, limit: int = 600) -> list[tuple[str, str]]:
    """Suggestions for the scope-code input: the areas the actor sees, indented (one query, capped)."""
    rows = Area.objects.visible_to(actor).values_list("code", "name", "depth")[:limit]
    return [(code, "　" * depth + name) for code, name, depth in rows]


def department_queryset(*, actor: User) -> QuerySet[Department]:
    return Department.objects.visible_to(actor)


def scope_code_of(user: User) -> str:
    if user.scope_enterprise_id:
        return user.scope_enterprise.credit_code
    return user.scope_area.code if user.scope_area_id else ""


def area_users(*, user, obj) -> list[User]:
    """The accounts card of an area's page: users scoped exactly on it whom the viewer manages."""
    return users_scoped_on(actor=user, area=obj)
