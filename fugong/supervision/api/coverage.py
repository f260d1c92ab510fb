"""/api/v1/supervision: coverage (点、线、面) and the enterprises no one covers."""

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema
from pydantic import Field

from fugong.core import access

from .. import coverage as coverage_mod
from .. import selectors
from .base import ERRORS, PageQuery

router = Router()  # tagged where fugong.supervision.api gathers the parts


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
