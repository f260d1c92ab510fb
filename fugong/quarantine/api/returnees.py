"""/api/v1/quarantine: returnees, their decisions and the order issued for them, and the rule data
(rule sets, risk areas) deciding them.

Scoped like the pages: an object out of scope is a 404, like a missing one (checked before the
body is looked at, so every body field is optional here and the services say what is missing).
Errors follow fugong.api: bad input 422 with a Chinese ``detail`` and ``errors`` per field, no
right 403. ID numbers and phones leave masked.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, RETURNEE_REGISTER
from fugong.core.api import ErrorOut, In, paginate
from fugong.core.masking import mask_id_number, mask_phone

from .. import rules, selectors, services
from ..models import Decision, Returnee, RiskArea, RuleSet
from .base import WRITE, _get, _name, _require
from .orders import OrderOut, _order

router = Router()  # tagged where fugong.quarantine.api gathers the parts


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


class ReturneeIn(In):
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


class DecisionIn(In):
    measure: str = ""
    days: int | None = None
    reason: str = ""


class OrderIn(In):
    start_date: dt.date | None = None
    responsible_id: int | None = None
    doctor_id: int | None = None


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


class RiskAreaIn(In):
    province: str = ""
    city: str = ""
    district: str = ""
    level: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str = ""


class EndIn(In):
    effective_to: dt.date | None = None


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
        "name": r.name,
        "id_number": mask_id_number(r.person.id_number),
        "phone": mask_phone(r.phone),
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


@router.get("/returnees", response={200: ReturneePage, 403: ErrorOut}, summary="返区人员列表（分页）")
def list_returnees(request, q: str = "", handover: str = "", page: int = 1, page_size: int = 50):
    user = request.user
    if not selectors.can_view(user):
        raise PermissionDenied(_("您无权查看返区人员"))
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
        raise PermissionDenied(_("您无权查看返区人员"))
    return _returnee(request.user, id)


def _returnee_found(user, id: int, *capabilities: str) -> None:
    _require(user, *capabilities)
    _get(selectors.returnee_detail, user=user, pk=id)


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


class RuleIn(In):
    condition: str = Field("", description="high / medium / key / outside_city / any")
    measure: str = Field("", description="centralized / home / monitoring")
    days: int = 0


class RuleSetIn(In):
    name: str = ""
    effective_from: dt.date | None = None
    legal_basis: str = ""
    appeal: str = ""
    rules: list[RuleIn] = Field(default_factory=list, description="按顺序，首条符合的规则适用")


def _rule_set(rs: RuleSet, in_force: RuleSet | None) -> dict:
    return {
        "id": rs.pk,
        "name": rs.name,
        "effective_from": rs.effective_from,
        "legal_basis": rs.legal_basis,
        "appeal": rs.appeal,
        "in_force_today": in_force is not None and rs.pk == in_force.pk,
        "rules": [
            {"order": r.order, "condition": r.condition, "measure": r.measure, "days": r.days, "text": str(r)}
            for r in rs.rules.all()
        ],
    }


@router.get("/rule-sets", response={200: list[RuleSetOut], 403: ErrorOut}, summary="管控规则版本")
def list_rule_sets(request):
    _require(request.user, QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, RETURNEE_REGISTER)
    today = rules.rule_set_in_force(timezone.localdate())
    return [_rule_set(rs, today) for rs in RuleSet.objects.prefetch_related("rules")]


@router.post(
    "/rule-sets",
    response={201: RuleSetOut, **WRITE},
    summary="新增管控规则版本",
    description="规则版本从不修改：新版本自其生效日期起取代旧版本；同一生效日期只能有一套。",
)
def create_rule_set(request, payload: RuleSetIn):
    _require(request.user, QUARANTINE_CONFIGURE)
    rule_set = services.rule_set_create(
        actor=request.user,
        name=payload.name,
        effective_from=payload.effective_from,
        legal_basis=payload.legal_basis,
        appeal=payload.appeal,
        rules_spec=[(r.condition, r.measure, r.days) for r in payload.rules],
    )
    return Status(201, _rule_set(rule_set, rules.rule_set_in_force(timezone.localdate())))


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
