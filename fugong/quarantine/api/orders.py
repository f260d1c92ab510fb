"""/api/v1/quarantine: quarantine orders with their follow-ups, changes, transfer and release."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from fugong.core.access import QUARANTINE_MANAGE, SITE_OPERATE
from fugong.core.api import ErrorOut, In, paginate

from .. import selectors, services
from ..models import FollowUp, Order
from .base import WRITE, ReasonIn, _get, _name, _require

router = Router()  # tagged where fugong.quarantine.api gathers the parts


class FollowUpOut(Schema):
    id: int
    at: dt.datetime
    method: str
    status: str
    temperature: Decimal | None
    symptoms: str
    note: str
    by: str | None


class OrderItem(Schema):
    id: int
    returnee_id: int
    name: str
    kind: str
    kind_label: str
    start_date: dt.date
    rule_days: int
    planned_end: dt.date
    status: str
    status_label: str


class OrderOut(OrderItem):
    responsible: str | None
    doctor: str | None
    hospital: str
    released_at: dt.datetime | None
    release_reason: str
    release_number: str
    followups: list[FollowUpOut]


class OrderPage(Schema):
    items: list[OrderItem]
    count: int


class FollowUpIn(In):
    method: str = ""
    status: str = ""
    temperature: Decimal | None = None
    symptoms: str = ""
    note: str = ""


class ChangeIn(In):
    new_end: dt.date | None = None
    reason: str = ""


class TransferIn(In):
    hospital: str = ""


def _order_item(o: Order) -> dict:
    return {
        "id": o.pk,
        "returnee_id": o.returnee_id,
        "name": o.person.name,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "start_date": o.start_date,
        "rule_days": o.rule_days,
        "planned_end": o.planned_end,
        "status": o.status,
        "status_label": o.get_status_display(),
    }


def _followup(f: FollowUp) -> dict:
    return {
        "id": f.pk,
        "at": f.at,
        "method": f.method,
        "status": f.status,
        "temperature": f.temperature,
        "symptoms": f.symptoms,
        "note": f.note,
        "by": _name(f.by),
    }


def _order(user, pk: int) -> dict:
    o = _get(selectors.order_detail, user=user, pk=pk)
    return {
        **_order_item(o),
        "responsible": _name(o.responsible),
        "doctor": _name(o.doctor),
        "hospital": o.hospital,
        "released_at": o.released_at,
        "release_reason": o.release_reason,
        "release_number": o.release_number,
        "followups": [_followup(f) for f in selectors.followups(user=user, order=o)],
    }


@router.get(
    "/orders/due",
    response={200: OrderPage, 403: ErrorOut},
    summary="待随访",
    description="隔离中、本半天（0–12 时或 12–24 时）尚无随访记录的隔离措施。",
)
def orders_due(request, page: int = 1, page_size: int = 50):
    _require(request.user, QUARANTINE_MANAGE)
    rows, count = paginate(selectors.followups_due(user=request.user), page, min(max(page_size, 1), 200))
    return {"items": [_order_item(o) for o in rows], "count": count}


@router.get(
    "/orders/{id}", response={200: OrderOut, 403: ErrorOut, 404: ErrorOut}, summary="隔离措施详情与随访记录"
)
def get_order(request, id: int):
    _require(request.user, QUARANTINE_MANAGE, SITE_OPERATE)
    return _order(request.user, id)


def _order_found(user, id: int) -> None:
    _require(user, QUARANTINE_MANAGE)
    _get(selectors.order_detail, user=user, pk=id)


@router.post("/orders/{id}/followups", response={201: OrderOut, **WRITE}, summary="记录随访（每天两次）")
def add_followup(request, id: int, payload: FollowUpIn):
    _order_found(request.user, id)
    services.followup_record(
        actor=request.user,
        order_id=id,
        method=payload.method,
        status=payload.status,
        temperature=payload.temperature,
        symptoms=payload.symptoms,
        note=payload.note,
    )
    return Status(201, _order(request.user, id))


@router.post(
    "/orders/{id}/change", response={200: OrderOut, **WRITE}, summary="延长或缩短隔离期（须填写理由）"
)
def change_order(request, id: int, payload: ChangeIn):
    _order_found(request.user, id)
    services.order_change_end(actor=request.user, order_id=id, new_end=payload.new_end, reason=payload.reason)
    return _order(request.user, id)


@router.post("/orders/{id}/transfer", response={200: OrderOut, **WRITE}, summary="转院")
def transfer_order(request, id: int, payload: TransferIn):
    _order_found(request.user, id)
    services.order_transfer(actor=request.user, order_id=id, hospital=payload.hospital)
    return _order(request.user, id)


@router.post(
    "/orders/{id}/release",
    response={200: OrderOut, **WRITE},
    summary="解除隔离",
    description="未满规则天数提前解除须填写理由；解除时签发带编号和核验二维码的解除隔离通知书。",
)
def release_order(request, id: int, payload: ReasonIn):
    _order_found(request.user, id)
    services.order_release(
        actor=request.user, order_id=id, reason=payload.reason, base_url=request.build_absolute_uri("/")
    )
    return _order(request.user, id)
