"""Scoped reads of the problem ledger: the list with its filters, one problem with its timeline,
overdue problems for the level above, and the figures of the stats page.

Every read starts from ``Problem.objects.visible_to(user)``; a problem out of scope is a 404.
Overdue is computed from ``due_at`` in the query, never stored.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from fugong.areas.models import Area, Department
from fugong.core.access import PROBLEM_HANDLE, PROBLEM_OVERSEE, PROBLEM_REPORT, Role
from fugong.enterprises.models import Enterprise

from . import policies
from .choices import (
    ACTIVE,
    DEFAULT_DUE_DAYS,
    EscalationLevel,
    ExtensionStatus,
    ProblemCategory,
    ProblemStatus,
)
from .models import CategoryDueDays, Extension, Problem, ProblemEvent, RoutingRule

LIST_RELATED = ("enterprise", "department", "street")


def can_view(user) -> bool:
    return any(user.can(c) for c in (PROBLEM_REPORT, PROBLEM_HANDLE, PROBLEM_OVERSEE))


def overdue_q(now: dt.datetime | None = None) -> Q:
    return Q(status__in=ACTIVE, due_at__lt=now or timezone.now())


def is_overdue(problem: Problem, now: dt.datetime | None = None) -> bool:
    return problem.status in ACTIVE and problem.due_at < (now or timezone.now())


@dataclass(frozen=True)
class ProblemFilter:
    """One filter for the list page, the export, the API and the counts."""

    status: str = ""
    category: str = ""
    overdue: bool = False
    green: bool = False
    escalated: bool = False
    department: int | None = None
    area: str = ""  # an area code inside the viewer's scope
    q: str = ""

    @classmethod
    def from_params(cls, params) -> "ProblemFilter":
        status, category = params.get("status") or "", params.get("category") or ""
        department = str(params.get("department") or "")
        yes = {"1", "true", "on", "True"}
        return cls(
            status=status if status in ProblemStatus.values else "",
            category=category if category in ProblemCategory.values else "",
            overdue=str(params.get("overdue")) in yes,
            green=str(params.get("green")) in yes,
            escalated=str(params.get("escalated")) in yes,
            department=int(department) if department.isdigit() else None,
            area=str(params.get("area") or "").strip()[:32],
            q=str(params.get("q") or "").strip()[:50],
        )

    @property
    def active(self) -> bool:
        return any(
            [
                self.status,
                self.category,
                self.overdue,
                self.green,
                self.escalated,
                self.department,
                self.area,
                self.q,
            ]
        )


def problem_queryset(*, user) -> QuerySet[Problem]:
    return Problem.objects.visible_to(user)


def _filtered(qs: QuerySet[Problem], f: ProblemFilter, now=None) -> QuerySet[Problem]:
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.overdue:
        qs = qs.filter(overdue_q(now))
    if f.green:
        qs = qs.filter(green_channel=True)
    if f.escalated:
        qs = qs.filter(escalation_level__gte=EscalationLevel.ABOVE, status__in=ACTIVE)
    if f.department:
        qs = qs.filter(department_id=f.department)
    if f.area:
        area = Area.objects.filter(code=f.area).first()
        qs = qs.filter(area_path__startswith=area.path) if area else qs.none()
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(enterprise__name__icontains=f.q))
    return qs


def problem_list(*, user, f: ProblemFilter) -> QuerySet[Problem]:
    return (
        _filtered(problem_queryset(user=user), f).select_related(*LIST_RELATED).order_by("-created_at", "-id")
    )


def problem_detail(*, user, pk) -> Problem:
    try:
        return (
            problem_queryset(user=user)
            .select_related(
                "enterprise",
                "enterprise__area",
                "department",
                "assignee",
                "street",
                "reported_by",
                "answered_by",
                "closed_by",
                "rule",
            )
            .get(pk=pk)
        )
    except (Problem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def timeline(*, problem: Problem) -> QuerySet[ProblemEvent]:
    return problem.events.select_related("actor").order_by("at", "id")


def extensions_of(*, problem: Problem) -> QuerySet[Extension]:
    return problem.extensions.select_related("requested_by", "decided_by").order_by("-requested_at", "-id")


def pending_extension(*, problem: Problem) -> Extension | None:
    return problem.extensions.filter(status=ExtensionStatus.PENDING).select_related("requested_by").first()


def actions(*, user, problem: Problem) -> dict[str, bool]:
    return policies.actions_for(user, problem, pending_extension(problem=problem))


def overdue_count(*, user, now=None) -> int:
    return problem_queryset(user=user).filter(overdue_q(now)).count()


def overdue_list(*, user, now=None) -> QuerySet[Problem]:
    """For the level above: problems still with the handler that are past due or were escalated."""
    now = now or timezone.now()
    return (
        problem_queryset(user=user)
        .filter(Q(status__in=ACTIVE) & (Q(due_at__lt=now) | Q(escalation_level__gte=EscalationLevel.ABOVE)))
        .select_related(*LIST_RELATED)
        .order_by("due_at", "id")
    )


def overdue_by_holder(*, user, now=None) -> list[dict]:
    rows = (
        problem_queryset(user=user)
        .filter(overdue_q(now))
        .values("department__name", "street__name")
        .annotate(n=Count("id"), escalated=Count("id", filter=Q(escalation_level__gte=EscalationLevel.ABOVE)))
        .order_by("-n", "department__name", "street__name")
    )
    return [
        {"holder": r["department__name"] or r["street__name"], "count": r["n"], "escalated": r["escalated"]}
        for r in rows
    ]


# --- choices the forms and filters offer ---------------------------------------------------------


def reportable_enterprises(*, user) -> QuerySet[Enterprise]:
    """The enterprises a user may record a problem for (own, served, or in scope)."""
    if not policies.can_report(user):
        return Enterprise.objects.none()
    return Enterprise.objects.visible_to(user).order_by("area_path", "name")


def departments(*, user) -> QuerySet[Department]:
    return Department.objects.visible_to(user).order_by("code")


def areas(*, user) -> list[Area]:
    """The nodes one level under the viewer's scope, for the area filter and the stats."""
    node = scope_node(user)
    if node is None:
        return []
    return list(Area.objects.filter(parent=node).order_by("sort_order", "code"))


