"""/api/v1/filings: 复工备案 + 承诺书 and the review, with the pages' selectors and services.

Lists and items are scoped like the pages (out of scope is a 404); ID numbers and phones on the
roster leave masked. Errors follow fugong.api: bad input 422 with a Chinese ``detail`` and
``errors`` per field (roster rows as ``roster.N.field``), no right 403, not visible 404.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fugong.core import access
from fugong.core.api import ErrorOut, In, ValidationErrorOut, paginate
from fugong.core.masking import mask_id_number, mask_phone

from .. import services
from ..choices import FilingStatus, HealthState, Ventilation
from ..models import Filing
from ..selectors import filings as selectors
from .settings import router as settings_router

router = Router(tags=["复工备案"])
router.add_router("/settings", settings_router)


class ScorePart(Schema):
    key: str
    label: str
    points: float
    max: int


class UnmetOut(Schema):
    code: str
    title: str


class FilingItem(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    category: str
    category_label: str
    mode: str
    mode_label: str
    status: str
    status_label: str
    planned_date: dt.date
    submitted_at: dt.datetime | None
    deadline_at: dt.datetime | None = Field(description="办理时限")
    overdue: bool = Field(description="待审核且已超过办理时限")
    holder_area: str | None = Field(description="办理单位（街镇、园区）")
    priority_score: float
    score_parts: list[ScorePart]
    unmet_count: int = Field(description="提交时未满足的条件数")
    version: int = Field(description="审核时原样带回，用于防止两人同时办理")


class FilingPage(Schema):
    items: list[FilingItem]
    count: int


class RosterOut(Schema):
    name: str
    id_number: str = Field(description="已脱敏")
    phone: str = Field(description="已脱敏")
    last14_location: str
    health_state: str
    is_local: bool


class TransitionOut(Schema):
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    reason: str


class FilingOut(FilingItem):
    prevention_plan: str
    masks_stock: int
    masks_days: int
    disinfectant_kg: Decimal
    disinfectant_days: int
    thermometers: int
    ventilation: str
    has_isolation_room: bool
    canteen_measures: str
    has_dormitory: bool
    dormitory_measures: str
    signatory_name: str
    signed_at: dt.datetime | None
    commitment_version: str | None
    decision_reason: str
    unmet_at_submission: list[UnmetOut]
    unmet_now: list[UnmetOut] = Field(description="按今天生效的条件重新核对")
    roster: list[RosterOut]
    transitions: list[TransitionOut]


class ListQuery(In):
    status: str | None = Field(None, description="draft / submitted / returned / approved / filed / rejected")
    category: str | None = Field(None, description="企业类别编码")
    overdue: bool = Field(False, description="只看已超时的待审核备案")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class RosterIn(In):
    name: str
    id_number: str
    phone: str
    last14_location: str
    health_state: Literal["healthy", "abnormal", "isolating"] = HealthState.HEALTHY
    is_local: bool = True


class FilingIn(In):
    planned_date: dt.date = Field(description="今天起半年以内")
    prevention_plan: str
    masks_stock: int = Field(ge=0)
    masks_days: int = Field(ge=0)
    disinfectant_kg: Decimal = Field(ge=0, max_digits=8, decimal_places=1)
    disinfectant_days: int = Field(ge=0)
    thermometers: int = Field(ge=0)
    ventilation: Literal["good", "fair", "poor"] = Ventilation.GOOD
    has_isolation_room: bool = False
    canteen_measures: str = ""
    has_dormitory: bool = False
    dormitory_measures: str = ""
    roster: list[RosterIn] = Field(default_factory=list, max_length=5000)


# Bodies of actions on one filing are checked after the filing is found, so that a filing out of
# scope answers 404 whatever the body holds.
class SubmitIn(In):
    signatory_name: str = Field("", description="承诺人（法定代表人或授权人）姓名")
    accept: bool = Field(False, description="须为 true：已阅读并接受当前承诺书")


class BulkIn(In):
    enterprise_ids: list[int] = Field(
        default_factory=list, max_length=500, description="个体工商户、九小场所的 id"
    )
    note: str = Field("", max_length=150, description="备注，如：已上门核实防控措施")


class DecideIn(In):
    decision: str = Field("", description="approve 审核通过 / return 退回修改 / reject 不予复工")
    reason: str = Field("", description="审核意见，必填")
    version: int | None = Field(None, description="读取备案时的 version，原样带回")


def _item(f: Filing, now=None) -> dict:
    return {
        "id": f.pk,
        "enterprise_id": f.enterprise_id,
        "enterprise_name": f.enterprise.name,
        "category": f.category,
        "category_label": f.get_category_display(),
        "mode": f.mode,
        "mode_label": f.get_mode_display(),
        "status": f.status,
        "status_label": f.get_status_display(),
        "planned_date": f.planned_date,
        "submitted_at": f.submitted_at,
        "deadline_at": f.deadline_at,
        "overdue": selectors.is_overdue(f, now),
        "holder_area": f.holder_area.name if f.holder_area_id else None,
        "priority_score": f.priority_score,
        "score_parts": [{**p, "label": str(p["label"])} for p in selectors.score_parts(f)],
        "unmet_count": len(f.unmet_conditions or []),
        "version": f.version,
    }


def _detail(f: Filing) -> dict:
    fields = {name: getattr(f, name) for name in services.FILING_FIELDS if name != "planned_date"}
    roster = [
        {
            "name": r.shown_name,  # as typed by the enterprise for a person on file elsewhere
            "id_number": mask_id_number(r.person.id_number),
            "phone": mask_phone(r.shown_phone),
            "last14_location": r.last14_location,
            "health_state": r.health_state,
            "is_local": r.is_local,
        }
        for r in selectors.roster_of(filing=f)
    ]
    transitions = [
        {
            "from_status": t.from_status,
            "to_status": t.to_status,
            "actor": t.actor.username if t.actor else None,
            "at": t.at,
            "reason": t.reason,
        }
        for t in selectors.transitions_of(filing=f)
    ]
    open_ = f.status in (FilingStatus.DRAFT, FilingStatus.RETURNED)
    return {
        **_item(f),
        **fields,
        "signatory_name": f.signatory_name,
        "signed_at": f.signed_at,
        "commitment_version": f.commitment.version if f.commitment_id else None,
        "decision_reason": f.decision_reason,
        "unmet_at_submission": f.unmet_conditions or [],
        "unmet_now": [u.as_dict() for u in selectors.unmet_now(filing=f, assume_signed=open_)],
        "roster": roster,
        "transitions": transitions,
    }


def _can_view(user) -> None:
    if not any(user.can(c) for c in (access.FILING_SUBMIT, access.FILING_REVIEW, access.REPORT_MONITOR)):
        raise PermissionDenied("您无权查看复工备案")


def _page(qs, page: int, page_size: int) -> dict:
    rows, count = paginate(qs, page, page_size)
    now = timezone.now()
    return {"items": [_item(f, now) for f in rows], "count": count}


def _filter(q: ListQuery) -> selectors.QueueFilter:
    return selectors.QueueFilter.from_params(
        {"status": q.status or "", "category": q.category or "", "overdue": "1" if q.overdue else ""}
    )


@router.get(
    "",
    response={200: FilingPage, 403: ErrorOut},
    summary="复工备案列表（分页）",
    description="管辖范围内的复工备案，最新的在前；企业管理员只看到本企业的备案。",
)
def list_filings(request, q: Query[ListQuery]):
    _can_view(request.user)
    return _page(selectors.filing_list(user=request.user, f=_filter(q)), q.page, q.page_size)


@router.get(
    "/queue",
    response={200: FilingPage, 403: ErrorOut},
    summary="待审核队列",
    description="管辖范围内待审核的备案，按优先级得分从高到低、同分先提交的在前；"
    "每条给出得分构成（本地员工占比、规模、通风、物资）、办理时限和是否超时。",
)
def filing_queue(request, q: Query[ListQuery]):
    if not request.user.can(access.FILING_REVIEW):
        raise PermissionDenied("您无权审核复工备案")
    return _page(selectors.review_queue(user=request.user, f=_filter(q)), q.page, q.page_size)


@router.post(
    "",
    response={200: FilingOut, 201: FilingOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="填写或修改本企业的复工备案",
    description="企业管理员创建或修改本企业未提交（草稿或退回修改）的备案；`roster` 为返岗人员名单，"
    "按身份证号查找人员，新人员自动登记并加入员工名册。任一行有误时不保存任何内容，"
    "错误按 `roster.N.字段` 列出（N 从 1 开始）。",
)
def save_filing(request, payload: FilingIn):
    user = request.user
    if not user.can(access.FILING_SUBMIT) or not user.scope_enterprise_id:
        raise PermissionDenied("只有企业管理员可以填报复工备案")
    data = payload.dict()
    roster = data.pop("roster")
    existed = selectors.open_filing(enterprise=user.scope_enterprise) is not None
    filing = services.filing_fill(actor=user, enterprise=user.scope_enterprise, roster=roster, **data)
    return Status(200 if existed else 201, _detail(selectors.filing_detail(user=user, pk=filing.pk)))


@router.post(
    "/bulk",
    response={201: FilingPage, 403: ErrorOut, 422: ValidationErrorOut},
    summary="社区代为备案（个体工商户、九小场所）",
    description="每户生成一份“已备案”的备案，企业状态为“已备案”，全部成功或全部不做；"
    "有一户不在管辖范围内或不属于个体工商户、九小场所时返回 403，已有备案或已复工的返回 422。",
)
def bulk_file(request, payload: BulkIn):
    filed = services.individual_bulk_file(
        actor=request.user, enterprise_ids=payload.enterprise_ids, note=payload.note
    )
    now = timezone.now()
    return Status(201, {"items": [_item(f, now) for f in filed], "count": len(filed)})


# An int converter, so that /filings/settings reaches the settings router.
@router.get(
    "/{int:id}",
    response={200: FilingOut, 403: ErrorOut, 404: ErrorOut},
    summary="复工备案详情",
    description="名单中的身份证号、手机号已脱敏；`unmet_now` 为按今天生效的条件重新核对的结果。",
)
def get_filing(request, id: int):
    _can_view(request.user)
    return _detail(selectors.filing_detail(user=request.user, pk=id))


@router.post(
    "/{id}/submit",
    response={200: FilingOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="签署承诺书并提交",
    description="以当前生效的承诺书提交；`accept` 须为 true。备案即复工的类别条件全部满足时直接为“已备案”，"
    "否则进入街镇审核队列并给出办理时限。",
)
def submit_filing(request, id: int, payload: SubmitIn):
    user = request.user
    filing = selectors.filing_detail(user=user, pk=id)
    if not payload.accept:
        raise ValidationError({"accept": ["请阅读承诺书并确认接受后再提交"]})
    commitment = selectors.commitment_current()
    if commitment is None:
        raise ValidationError("区里尚未发布承诺书文本，暂不能提交")
    services.filing_submit(
        actor=user, filing=filing, signatory_name=payload.signatory_name, commitment=commitment
    )
    return _detail(selectors.filing_detail(user=user, pk=id))


@router.post(
    "/{id}/decide",
    response={200: FilingOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="审核：通过 / 退回修改 / 不予复工",
    description="须填写审核意见，并原样带回读取时的 `version`；他人已先办理时返回 422 "
    "“该备案已被他人处理或已更新”，不做任何修改。有未满足条件的备案不能审核通过。",
)
def decide_filing(request, id: int, payload: DecideIn):
    user = request.user
    if not user.can(access.FILING_REVIEW):
        raise PermissionDenied("您无权审核复工备案")
    selectors.filing_detail(user=user, pk=id)  # not visible: 404, like a missing row
    if payload.version is None:
        raise ValidationError({"version": ["请原样带回读取备案时的 version"]})
    services.filing_decide(actor=user, filing_id=id, **payload.dict())
    return _detail(selectors.filing_detail(user=user, pk=id))
