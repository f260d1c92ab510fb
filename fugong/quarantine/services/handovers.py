"""Handover of a returnee between communities: the receiving community accepts it or returns it with a reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import audit
from fugong.core.access import (
    RETURNEE_REGISTER,
)
from fugong.core.models import AuditAction

from ..models import (
    Handover,
    Returnee,
)
from .base import _covers, _locked, _require


@transaction.atomic
def handover_accept(*, actor, returnee_id: int) -> Returnee:
    _require(actor, RETURNEE_REGISTER, _("您无权接收返区人员"))
    returnee = _locked(Returnee, actor, returnee_id)
    if not _covers(actor, returnee.receiving_area):
        raise PermissionDenied(_("只有目的社区可以接收"))
    if returnee.handover != Handover.PENDING:
        raise ValidationError(_("该人员不在待接收状态"))
    returnee.handover, returnee.handover_at, returnee.handover_by = Handover.ACCEPTED, timezone.now(), actor
    returnee.updated_by = actor
    returnee.save()
    audit.record(
        actor=actor,
        obj=returnee,
        action=AuditAction.UPDATE,
        before={"handover": "待接收"},
        after={"handover": "已接收"},
    )
    return returnee


@transaction.atomic
def handover_return(*, actor, returnee_id: int, reason: str) -> Returnee:
    _require(actor, RETURNEE_REGISTER, _("您无权退回返区人员"))
    returnee = _locked(Returnee, actor, returnee_id)
    if not _covers(actor, returnee.receiving_area):
        raise PermissionDenied(_("只有目的社区可以退回"))
    if returnee.handover != Handover.PENDING:
        raise ValidationError(_("该人员不在待接收状态"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("退回须填写理由")]})
    returnee.handover, returnee.handover_reason = Handover.RETURNED, reason.strip()
    returnee.handover_at, returnee.handover_by, returnee.updated_by = timezone.now(), actor, actor
    returnee.save()
    audit.record(
        actor=actor,
        obj=returnee,
        action=AuditAction.UPDATE,
        before={"handover": "待接收"},
        after={"handover": "已退回", "reason": returnee.handover_reason},
    )
    return returnee
