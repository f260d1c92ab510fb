"""Scoped reads of the enterprise registry."""

from django.db.models import QuerySet

from fugong.core.scoping import VIEW, get_visible_or_404

from .filters import EnterpriseFilter
from .models import Enterprise

LIST_RELATED = ("area", "commissioner")


def enterprise_queryset(*, user, action: str = VIEW) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user, action)


def enterprise_filter(*, user, params, request=None) -> EnterpriseFilter:
    """The bound filter over the user's enterprises (its ``.qs`` is the filtered queryset)."""
    base = enterprise_queryset(user=user).select_related(*LIST_RELATED)
    return EnterpriseFilter(params, queryset=base, request=request)


def enterprise_get(*, user, pk, action: str = VIEW) -> Enterprise:
    return get_visible_or_404(Enterprise, user, action, pk=pk)
