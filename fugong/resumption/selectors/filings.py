"""Scoped reads of filings, the review queue and the district's resumption settings.

Every read starts from ``Filing.objects.visible_to(user)``; a street officer's review work is
further narrowed to filings under their street. Out of scope is a 404, like a missing row.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.core.access import COMMUNITY_CATEGORIES, FILING_BULK, FILING_REVIEW, Role
from fugong.core.scoping import VIEW
from fugong.enterprises.choices import Category
from fugong.enterprises.models import Enterprise

from .. import rules
from ..choices import OPEN_FILING, FilingStatus
from ..models import (
    CategoryPolicy,
    CommitmentText,
    Condition,
    EnterpriseStatus,
    Filing,
    FilingTransition,
    RosterEntry,
    StatusChange,
)
from ..services import commitment_in_force, policy_for

# The parts of the queue's priority, in the seeds' order, with what each measures.
SCORE_PARTS = [
    ("local_share", _("本地员工占比"), rules.PRIORITY_WEIGHTS["local_share"]),
    ("small_scale", _("规模"), rules.PRIORITY_WEIGHTS["small_scale"]),
    ("ventilation", _("通风"), rules.PRIORITY_WEIGHTS["ventilation"]),
    ("supplies", _("物资"), rules.PRIORITY_WEIGHTS["supplies"]),
]
FINISHED_FILING = [FilingStatus.APPROVED, FilingStatus.FILED]
LIST_RELATED = ("enterprise", "holder_area")


def score_parts(filing: Filing) -> list[dict]:
    parts = filing.priority_parts or {}
    return [
        {"key": key, "label": label, "points": parts.get(key, 0), "max": weight}
        for key, label, weight in SCORE_PARTS
    ]


def is_overdue(filing: Filing, now: dt.datetime | None = None) -> bool:
    return bool(
        filing.status == FilingStatus.SUBMITTED
        and filing.deadline_at
        and filing.deadline_at < (now or timezone.now())
    )


# --- one enterprise's own filings ------------------------------------------------------------------


def open_filing(*, enterprise: Enterprise) -> Filing | None:
    return Filing.objects.filter(enterprise=enterprise, status__in=OPEN_FILING).first()


def last_filing(*, enterprise: Enterprise) -> Filing | None:
    return Filing.objects.filter(enterprise=enterprise).order_by("-created_at", "-pk").first()


def filings_of(*, enterprise: Enterprise) -> QuerySet[Filing]:
    return (
        Filing.objects.filter(enterprise=enterprise)
        .select_related("holder_area")
        .order_by("-created_at", "-pk")
    )


def transitions_of(*, filing: Filing) -> QuerySet[FilingTransition]:
    return filing.transitions.select_related("actor")


def status_of(*, enterprise: Enterprise) -> EnterpriseStatus | None:
    return EnterpriseStatus.objects.filter(enterprise=enterprise).first()


def status_history(*, enterprise: Enterprise) -> QuerySet[StatusChange]:
    return enterprise.status_changes.select_related("actor").order_by("-at", "-id")


def roster_of(*, filing: Filing) -> QuerySet[RosterEntry]:
    return filing.roster.select_related("person").order_by("person__name", "pk")


def roster_typed_names(*, filing: Filing | None) -> dict[int, str]:
    """person id → the name the enterprise typed on this filing's roster (where it typed one)."""
    if filing is None or not filing.pk:
        return {}
    return dict(filing.roster.exclude(name="").values_list("person_id", "name"))


def roster_prefill(*, enterprise: Enterprise, filing: Filing | None) -> list[dict]:
    """The roster the form starts from: the open filing's, else the staff list with what the last
    filing said about each person (collect once: nobody types the staff again)."""
    if filing is not None and filing.pk:
        return [
            {
                "person": r.person,
                "name": r.name,
                "last14_location": r.last14_location,
                "health_state": r.health_state,
                "is_local": r.is_local,
            }
            for r in roster_of(filing=filing)
        ]
    previous = {}
    last = last_filing(enterprise=enterprise)
    if last is not None:
        previous = {r.person_id: r for r in last.roster.all()}
    rows = []
    for employment in (
        enterprise.employments.filter(is_active=True).select_related("person").order_by("person__name", "pk")
    ):
        known = previous.get(employment.person_id)
        rows.append(
            {
                "person": employment.person,
                "is_local": employment.is_local,
                "last14_location": known.last14_location if known else "",
                "health_state": known.health_state if known else "healthy",
            }
        )
    return rows