def scope_node(user) -> Area | None:
    if user.is_sysadmin:
        return Area.objects.filter(parent__isnull=True).order_by("code").first()
    if user.role in {Role.ENTERPRISE_ADMIN, Role.COMMISSIONER} or not user.scope_area_id:
        return None
    return user.scope_area


# --- the stats page ------------------------------------------------------------------------------


def _figures(qs: QuerySet[Problem], now) -> dict:
    return qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=ACTIVE)),
        answered=Count("id", filter=Q(status=ProblemStatus.ANSWERED)),
        closed=Count("id", filter=Q(status=ProblemStatus.CONFIRMED)),
        overdue=Count("id", filter=overdue_q(now)),
        escalated=Count("id", filter=Q(status__in=ACTIVE, escalation_level__gte=EscalationLevel.ABOVE)),
        green=Count("id", filter=Q(green_channel=True)),
        rating_avg=Avg("rating"),
        rated=Count("rating"),
        close_avg=Avg("close_seconds"),
    )


def median_close_seconds(qs: QuerySet[Problem]) -> float | None:
    """The median time to close, by two indexed reads (a count and the middle row(s)) on any database."""
    closed = qs.filter(close_seconds__isnull=False)
    n = closed.count()
    if not n:
        return None
    ordered = closed.order_by("close_seconds").values_list("close_seconds", flat=True)
    middle = list(ordered[(n - 1) // 2 : n // 2 + 1])
    return sum(middle) / len(middle)


def stats(*, user, now=None) -> dict:
    """Counts by category and by area (one level under the viewer's scope), time to close,
    overdue and satisfaction — each an aggregate query over the viewer's problems."""
    now = now or timezone.now()
    qs = problem_queryset(user=user)
    totals = _figures(qs, now)
    totals["close_median"] = median_close_seconds(qs)
    labels = dict(ProblemCategory.choices)
    by_category = [
        {**row, "label": labels.get(row["category"], row["category"])}
        for row in qs.values("category")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=ACTIVE)),
            closed=Count("id", filter=Q(status=ProblemStatus.CONFIRMED)),
            overdue=Count("id", filter=overdue_q(now)),
            rating_avg=Avg("rating"),
            close_avg=Avg("close_seconds"),
        )
        .order_by("-total", "category")
    ]
    return {"totals": totals, "by_category": by_category, "by_area": by_area(qs=qs, user=user, now=now)}


def by_area(*, qs: QuerySet[Problem], user, now) -> list[dict]:
    children = areas(user=user)
    if not children:
        return []
    bucket = Case(
        *[When(area_path__startswith=a.path, then=Value(a.pk)) for a in children],
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = {
        r["bucket"]: r
        for r in qs.annotate(bucket=bucket)
        .values("bucket")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=ACTIVE)),
            closed=Count("id", filter=Q(status=ProblemStatus.CONFIRMED)),
            overdue=Count("id", filter=overdue_q(now)),
            rating_avg=Avg("rating"),
            close_avg=Avg("close_seconds"),
        )
        .order_by()
    }
    empty = {"total": 0, "open": 0, "closed": 0, "overdue": 0, "rating_avg": None, "close_avg": None}
    return [
        {"area": a, **{k: v for k, v in rows.get(a.pk, empty).items() if k != "bucket"}} for a in children
    ]


# --- the district's settings ------------------------------------------------------------------------


def due_days_table() -> list[dict]:
    """Each category's answer time: the stored one, else the default."""
    stored = dict(CategoryDueDays.objects.values_list("category", "days"))
    return [
        {"category": value, "label": str(label), "days": stored.get(value, DEFAULT_DUE_DAYS[value])}
        for value, label in ProblemCategory.choices
    ]


def routing_rules() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.select_related("area", "department", "assignee").order_by(
        "category", "area_path"
    )
