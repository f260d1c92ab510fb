"""Scoped reads of the daily enterprise reports (企业日报): the day's reports, the missing ones, one
report, an enterprise's own reports, and what today's form is pre-filled with.

Every read starts from ``visible_to(user)``, so a report or an enterprise out of scope is never
listed, counted or exported, and a single one out of scope is a 404 like a missing one.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from fugong.areas.models import Area
from fugong.enterprises.models import Enterprise

from ..choices import EXPECTED_STATES
from ..models import DailyReport

# An enterprise should report every day once it may work: filed, approved or (again) resumed, and
# counted in the rates. Suspended firms (停工整改) and those never filed are not expected to.
REPORT_RELATED = ("enterprise", "enterprise__area")
MISSING_RELATED = ("area", "commissioner")


def area_in_scope(*, user, code: str | None) -> Area | None:
    """The area a filter names, looked up only among the areas the user may see."""
    if not code:
        return None
    return Area.objects.visible_to(user).filter(code=code.strip()).only("path", "name", "code").first()


def _narrow(
    qs: QuerySet, *, user, area: str | None, category: str | None, path_field: str, category_field: str
) -> QuerySet:
    if area:
        node = area_in_scope(user=user, code=area)
        if node is None:  # an area out of scope (or unknown) matches nothing rather than everything
            return qs.none()
        qs = qs.filter(**{f"{path_field}__startswith": node.path})
    if category:
        qs = qs.filter(**{category_field: category})
    return qs


# --- the officials' side -----------------------------------------------------------------------


def reports_of_day(
    *, user, day: dt.date, area: str | None = None, category: str | None = None
) -> QuerySet[DailyReport]:
    """The day's reports in the user's scope, by area then enterprise name."""
    qs = DailyReport.objects.visible_to(user).filter(date=day)
    qs = _narrow(
        qs,
        user=user,
        area=area,
        category=category,
        path_field="area_path",
        category_field="enterprise__category",
    )
    return qs.select_related(*REPORT_RELATED).order_by("area_path", "enterprise__name", "pk")


def report_totals(reports: QuerySet[DailyReport]) -> dict:
    """Sums over a set of reports (one query): what the list's total row shows."""
    totals = reports.order_by().aggregate(
        reports=Count("pk"),
        staff_on_duty=Sum("staff_on_duty"),
        staff_total=Sum("staff_total"),
        output_pct_sum=Sum("output_pct"),
        abnormal_persons=Sum("abnormal_persons"),
        problems_found=Sum("problems_found"),
        problems_solved=Sum("problems_solved"),
        no_anomaly=Count("pk", filter=Q(no_anomaly=True)),
    )
    totals = {k: v or 0 for k, v in totals.items()}
    count = totals["reports"]
    totals["on_duty_rate"] = (
        totals["staff_on_duty"] / totals["staff_total"] if totals["staff_total"] else None
    )
    totals["output_average"] = totals["output_pct_sum"] / count if count else None
    return totals


def reports_missing(
    *, user, day: dt.date, area: str | None = None, category: str | None = None
) -> QuerySet[Enterprise]:
    """Enterprises in scope that should report on ``day`` and have not: one query (NOT EXISTS)."""
    reported = DailyReport.objects.filter(enterprise=OuterRef("pk"), date=day)
    qs = (
        Enterprise.objects.visible_to(user)
        .filter(status__state__in=EXPECTED_STATES, status__out_of_scope=False)
        .filter(~Exists(reported))
    )
    qs = _narrow(
        qs, user=user, area=area, category=category, path_field="area_path", category_field="category"
    )
    return qs.select_related(*MISSING_RELATED).order_by("area_path", "name", "pk")


def report_get(*, user, pk) -> DailyReport:
    """One report, for an official in scope or the enterprise's own admin; 404 otherwise."""
    try:
        return (
            DailyReport.objects.visible_to(user)
            .select_related(*REPORT_RELATED, "enterprise__commissioner", "created_by", "updated_by")
            .get(pk=pk)
        )
    except (DailyReport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- the enterprise's side ---------------------------------------------------------------------


def own_enterprise(*, user) -> Enterprise:
    """The enterprise an enterprise admin reports for; 404 when the account has none (or it is gone)."""
    if not user.scope_enterprise_id:
        raise Http404
    enterprise = (
        Enterprise.objects.visible_to(user).select_related("area").filter(pk=user.scope_enterprise_id).first()
    )
    if enterprise is None:
        raise Http404
    return enterprise


def reports_mine(*, user) -> QuerySet[DailyReport]:
    """The admin's own enterprise's reports, newest first."""
    return (
        DailyReport.objects.visible_to(user)
        .filter(enterprise_id=user.scope_enterprise_id)
        .order_by("-date", "-pk")
    )


def report_of(*, enterprise: Enterprise, day: dt.date) -> DailyReport | None:
    return DailyReport.objects.filter(enterprise=enterprise, date=day).first()


@dataclass
class Prefill:
    """What today's form starts from, and where each value came from (shown on the form)."""

    initial: dict
    previous: DailyReport | None
    staff_listed: int  # active people on the staff list; 0 means the registry headcount was used


def report_prefill(*, enterprise: Enterprise, day: dt.date) -> Prefill:
    """Stock, output and staff on duty from the latest earlier report; the staff total from the staff
    list (the roster typed for the filing), or from the registry's headcount when there is none."""
    previous = DailyReport.objects.filter(enterprise=enterprise, date__lt=day).order_by("-date").first()
    listed = enterprise.employments.filter(is_active=True).count()
    total = listed or enterprise.headcount
    initial = {"date": day, "staff_total": total}
    if previous is not None:
        initial.update(
            staff_on_duty=min(previous.staff_on_duty, total),
            output_pct=previous.output_pct,
            masks_stock=previous.masks_stock,
            disinfectant_kg=previous.disinfectant_kg,
        )
        if previous.output_pct > 100:
            initial["output_reason"] = previous.output_reason
    # Today's check-ins, when there are any, say who is at work and who is unwell (collect once).
    from fugong.checkins.selectors import day_counts

    counts = day_counts(enterprise, day)
    if counts["checked_in"]:
        initial.update(staff_on_duty=min(counts["on_duty"], total), abnormal_persons=counts["abnormal"])
    return Prefill(initial=initial, previous=previous, staff_listed=listed)
