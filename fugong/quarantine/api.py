"""/api/v1/quarantine: returnees, handover, decisions, orders and follow-ups, sites and stays, rule
data — with the pages' selectors and services.

Scoped like the pages: an object out of scope is a 404, like a missing one (checked before the
body is looked at, so every body field is optional here and the services say what is missing).
Errors follow fugong.api: bad input 422 with a Chinese ``detail`` and ``errors`` per field, no
right 403. ID numbers and phones leave masked.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, RETURNEE_REGISTER, SITE_OPERATE
from fugong.core.api import ErrorOut, ValidationErrorOut, paginate
from fugong.core.masking import mask_id_number, mask_name, mask_phone

from . import rules, selectors, services
from .models import Decision, FollowUp, Order, Returnee, RiskArea, RuleSet, Stay
from .notice_api import router as notice_router

router = Router(tags=["返区人员与隔离"])
router.add_router("", notice_router)  # release notices (notice_api.py)

WRITE = {403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _require(user, *capabilities: str) -> None:
    if not any(user.can(c) for c in capabilities):
        raise PermissionDenied("您无权访问返区人员与隔离管理")


def _get(fn, **kwargs) -> Model:
    try:
        return fn(**kwargs)
    except PermissionDenied:
        raise
    except Exception:  # DoesNotExist, or an id of the wrong kind
        raise Http404 from None


# Schemas -----------------------------------------------------------------------------------------


class DecisionOut(Schema):
    measure: str
    measure_label: str
    days: int
    risk_level: str
    rule_set: str | None = Field(description="适用的规则版本（名称与生效日期）")
    rule: str | None = Field(description="触发的规则条款；人工调整时为空")
    legal_basis: str
    appeal: str = Field(description="申诉渠道")
    manual: bool
    reason: str = Field(description="人工调整的理由")
    decided_by: str | None
    decided_at: dt.datetime


class ReturneeItem(Schema):
    id: int
    name: str
    id_number: str = Field(description="脱敏")
    phone: str = Field(description="脱敏")
    origin: str
    arrival_date: dt.date
    transport: str
    destination_code: str
    destination_name: str
    handover: str
    handover_label: str
    measure: str | None
    days: int | None


class ReturneeOut(ReturneeItem):
    address: str
    employer: str | None
    sender: str | None
    handover_reason: str
    decisions: list[DecisionOut]
    order_ids: list[int]


class ReturneePage(Schema):
    items: list[ReturneeItem]
    count: int


class ReturneeIn(Schema):
    id_number: str = ""
    name: str = ""
    phone: str = ""
    origin_province: str = ""
    origin_city: str = ""
    origin_district: str = ""
    arrival_date: dt.date | None = None
    transport: str = ""
    transport_detail: str = ""
    address: str = ""
    destination_code: str = Field("", description="目的社区的区划编码")
    employer_id: int | None = None


class ReasonIn(Schema):
    reason: str = ""


class DecisionIn(Schema):
    measure: str = ""
    days: int | None = None
    reason: str = ""


class OrderIn(Schema):
    start_date: dt.date | None = None
    responsible_id: int | None = None
    doctor_id: int | None = None


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


class FollowUpIn(Schema):
    method: str = ""
    status: str = ""
    temperature: Decimal | None = None
    symptoms: str = ""
    note: str = ""


class ChangeIn(Schema):
    new_end: dt.date | None = None
    reason: str = ""


class TransferIn(Schema):
    hospital: str = ""


class RoomOut(Schema):
    id: int
    number: str
    occupied: bool
    guest: str | None = Field(description="住客姓名（脱敏）")
    stay_id: int | None


class SiteOut(Schema):
    id: int
    name: str
    area: str
    rooms: int
    now: int = Field(description="现入住人数")
    total: int = Field(description="累计入住人数")


class SiteDetailOut(SiteOut):
    grid: list[RoomOut]


class OccupancyOut(Schema):
    sites: int
    now: int
    total: int
    text: str


class CheckInIn(Schema):
    room_id: int | None = None
    id_number: str = ""
    checked_registration: bool = False
    checked_temperature: bool = False
    checked_health: bool = False


class StayOut(Schema):
    id: int
    site_id: int
    room: str
    guest: str
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None


class RuleOut(Schema):
    order: int
    condition: str
    measure: str
    days: int
    text: str


class RuleSetOut(Schema):
    id: int
    name: str
    effective_from: dt.date
    legal_basis: str
    appeal: str
    in_force_today: bool
    rules: list[RuleOut]


class RiskAreaOut(Schema):
    id: int
    province: str
    city: str
    district: str
    level: str
    level_label: str
    effective_from: dt.date
    effective_to: dt.date | None


class RiskAreaIn(Schema):
    province: str = ""
    city: str = ""
    district: str = ""
    level: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str = ""


class EndIn(Schema):
    effective_to: dt.date | None = None


# Shaping -----------------------------------------------------------------------------------------


def _name(user) -> str | None:
    return (user.full_name or user.username) if user else None


def _decision(d: Decision) -> dict:
    return {
        "measure": d.measure,
        "measure_label": d.get_measure_display(),
        "days": d.days,
        "risk_level": d.risk_level,
        "rule_set": str(d.rule_set) if d.rule_set_id else None,
        "rule": str(d.rule) if d.rule_id else None,
        "legal_basis": d.legal_basis,
        "appeal": d.appeal,
        "manual": d.manual,
        "reason": d.reason,
        "decided_by": _name(d.decided_by),
        "decided_at": d.decided_at,
    }


def _returnee_item(r: Returnee) -> dict:
    decisions = list(r.decisions.all())
    current = decisions[0] if decisions else None
    return {
        "id": r.pk,
        "name": r.person.name,
        "id_number": mask_id_number(r.person.id_number),
        "phone": mask_phone(r.person.phone),
        "origin": r.origin,
        "arrival_date": r.arrival_date,
        "transport": r.transport,
        "destination_code": r.destination.code,
        "destination_name": r.destination.name,
        "handover": r.handover,
        "handover_label": r.get_handover_display(),
        "measure": current.measure if current else None,
        "days": current.days if current else None,
    }


def _returnee(user, pk: int) -> dict:
    r = _get(selectors.returnee_detail, user=user, pk=pk)
    return {
        **_returnee_item(r),
        "address": r.address,
        "employer": r.employer.name if r.employer_id else None,
        "sender": r.sender_area.name if r.sender_area_id else None,
        "handover_reason": r.handover_reason,
        "decisions": [_decision(d) for d in r.decisions.select_related("rule_set", "rule", "decided_by")],
        "order_ids": list(selectors.orders_of(user=user, returnee=r).values_list("pk", flat=True)),
    }


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


def _site(user, pk: int) -> dict:
    site = _get(selectors.sites(user=user).get, pk=pk)
    grid = [
        {
            "id": g["room"].pk,
            "number": g["room"].number,
            "occupied": g["stay"] is not None,
            "guest": mask_name(g["stay"].person.name) if g["stay"] else None,
            "stay_id": g["stay"].pk if g["stay"] else None,
        }
        for g in selectors.rooms_grid(site=site)
    ]
    return {**_site_item(site), "grid": grid}


def _site_item(s) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "area": s.area.name,
        "rooms": s.room_count,
        "now": s.now,
        "total": s.total,
    }


def _stay(s: Stay) -> dict:
    return {
        "id": s.pk,
        "site_id": s.site_id,
        "room": s.room.number,
        "guest": mask_name(s.person.name),
        "checked_in_at": s.checked_in_at,
        "checked_out_at": s.checked_out_at,
    }


# Returnees ---------------------------------------------------------------------------------------


@router.get("/returnees", response={200: ReturneePage, 403: ErrorOut}, summary="返区人员列表（分页）")
def list_returnees(request, q: str = "", handover: str = "", page: int = 1, page_size: int = 50):
    user = request.user
    if not selectors.can_view(user):
        raise PermissionDenied("您无权查看返区人员")
    qs = selectors.returnee_list(user=user, q=q, handover=handover).prefetch_related("decisions")
    rows, count = paginate(qs, page, min(max(page_size, 1), 200))
    return {"items": [_returnee_item(r) for r in rows], "count": count}


@router.post(
    "/returnees",
    response={201: ReturneeOut, **WRITE},
    summary="登记返区人员",
    description="按抵达日期当天生效的规则版本决定管控措施，记录规则版本、条款、依据和申诉渠道；"
    "目的社区不在登记人辖区时移交目的社区（待接收）。",
)
def create_returnee(request, payload: ReturneeIn):
    user = request.user
    _require(user, RETURNEE_REGISTER)
    destination = Area.objects.filter(code=payload.destination_code.strip(), kind="community").first()
    returnee = services.returnee_register(
        actor=user,
        id_number=payload.id_number,
        name=payload.name,
        phone=payload.phone,
        origin_province=payload.origin_province,
        origin_city=payload.origin_city,
        origin_district=payload.origin_district,
        arrival_date=payload.arrival_date,
        transport=payload.transport,
        transport_detail=payload.transport_detail,
        address=payload.address,
        destination_id=destination.pk if destination else None,
        employer_id=payload.employer_id,
    )
    return Status(201, _returnee(user, returnee.pk))


@router.get(
    "/returnees/{id}", response={200: ReturneeOut, 403: ErrorOut, 404: ErrorOut}, summary="返区人员详情"
)
def get_returnee(request, id: int):
    if not selectors.can_view(request.user):
        raise PermissionDenied("您无权查看返区人员")
    return _returnee(request.user, id)


def _returnee_found(user, id: int, *capabilities: str) -> None:
    _require(user, *capabilities)
    _get(selectors.returnee_detail, user=user, pk=id)


@router.post("/returnees/{id}/accept", response={200: ReturneeOut, **WRITE}, summary="接收移交的返区人员")
def accept_returnee(request, id: int):
    _returnee_found(request.user, id, RETURNEE_REGISTER)
    services.handover_accept(actor=request.user, returnee_id=id)
    return _returnee(request.user, id)


@router.post("/returnees/{id}/return", response={200: ReturneeOut, **WRITE}, summary="退回移交（须填写理由）")
def return_returnee(request, id: int, payload: ReasonIn):
    _returnee_found(request.user, id, RETURNEE_REGISTER)
    services.handover_return(actor=request.user, returnee_id=id, reason=payload.reason)
    return _returnee(request.user, id)


@router.post(
    "/returnees/{id}/decision", response={200: ReturneeOut, **WRITE}, summary="人工调整管控措施（须填写理由）"
)
def change_decision(request, id: int, payload: DecisionIn):
    _returnee_found(request.user, id, QUARANTINE_MANAGE)
    services.decision_change(
        actor=request.user, returnee_id=id, measure=payload.measure, days=payload.days, reason=payload.reason
    )
    return _returnee(request.user, id)


@router.post(
    "/returnees/{id}/orders",
    response={201: OrderOut, **WRITE},
    summary="按现行决定下达隔离措施",
    description="计划解除日期 = 开始日期 + 规则天数。",
)
def issue_order(request, id: int, payload: OrderIn):
    _returnee_found(request.user, id, QUARANTINE_MANAGE)
    order = services.order_issue(
        actor=request.user,
        returnee_id=id,
        start_date=payload.start_date,
        responsible_id=payload.responsible_id,
        doctor_id=payload.doctor_id,
    )
    return Status(201, _order(request.user, order.pk))


@router.get("/handovers", response={200: ReturneePage, 403: ErrorOut}, summary="待接收的返区人员")
def list_handovers(request):
    _require(request.user, RETURNEE_REGISTER)
    rows = list(selectors.handover_inbox(user=request.user).prefetch_related("decisions")[:500])
    return {"items": [_returnee_item(r) for r in rows], "count": len(rows)}


# Orders ------------------------------------------------------------------------------------------


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


# Sites -------------------------------------------------------------------------------------------


@router.get("/occupancy", response={200: OccupancyOut, 403: ErrorOut}, summary="入住统计")
def occupancy(request):
    _require(request.user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    o = selectors.occupancy(user=request.user)
    return {**o, "text": f"入住酒店人员共{o['total']}人，现入住{o['now']}人"}


@router.get("/sites", response={200: list[SiteOut], 403: ErrorOut}, summary="集中隔离点（含入住人数）")
def list_sites(request):
    _require(request.user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    return [_site_item(s) for s in selectors.sites(user=request.user).select_related("area")]


@router.get(
    "/sites/{id}", response={200: SiteDetailOut, 403: ErrorOut, 404: ErrorOut}, summary="隔离点房间占用"
)
def get_site(request, id: int):
    _require(request.user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    return _site(request.user, id)


@router.post(
    "/sites/{id}/check-in",
    response={201: StayOut, **WRITE},
    summary="办理入住",
    description="登记、体温检测、核酸/健康状况全部确认后方可入住；一个房间同时只能住一人，"
    "同时分配同一房间只有一个成功，另一个得到“该房间已有人入住”。",
)
def check_in(request, id: int, payload: CheckInIn):
    user = request.user
    _require(user, SITE_OPERATE)
    _get(selectors.site_detail, user=user, pk=id)
    stay = services.stay_check_in(
        actor=user,
        site_id=id,
        room_id=payload.room_id,
        id_number=payload.id_number,
        checked_registration=payload.checked_registration,
        checked_temperature=payload.checked_temperature,
        checked_health=payload.checked_health,
    )
    return Status(201, _stay(stay))


@router.post("/stays/{id}/check-out", response={200: StayOut, **WRITE}, summary="办理退房")
def check_out(request, id: int):
    user = request.user
    _require(user, SITE_OPERATE)
    _get(Stay.objects.visible_to(user).get, pk=id)
    stay = services.stay_check_out(actor=user, stay_id=id)
    return _stay(Stay.objects.select_related("room", "person").get(pk=stay.pk))


# Rule data ---------------------------------------------------------------------------------------


@router.get("/rule-sets", response={200: list[RuleSetOut], 403: ErrorOut}, summary="管控规则版本")
def list_rule_sets(request):
    _require(request.user, QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, RETURNEE_REGISTER)
    today = rules.rule_set_in_force(timezone.localdate())
    return [
        {
            "id": rs.pk,
            "name": rs.name,
            "effective_from": rs.effective_from,
            "legal_basis": rs.legal_basis,
            "appeal": rs.appeal,
            "in_force_today": today is not None and rs.pk == today.pk,
            "rules": [
                {
                    "order": r.order,
                    "condition": r.condition,
                    "measure": r.measure,
                    "days": r.days,
                    "text": str(r),
                }
                for r in rs.rules.all()
            ],
        }
        for rs in RuleSet.objects.prefetch_related("rules")
    ]


def _risk(a: RiskArea) -> dict:
    return {
        "id": a.pk,
        "province": a.province,
        "city": a.city,
        "district": a.district,
        "level": a.level,
        "level_label": a.get_level_display(),
        "effective_from": a.effective_from,
        "effective_to": a.effective_to,
    }


@router.get("/risk-areas", response={200: list[RiskAreaOut], 403: ErrorOut}, summary="风险地区（带日期）")
def list_risk_areas(request):
    _require(request.user, QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, RETURNEE_REGISTER)
    return [_risk(a) for a in RiskArea.objects.all()[:1000]]


@router.post("/risk-areas", response={201: RiskAreaOut, **WRITE}, summary="新增风险地区")
def add_risk_area(request, payload: RiskAreaIn):
    _require(request.user, QUARANTINE_CONFIGURE)
    area = services.risk_area_add(actor=request.user, **payload.dict())
    return Status(201, _risk(area))


@router.post("/risk-areas/{id}/end", response={200: RiskAreaOut, **WRITE}, summary="设置风险地区截止日期")
def end_risk_area(request, id: int, payload: EndIn):
    _require(request.user, QUARANTINE_CONFIGURE)
    if not RiskArea.objects.filter(pk=id).exists():
        raise Http404
    return _risk(
        services.risk_area_end(actor=request.user, risk_area_id=id, effective_to=payload.effective_to)
    )
