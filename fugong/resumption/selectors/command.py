"""Reads of the command page (指挥部驾驶舱), scoped to the user, on top of ``rates``.

Every figure comes from the tallies through ``rates``; only the drill-down lists read enterprise
rows, with the same conditions the tallies count by, so a list's count equals its card's figure.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fugong.areas.models import PATH_SEP, Area
from fugong.core.access import Role
from fugong.enterprises.models import Enterprise

from .. import rates
from ..choices import EXPECTED_STATES, RESUMED_STATES, EnterpriseState
from ..models import DailyReport

NOTHING = ["-"]  # a category no enterprise has: an empty sector must select nothing, not everything
TREND_DAYS = 30
MAX_TREND_DAYS = 90
ADJUSTING_ROLES = frozenset({Role.STREET_OFFICER, Role.DEPARTMENT_OFFICER, Role.SYSADMIN})
NOT_RESUMED_STATES = [s for s in EnterpriseState.values if s not in RESUMED_STATES]

# The lists behind the figures; each condition is the one the tallies count by.
METRICS = {
    "resumed": {"label": _("已复工企业"), "status": True},
    "not_resumed": {"label": _("未复工企业（纳入统计）"), "status": True},
    "out_of_scope": {"label": _("不纳入统计的企业"), "status": True},
    "reported": {"label": _("当日已报送日报的企业"), "status": False},
    "not_reported": {"label": _("应报但当日未报送日报的企业"), "status": False},
}
EXTRA_DEFINITIONS = {
    "out_of_scope": _(
        "不纳入统计 = 经街镇或主管部门核实停产、注销等，标记为不纳入统计的企业数（须注明理由），"
        "已从复工率分母中扣除。"
    ),
    "registered": _("登记企业数 = 企业名录中登记在本区域（含下级）的企业数。"),
}


@dataclass(frozen=True)
class Scope:
    """What a command page or rates request is about, already checked against the user."""

    area: Area
    day: dt.date
    categories: list[str] | None
    industry: str | None


def allowed_categories(user) -> list[str] | None:
    """A department officer's sector categories (the only ones they count); None: every category."""
    if user.role != Role.DEPARTMENT_OFFICER:
        return None
    sector = list(user.department.sector_categories) if user.department_id else []
    return sector or NOTHING


def can_adjust(user) -> bool:
    """Who may mark firms out of scope and suspend or resume them from the command page."""
    return user.is_active and user.role in ADJUSTING_ROLES


def default_area(user) -> Area:
    if user.is_sysadmin:
        root = Area.objects.filter(parent__isnull=True).order_by("path").first()
    else:
        root = user.scope_area if user.area_scope_path else None
    if root is None:
        raise Http404
    return root


def command_area(*, user, code: str | None) -> Area:
    """The area asked for, or the user's own node; outside the user's areas it is not found."""
    if not code:
        return default_area(user)
    area = Area.objects.visible_to(user).filter(code=code).first()
    if area is None:
        raise Http404
    return area


def command_scope(
    *, user, area_code: str | None, day: dt.date, category: str = "", industry: str = ""
) -> Scope:
    allowed = allowed_categories(user)
    categories = [category] if category else allowed
    return Scope(
        area=command_area(user=user, code=area_code),
        day=day,
        categories=categories,
        industry=industry or None,
    )


def definitions() -> dict[str, str]:
    return {**rates.definitions(), **{k: str(v) for k, v in EXTRA_DEFINITIONS.items()}}


def breadcrumb(*, user, area: Area) -> list[Area]:
    """The area's ancestors the user may see, top first, ending with the area itself."""
    codes = [c for c in area.path.split(PATH_SEP) if c]
    return list(Area.objects.visible_to(user).filter(code__in=codes).order_by("depth"))


def _rank_key(f: rates.Figures):
    rate = f.resumption.rate
    return (rate is None, -(rate or 0), f.area_code)


def figures_with_children(scope: Scope) -> tuple[rates.Figures, list[rates.Figures]]:
    """The node's figures and its children's, ranked by resumption rate (highest first)."""
    children = list(scope.area.children.order_by("sort_order", "code"))
    everything = rates.figures_for(
        [scope.area, *children], day=scope.day, categories=scope.categories, industry=scope.industry
    )
    return everything[0], sorted(everything[1:], key=_rank_key)


def figures(scope: Scope) -> rates.Figures:
    return rates.figures(scope.area, day=scope.day, categories=scope.categories, industry=scope.industry)


def breakdown(scope: Scope, by: str) -> list[dict]:
    """One row per category or industry present: ``{by: value, "figures": Figures}``."""
    return rates.breakdown_filtered(
        scope.area, by=by, day=scope.day, categories=scope.categories, industry=scope.industry
    )


def trend(scope: Scope, days: int = TREND_DAYS) -> list[rates.Figures]:
    return rates.trend(
        scope.area, days=days, end=scope.day, categories=scope.categories, industry=scope.industry
    )


# --- the drill-down ------------------------------------------------------------------------------


def _reported(day: dt.date) -> Exists:
    return Exists(DailyReport.objects.filter(enterprise=OuterRef("pk"), date=day))


def metric_condition(metric: str, day: dt.date) -> Q:
    resumed = Q(status__out_of_scope=False, status__state__in=RESUMED_STATES)
    return {
        "resumed": resumed,
        "not_resumed": Q(status__isnull=True)
        | Q(status__out_of_scope=False, status__state__in=NOT_RESUMED_STATES),
        "out_of_scope": Q(status__out_of_scope=True),
        "reported": Q(_reported(day)),
        "not_reported": Q(status__out_of_scope=False, status__state__in=EXPECTED_STATES) & ~Q(_reported(day)),
    }[metric]


def drilldown(*, user, scope: Scope, metric: str) -> QuerySet[Enterprise]:
    """The enterprises behind one figure: visible to the user, under the area, matching the filters."""
    qs = Enterprise.objects.visible_to(user).filter(area_path__startswith=scope.area.path)
    if scope.categories:
        qs = qs.filter(category__in=scope.categories)
    if scope.industry:
        qs = qs.filter(industry=scope.industry)
    report = DailyReport.objects.filter(enterprise=OuterRef("pk"), date=scope.day)
    return (
        qs.filter(metric_condition(metric, scope.day))
        .select_related("area", "status")
        .annotate(
            report_on_duty=Subquery(report.values("staff_on_duty")[:1]),
            report_total=Subquery(report.values("staff_total")[:1]),
            report_output=Subquery(report.values("output_pct")[:1]),
        )
        .order_by("area_path", "name", "pk")
    )


def adjustable(*, user, pk: int) -> Enterprise:
    """An enterprise the user may change from the command page (404 when out of reach)."""
    enterprise = Enterprise.objects.visible_to(user, "change").filter(pk=pk).first()
    if enterprise is None:
        raise Http404
    return enterprise
