"""/api/v1/supervision: the dishonesty list (proposal, approval by two officers, removal) and an
enterprise's standing."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema, Status

from fugong.core import access
from fugong.core.api import In

from .. import selectors, services
from .base import ERRORS, INELIGIBLE, PageQuery, _page, _reader

router = Router()  # tagged where fugong.supervision.api gathers the parts


class ReasonIn(In):
    reason: str = ""
    version: int | None = None


class ApproveIn(In):
    approve: bool = True
    reason: str = ""
    version: int | None = None


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