def has_finished_filing(*, enterprise: Enterprise) -> bool:
    return Filing.objects.filter(enterprise=enterprise, status__in=FINISHED_FILING).exists()


def roster_size(*, enterprise: Enterprise, filing: Filing | None) -> int:
    if filing is not None:
        return filing.roster.count()
    return enterprise.employments.filter(is_active=True).count()


def staff_persons(*, enterprise: Enterprise, filing: Filing | None, pks) -> dict:
    """The persons posted back by the roster form, among the enterprise's staff and open roster only."""
    from fugong.health.models import Person

    pks = [int(pk) for pk in pks if str(pk).isdigit()]
    if not pks:
        return {}
    staff = Q(employments__enterprise=enterprise)
    if filing is not None:
        staff |= Q(pk__in=RosterEntry.objects.filter(filing=filing).values("person_id"))
    return {p.pk: p for p in Person.objects.filter(staff, pk__in=pks).distinct()}


def form_initial(*, enterprise: Enterprise, filing: Filing | None) -> dict:
    """The filing form's values: the open filing, else the last filing, else sensible defaults."""
    from ..services import FILING_FIELDS

    source = filing or last_filing(enterprise=enterprise)
    today = timezone.localdate()
    if source is None:
        return {"planned_date": today}
    initial = {name: getattr(source, name) for name in FILING_FIELDS}
    if initial["planned_date"] < today:
        initial["planned_date"] = today
    return initial


def unmet_now(*, filing: Filing, assume_signed: bool = False) -> list[rules.Unmet]:
    """Conditions in force today that the filing does not meet (before submission: as if signed)."""
    if assume_signed and not filing.signed_at:
        preview = Filing(**{f.attname: getattr(filing, f.attname) for f in Filing._meta.concrete_fields})
        preview.signatory_name, preview.signed_at = "—", timezone.now()
        filing = preview
    return rules.unmet_conditions(
        filing, list(filing.roster.all()) if filing.pk else [], timezone.localdate()
    )


def conditions_checked(*, filing: Filing) -> list[dict]:
    """Every condition in force today for the filing's category, met or not (re-evaluated now)."""
    roster = list(filing.roster.all())
    preview = filing
    if not filing.signed_at and filing.status in OPEN_FILING:
        preview = Filing(**{f.attname: getattr(filing, f.attname) for f in Filing._meta.concrete_fields})
        preview.signatory_name, preview.signed_at = "—", timezone.now()
    unmet = {u.code for u in rules.unmet_conditions(preview, roster, timezone.localdate())}
    return [
        {"condition": c, "met": c.code not in unmet}
        for c in rules.conditions_in_force(category=filing.category, on=timezone.localdate())
    ]


def commitment_current() -> CommitmentText | None:
    return commitment_in_force(timezone.localdate())


# --- reviewers and monitors ----------------------------------------------------------------------


def filing_queryset(*, user, action: str = "view") -> QuerySet[Filing]:
    qs = Filing.objects.visible_to(user, action)
    if user.role == Role.STREET_OFFICER:
        qs = qs.filter(area_path__startswith=user.scope_path)
    return qs


