"""/api/v1/sensors: the endpoint devices post their events to, and the devices and alerts of the
home quarantines in the caller's scope.

``POST /events`` is authenticated per device (``X-Device-Id`` and ``X-Device-Secret``), never by a
user's token or session, and is CSRF-exempt for that reason only. Everything else is a user
endpoint scoped like the pages: out of scope is a 404, like a missing row (checked before the body
is looked at, so every body field is optional and the services say what is missing).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyHeader
from pydantic import Field

from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.api import ErrorOut, In, ValidationErrorOut, paginate, require
from fugong.core.client import client_ip
from fugong.core.masking import mask_phone
from fugong.core.scoping import get_visible_or_404

from . import selectors, services
from .models import Alert, AlertStatus, Device

router = Router(tags=["门磁"])

WRITE = {403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class DeviceSecret(APIKeyHeader):
    """A device's own credentials: ``X-Device-Id`` names it, ``X-Device-Secret`` proves it."""

    param_name = "X-Device-Secret"

    def authenticate(self, request, key):
        try:
            return services.device_authenticate(
                device_id=request.headers.get("X-Device-Id", ""),
                secret=key or "",
                remote_ip=client_ip(request),
            )
        except services.EventRefused as exc:
            raise HttpError(exc.status, exc.message) from None


DENIED = gettext_lazy("您无权管理门磁设备与告警")


# Device events -----------------------------------------------------------------------------------


class EventIn(In):
    event_id: str = Field(
        "", description="设备生成的事件编号：同一设备内唯一，重发时保持不变；1–64位可见字符"
    )
    kind: str = Field(
        "",
        description="事件类型：door_open 开门；person_left 有人离开；tamper 设备被拆动；low_battery 电量低",
    )
    occurred_at: dt.datetime | None = Field(
        None,
        description="事件发生时间，ISO 8601（如 2020-02-14T08:30:00+08:00）；不得晚于服务器时间5分钟以上或早于7天",
    )


class EventOut(Schema):
    event_id: str
    kind: str
    kind_label: str
    occurred_at: dt.datetime
    received_at: dt.datetime = Field(description="平台首次收到该事件的时间")
    alert_id: int | None = Field(description="产生的告警编号；电量低等非告警事件为空")


def _event_out(result: services.EventResult) -> dict:
    event = result.event
    return {
        "event_id": event.event_id,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "occurred_at": event.occurred_at,
        "received_at": event.received_at,
        "alert_id": result.alert.pk if result.alert else None,
    }


