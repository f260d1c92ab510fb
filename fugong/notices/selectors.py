"""Scoped reads of notices: the sender's list and read list, the enterprise's inbox.

Every read starts from ``visible_to(user)``; out of scope is a 404, like a missing row.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from fugong.core.access import NOTICE_RECEIVE
from fugong.core.scoping import VIEW, get_visible_or_404

from .filters import STATE_Q, NoticeFilter, RecipientFilter
from .models import Notice, NoticeAttachment, NoticeRecipient, NoticeReminder
from .targets import notice_targets

LIST_RELATED = ("sender", "target_area")
READ_RELATED = ("enterprise", "enterprise__area", "viewed_by", "acknowledged_by")


def notice_filter(*, user, params, request=None) -> NoticeFilter:
    base = (
        Notice.objects.visible_to(user)
        .select_related(*LIST_RELATED)
        .annotate(acknowledged=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False)))
        .order_by(F("published_at").desc(nulls_first=True), "-created_at", "-pk")
    )
    return NoticeFilter(params, queryset=base, request=request)


def notice_get(*, user, pk, action: str = VIEW) -> Notice:
    try:
        return (
            Notice.objects.visible_to(user, action)
            .select_related(*LIST_RELATED, "sender_department")
            .get(pk=pk)
        )
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def attachments_of(*, notice: Notice) -> list[NoticeAttachment]:
    return list(notice.attachments.all())


def attachment_get(*, user, pk) -> NoticeAttachment:
    """An attachment the user may download: the sender side in scope or a recipient's admin."""
    return get_visible_or_404(NoticeAttachment, user, pk=pk)


def preview_count(*, notice: Notice) -> int:
    return notice_targets(notice).count()


@dataclass(frozen=True)
class ReadCounts:
    total: int
    acknowledged: int
    viewed: int
    unread: int


def read_counts(*, notice: Notice) -> ReadCounts:
    """已确认 / 已查看未确认 / 未读 in one aggregate query."""
    parts = NoticeRecipient.objects.filter(notice=notice).aggregate(
        total=Count("pk"), **{state.value: Count("pk", filter=q) for state, q in STATE_Q.items()}
    )
    return ReadCounts(
        total=parts["total"],
        acknowledged=parts["acknowledged"],
        viewed=parts["viewed"],
        unread=parts["unread"],
    )


def read_list(*, user, notice: Notice, params, request=None) -> RecipientFilter:
    """The recipients of a notice the user may see (its ``.qs``), filtered by the read-list form."""
    base = (
        NoticeRecipient.objects.visible_to(user)
        .filter(notice=notice)
        .select_related(*READ_RELATED)
        .order_by("area_path", "enterprise__name", "pk")
    )
    return RecipientFilter(params, queryset=base, request=request)


# --- the enterprise's inbox -----------------------------------------------------------------------


def inbox(*, user) -> QuerySet[NoticeRecipient]:
    """The enterprise's notices, those not yet acknowledged first (never opened before opened),
    newest first within each group."""
    if not user.can(NOTICE_RECEIVE):
        return NoticeRecipient.objects.none()
    return (
        NoticeRecipient.objects.visible_to(user)
        .select_related("notice")
        .annotate(attachment_count=Count("notice__attachments"))
        .annotate(
            rank=Case(
                When(acknowledged_at__isnull=False, then=Value(2)),
                When(viewed_at__isnull=False, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-notice__published_at", "-pk")
    )


def inbox_badge(*, user) -> int:
    """How many notices the user's enterprise has not acknowledged (for a badge in the menu)."""
    if not user.can(NOTICE_RECEIVE):
        return 0
    return NoticeRecipient.objects.visible_to(user).filter(acknowledged_at__isnull=True).count()


def receipt_get(*, user, notice_id) -> NoticeRecipient:
    try:
        return NoticeRecipient.objects.visible_to(user).select_related("notice").get(notice_id=notice_id)
    except (NoticeRecipient.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reminders_of(*, receipt: NoticeRecipient) -> list[NoticeReminder]:
    return list(receipt.reminders.all()[:20])
