"""/api/v1/supervision: inspections with items and findings, and their follow-ups.

Bodies of actions on one record default every field, so that a record out of scope answers 404
whatever the body holds.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fugong.core import access
from fugong.core.api import In

from .. import selectors, services
from .base import ERRORS, PageQuery, _page, _reader

router = Router()  # tagged where fugong.supervision.api gathers the parts


class ItemIn(In):
    item_id: int
    result: str = Field(description="pass 符合 / fail 不符合 / na 不适用")
    note: str = ""


class FindingIn(In):
    description: str
    deadline: dt.date = Field(description="不能早于检查日期")


class InspectionIn(In):
    enterprise_id: int
    date: dt.date
    items: list[ItemIn] = Field(max_length=100)
    findings: list[FindingIn] = Field(default_factory=list, max_length=50)
    note: str = ""


class FollowupIn(In):
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
