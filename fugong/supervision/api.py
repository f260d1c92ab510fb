"""/api/v1/supervision: coverage, inspections with items and findings, follow-ups, violations with
the proposed step and the decision, statements, and the dishonesty list — scoped like the pages
(out of scope is a 404), errors in Chinese (fugong.api).

Bodies of actions on one record default every field, so that a record out of scope answers 404
whatever the body holds.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fugong.core import access
from fugong.core.api import ErrorOut, ValidationErrorOut

from . import coverage as coverage_mod
from . import selectors, services

router = Router(tags=["督查检查"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
INELIGIBLE = "不诚信企业：不得享受惠企政策"


def _reader(user) -> None:
    if not selectors.can_read(user):
        raise PermissionDenied("您无权查看督查检查信息")


def _page(qs, page: int, size: int) -> tuple[list, int]:
    count = qs.count()
    return list(qs[(page - 1) * size : page * size]), count


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


# --- coverage ---------------------------------------------------------------------------------------


class CoverageOut(Schema):
    total: int
    covered: int
    unassigned: int
    by_type: dict[str, int] = Field(description="point 点 / line 线 / face 面 / community 社区")
    by_tier: dict[str, dict[str, int]]


class EnterpriseRow(Schema):
    id: int
    name: str
    category: str
    area: str


class UnassignedOut(Schema):
    items: list[EnterpriseRow]
    count: int


def _coverage(user):
    if not user.can(access.COVERAGE_VIEW):
        raise PermissionDenied("您无权查看包保覆盖情况")
    return coverage_mod.coverage(selectors.enterprise_queryset(user=user))


@router.get("/coverage/summary", response={200: CoverageOut, **ERRORS}, summary="包保覆盖统计")
def coverage_summary(request):
    result = _coverage(request.user)
    return {
        "total": result.total,
        "covered": result.covered,
        "unassigned": len(result.unassigned),
        "by_type": result.by_type,
        "by_tier": result.by_tier,
    }


@router.get("/coverage/unassigned", response={200: UnassignedOut, **ERRORS}, summary="无人负责的企业")
def coverage_unassigned(request, q: Query[PageQuery]):
    pks = _coverage(request.user).unassigned
    chunk = pks[(q.page - 1) * q.page_size : q.page * q.page_size]
    rows = [
        {"id": e.pk, "name": e.name, "category": e.category, "area": e.area.name}
        for e in coverage_mod.enterprises_in_order(chunk)
    ]
    return {"items": rows, "count": len(pks)}


# --- inspections ------------------------------------------------------------------------------------


class ItemIn(Schema):
    item_id: int
    result: str = Field(description="pass 符合 / fail 不符合 / na 不适用")
    note: str = ""


class FindingIn(Schema):
    description: str
    deadline: dt.date = Field(description="不能早于检查日期")


class InspectionIn(Schema):
    enterprise_id: int
    date: dt.date
    items: list[ItemIn] = Field(max_length=100)
    findings: list[FindingIn] = Field(default_factory=list, max_length=50)
    note: str = ""


class FollowupIn(Schema):
    date: dt.date | None = None
    items: list[ItemIn] = Field(default_factory=list, max_length=100)
    findings: list[FindingIn] = Field(default_factory=list, max_length=50)
    rectified: list[int] = Field(default_factory=list, description="复查确认已整改的问题 id")
    note: str = ""


class FindingOut(Schema):
    id: int
    description: str
    deadline: dt.date
    status: str
    overdue: bool
    closed_by_inspection_id: int | None


class InspectionItemOut(Schema):
    item: str
    result: str
    result_label: str
    note: str


class InspectionRow(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    date: dt.date
    inspector: str
    follows_id: int | None
    no_anomaly: bool = Field(description="无异常：未发现问题")


class InspectionPageOut(Schema):
    items: list[InspectionRow]
    count: int


class InspectionOut(InspectionRow):
    note: str
    items: list[InspectionItemOut]
    findings: list[FindingOut]
    photo_ids: list[int]
    followup_ids: list[int]


class InspectionQuery(PageQuery):
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    outcome: str = Field("", description="findings 发现问题 / clear 无异常")
    overdue: bool = False
    enterprise_id: int | None = None


def _row(i) -> dict:
    count = getattr(i, "finding_count", None)
    return {
        "id": i.pk,
        "enterprise_id": i.enterprise_id,
        "enterprise_name": i.enterprise.name,
        "date": i.date,
        "inspector": i.inspector.full_name or i.inspector.username,
        "follows_id": i.follows_id,
        "no_anomaly": (count if count is not None else i.findings.count()) == 0,
    }


def _inspection(user, pk: int) -> dict:
    i = selectors.inspection_detail(user=user, pk=pk)
    parts, today = selectors.inspection_parts(inspection=i), timezone.localdate()
    return {
        **_row(i),
        "note": i.note,
        "items": [
            {"item": r.item.title, "result": r.result, "result_label": r.get_result_display(), "note": r.note}
            for r in parts["items"]
        ],
        "findings": [
            {
                "id": f.pk,
                "description": f.description,
                "deadline": f.deadline,
                "status": f.status,
                "overdue": f.is_overdue(today),
                "closed_by_inspection_id": f.closed_by_id,
            }
            for f in parts["findings"]
        ],
        "photo_ids": [p.pk for p in parts["photos"]],
        "followup_ids": [f.pk for f in parts["followups"]],
    }


@router.get("/inspections", response={200: InspectionPageOut, **ERRORS}, summary="检查记录")
def list_inspections(request, q: Query[InspectionQuery]):
    _reader(request.user)
    f = selectors.InspectionFilter(
        date_from=q.date_from,
        date_to=q.date_to,
        outcome=q.outcome,
        overdue=q.overdue,
        enterprise_id=q.enterprise_id,
    )
    rows, count = _page(selectors.inspection_list(user=request.user, f=f), q.page, q.page_size)
    return {"items": [_row(i) for i in rows], "count": count}


@router.post(
    "/inspections",
    response={201: InspectionOut, **ERRORS},
    summary="录入检查",
    description="逐项填写当前检查清单；无问题即“无异常”。范围外的企业返回 404，不保存任何内容。",
)
def create_inspection(request, payload: InspectionIn):
    data = payload.dict()
    inspection = services.inspection_record(actor=request.user, **data)
    return Status(201, _inspection(request.user, inspection.pk))


@router.get("/inspections/{id}", response={200: InspectionOut, **ERRORS}, summary="检查详情")
def inspection_detail(request, id: int):
    _reader(request.user)
    return _inspection(request.user, id)


@router.post(
    "/inspections/{id}/followup",
    response={201: InspectionOut, **ERRORS},
    summary="复查",
    description="`rectified` 中的问题确认已整改并关闭。",
)
def inspection_followup(request, id: int, payload: FollowupIn):
    user = request.user
    if not user.can(access.INSPECT):
        raise PermissionDenied("您无权检查企业")
    follows = selectors.inspection_detail(user=user, pk=id)
    data = payload.dict()
    data["date"] = data["date"] or timezone.localdate()
    inspection = services.inspection_record(
        actor=user, enterprise_id=follows.enterprise_id, follows_id=follows.pk, **data
    )
    return Status(201, _inspection(user, inspection.pk))


# --- violations -------------------------------------------------------------------------------------


class ViolationIn(Schema):
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


class DecideIn(Schema):
    step: str = Field("", description="留空即确认系统建议；legal_rep / leader / officer / other")
    reason: str = ""
    version: int | None = None


class TextIn(Schema):
    text: str = ""


class ReasonIn(Schema):
    reason: str = ""
    version: int | None = None


class ApproveIn(Schema):
    approve: bool = True
    reason: str = ""
    version: int | None = None


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


# --- the dishonesty list ----------------------------------------------------------------------------


class ListingOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    violation_id: int
    status: str
    status_label: str
    reason: str
    proposed_by: str
    approved_by: str | None
    approved_at: dt.datetime | None
    removal_reason: str
    removed_by: str | None
    version: int
    ineligible_for_support: bool
    ineligible_text: str


class ListingPageOut(Schema):
    items: list[ListingOut]
    count: int


def _listing(listing) -> dict:
    listed = listing.is_listed
    return {
        "id": listing.pk,
        "enterprise_id": listing.enterprise_id,
        "enterprise_name": listing.enterprise.name,
        "violation_id": listing.violation_id,
        "status": listing.status,
        "status_label": listing.get_status_display(),
        "reason": listing.reason,
        "proposed_by": listing.proposed_by.username,
        "approved_by": listing.approved_by.username if listing.approved_by else None,
        "approved_at": listing.approved_at,
        "removal_reason": listing.removal_reason,
        "removed_by": listing.removed_by.username if listing.removed_by else None,
        "version": listing.version,
        "ineligible_for_support": listed,
        "ineligible_text": INELIGIBLE if listed else "",
    }


@router.post(
    "/violations/{id}/listing",
    response={201: ListingOut, **ERRORS},
    summary="提议列入不诚信企业名单",
    description="第3次及以上、已确认处理的违规；须由另一名有确认权限的干部确认后生效。",
)
def propose_listing(request, id: int, payload: ReasonIn):
    user = request.user
    if not user.can(access.VIOLATION_DECIDE):
        raise PermissionDenied("您无权提议列入不诚信企业名单")
    selectors.violation_detail(user=user, pk=id)
    listing = services.listing_propose(actor=user, violation_id=id, reason=payload.reason)
    return Status(201, _listing(selectors.listing_detail(user=user, pk=listing.pk)))


@router.get("/listings", response={200: ListingPageOut, **ERRORS}, summary="不诚信企业名单")
def list_listings(request, q: Query[PageQuery], status: str = ""):
    _reader(request.user)
    rows, count = _page(selectors.listing_list(user=request.user, status=status), q.page, q.page_size)
    return {"items": [_listing(x) for x in rows], "count": count}


@router.get("/listings/{id}", response={200: ListingOut, **ERRORS}, summary="名单详情")
def listing_detail(request, id: int):
    _reader(request.user)
    return _listing(selectors.listing_detail(user=request.user, pk=id))


@router.post(
    "/listings/{id}/approve",
    response={200: ListingOut, **ERRORS},
    summary="确认列入或移出",
    description="提议人以外、有确认权限的干部确认；`approve=false` 不予确认（须填理由）。",
)
def approve_listing(request, id: int, payload: ApproveIn):
    user = request.user
    if not user.can(access.DISHONESTY_APPROVE):
        raise PermissionDenied(services.violations.NO_APPROVE_RIGHT)
    selectors.listing_detail(user=user, pk=id)
    services.listing_approve(actor=user, listing_id=id, **payload.dict())
    return _listing(selectors.listing_detail(user=user, pk=id))


@router.post(
    "/listings/{id}/remove",
    response={200: ListingOut, **ERRORS},
    summary="提议移出名单",
    description="须填写理由；另一名有确认权限的干部确认后移出。",
)
def remove_listing(request, id: int, payload: ReasonIn):
    user = request.user
    if not (user.can(access.VIOLATION_DECIDE) or user.can(access.DISHONESTY_APPROVE)):
        raise PermissionDenied("您无权提议移出不诚信企业名单")
    selectors.listing_detail(user=user, pk=id)
    services.listing_request_removal(actor=user, listing_id=id, **payload.dict())
    return _listing(selectors.listing_detail(user=user, pk=id))


class StandingOut(Schema):
    enterprise_id: int
    listed: bool
    ineligible_for_support: bool
    ineligible_text: str


@router.get(
    "/enterprises/{enterprise_id}/standing",
    response={200: StandingOut, **ERRORS},
    summary="企业诚信状态（是否可享受惠企政策）",
)
def enterprise_standing(request, enterprise_id: int):
    _reader(request.user)
    enterprise = selectors.enterprise_visible(user=request.user, pk=enterprise_id)
    listed = selectors.is_listed(enterprise)
    return {
        "enterprise_id": enterprise.pk,
        "listed": listed,
        "ineligible_for_support": listed,
        "ineligible_text": INELIGIBLE if listed else "",
    }
