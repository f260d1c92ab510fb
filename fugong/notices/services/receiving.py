"""The enterprise's side: opening a notice (已查看) and acknowledging it (已确认)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import DateTimeField, IntegerField, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core.access import NOTICE_RECEIVE

from ..models import NoticeRecipient


def _receipt(actor, notice_id) -> NoticeRecipient:
    if not actor.can(NOTICE_RECEIVE):
        raise PermissionDenied(_("只有企业管理员可以签收通知"))
    receipt = NoticeRecipient.objects.visible_to(actor).filter(notice_id=notice_id).first()
    if receipt is None:
        raise Http404
    return receipt


@transaction.atomic
def notice_open(*, actor, notice_id: int) -> NoticeRecipient:
    """Mark the enterprise's copy as viewed the first time it is opened (the time is kept)."""
    receipt = _receipt(actor, notice_id)
    if receipt.viewed_at is None:
        NoticeRecipient.objects.filter(pk=receipt.pk, viewed_at__isnull=True).update(
            viewed_at=timezone.now(), viewed_by=actor
        )
        receipt.refresh_from_db()
    return receipt


@transaction.atomic
def notice_acknowledge(*, actor, notice_id: int) -> NoticeRecipient:
    """Record who acknowledged and when (once; a second acknowledgement changes nothing)."""
    receipt = _receipt(actor, notice_id)
    now = timezone.now()
    NoticeRecipient.objects.filter(pk=receipt.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now,
        acknowledged_by=actor,
        viewed_at=Coalesce("viewed_at", Value(now, output_field=DateTimeField())),
        viewed_by=Coalesce("viewed_by", Value(actor.pk, output_field=IntegerField())),
    )
    receipt.refresh_from_db()
    return receipt
