"""/api/v1/checkins: the same services and selectors as the pages.

``POST ""`` is the morning wave's path for apps and devices: the caller's bound person (after
identifying once through the QR page) or, for a community worker, ``person_id`` as a proxy; the
idempotency key in the ``Idempotency-Key`` header or the ``key`` field; 201 when recorded, 200 with
the same result when the same key comes again.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from fugong.core.access import CHECKIN_MONITOR, CHECKIN_SUBMIT, Role
from fugong.core.api import ErrorOut, In, Session, ValidationErrorOut, paginate
from fugong.core.masking import mask_id_number, mask_phone
from fugong.core.scoping import get_visible_or_404
from fugong.enterprises.models import Enterprise
from fugong.health.models import Employment

from . import selectors, services
from .models import Alert, Flag
from .wave import AUTH, checkin_out, fast_checkin

router = Router(tags=["健康打卡"])


class CheckinIn(In):
    key: str | None = Field(None, description="客户端生成的幂等键（UUID）；也可放在 Idempotency-Key 请求头")
    temperature: float | str = Field(description="体温 ℃，35.0–42.0")
    symptom: str = Field("none", description="none 无 / fever 发热 / cough 咳嗽 / fatigue 乏力 / other 其他")
    risk_contact: bool = Field(False, description="是否离开本市或接触风险地区人员")
    whereabouts: str = Field("", description="今日去向（60 字以内）")
    person_id: int | None = Field(None, description="代打卡：被代打卡人的人员 ID（社区工作者）")
    enterprise_id: int | None = Field(None, description="代打卡：所在企业（须在该人员的在册名单中）")


class CheckinOut(Schema):
    id: int
    person_id: int
    enterprise_id: int | None
    day: dt.date
    slot: int
    temperature: float
    symptom: str
    risk_contact: bool
    whereabouts: str
    abnormal: bool
    proxy: bool
    submitted_at: dt.datetime
    key: str


class CheckinPage(Schema):
    items: list[CheckinOut]
    count: int


class AlertOut(Schema):
    id: int
    checkin_id: int
    person_id: int
    person_name: str
    enterprise_id: int | None
    enterprise_name: str
    day: dt.date
    reason: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    outcome: str


class AlertPage(Schema):
    items: list[AlertOut]
    count: int
    unacknowledged: int


class AckIn(In):
    outcome: str = Field("", description="处置结果")


class FlagOut(Schema):
    id: int
    kind: str
    enterprise_id: int
    person_id: int | None
    day: dt.date
    detail: str
    result: str = Field(
        description="genuine 抽查属实 / scripted 疑似代刷/脚本 / unreachable 联系不上；空为待抽查"
    )
    note: str
    checked_at: dt.datetime | None


class SpotCheckIn(In):
    # Optional in the schema so that a flag out of scope answers 404 before the body is judged.
    result: str = Field("", description="genuine 抽查属实 / scripted 疑似代刷/脚本 / unreachable 联系不上")
    note: str = Field("", max_length=200, description="抽查说明")


class MissedOut(Schema):
    person_id: int
    name: str
    id_number: str = Field(description="脱敏")
    phone: str = Field(description="脱敏")


class MissedPage(Schema):
    items: list[MissedOut]
    count: int


class ListQuery(In):
    enterprise_id: int | None = None
    day: dt.date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class AlertQuery(In):
    pending: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class MissedQuery(In):
    enterprise_id: int
    day: dt.date | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


def _target(user, payload: CheckinIn) -> tuple[int, int | None, bool]:
    """(person_id, enterprise_id, is_proxy) for the caller."""
    if payload.person_id is None:
        identity = selectors.identity_of(user)
        if identity is None:
            raise ValidationError(_NOT_BOUND)
        return identity.person_id, identity.enterprise_id, False
    if user.role != Role.COMMUNITY_WORKER:
        raise PermissionDenied("只有社区工作者可以通过接口代他人打卡；家属请使用企业打卡二维码页面代打卡")
    person = selectors.person_for_proxy(user=user, person_id=payload.person_id)
    if person is None:
        raise Http404
    jobs = Employment.objects.filter(person=person, is_active=True)
    if payload.enterprise_id is not None:
        jobs = jobs.filter(enterprise_id=payload.enterprise_id)
    job = jobs.order_by("pk").values_list("enterprise_id", flat=True).first()
    if payload.enterprise_id is not None and job is None:
        raise ValidationError({"enterprise_id": ["该人员不在此企业的在册名单中"]})
    return person.pk, job, True


_NOT_BOUND = "本账号尚未核验身份：请先扫描企业打卡二维码，用姓名和身份证号核验一次"


@router.post(
    "",
    response={
        200: CheckinOut,
        201: CheckinOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="提交健康打卡（可重试，不会重复）",
    auth=[AUTH, Session()],
)
@decorate_view(fast_checkin)  # the common request of the morning wave is answered there (wave.py)
def checkin_create(request, payload: CheckinIn):
    user = request.user
    if not user.can(CHECKIN_SUBMIT):
        raise PermissionDenied
    person_id, enterprise_id, proxy = _target(user, payload)
    row, created = services.checkin_record(
        person_id=person_id,
        enterprise_id=enterprise_id,
        key=payload.key or request.headers.get("Idempotency-Key"),
        temperature=payload.temperature,
        symptom=payload.symptom,
        risk_contact=payload.risk_contact,
        whereabouts=payload.whereabouts,
        proxy_user=user if proxy else None,
    )
    return Status(201 if created else 200, checkin_out(row))


@router.get("", response={200: CheckinPage, 403: ErrorOut}, summary="打卡记录（管辖范围内）")
def checkin_list(request, q: Query[ListQuery]):
    if not request.user.can(CHECKIN_MONITOR):
        raise PermissionDenied
    rows, count = paginate(
        selectors.checkin_list(user=request.user, enterprise_id=q.enterprise_id, day=q.day),
        q.page,
        q.page_size,
    )
    return {"items": [checkin_out(c) for c in rows], "count": count}


def _alert(a) -> dict:
    return {
        "id": a.pk,
        "checkin_id": a.checkin_id,
        "person_id": a.person_id,
        "person_name": a.person.name,
        "enterprise_id": a.enterprise_id,
        "enterprise_name": a.enterprise.name if a.enterprise_id else "",
        "day": a.day,
        "reason": a.reason,
        "created_at": a.created_at,
        "acknowledged_at": a.acknowledged_at,
        "outcome": a.outcome,
    }


@router.get("/alerts", response={200: AlertPage, 403: ErrorOut}, summary="打卡预警")
def alert_list(request, q: Query[AlertQuery]):
    if not request.user.can(CHECKIN_MONITOR):
        raise PermissionDenied
    rows, count = paginate(
        selectors.alert_list(user=request.user, pending_only=q.pending), q.page, q.page_size
    )
    return {
        "items": [_alert(a) for a in rows],
        "count": count,
        "unacknowledged": selectors.alert_unacknowledged_count(user=request.user),
    }


@router.post(
    "/alerts/{int:pk}/ack",
    response={200: AlertOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="确认预警并记录处置结果",
)
def alert_ack(request, pk: int, payload: AckIn):
    if not request.user.can(CHECKIN_MONITOR):
        raise PermissionDenied
    alert = get_visible_or_404(Alert, request.user, pk=pk)
    services.alert_acknowledge(actor=request.user, alert=alert, outcome=payload.outcome)
    return _alert(selectors.alert_list(user=request.user).get(pk=pk))


@router.post(
    "/flags/{int:pk}/check",
    response={200: FlagOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="记录抽查结果",
    description="疑似代刷的标记由防疫专员或驻企指导员抽查后记录结果；管辖范围外的标记返回 404。",
)
def flag_check(request, pk: int, payload: SpotCheckIn):
    if not request.user.can(CHECKIN_MONITOR):
        raise PermissionDenied(_("您无权查看打卡情况"))
    flag = get_visible_or_404(Flag, request.user, pk=pk)
    flag = services.flag_spot_check(actor=request.user, flag=flag, result=payload.result, note=payload.note)
    return {
        "id": flag.pk,
        "kind": flag.kind,
        "enterprise_id": flag.enterprise_id,
        "person_id": flag.person_id,
        "day": flag.day,
        "detail": flag.detail,
        "result": flag.result,
        "note": flag.note,
        "checked_at": flag.checked_at,
    }


@router.get("/missed", response={200: MissedPage, 403: ErrorOut, 404: ErrorOut}, summary="未打卡名单（脱敏）")
def missed_list(request, q: Query[MissedQuery]):
    if not request.user.can(CHECKIN_MONITOR):
        raise PermissionDenied
    from django.utils import timezone

    enterprise = get_visible_or_404(Enterprise, request.user, pk=q.enterprise_id)
    rows, count = paginate(
        selectors.missed_list(enterprise=enterprise, day=q.day or timezone.localdate()), q.page, q.page_size
    )
    return {
        "items": [
            {
                "person_id": m.person_id,
                "name": m.person.name,
                "id_number": mask_id_number(m.person.id_number),
                "phone": mask_phone(m.person.phone),
            }
            for m in rows
        ],
        "count": count,
    }
