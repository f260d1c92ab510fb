"""The one scoping mechanism: every scoped model's manager can restrict itself to a user.

A scoped model defines ``scope_filter(user, action) -> Q | None``; ``None`` means "nothing"
(deny by default). User-facing code reads through ``Model.objects.visible_to(user, action)`` and
fetches single rows with ``get_visible_or_404`` so that a row out of scope looks exactly like a
missing one.
"""

from django.db import models
from django.db.models import Q
from django.http import Http404

VIEW = "view"
CHANGE = "change"


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = VIEW) -> "ScopedQuerySet":
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        condition = self.model.scope_filter(user, action)
        if condition is None:
            return self.none()
        return self.filter(condition)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def subtree_q(path: str | None, field: str = "area_path") -> Q | None:
    """Rows whose materialized area path lies under ``path`` — one indexed prefix filter."""
    if not path:
        return None
    return Q(**{f"{field}__startswith": path})


def get_visible_or_404(model, user, action: str = VIEW, **lookup):
    try:
        return model.objects.visible_to(user, action).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
