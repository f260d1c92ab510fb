"""Scoped reads of check-ins, alerts, flags and missed check-ins; the person-file and daily-report hooks."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from fugong.core.access import Role
from fugong.core.scoping import VIEW
from fugong.health.models import Employment, Person

from .models import Alert, Checkin, CheckinIdentity, EnterpriseLink, Flag

PERSON_FILE_LIMIT = 30


def checkin_list(*, user, enterprise_id: int | None = None, day: dt.date | None = None) -> QuerySet[Checkin]:
    qs = Checkin.objects.visible_to(user, VIEW).select_related(
        "person", "enterprise", "proxy_user", "proxy_person"
    )
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if day:
        qs = qs.filter(day=day)
    return qs.order_by("-day", "-submitted_at", "-pk")


def person_checkins(*, user, person) -> list[Checkin]:
    """The person file's check-ins: scoped, newest first, at most 30 (one indexed query)."""
    qs = Checkin.objects.visible_to(user, VIEW).filter(person_id=getattr(person, "pk", person))
    return list(qs.select_related("enterprise").order_by("-day", "-slot")[:PERSON_FILE_LIMIT])


def alert_list(*, user, pending_only: bool = False) -> QuerySet[Alert]:
    qs = Alert.objects.visible_to(user, VIEW).select_related(
        "person", "enterprise", "checkin", "acknowledged_by"
    )
    return qs.filter(acknowledged_at__isnull=True) if pending_only else qs


def alert_unacknowledged_count(*, user) -> int:
    return Alert.objects.visible_to(user, VIEW).filter(acknowledged_at__isnull=True).count()


def flag_list(*, user, open_only: bool = False) -> QuerySet[Flag]:
    qs = Flag.objects.visible_to(user, VIEW).select_related("person", "enterprise", "checked_by")
    return qs.filter(result="") if open_only else qs


def missed_list(*, enterprise, day: dt.date) -> QuerySet[Employment]:
    """Staff on the active list without a check-in that day: one NOT EXISTS query.

    The caller has already fetched ``enterprise`` through ``visible_to``.
    """
    done = Checkin.objects.filter(person_id=OuterRef("person_id"), day=day)
    return (
        Employment.objects.filter(enterprise=enterprise, is_active=True)
        .filter(~Exists(done))
        .select_related("person")
        .order_by("person__name", "pk")
    )


def day_counts(enterprise, day: dt.date) -> dict[str, int]:
    """For the enterprise daily report (企业日报), from the day's check-ins of its active staff.

    checked_in = staff who checked in; abnormal = of those, with fever or symptoms;
    on_duty = checked_in − abnormal (someone with fever is sent home, not counted on duty).
    """
    staff = Employment.objects.filter(enterprise=enterprise, is_active=True, person_id=OuterRef("person_id"))
    row = (
        Checkin.objects.filter(day=day)
        .filter(Exists(staff))
        .aggregate(
            checked_in=Count("person_id", distinct=True),
            abnormal=Count("person_id", distinct=True, filter=Q(abnormal=True)),
        )
    )
    checked_in, abnormal = row["checked_in"] or 0, row["abnormal"] or 0
    return {"on_duty": checked_in - abnormal, "abnormal": abnormal, "checked_in": checked_in}


def link_by_token(token: str) -> EnterpriseLink | None:
    return EnterpriseLink.objects.select_related("enterprise").filter(token=token).first()


def staff_member(*, enterprise_id: int, person_id: int) -> Person | None:
    """The person, if on the enterprise's active staff list (one query)."""
    return (
        Person.objects.filter(
            pk=person_id, employments__enterprise_id=enterprise_id, employments__is_active=True
        )
        .only("id", "name")
        .first()
    )


def staff_match(*, enterprise_id: int, name: str, id_number: str) -> Person | None:
    return Person.objects.filter(
        id_number=(id_number or "").strip().upper(),
        name=(name or "").strip(),
        employments__enterprise_id=enterprise_id,
        employments__is_active=True,
    ).first()


def identity_of(user) -> CheckinIdentity | None:
    if user is None or not user.is_authenticated:
        return None
    try:  # fetched with the token on the API's hot path (select_related), else one query
        return user.checkin_identity
    except CheckinIdentity.DoesNotExist:
        return None


def person_for_proxy(*, user, person_id: int) -> Person | None:
    """A community worker proxies for a person of their area (the person registry's scope)."""
    return Person.objects.visible_to(user, VIEW).filter(pk=person_id).first()


def person_file_checkins(*, user, obj) -> list[Checkin]:
    """The check-ins card of a person's file (core.registry section of this app)."""
    return person_checkins(user=user, person=obj)


def may_open_checkin_link(*, user, obj) -> bool:
    """The enterprise's own admin prints its check-in QR link (the enterprise page's button)."""
    return user.role == Role.ENTERPRISE_ADMIN and user.scope_enterprise_id == obj.pk
