"""Writes of quarantine orders: issue, change of the end date, follow-ups, transfer to hospital, release."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.core import audit
from fugong.core.access import (
    QUARANTINE_MANAGE,
    Role,
)
from fugong.core.models import AuditAction
from fugong.health.services import person_owned_by

from ..models import (
    ContactStatus,
    FollowUp,
    Handover,
    Measure,
    Order,
    OrderChange,
    OrderStatus,
    Returnee,
    Stay,
)
from .base import _locked, _require
from .notices import notice_issue

TEMPERATURE_MIN, TEMPERATURE_MAX = Decimal("35.0"), Decimal("42.0")


ORDER_FIELDS = [
    "kind",
    "start_date",
    "planned_end",
    "status",
    "responsible",
    "doctor",
    "hospital",
    "release_reason",
    "release_number",
]


@transaction.atomic
def order_issue(
    *,
    actor,
    returnee_id: int,
    start_date: dt.date,
    responsible_id: int | None = None,
    doctor_id: int | None = None,
) -> Order:
    """A quarantine order from the returnee's current decision: the rule's days from the start."""
    _require(actor, QUARANTINE_MANAGE, _("您无权下达隔离措施"))
    returnee = _locked(Returnee, actor, returnee_id)
    if returnee.handover in {Handover.PENDING, Handover.RETURNED}:
        raise ValidationError(_("该人员尚未被目的社区接收，不能下达隔离措施"))
    # A person living outside the actor's scope gets an order only through an accepted handover.
    if not (
        returnee.handover == Handover.ACCEPTED
        or returnee.person.area_id is None
        or person_owned_by(actor=actor, person=returnee.person)
    ):
        raise ValidationError(_("请先移交接收方接收后再下达隔离措施"))
    decision = returnee.decision
    if decision is None or decision.measure == Measure.MONITORING:
        raise ValidationError(_("该人员的管控措施为健康监测，无需下达隔离措施"))
    if start_date is None:
        raise ValidationError({"start_date": [_("请填写开始日期")]})
    errors = {}
    responsible = doctor = None
    if responsible_id:
        responsible = User.objects.filter(
            pk=responsible_id,
            role=Role.COMMUNITY_WORKER,
            is_active=True,
            scope_path__startswith=returnee.area_path,
        ).first()
        if responsible is None:
            errors["responsible"] = [_("责任人应为目的社区的网格员")]
    if doctor_id:
        doctor = User.objects.filter(pk=doctor_id, role=Role.MEDIC, is_active=True).first()
        if doctor is None or not returnee.area_path.startswith(doctor.scope_path or "\0"):
            errors["doctor"] = [_("家庭医生应为负责该社区的医护人员")]
    if errors:
        raise ValidationError(errors)
    if Order.objects.filter(person=returnee.person, status=OrderStatus.ACTIVE).exists():
        raise ValidationError(_("该人员已有正在执行的隔离措施"))
    order = Order.objects.create(
        returnee=returnee,
        person=returnee.person,
        decision=decision,
        kind=decision.measure,
        start_date=start_date,
        rule_days=decision.days,
        planned_end=start_date + dt.timedelta(days=decision.days),
        area_path=returnee.area_path,
        responsible=responsible or (actor if actor.role == Role.COMMUNITY_WORKER else None),
        doctor=doctor,
        created_by=actor,
        updated_by=actor,
    )
    audit.record(actor=actor, obj=order, action=AuditAction.CREATE, after=audit.snapshot(order, ORDER_FIELDS))
    return order


@transaction.atomic
def order_change_end(*, actor, order_id: int, new_end: dt.date, reason: str) -> Order:
    """Extend or shorten an order: always with a reason, recorded as a change."""
    _require(actor, QUARANTINE_MANAGE, _("您无权调整隔离期"))
    order = _locked(Order, actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("隔离已结束，不能调整"))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("延长或缩短隔离期须填写理由")]
    if new_end is None or new_end <= order.start_date:
        errors["new_end"] = [_("解除日期应晚于开始日期")]
    elif new_end == order.planned_end:
        errors["new_end"] = [_("新的解除日期与原日期相同")]
    if errors:
        raise ValidationError(errors)
    OrderChange.objects.create(
        order=order, old_end=order.planned_end, new_end=new_end, reason=reason.strip(), by=actor
    )
    before = audit.snapshot(order, ["planned_end"])
    order.planned_end, order.updated_by = new_end, actor
    order.save(update_fields=["planned_end", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        obj=order,
        action=AuditAction.UPDATE,
        before=before,
        after={**audit.snapshot(order, ["planned_end"]), "reason": reason.strip()},
    )
    return order


@transaction.atomic
def followup_record(
    *,
    actor,
    order_id: int,
    method: str,
    status: str,
    temperature: Decimal | None = None,
    symptoms: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> FollowUp:
    _require(actor, QUARANTINE_MANAGE, _("您无权记录随访"))
    order = _locked(Order, actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("隔离已结束，不再随访"))
    errors = {}
    if method not in {"phone", "wechat", "visit"}:
        errors["method"] = [_("请选择联系方式")]
    if status not in ContactStatus.values:
        errors["status"] = [_("请选择联系结果")]
    if temperature is not None:
        temperature = Decimal(str(temperature))
        if not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
            errors["temperature"] = [_("体温应在35–42℃之间，请核对")]
    elif status == ContactStatus.REACHED:
        errors["temperature"] = [_("已联系上的随访须填写体温")]
    if errors:
        raise ValidationError(errors)
    followup = FollowUp.objects.create(
        order=order,
        at=at or timezone.now(),
        method=method,
        status=status,
        temperature=temperature,
        symptoms=symptoms.strip(),
        note=note.strip(),
        area_path=order.area_path,
        by=actor,
    )
    audit.record(
        actor=actor,
        obj=followup,
        action=AuditAction.CREATE,
        after=audit.snapshot(followup, ["at", "method", "status", "temperature", "symptoms"]),
    )
    return followup


def _close_open_stay(order: Order, actor) -> None:
    for stay in Stay.objects.select_for_update().filter(order=order, checked_out_at__isnull=True):
        stay.checked_out_at, stay.checked_out_by = timezone.now(), actor
        stay.save(update_fields=["checked_out_at", "checked_out_by"])


@transaction.atomic
def order_transfer(*, actor, order_id: int, hospital: str) -> Order:
    _require(actor, QUARANTINE_MANAGE, _("您无权办理转院"))
    order = _locked(Order, actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("隔离已结束"))
    if not (hospital or "").strip():
        raise ValidationError({"hospital": [_("请填写转送医院")]})
    before = audit.snapshot(order, ["status", "hospital"])
    order.status, order.hospital, order.transferred_at = (
        OrderStatus.HOSPITAL,
        hospital.strip(),
        timezone.now(),
    )
    order.updated_by = actor
    order.save()
    _close_open_stay(order, actor)
    audit.record(
        actor=actor,
        obj=order,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(order, ["status", "hospital"]),
    )
    return order


@transaction.atomic
def order_release(
    *, actor, order_id: int, reason: str = "", today: dt.date | None = None, base_url: str = ""
) -> Order:
    """Release: on or after the planned end; earlier only with a reason. The release notice is issued
    in the same transaction (``base_url``: the site's address, for the QR link when
    FUGONG_PUBLIC_URL is not set)."""
    _require(actor, QUARANTINE_MANAGE, _("您无权解除隔离"))
    order = _locked(Order, actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("隔离已结束"))
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if today < order.planned_end and not reason:
        raise ValidationError(
            {
                "reason": [
                    _("未满隔离期（按规则应于%(date)s解除），提前解除须填写理由")
                    % {"date": f"{order.planned_end:%Y-%m-%d}"}
                ]
            }
        )
    before = audit.snapshot(order, ["status"])
    order.status, order.released_at, order.released_by = OrderStatus.RELEASED, timezone.now(), actor
    order.release_reason = reason or _("隔离期满")
    order.release_number = f"JC{order.released_at:%Y}{order.pk:06d}"
    order.updated_by = actor
    order.save()
    _close_open_stay(order, actor)
    audit.record(
        actor=actor,
        obj=order,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(order, ["status", "release_reason", "release_number"]),
    )
    notice_issue(actor=actor, order=order, base_url=base_url)
    return order
