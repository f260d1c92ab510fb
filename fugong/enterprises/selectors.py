"""Scoped reads of the enterprise registry."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import Area
from fugong.core import audit
from fugong.core.access import ENTERPRISE_CHANGE
from fugong.core.scoping import CHANGE, VIEW, get_visible_or_404

from .filters import EnterpriseFilter
from .models import Enterprise

LIST_RELATED = ("area", "commissioner")

# A credit code is a natural key: what a refusal says must not tell whether, or where, it is
# registered outside the user's sight. One answer for every such case; a duplicate the user can see
# may be named as one.
CODE_TAKEN = _("该统一社会信用代码已登记，请勿重复录入")
CODE_TAKEN_READ_ONLY = _("该统一社会信用代码已登记，且不在您可修改的范围内")
CODE_OUT_OF_SCOPE = _("该统一社会信用代码无法在您的范围内登记，请联系街镇核实")


def enterprise_queryset(*, user, action: str = VIEW) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user, action)


def credit_code_conflict(*, user, code: str, exclude_pk: int | None = None) -> str | None:
    """Why ``user`` cannot give ``code`` to a new (or another) enterprise, or None when it is free:
    registered and visible to the user, "already registered"; registered anywhere else, the neutral
    answer, the same for every other street, branch or role."""
    taken = Enterprise.objects.filter(credit_code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    pk = taken.values_list("pk", flat=True).first() if code else None
    if pk is None:
        return None
    visible = user is not None and Enterprise.objects.visible_to(user, VIEW).filter(pk=pk).exists()
    return str(CODE_TAKEN if visible else CODE_OUT_OF_SCOPE)


def enterprise_filter(*, user, params, request=None) -> EnterpriseFilter:
    """The bound filter over the user's enterprises (its ``.qs`` is the filtered queryset)."""
    base = enterprise_queryset(user=user).select_related(*LIST_RELATED)
    return EnterpriseFilter(params, queryset=base, request=request)


def enterprise_get(*, user, pk, action: str = VIEW) -> Enterprise:
    return get_visible_or_404(Enterprise, user, action, pk=pk)


DETAIL_RELATED = (
    "area",
    "commissioner",
    "paired_leader",
    "medic",
    "working_group",
    "created_by",
    "updated_by",
)
HISTORY_LIMIT = 50


def enterprise_detail(*, user, pk, action: str = VIEW) -> Enterprise:
    """One enterprise with everything its page shows, or 404 when missing or out of scope."""
    try:
        return enterprise_queryset(user=user, action=action).select_related(*DETAIL_RELATED).get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def enterprise_can_change(*, user, enterprise: Enterprise) -> bool:
    return (
        user.can(ENTERPRISE_CHANGE)
        and enterprise_queryset(user=user, action=CHANGE).filter(pk=enterprise.pk).exists()
    )


def stable_order(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """The same order plus the primary key, so pages neither repeat nor skip rows."""
    ordering = list(queryset.query.order_by) or list(Enterprise._meta.ordering)
    return queryset.order_by(*ordering, "pk")


def area_choices(*, user, max_depth: int = 2) -> list[tuple[str, str]]:
    """Areas the user may filter by, down to communities, indented by depth: ``[(code, label)]``."""
    rows = list(
        Area.objects.visible_to(user)
        .filter(depth__lte=max_depth)
        .order_by("path")
        .values_list("code", "name", "depth")
    )
    top = min((depth for _, _, depth in rows), default=0)
    return [(code, "\u3000" * (depth - top) + name) for code, name, depth in rows]


def _display(value) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def enterprise_history(*, enterprise: Enterprise, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The audit trail of one enterprise, newest first, with field labels: what the page shows."""
    rows = []
    for entry in audit.history(enterprise)[:limit]:
        changes = []
        for name, (before, after) in entry.changes.items():
            try:
                label = Enterprise._meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = name
            changes.append({"field": label, "before": _display(before), "after": _display(after)})
        rows.append(
            {
                "at": entry.at,
                "actor": entry.actor,
                "action": entry.get_action_display(),
                "request_id": entry.request_id,
                "changes": changes,
            }
        )
    return rows


def enterprise_counts_by_area(*, user) -> dict[int, int]:
    """Enterprises the user may see, per area: one aggregate query (the area tree's counts)."""
    rows = Enterprise.objects.visible_to(user).order_by().values("area_id").annotate(n=Count("id"))
    return {row["area_id"]: row["n"] for row in rows}


def enterprise_count_in_area(*, user, area) -> int:
    """Enterprises the user may see in the area's subtree: one indexed prefix count."""
    return Enterprise.objects.visible_to(user).filter(area_path__startswith=area.path).count()
