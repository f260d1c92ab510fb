"""Scoped reads about accounts: the users an actor manages, scopes resolved by code, audit history."""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area, Department
from fugong.core import audit
from fugong.core.scoping import CHANGE, get_visible_or_404
from fugong.core.validators import normalize_code
from fugong.enterprises.models import Enterprise

from .models import User
from .roles import GRANTABLE, USER_MANAGE, Role

LIST_RELATED = ("scope_area", "scope_enterprise", "department")


class UserStatus(models.TextChoices):
    ACTIVE = "active", _("启用")
    INACTIVE = "inactive", _("停用")
    LOCKED = "locked", _("锁定")


def user_status(user: User) -> str:
    if not user.is_active:
        return UserStatus.INACTIVE
    return UserStatus.LOCKED if user.is_locked else UserStatus.ACTIVE


def user_queryset(*, actor: User, action: str = CHANGE) -> QuerySet[User]:
    """The users ``actor`` manages (``change``) or may see (``view``, which includes themselves)."""
    return User.objects.visible_to(actor, action).select_related(*LIST_RELATED)


def user_search(*, actor: User, q: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    users = user_queryset(actor=actor)
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


def scope_enterprise_by_code(*, actor: User, code: str) -> Enterprise | None:
    """The enterprise with this credit code if the actor can see it; None otherwise."""
    code = normalize_code(code)
    return Enterprise.objects.visible_to(actor).filter(credit_code=code).first() if code else None


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


@dataclass(frozen=True)
class HistoryRow:
    at: object
    actor: str
    action: str
    changes: list[tuple[str, object, object]]
    request_id: str


EXTRA_LABELS = {"password": _("密码"), "members": _("成员")}


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return str(EXTRA_LABELS.get(name, name))


def history_rows(obj: models.Model, *, limit: int = 100) -> list[HistoryRow]:
    """The audit trail of one record, newest first, with field names as their Chinese labels."""
    rows = []
    for entry in audit.history(obj)[:limit]:
        changes = [(_label(type(obj), k), v[0], v[1]) for k, v in (entry.changes or {}).items()]
        actor = f"{entry.actor}（{entry.actor.username}）" if entry.actor else str(_("系统"))
        rows.append(
            HistoryRow(
                at=entry.at,
                actor=actor,
                action=entry.get_action_display(),
                changes=changes,
                request_id=entry.request_id,
            )
        )
    return rows