def filing_detail(*, user, pk) -> Filing:
    try:
        return (
            filing_queryset(user=user)
            .select_related("enterprise", "enterprise__area", "holder_area", "commitment", "decided_by")
            .get(pk=pk)
        )
    except (Filing.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def in_review_scope(*, user, filing: Filing) -> bool:
    """The user reviews filings and this one lies in their street (whatever its status now)."""
    return (
        user.can(FILING_REVIEW) and filing_queryset(user=user, action="change").filter(pk=filing.pk).exists()
    )


def can_decide(*, user, filing: Filing) -> bool:
    return filing.status == FilingStatus.SUBMITTED and in_review_scope(user=user, filing=filing)


@dataclass(frozen=True)
class QueueFilter:
    category: str = ""
    overdue: bool = False
    status: str = ""

    @classmethod
    def from_params(cls, params) -> "QueueFilter":
        category = params.get("category", "")
        status = params.get("status", "")
        return cls(
            category=category if category in Category.values else "",
            overdue=params.get("overdue") in {"1", "true", "on"},
            status=status if status in FilingStatus.values else "",
        )


def _filtered(qs: QuerySet[Filing], f: QueueFilter) -> QuerySet[Filing]:
    if f.category:
        qs = qs.filter(category=f.category)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.overdue:
        qs = qs.filter(status=FilingStatus.SUBMITTED, deadline_at__lt=timezone.now())
    return qs


def filing_list(*, user, f: QueueFilter) -> QuerySet[Filing]:
    return (
        _filtered(filing_queryset(user=user), f).select_related(*LIST_RELATED).order_by("-created_at", "-pk")
    )


def review_queue(*, user, f: QueueFilter) -> QuerySet[Filing]:
    """Submitted filings in the reviewer's scope, highest priority first, then first come."""
    qs = filing_queryset(user=user).filter(status=FilingStatus.SUBMITTED)
    return _filtered(qs, f).select_related(*LIST_RELATED).order_by("-priority_score", "submitted_at", "pk")


def overdue_filings(*, user) -> QuerySet[Filing]:
    return (
        filing_queryset(user=user)
        .filter(status=FilingStatus.SUBMITTED, deadline_at__lt=timezone.now())
        .select_related(*LIST_RELATED)
        .order_by("holder_area__path", "deadline_at", "pk")
    )


def overdue_by_holder(*, user) -> list[dict]:
    """Overdue filings counted per holding street, town or park, most overdue first."""
    rows = (
        filing_queryset(user=user)
        .filter(status=FilingStatus.SUBMITTED, deadline_at__lt=timezone.now())
        .values("holder_area_id", "holder_area__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "holder_area__name")
    )
    return [{"area_id": r["holder_area_id"], "name": r["holder_area__name"], "count": r["n"]} for r in rows]


# --- bulk filing of individual businesses ----------------------------------------------------------


def bulk_candidates(*, user) -> QuerySet[Enterprise]:
    """Individual businesses and small venues the user may file for, with no filing open or done and
    not yet moved past 未复工."""
    if not user.can(FILING_BULK):
        return Enterprise.objects.none()
    done = Filing.objects.filter(status__in=[*OPEN_FILING, *FINISHED_FILING]).values("enterprise_id")
    moved = EnterpriseStatus.objects.exclude(state="not_resumed").values("enterprise_id")
    return (
        Enterprise.objects.visible_to(user, "change")
        .filter(category__in=list(COMMUNITY_CATEGORIES))
        .exclude(pk__in=done)
        .exclude(pk__in=moved)
        .select_related("area")
        .order_by("area_path", "name", "pk")
    )


# --- the district's settings -----------------------------------------------------------------------


def policies() -> list[CategoryPolicy]:
    return [policy_for(value) for value in Category.values]


def conditions_overview(*, on: dt.date) -> list[dict]:
    """Every version of every condition, marked 生效中 / 待生效 / 已失效 on ``on``."""
    in_force = {
        c.pk
        for c in Condition.objects.filter(effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on)
        )
    }
    rows = []
    for c in Condition.objects.order_by("sort_order", "code", "effective_from"):
        state = "active" if c.pk in in_force else "future" if c.effective_from > on else "ended"
        rows.append({"condition": c, "state": state})
    return rows


def condition_codes() -> list[tuple[str, str]]:
    latest = {}
    for c in Condition.objects.order_by("code", "effective_from"):
        latest[c.code] = c.title
    return sorted(latest.items())


def condition_exists(*, pk: int) -> bool:
    return Condition.objects.filter(pk=pk).exists()


def commitment_versions() -> QuerySet[CommitmentText]:
    return CommitmentText.objects.order_by("-effective_from", "-pk")


def person_file_rosters(*, user, obj) -> list[RosterEntry]:
    """The resumption rosters a person is on, of enterprises the viewer may see (a person-file card)."""
    visible = Enterprise.objects.visible_to(user, VIEW).values("pk")
    qs = RosterEntry.objects.filter(person=obj, filing__enterprise__in=visible)
    return list(qs.select_related("filing", "filing__enterprise").order_by("-filing_id")[:50])
