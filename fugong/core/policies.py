"""Policy tables: for each model and action, which roles reach a row, through which relation.

An app writes its table in ``<app>/policies.py``; the model's ``scope_filter`` reads it, so
``Model.objects.visible_to(user, action)`` (core.scoping) and the per-object check ``allows`` come
from the same rules, and so does the reverse question — who is responsible for this row — that
notifications ask (Wagtail's permission policies answer both; NetBox's ObjectPermission is the
idea of a grant). A relation knows both directions: ``q(user)`` filters rows for a user,
``users(obj)`` filters users for a row. Deny by default: no grant for the role, nothing.
"""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Q

from .access import Role
from .scoping import subtree_q


def _any(conditions) -> Q | None:
    conditions = [c for c in conditions if c is not None]
    return reduce(operator.or_, conditions) if conditions else None


def _path_prefixes(path: str) -> list[str]:
    """``/a/b/c/`` → ``["/a/", "/a/b/", "/a/b/c/"]``: the scopes whose subtree holds the path."""
    codes = [c for c in (path or "").split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


class Relation:
    """How a user reaches a row. ``q`` → rows of a user (None: none); ``users`` → users of a row."""

    def q(self, user, action: str, model) -> Q | None:
        raise NotImplementedError

    def users(self, obj, action: str) -> Q | None:
        raise NotImplementedError


@dataclass(frozen=True)
class InArea(Relation):
    """The row lies in the subtree of the user's area (its materialized ``area_path``)."""

    field: str = "area_path"

    def q(self, user, action, model):
        return subtree_q(user.area_scope_path, self.field)

    def users(self, obj, action):
        return Q(scope_area__path__in=_path_prefixes(getattr(obj, self.field)))


@dataclass(frozen=True)
class OwnEnterprise(Relation):
    """The row is (or belongs to) the enterprise the user's account is bound to."""

    field: str = "enterprise_id"

    def q(self, user, action, model):
        return Q(**{self.field: user.scope_enterprise_id}) if user.scope_enterprise_id else None

    def users(self, obj, action):
        return Q(scope_enterprise_id=getattr(obj, self.field))


@dataclass(frozen=True)
class Assigned(Relation):
    """The user is named on the row (the enterprise's commissioner, its medic, a problem's assignee)."""

    field: str

    def q(self, user, action, model):
        return Q(**{self.field: user.pk})

    def users(self, obj, action):
        return Q(pk=getattr(obj, f"{self.field}_id"))


@dataclass(frozen=True)
class InSector(Relation):
    """Rows of the categories of the user's department (its sector), within the user's area."""

    category: str = "category"
    area: str = "area_path"
    categories: frozenset[str] | None = None  # a fixed set instead of the department's (community work)

    def _categories(self, user):
        if self.categories is not None:
            return list(self.categories)
        return list(user.department.sector_categories) if user.department_id else None

    def q(self, user, action, model):
        area, categories = subtree_q(user.area_scope_path, self.area), self._categories(user)
        if area is None or categories is None:
            return None
        return area & Q(**{f"{self.category}__in": categories})

    def users(self, obj, action):
        in_area = Q(scope_area__path__in=_path_prefixes(getattr(obj, self.area)))
        category = getattr(obj, self.category)
        if self.categories is not None:
            return in_area if category in self.categories else None
        return in_area & Q(department__sector_categories__icontains=f'"{category}"')


@dataclass(frozen=True)
class Through(Relation):
    """Visible exactly when the parent row is, for the same action (or ``as_action``)."""

    fk: str
    as_action: str | None = None

    def _parent(self, model):
        return model._meta.get_field(self.fk.split("__")[0]).related_model

    def q(self, user, action, model):
        parent = self._parent(model)
        visible = parent.objects.visible_to(user, self.as_action or action)
        return Q(**{f"{self.fk}__in": visible.values("pk")})

    def users(self, obj, action):
        parent = getattr(obj, self.fk.split("__")[0])
        return parent.policy.responsible(parent, self.as_action or action, as_q=True)


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str]
    relation: Relation


ALL_ROLES = frozenset(Role)


def grant(roles, relation: Relation) -> Grant:
    return Grant(frozenset([roles] if isinstance(roles, str) else roles), relation)


@dataclass
class Policy:
    """``actions``: action → its grants. The system administrator reaches everything."""

    actions: dict[str, tuple[Grant, ...]] = field(default_factory=dict)

    def scope_filter(self, user, action: str, model) -> Q | None:
        if user.is_sysadmin:
            return Q()
        grants = self.actions.get(action, ())
        return _any(g.relation.q(user, action, model) for g in grants if user.role in g.roles)

    def allows(self, user, action: str, obj) -> bool:
        """The per-object check: ``obj`` is one of the rows ``user`` reaches for ``action``."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        condition = self.scope_filter(user, action, type(obj))
        return condition is not None and type(obj)._default_manager.filter(condition, pk=obj.pk).exists()

    def responsible(self, obj, action: str, *, as_q: bool = False):
        """The active users who reach ``obj`` for ``action`` through a grant (not the sysadmin): the
        reverse question, for notifications. A Q over users with ``as_q``, else a queryset."""
        condition = _any(
            (Q(role__in=g.roles) & users) if (users := g.relation.users(obj, action)) is not None else None
            for g in self.actions.get(action, ())
        )
        if as_q:
            return condition
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True).exclude(role=Role.SYSADMIN)
        return users.filter(condition) if condition is not None else users.none()


@dataclass(frozen=True)
class Both(Relation):
    """Both relations hold (e.g. in the user's area and assigned to the user)."""

    first: Relation
    second: Relation

    def q(self, user, action, model):
        a, b = self.first.q(user, action, model), self.second.q(user, action, model)
        return a & b if a is not None and b is not None else None

    def users(self, obj, action):
        a, b = self.first.users(obj, action), self.second.users(obj, action)
        return a & b if a is not None and b is not None else None


class PolicyScoped:
    """Mixin for models whose ``policy`` (their app's table) decides ``visible_to`` and ``allows``."""

    policy: Policy

    @classmethod
    def scope_filter(cls, user, action):
        return cls.policy.scope_filter(user, action, cls)
