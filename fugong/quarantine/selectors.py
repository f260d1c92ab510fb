"""Scoped reads: returnees, the handover inbox, orders and follow-ups, the overdue follow-ups of the
current half-day, sites with occupancy, and the person file's quarantines."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.access import (
    QUARANTINE_CONFIGURE,
    QUARANTINE_MANAGE,
    RETURNEE_REGISTER,
    SITE_OPERATE,
    Role,
)
from fugong.core.scoping import subtree_q

from .models import FollowUp, Handover, Order, OrderStatus, ReleaseNotice, Returnee, Site, Stay

# Who may open the quarantine pages at all (each page then asks its own capability of the rest).
VIEWERS = (RETURNEE_REGISTER, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)


def can_view(user) -> bool:
    return any(user.can(c) for c in VIEWERS)


def returnee_list(*, user, q: str = "", handover: str = "") -> QuerySet[Returnee]:
    qs = Returnee.objects.visible_to(user).select_related("person", "destination", "sender_area", "employer")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(person__id_number=q.upper()))  # the typed name
    if handover:
        qs = qs.filter(handover=handover)
    return qs.order_by("-arrival_date", "-id")


def returnee_detail(*, user, pk: int) -> Returnee:
    return (
        Returnee.objects.visible_to(user)
        .select_related("person", "destination", "sender_area", "employer")
        .get(pk=pk)
    )


def handover_inbox(*, user) -> QuerySet[Returnee]:
    """Returnees handed to the user's area and not yet accepted."""
    if not user.can(RETURNEE_REGISTER):
        return Returnee.objects.none()
    own = Q() if user.is_sysadmin else subtree_q(user.area_scope_path)
    if own is None:
        return Returnee.objects.none()
    return returnee_list(user=user).filter(own, handover=Handover.PENDING)


def handovers_sent(*, user) -> QuerySet[Returnee]:
    sent = Q() if user.is_sysadmin else subtree_q(user.area_scope_path, "sender_path")
    if sent is None:
        return Returnee.objects.none()
    return returnee_list(user=user).filter(sent).exclude(handover=Handover.NONE)


def orders_of(*, user, returnee: Returnee) -> QuerySet[Order]:
    return Order.objects.visible_to(user).filter(returnee=returnee).select_related("responsible", "doctor")


def order_detail(*, user, pk: int) -> Order:
    return (
        Order.objects.visible_to(user)
        .select_related("person", "returnee", "decision__rule_set", "responsible", "doctor")
        .get(pk=pk)
    )


def followups(*, user, order: Order) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(user).filter(order=order).select_related("by")


def half_day_start(now: dt.datetime | None = None) -> dt.datetime:
    """00:00 or 12:00 of the district's clock: follow-ups are due twice a day."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0 if local.hour < 12 else 12, minute=0, second=0, microsecond=0)


def followups_due(*, user, now: dt.datetime | None = None) -> QuerySet[Order]:
    """Active orders in scope without a follow-up in the current half-day."""
    since = half_day_start(now)
    recent = FollowUp.objects.filter(order=OuterRef("pk"), at__gte=since)
    return (
        Order.objects.visible_to(user)
        .filter(status=OrderStatus.ACTIVE)
        .exclude(Exists(recent))
        .select_related("person", "responsible")
        .order_by("area_path", "start_date", "id")
    )


def sites(*, user) -> QuerySet[Site]:
    return (
        Site.objects.visible_to(user)
        .annotate(
            now=Count("stays", filter=Q(stays__checked_out_at__isnull=True), distinct=True),
            total=Count("stays", distinct=True),
            room_count=Count("rooms", distinct=True),
        )
        .order_by("area_path", "name")
    )


def site_detail(*, user, pk: int) -> Site:
    return Site.objects.visible_to(user).get(pk=pk)


def rooms_grid(*, site: Site) -> list[dict]:
    open_stays = {
        s.room_id: s
        for s in Stay.objects.filter(site=site, checked_out_at__isnull=True).select_related("person")
    }
    return [{"room": r, "stay": open_stays.get(r.pk)} for r in site.rooms.order_by("number")]


def occupancy(*, user) -> dict:
    """入住酒店人员共N人，现入住M人: guests ever and now, over the sites in scope."""
    stays = Stay.objects.visible_to(user)
    return {
        "total": stays.values("person").distinct().count(),
        "now": stays.filter(checked_out_at__isnull=True).count(),
        "sites": Site.objects.visible_to(user).count(),
    }


def stay_history(*, user, site: Site) -> QuerySet[Stay]:
    return Stay.objects.visible_to(user).filter(site=site).select_related("person", "room")


def person_quarantines(*, user, person) -> QuerySet[Order]:
    """The person's quarantine orders the user may see (for the person file page)."""
    return (
        Order.objects.visible_to(user)
        .filter(person=person)
        .select_related("returnee", "decision")
        .order_by("-start_date", "-id")
    )


def has_active_quarantine(person) -> bool:
    """Whether the person is under an active quarantine order now (for the pass card)."""
    return Order.objects.filter(person=person, status=OrderStatus.ACTIVE).exists()


# Release notices ---------------------------------------------------------------------------------

NOTICE_STATES = ("unissued", "undelivered", "delivered")


def released_orders(
    *,
    user,
    q: str = "",
    state: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Order]:
    """Released orders in scope with their notice (or none yet), newest release first; ``state``:
    not issued / issued but not delivered / delivered; dates bound the release day."""
    qs = (
        Order.objects.visible_to(user)
        .filter(status=OrderStatus.RELEASED)
        .select_related("person", "returnee__destination", "notice", "notice__delivered_by")
    )
    if q:
        qs = qs.filter(
            Q(person__name__contains=q) | Q(person__id_number=q.upper()) | Q(release_number=q.upper())
        )
    if state == "unissued":
        qs = qs.filter(notice__isnull=True)
    elif state == "undelivered":
        qs = qs.filter(notice__isnull=False, notice__delivered_at__isnull=True)
    elif state == "delivered":
        qs = qs.filter(notice__delivered_at__isnull=False)
    tz = timezone.get_current_timezone()
    if since:
        qs = qs.filter(released_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        qs = qs.filter(
            released_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return qs.order_by("-released_at", "-id")


def order_notice(*, user, order: Order):
    """The order's release notice if the user may see it, else None."""
    return (
        ReleaseNotice.objects.visible_to(user)
        .select_related("delivered_by", "delivered_with", "issued_by")
        .filter(order=order)
        .first()
    )


def notice_doctors(*, order: Order):
    """Family doctors who may accompany the delivery: medics whose area covers the order's."""
    codes = [c for c in order.area_path.split("/") if c]
    covering = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
    return User.objects.filter(role=Role.MEDIC, is_active=True, scope_path__in=covering).order_by("full_name")


def person_file_quarantines(*, user, obj) -> list[Order]:
    """The quarantine card of a person's file (core.registry section of this app)."""
    return list(person_quarantines(user=user, person=obj)[:30])
