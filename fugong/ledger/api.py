"""/api/v1/problems: the problem ledger, with the pages' selectors and services.

Scoped like the pages: a problem out of scope is a 404, like a missing one. Errors follow
fugong.api: bad input 422 with a Chinese ``detail`` and ``errors`` per field, no right 403.
Actions carry the ``version`` read with the problem; when someone else acted first the answer is
422 "该问题已被他人处理，请刷新" and nothing changes.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fugong.accounts.models import User
from fugong.areas.models import Area, Department
from fugong.core.access import PROBLEM_OVERSEE, SUPERVISION_CONFIGURE, Role
from fugong.core.api import ErrorOut, In, ValidationErrorOut, paginate

from . import policies, selectors, services
from .choices import ProblemCategory
from .models import Problem, RoutingRule

router = Router(tags=["问题台账"])


class ProblemItem(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    street: str
    category: str
    category_label: str
    title: str
    channel: str
    channel_label: str
    green_channel: bool
    status: str
    status_label: str
    holder: str = Field(description="承办单位：部门，或无分办规则时为企业所在街镇")
    department_id: int | None
    created_at: dt.datetime
    due_at: dt.datetime = Field(description="办理期限（工作日计算）")
    overdue: bool = Field(description="仍在承办单位手中且已过办理期限")
    escalation_level: int = Field(description="0 承办单位；1 已升级至上一级")
    rating: int | None
    version: int = Field(description="办理时原样带回，用于防止两人同时办理")


class ProblemPage(Schema):
    items: list[ProblemItem]
    count: int


class EventOut(Schema):
    kind: str
    kind_label: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    note: str


class ExtensionOut(Schema):
    id: int
    days: int
    reason: str
    status: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decision_note: str


class ProblemOut(ProblemItem):
    description: str
    answer: str
    answered_at: dt.datetime | None
    rating_comment: str
    closed_at: dt.datetime | None
    reopen_count: int
    events: list[EventOut]
    extensions: list[ExtensionOut]
    actions: dict[str, bool] = Field(description="调用者此刻可以执行的操作")


class ListQuery(In):
    status: str | None = Field(None, description="open / in_progress / answered / confirmed / reopened")
    category: str | None = Field(None, description="问题类别编码")
    overdue: bool = False
    green: bool = Field(False, description="只看绿色通道")
    escalated: bool = Field(False, description="只看已升级至上一级的")
    department: int | None = None
    area: str | None = Field(None, description="区划编码（管辖范围内）")
    q: str | None = Field(None, description="标题或企业名称")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class ProblemIn(In):
    enterprise_id: int | None = Field(None, description="企业管理员可省略（本企业）")
    category: str
    title: str = Field(max_length=100)
    description: str
    green_channel: bool = False


class VersionIn(In):
    version: int | None = Field(None, description="读取诉求时的 version，原样带回")


class StartIn(VersionIn):
    note: str = ""


class AnswerIn(VersionIn):
    answer: str = ""


class ExtendIn(VersionIn):
    days: int = Field(3, description="延期的工作日数，1–30")
    reason: str = ""


class ApproveIn(In):
    approve: bool = True
    note: str = Field("", description="不批准时必填")


class ConfirmIn(VersionIn):
    rating: int | None = Field(None, description="满意度 1–5")
    comment: str = ""


class ReopenIn(VersionIn):
    reason: str = ""


class StatsOut(Schema):
    totals: dict
    by_category: list[dict]
    by_area: list[dict]


class CountOut(Schema):
    count: int


def _item(p: Problem, now=None) -> dict:
    return {
        "id": p.pk,
        "enterprise_id": p.enterprise_id,
        "enterprise_name": p.enterprise.name,
        "street": p.street.name,
        "category": p.category,
        "category_label": p.get_category_display(),
        "title": p.title,
        "channel": p.channel,
        "channel_label": p.get_channel_display(),
        "green_channel": p.green_channel,
        "status": p.status,
        "status_label": p.get_status_display(),
        "holder": p.holder_label,
        "department_id": p.department_id,
        "created_at": p.created_at,
        "due_at": p.due_at,
        "overdue": selectors.is_overdue(p, now),
        "escalation_level": p.escalation_level,
        "rating": p.rating,
        "version": p.version,
    }


def _detail(user, pk: int) -> dict:
    p = selectors.problem_detail(user=user, pk=pk)
    events = [
        {
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor.username if e.actor else None,
            "at": e.at,
            "note": e.note,
        }
        for e in selectors.timeline(problem=p)
    ]
    extensions = [
        {
            "id": x.pk,
            "days": x.days,
            "reason": x.reason,
            "status": x.status,
            "requested_by": x.requested_by.username,
            "requested_at": x.requested_at,
            "decided_by": x.decided_by.username if x.decided_by else None,
            "decision_note": x.decision_note,
        }
        for x in selectors.extensions_of(problem=p)
    ]
    return {
        **_item(p),
        "description": p.description,
        "answer": p.answer,
        "answered_at": p.answered_at,
        "rating_comment": p.rating_comment,
        "closed_at": p.closed_at,
        "reopen_count": p.reopen_count,
        "events": events,
        "extensions": extensions,
        "actions": selectors.actions(user=user, problem=p),
    }


def _can_view(user) -> None:
    if not selectors.can_view(user):
        raise PermissionDenied("您无权查看企业诉求")


def _version(payload) -> int:
    if payload.version is None:
        raise ValidationError({"version": ["请原样带回读取诉求时的 version"]})
    return payload.version


def _found(user, id: int) -> None:
    _can_view(user)
    selectors.problem_detail(user=user, pk=id)  # not visible: 404, whatever the body holds


@router.get(
    "",
    response={200: ProblemPage, 403: ErrorOut},
    summary="诉求列表（分页）",
    description="管辖范围内的企业诉求，最新登记的在前；企业管理员只看到本企业的。筛选同列表页。",
)
def list_problems(request, q: Query[ListQuery]):
    _can_view(request.user)
    f = selectors.ProblemFilter.from_params(q.dict())
    rows, count = paginate(selectors.problem_list(user=request.user, f=f), q.page, q.page_size)
    now = timezone.now()
    return {"items": [_item(p, now) for p in rows], "count": count}


@router.post(
    "",
    response={201: ProblemOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="登记诉求",
    description="企业管理员（本企业）、驻企专员（服务的企业）或热线、干部（管辖范围内的企业）登记；"
    "按分办规则分办并按工作日计算办理期限，绿色通道减半。",
)
def create_problem(request, payload: ProblemIn):
    user = request.user
    if not policies.can_report(user):
        raise PermissionDenied("您无权登记企业诉求")
    enterprise_id = payload.enterprise_id or (
        user.scope_enterprise_id if user.role == "enterprise_admin" else None
    )
    if enterprise_id is None:
        raise ValidationError({"enterprise_id": ["请选择企业"]})
    problem = services.problem_create(
        actor=user,
        enterprise_id=enterprise_id,
        category=payload.category,
        title=payload.title,
        description=payload.description,
        green_channel=payload.green_channel,
    )
    return Status(201, _detail(user, problem.pk))


@router.get(
    "/stats",
    response={200: StatsOut, 403: ErrorOut},
    summary="诉求统计",
    description="按类别、按下一级区域的数量，办结用时（秒）的中位数与平均，超期数，满意度平均分。",
)
def problem_stats(request):
    _can_view(request.user)
    s = selectors.stats(user=request.user)
    by_area = [
        {
            **{k: v for k, v in r.items() if k != "area"},
            "area_code": r["area"].code,
            "area_name": r["area"].name,
        }
        for r in s["by_area"]
    ]
    by_category = [{**r, "label": str(r["label"])} for r in s["by_category"]]
    return {"totals": s["totals"], "by_category": by_category, "by_area": by_area}


@router.get(
    "/overdue/count",
    response={200: CountOut, 403: ErrorOut},
    summary="超期诉求数",
    description="管辖范围内仍在承办单位手中且已过办理期限的诉求数。",
)
def overdue_count(request):
    _can_view(request.user)
    return {"count": selectors.overdue_count(user=request.user)}


@router.get("/overdue", response={200: ProblemPage, 403: ErrorOut}, summary="超期与已升级的诉求（上一级）")
def overdue_list(request, page: int = 1, page_size: int = 50):
    if not request.user.can(PROBLEM_OVERSEE):
        raise PermissionDenied("只有上一级（街道领导或区级）可以查看超期督办")
    rows, count = paginate(selectors.overdue_list(user=request.user), page, min(max(page_size, 1), 200))
    now = timezone.now()
    return {"items": [_item(p, now) for p in rows], "count": count}


@router.get(
    "/{id}",
    response={200: ProblemOut, 403: ErrorOut, 404: ErrorOut},
    summary="诉求详情",
    description="含办理记录、延期申请和调用者此刻可以执行的操作。",
)
def get_problem(request, id: int):
    _can_view(request.user)
    return _detail(request.user, id)


ACTION = {200: ProblemOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


@router.post("/{id}/start", response=ACTION, summary="开始办理")
def start_problem(request, id: int, payload: StartIn):
    _found(request.user, id)
    services.problem_start(actor=request.user, problem_id=id, version=_version(payload), note=payload.note)
    return _detail(request.user, id)


@router.post("/{id}/answer", response=ACTION, summary="答复")
def answer_problem(request, id: int, payload: AnswerIn):
    _found(request.user, id)
    services.problem_answer(
        actor=request.user, problem_id=id, version=_version(payload), answer=payload.answer
    )
    return _detail(request.user, id)


@router.post("/{id}/extend", response=ACTION, summary="申请延期", description="须填写理由，由上一级审批。")
def extend_problem(request, id: int, payload: ExtendIn):
    _found(request.user, id)
    services.extension_request(
        actor=request.user, problem_id=id, version=_version(payload), days=payload.days, reason=payload.reason
    )
    return _detail(request.user, id)


@router.post(
    "/{id}/approve_extension",
    response=ACTION,
    summary="审批延期申请",
    description="上一级（部门承办的为区级，街镇承办的为街道领导或区级）审批，且不能是申请人本人。",
)
def approve_extension(request, id: int, payload: ApproveIn):
    _found(request.user, id)
    services.extension_decide(actor=request.user, problem_id=id, approve=payload.approve, note=payload.note)
    return _detail(request.user, id)


@router.post(
    "/{id}/confirm",
    response=ACTION,
    summary="企业确认办结并评价",
    description="只有本企业管理员（代为登记的诉求也可由登记人）可以确认，满意度 1–5。",
)
def confirm_problem(request, id: int, payload: ConfirmIn):
    _found(request.user, id)
    if payload.rating is None:
        raise ValidationError({"rating": ["请选择 1–5 分的满意度评价"]})
    services.problem_confirm(
        actor=request.user,
        problem_id=id,
        version=_version(payload),
        rating=payload.rating,
        comment=payload.comment,
    )
    return _detail(request.user, id)


@router.post("/{id}/reopen", response=ACTION, summary="企业要求重新办理", description="须填写理由。")
def reopen_problem(request, id: int, payload: ReopenIn):
    _found(request.user, id)
    services.problem_reopen(
        actor=request.user, problem_id=id, version=_version(payload), reason=payload.reason
    )
    return _detail(request.user, id)


# --- the district's settings: answer times and routing rules (the settings page's services) -------------


class DueDaysOut(Schema):
    category: str
    label: str
    days: int


class DueDaysIn(In):
    category: ProblemCategory
    days: int = Field(..., ge=1, le=90, description="办理时限（工作日）；已登记的诉求保留原时限")


class RuleOut(Schema):
    id: int
    category: str
    area_code: str | None = Field(description="为空表示全区")
    department_code: str
    assignee: str | None = Field(description="承办人用户名")


class RuleIn(In):
    category: ProblemCategory
    area_code: str | None = Field(None, max_length=32, description="街镇或全区（为空）；更具体的区域优先")
    department_code: str = Field(..., min_length=1, max_length=32)
    assignee: str | None = Field(None, max_length=150, description="承办部门的人员用户名")


class SeededOut(Schema):
    created: int


def _configurer(user) -> None:
    if not user.can(SUPERVISION_CONFIGURE):
        raise PermissionDenied(_("只有区级系统管理员可以调整分办规则和办理时限"))


def _rule(r) -> dict:
    return {
        "id": r.pk,
        "category": r.category,
        "area_code": r.area.code if r.area_id else None,
        "department_code": r.department.code,
        "assignee": r.assignee.username if r.assignee_id else None,
    }


def _rule_fields(user, payload: RuleIn) -> dict:
    """Codes → the rows the settings form offers; unknown and out of scope get the same answer."""
    errors, area, assignee = {}, None, None
    if payload.area_code and payload.area_code.strip():
        areas = Area.objects.visible_to(user).filter(depth__lte=1)
        area = areas.filter(code=payload.area_code.strip()).first()
        if area is None:
            errors["area_code"] = [_("区划不存在或不在您的管辖范围内")]
    department = Department.objects.visible_to(user).filter(code=payload.department_code.strip()).first()
    if department is None:
        errors["department_code"] = [_("部门不存在或不在您的管辖范围内")]
    if payload.assignee and payload.assignee.strip():
        officers = User.objects.filter(role=Role.DEPARTMENT_OFFICER, is_active=True)
        assignee = officers.filter(username=payload.assignee.strip()).first()
        if assignee is None:
            errors["assignee"] = [_("没有这个部门人员")]
    if errors:
        raise ValidationError(errors)
    return {"category": payload.category, "area": area, "department": department, "assignee": assignee}


@router.get(
    "/settings/due-days",
    response={200: list[DueDaysOut], 403: ErrorOut},
    summary="各类诉求的办理时限",
)
def list_due_days(request):
    _configurer(request.user)
    return selectors.due_days_table()


@router.put(
    "/settings/due-days",
    response={200: list[DueDaysOut], 403: ErrorOut, 422: ValidationErrorOut},
    summary="设置一类诉求的办理时限",
    description="新登记的诉求按新时限计算，已登记的保留原到期时间。",
)
def update_due_days(request, payload: DueDaysIn):
    _configurer(request.user)
    services.due_days_update(actor=request.user, category=payload.category, days=payload.days)
    return selectors.due_days_table()


@router.get("/settings/rules", response={200: list[RuleOut], 403: ErrorOut}, summary="分办规则")
def list_routing_rules(request):
    _configurer(request.user)
    return [_rule(r) for r in selectors.routing_rules()]


@router.post(
    "/settings/rules",
    response={201: RuleOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="新增或替换分办规则",
    description="同一问题类别与区域已有规则时替换它。",
)
def save_routing_rule(request, payload: RuleIn):
    _configurer(request.user)
    rule = services.routing_rule_save(actor=request.user, **_rule_fields(request.user, payload))
    return Status(201, _rule(rule))


@router.post(
    "/settings/rules/defaults",
    response={200: SeededOut, 403: ErrorOut},
    summary="按默认方案补齐全区分办规则",
    description="只为还没有全区规则的问题类别新增。",
)
def seed_routing_rules(request):
    _configurer(request.user)
    return {"created": services.routing_seed_defaults(actor=request.user)}


@router.delete(
    "/settings/rules/{int:rule_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="删除分办规则",
)
def delete_routing_rule(request, rule_id: int):
    _configurer(request.user)
    if not RoutingRule.objects.filter(pk=rule_id).exists():
        raise Http404
    services.routing_rule_delete(actor=request.user, rule_id=rule_id)
    return Status(204, None)
