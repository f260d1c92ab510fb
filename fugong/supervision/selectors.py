"""Reads of supervision, always scoped to a user: inspections, violations, the dishonesty list,
an enterprise's standing, and the timeline of a violation."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fugong.core import access, audit
from fugong.core.scoping import CHANGE, get_visible_or_404

from . import policies, rules
from .choices import LISTED, FindingStatus
from .models import Finding, Inspection, InspectionPhoto, Listing, Violation

SUPERVISION_READERS = (
    access.INSPECT,
    access.VIOLATION_DECIDE,
    access.DISHONESTY_APPROVE,
    access.COVERAGE_VIEW,
)


def can_read(user) -> bool:
    """Officials with a supervision right, and an enterprise admin for its own records."""
    return any(user.can(c) for c in SUPERVISION_READERS) or user.role == access.Role.ENTERPRISE_ADMIN


# --- standing ---------------------------------------------------------------------------------------


def is_listed(enterprise) -> bool:
    """On the dishonesty list now (approved, not yet removed)."""
    return Listing.objects.filter(enterprise=enterprise, status__in=LISTED).exists()


def ineligible_for_support(enterprise) -> bool:
    """Listed enterprises may not claim support policies until removed (不支持申报相关支持政策)."""
    return is_listed(enterprise)


def live_listing(enterprise) -> Listing | None:
    return (
        Listing.objects.filter(enterprise=enterprise)
        .exclude(status__in=["removed", "rejected"])
        .select_related("proposed_by", "approved_by")
        .first()
    )


# --- inspections ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectionFilter:
    area_path: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outcome: str = ""  # "findings" / "clear" (无异常)
    overdue: bool = False
    enterprise_id: int | None = None


def inspection_list(*, user, f: InspectionFilter, today: dt.date | None = None) -> QuerySet[Inspection]:
    today = today or timezone.localdate()
    qs = Inspection.objects.visible_to(user).select_related("enterprise", "enterprise__area", "inspector")
    open_findings = Finding.objects.filter(inspection=OuterRef("pk"))
    qs = qs.annotate(
        finding_count=Count("findings", distinct=True),
        overdue_count=Count(
            "findings",
            filter=Q(findings__status=FindingStatus.OPEN, findings__deadline__lt=today),
            distinct=True,
        ),
    )
    if f.area_path:
        qs = qs.filter(area_path__startswith=f.area_path)
    if f.enterprise_id:
        qs = qs.filter(enterprise_id=f.enterprise_id)
    if f.date_from:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date__lte=f.date_to)
    if f.outcome == "findings":
        qs = qs.filter(Exists(open_findings))
    elif f.outcome == "clear":
        qs = qs.filter(~Exists(open_findings))
    if f.overdue:
        qs = qs.filter(Exists(open_findings.filter(status=FindingStatus.OPEN, deadline__lt=today)))
    return qs.order_by("-date", "-id")


def inspection_detail(*, user, pk) -> Inspection:
    inspection = get_visible_or_404(Inspection, user, pk=pk)
    return Inspection.objects.select_related("enterprise", "inspector", "follows").get(pk=inspection.pk)


def inspection_parts(*, inspection: Inspection) -> dict:
    return {
        "items": list(inspection.items.select_related("item")),
        "photos": list(inspection.photos.all()),
        "findings": list(inspection.findings.select_related("closed_by")),
        "followups": list(inspection.followups.select_related("inspector").order_by("date", "id")),
        "closed": list(inspection.closed_findings.all()),
        "violations": list(inspection.violations.all()),
        "history": list(audit.history(inspection)[:50]),
    }


def open_findings(*, inspection: Inspection) -> list[Finding]:
    return list(inspection.findings.filter(status=FindingStatus.OPEN))


def photo_get(*, user, pk) -> InspectionPhoto:
    return get_visible_or_404(InspectionPhoto, user, pk=pk)


def checklist(on: dt.date | None = None):
    return rules.checklist_in_force(on or timezone.localdate())


# --- violations and the list ------------------------------------------------------------------------


def violation_list(
    *, user, status: str = "", area_path: str = "", enterprise_id: int | None = None
) -> QuerySet[Violation]:
    qs = Violation.objects.visible_to(user).select_related("enterprise", "enterprise__area", "decided_by")
    if status:
        qs = qs.filter(status=status)
    if area_path:
        qs = qs.filter(area_path__startswith=area_path)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    return qs.annotate(
        listed=Exists(Listing.objects.filter(enterprise=OuterRef("enterprise"), status__in=LISTED))
    )


def violation_detail(*, user, pk) -> Violation:
    violation = get_visible_or_404(Violation, user, pk=pk)
    return Violation.objects.select_related(
        "enterprise", "inspection", "finding", "decided_by", "recorded_by"
    ).get(pk=violation.pk)


def listing_list(*, user, status: str = "", area_path: str = "") -> QuerySet[Listing]:
    qs = Listing.objects.visible_to(user).select_related(
        "enterprise", "enterprise__area", "proposed_by", "approved_by", "violation"
    )
    if status:
        qs = qs.filter(status=status)
    if area_path:
        qs = qs.filter(area_path__startswith=area_path)
    return qs


def listing_detail(*, user, pk) -> Listing:
    listing = get_visible_or_404(Listing, user, pk=pk)
    return Listing.objects.select_related(
        "enterprise", "violation", "proposed_by", "approved_by", "removal_proposed_by", "removed_by"
    ).get(pk=listing.pk)


def enterprise_visible(*, user, pk):
    from fugong.enterprises.models import Enterprise

    return get_visible_or_404(Enterprise, user, pk=pk)


def timeline(*, violation: Violation) -> list[dict]:
    """Who did what, when and why on a violation and its listings, oldest first."""
    events = [
        {
            "at": e.at,
            "actor": e.actor,
            "what": e.get_action_display(),
            "object": "违规记录",
            "changes": e.changes,
        }
        for e in audit.history(violation)
    ]
    for listing in violation.listings.all():
        events += [
            {
                "at": e.at,
                "actor": e.actor,
                "what": e.get_action_display(),
                "object": "不诚信企业名单",
                "changes": e.changes,
            }
            for e in audit.history(listing)
        ]
    return sorted(events, key=lambda e: e["at"])


def enterprise_queryset(*, user):
    from fugong.enterprises.models import Enterprise

    return Enterprise.objects.visible_to(user)


def may_inspect(*, user, obj) -> bool:
    """The "现场检查" button shows on an enterprise the user may inspect (policies: acting is narrower
    than seeing — a community worker inspects only the community's small businesses)."""
    return user.can(access.INSPECT) and policies.allows(user, CHANGE, obj)
