"""/api/v1/supervision: violations with the proposed step and the decision, and statements."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fugong.core import access
from fugong.core.api import In

from .. import selectors, services
from .base import ERRORS, INELIGIBLE, PageQuery, _page, _reader

router = Router()  # tagged where fugong.supervision.api gathers the parts


class ViolationIn(In):
    description: str = ""
    finding_id: int | None = None


class StatementOut(Schema):
    author: str
    text: str
    created_at: dt.datetime


class ViolationOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    inspection_id: int
    occurred_on: dt.date
    description: str
    sequence: int = Field(description="累计期限内第几次")
    window_days: int
    proposed_step: str
    proposed_step_label: str
    status: str
    decided_step: str
    decision_reason: str
    decided_by: str | None
    decided_at: dt.datetime | None
    version: int
    ineligible_for_support: bool
    ineligible_text: str
    statements: list[StatementOut] = Field(default_factory=list)


class ViolationPageOut(Schema):
    items: list[ViolationOut]
    count: int


class DecideIn(In):
    step: str = Field("", description="留空即确认系统建议；legal_rep / leader / officer / other")
    reason: str = ""
    version: int | None = None


class TextIn(In):
    text: str = ""


def _violation(v, listed: bool | None = None, statements: bool = False) -> dict:
    listed = selectors.ineligible_for_support(v.enterprise) if listed is None else listed
    out = {
        "id": v.pk,
        "enterprise_id": v.enterprise_id,
        "enterprise_name": v.enterprise.name,
        "inspection_id": v.inspection_id,
        "occurred_on": v.occurred_on,
        "description": v.description,
        "sequence": v.sequence,
        "window_days": v.window_days,
        "proposed_step": v.proposed_step,
        "proposed_step_label": v.get_proposed_step_display(),
        "status": v.status,
        "decided_step": v.decided_step,
        "decision_reason": v.decision_reason,
        "decided_by": v.decided_by.username if v.decided_by else None,
        "decided_at": v.decided_at,
        "version": v.version,
        "ineligible_for_support": listed,
        "ineligible_text": INELIGIBLE if listed else "",
    }
    if statements:
        out["statements"] = [
            {"author": s.author.username, "text": s.text, "created_at": s.created_at}
            for s in v.statements.select_related("author")
        ]
    return out


@router.post(
    "/inspections/{id}/violations",
    response={201: ViolationOut, **ERRORS},
    summary="记录违规",
    description="系统按累计期限内的次数建议处理步骤。",
)
def record_violation(request, id: int, payload: ViolationIn):
    user = request.user
    if not user.can(access.INSPECT):
        raise PermissionDenied("您无权记录违规")
    selectors.inspection_detail(user=user, pk=id)
    v = services.violation_record(actor=user, inspection_id=id, **payload.dict())
    return Status(201, _violation(selectors.violation_detail(user=user, pk=v.pk), statements=True))


@router.get("/violations", response={200: ViolationPageOut, **ERRORS}, summary="违规记录")
def list_violations(request, q: Query[PageQuery], status: str = ""):
    _reader(request.user)
    rows, count = _page(selectors.violation_list(user=request.user, status=status), q.page, q.page_size)
    return {"items": [_violation(v, v.listed) for v in rows], "count": count}


@router.get("/violations/{id}", response={200: ViolationOut, **ERRORS}, summary="违规详情")
def violation_detail(request, id: int):
    _reader(request.user)
    return _violation(selectors.violation_detail(user=request.user, pk=id), statements=True)


@router.post(
    "/violations/{id}/confirm",
    response={200: ViolationOut, **ERRORS},
    summary="确认处理",
    description="原样带回 `version`；他人已先确认时返回 422“已被他人处理”。",
)
def confirm_violation(request, id: int, payload: DecideIn):
    user = request.user
    if not user.can(access.VIOLATION_DECIDE):
        raise PermissionDenied("您无权确认违规处理")
    selectors.violation_detail(user=user, pk=id)
    services.violation_decide(actor=user, violation_id=id, **payload.dict())
    return _violation(selectors.violation_detail(user=user, pk=id), statements=True)


@router.post("/violations/{id}/statement", response={201: ViolationOut, **ERRORS}, summary="企业陈述")
def violation_statement(request, id: int, payload: TextIn):
    selectors.violation_detail(user=request.user, pk=id)
    services.statement_add(actor=request.user, violation_id=id, text=payload.text)
    return Status(201, _violation(selectors.violation_detail(user=request.user, pk=id), statements=True))