@router.post(
    "/events",
    auth=DeviceSecret(),
    url_name="sensor_event",
    response={200: EventOut, 201: EventOut, 401: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    summary="设备上报事件（按设备认证，可重发）",
    description=(
        "门磁或红外感应设备上报事件。请求头 `X-Device-Id` 为设备编号，`X-Device-Secret` 为登记或更换密钥时"
        "显示的一次性密钥；用户令牌或登录会话不能调用本接口。\n\n"
        "同一设备同一 `event_id` 重发时返回首次的结果（200），不会重复记录；首次记录返回 201。"
        "设备编号或密钥错误返回 401（不区分是哪一项）；设备已停用、未绑定居家隔离、或所绑定的隔离已解除/转院"
        "返回 409（后者同时自动解绑）；内容有误返回 422。被拒绝的事件都会记录在案。"
    ),
)
def event_post(request, payload: EventIn):
    try:
        result = services.event_record(
            device_id=request.headers.get("X-Device-Id", ""),
            secret=request.headers.get("X-Device-Secret", ""),
            event_id=payload.event_id,
            kind=payload.kind,
            occurred_at=payload.occurred_at,
            remote_ip=client_ip(request),
        )
    except services.EventRefused as exc:
        raise HttpError(exc.status, exc.message) from None
    return Status(201 if result.created else 200, _event_out(result))


# Devices -----------------------------------------------------------------------------------------


class BindingOut(Schema):
    order_id: int
    name: str = Field(description="隔离人员姓名")
    address: str = Field(description="隔离地址")
    bound_at: dt.datetime


class DeviceOut(Schema):
    id: int
    device_id: str
    kind: str
    kind_label: str
    area_code: str
    area_name: str
    is_active: bool
    last_seen_at: dt.datetime | None
    note: str
    binding: BindingOut | None = Field(description="当前绑定的居家隔离；空闲时为空")


class DevicePage(Schema):
    items: list[DeviceOut]
    count: int


class DeviceIn(In):
    device_id: str = Field("", description="设备编号，3–64位字母、数字或 . _ : -")
    kind: str = Field("door", description="door 门磁；infrared 红外感应摄像头")
    area_code: str = Field("", description="所属区域的区划编码；不填为本人管辖区域")
    note: str = ""


class DeviceSecretOut(DeviceOut):
    secret: str = Field(description="设备密钥，仅此一次显示，平台只保存其摘要，请立即写入设备")


class BindIn(In):
    order_id: int | None = Field(None, description="正在执行的居家隔离措施编号")


class ActiveIn(In):
    # Optional in the schema so that a device out of scope answers 404 before the body is judged.
    active: bool | None = Field(
        None, description="true 启用；false 停用（停用后其上报的事件被拒绝，并自动解绑）"
    )


class UnbindIn(In):
    reason: str = ""


class PageQuery(In):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _device_out(d: Device) -> dict:
    bindings = getattr(d, "open_bindings", None)
    if bindings is None:
        bindings = list(
            d.bindings.filter(unbound_at__isnull=True).select_related("order__person", "order__returnee")
        )
    b = bindings[0] if bindings else None
    return {
        "id": d.pk,
        "device_id": d.device_id,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "area_code": d.area.code,
        "area_name": d.area.name,
        "is_active": d.is_active,
        "last_seen_at": d.last_seen_at,
        "note": d.note,
        "binding": {
            "order_id": b.order_id,
            "name": b.order.person.name,
            "address": b.order.returnee.address,
            "bound_at": b.bound_at,
        }
        if b
        else None,
    }


def _device(user, pk: int) -> Device:
    try:
        return selectors.device_get(user=user, pk=pk)
    except Device.DoesNotExist:
        raise Http404 from None


@router.get(
    "/devices",
    url_name="sensor_devices",
    response={200: DevicePage, 403: ErrorOut},
    summary="管辖范围内的感应设备",
)
def device_list(request, q: Query[PageQuery]):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    rows, count = paginate(selectors.device_list(user=request.user), q.page, q.page_size)
    return {"items": [_device_out(d) for d in rows], "count": count}


@router.get(
    "/devices/{int:pk}",
    url_name="sensor_device",
    response={200: DeviceOut, 403: ErrorOut, 404: ErrorOut},
    summary="一台设备",
)
def device_detail(request, pk: int):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    return _device_out(_device(request.user, pk))


@router.post(
    "/devices",
    url_name="sensor_device_create",
    response={201: DeviceSecretOut, **WRITE},
    summary="登记设备（返回一次性密钥）",
    description="登记门磁或红外感应设备。响应中的 `secret` 只出现这一次，平台只保存其 SHA-256 摘要。",
)
def device_create(request, payload: DeviceIn):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    area_id = None
    if payload.area_code:
        area_id = Area.objects.filter(code=payload.area_code).values_list("pk", flat=True).first() or -1
    device, secret = services.device_register(
        actor=request.user, device_id=payload.device_id, kind=payload.kind, area_id=area_id, note=payload.note
    )
    return Status(201, {**_device_out(_device(request.user, device.pk)), "secret": secret})


@router.post(
    "/devices/{int:pk}/rotate-secret",
    url_name="sensor_device_rotate",
    response={200: DeviceSecretOut, **WRITE},
    summary="更换设备密钥（旧密钥立即失效）",
)
def device_rotate(request, pk: int):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    device = get_visible_or_404(Device, request.user, pk=pk)
    _device_obj, secret = services.device_secret_rotate(actor=request.user, device_pk=device.pk)
    return {**_device_out(_device(request.user, pk)), "secret": secret}


@router.post(
    "/devices/{int:pk}/bind",
    url_name="sensor_device_bind",
    response={200: DeviceOut, **WRITE},
    summary="绑定到一户正在执行的居家隔离",
)
def device_bind(request, pk: int, payload: BindIn):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    device = get_visible_or_404(Device, request.user, pk=pk)
    services.device_bind(actor=request.user, device_pk=device.pk, order_id=payload.order_id)
    return _device_out(_device(request.user, pk))


@router.post(
    "/devices/{int:pk}/unbind",
    url_name="sensor_device_unbind",
    response={200: DeviceOut, **WRITE},
    summary="解绑设备",
)
def device_unbind(request, pk: int, payload: UnbindIn):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    device = get_visible_or_404(Device, request.user, pk=pk)
    services.device_unbind(actor=request.user, device_pk=device.pk, reason=payload.reason)
    return _device_out(_device(request.user, pk))


@router.post(
    "/devices/{int:pk}/active",
    url_name="sensor_device_active",
    response={200: DeviceOut, **WRITE},
    summary="启用或停用设备",
    description="停用的设备上报的事件将被拒绝，它所绑定的居家隔离自动解绑。",
)
def device_active(request, pk: int, payload: ActiveIn):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    device = get_visible_or_404(Device, request.user, pk=pk)
    if payload.active is None:
        raise ValidationError({"active": [_("请选择启用或停用")]})
    services.device_set_active(actor=request.user, device_pk=device.pk, active=payload.active)
    return _device_out(_device(request.user, pk))


# Alerts ------------------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    status: str
    status_label: str
    kind: str = Field(description="触发告警的事件类型")
    kind_label: str
    occurred_at: dt.datetime
    created_at: dt.datetime
    device_id: str
    order_id: int
    name: str = Field(description="隔离人员姓名")
    phone: str = Field(description="手机号（脱敏）")
    address: str = Field(description="隔离地址")
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    outcome: str
    outcome_label: str
    outcome_note: str
    closed_by: str | None
    closed_at: dt.datetime | None


class AlertPage(Schema):
    items: list[AlertOut]
    count: int
    open: int = Field(description="待处置（未确认）的告警数")


class AlertQuery(PageQuery):
    status: str = Field("", description="open 待处置；acknowledged 处置中；closed 已办结；不填为全部")


class CloseIn(In):
    outcome: str = Field(
        "",
        description="at_home 人员在家；turned_back 外出已劝返；false_alarm 误报；device_fault 设备故障；"
        "unreachable 联系不上已上报（须填写说明）",
    )
    note: str = Field("", description="处置说明，200字以内")


def _name(user) -> str | None:
    return (user.full_name or user.username) if user else None


def _alert_out(a: Alert) -> dict:
    order = a.order
    return {
        "id": a.pk,
        "status": a.status,
        "status_label": a.get_status_display(),
        "kind": a.event.kind,
        "kind_label": a.event.get_kind_display(),
        "occurred_at": a.event.occurred_at,
        "created_at": a.created_at,
        "device_id": a.device.device_id,
        "order_id": a.order_id,
        "name": order.person.name,
        "phone": mask_phone(order.person.phone),
        "address": order.returnee.address,
        "acknowledged_by": _name(a.acknowledged_by),
        "acknowledged_at": a.acknowledged_at,
        "outcome": a.outcome,
        "outcome_label": a.get_outcome_display() if a.outcome else "",
        "outcome_note": a.outcome_note,
        "closed_by": _name(a.closed_by),
        "closed_at": a.closed_at,
    }


def _alert(user, pk: int) -> Alert:
    try:
        return selectors.alert_get(user=user, pk=pk)
    except Alert.DoesNotExist:
        raise Http404 from None


@router.get(
    "/alerts",
    url_name="sensor_alerts",
    response={200: AlertPage, 403: ErrorOut},
    summary="门磁告警（管辖范围内）",
)
def alert_list(request, q: Query[AlertQuery]):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    status = q.status if q.status in AlertStatus.values else ""
    rows, count = paginate(selectors.alert_list(user=request.user, status=status), q.page, q.page_size)
    return {
        "items": [_alert_out(a) for a in rows],
        "count": count,
        "open": selectors.open_count(user=request.user),
    }


@router.get(
    "/alerts/{int:pk}",
    url_name="sensor_alert",
    response={200: AlertOut, 403: ErrorOut, 404: ErrorOut},
    summary="一条告警",
)
def alert_detail(request, pk: int):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    return _alert_out(_alert(request.user, pk))


@router.post(
    "/alerts/{int:pk}/ack",
    url_name="sensor_alert_ack",
    response={200: AlertOut, **WRITE},
    summary="确认告警（开始处置）",
    description="已被他人确认或办结的告警返回 422，并说明由谁、何时处理。",
)
def alert_ack(request, pk: int):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    alert = get_visible_or_404(Alert, request.user, pk=pk)
    services.alert_acknowledge(actor=request.user, alert_id=alert.pk)
    return _alert_out(_alert(request.user, pk))


@router.post(
    "/alerts/{int:pk}/close",
    url_name="sensor_alert_close",
    response={200: AlertOut, **WRITE},
    summary="办结告警并记录处置结果",
)
def alert_close(request, pk: int, payload: CloseIn):
    require(request.user, QUARANTINE_MANAGE, DENIED)
    alert = get_visible_or_404(Alert, request.user, pk=pk)
    services.alert_close(actor=request.user, alert_id=alert.pk, outcome=payload.outcome, note=payload.note)
    return _alert_out(_alert(request.user, pk))
