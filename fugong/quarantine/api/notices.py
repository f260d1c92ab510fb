"""/api/v1/quarantine: release notices — metadata, the PDF, delivery, bulk issue, bulk print, and the
public verification of a QR link.

A notice is reached through its order's id (one per order). Out of scope is a 404, like a missing
one. The verification endpoint needs no login and returns only what the public page shows.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from fugong.core import uploads
from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.api import ErrorOut, In, ValidationErrorOut, api
from fugong.core.masking import mask_id_number, mask_name
from fugong.core.throttle import wait_message, with_retry_after

from .. import throttles
from ..models import ReleaseNotice
from ..services import notices as notice_services
from ..views import notices as notice_views
from .base import ReasonIn

router = Router(tags=["解除隔离通知书"])

WRITE = {403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
PDF_RESPONSE = {"200": {"description": "PDF 文件", "content": {"application/pdf": {}}}}


class NoticeOut(Schema):
    order_id: int
    number: str = Field(description="编号 JC<年份><6位序号>")
    name: str
    id_number: str = Field(description="脱敏")
    kind: str
    kind_label: str
    start_date: dt.date
    planned_end: dt.date
    released_on: dt.date
    reason: str
    issuer_unit: str
    issued_at: dt.datetime
    issued_by: str | None
    verify_url: str = Field(description="二维码中的核验链接")
    sha256: str = Field(description="签发的 PDF 文件的 SHA-256")
    size: int
    delivered_at: dt.datetime | None
    delivered_by: str | None
    delivery_method: str
    delivery_method_label: str
    delivered_with: str | None = Field(description="同行的家庭医生")
    delivery_note: str
    revoked_at: dt.datetime | None
    revoke_reason: str


class DeliveryIn(In):
    method: str = Field("", description="home 入户送达 / in_person 当面领取 / wechat 微信 / sms 短信")
    with_doctor_id: int | None = Field(None, description="同行的家庭医生（用户 id），可空")
    note: str = ""


class OrderIdsIn(In):
    order_ids: list[int] = Field(default_factory=list, description="隔离措施 id，最多 500 个")


class IssuedOut(Schema):
    issued: list[NoticeOut]
    skipped: int = Field(description="无需签发的条数：已有通知书、尚未解除或不在管辖范围内")


class VerifyOut(Schema):
    result: str = Field(description="genuine 真实有效 / revoked 已作废")
    number: str
    name: str = Field(description="脱敏")
    id_number: str = Field(description="脱敏")
    kind_label: str
    start_date: dt.date
    released_on: dt.date
    issuer_unit: str
    issued_on: dt.date
    delivered: bool
    delivered_on: dt.date | None


def _name(user) -> str | None:
    return (user.full_name or user.username) if user else None


def _out(n: ReleaseNotice) -> dict:
    c = n.content
    return {
        "order_id": n.order_id,
        "number": n.number,
        "name": c["name"],
        "id_number": mask_id_number(c["id_number"]),
        "kind": c["kind"],
        "kind_label": c["kind_label"],
        "start_date": c["start_date"],
        "planned_end": c["planned_end"],
        "released_on": c["released_on"],
        "reason": c["reason"],
        "issuer_unit": c["issuer_unit"],
        "issued_at": n.issued_at,
        "issued_by": _name(n.issued_by),
        "verify_url": n.verify_url,
        "sha256": n.sha256,
        "size": n.size,
        "delivered_at": n.delivered_at,
        "delivered_by": _name(n.delivered_by),
        "delivery_method": n.delivery_method,
        "delivery_method_label": n.get_delivery_method_display() if n.delivery_method else "",
        "delivered_with": _name(n.delivered_with),
        "delivery_note": n.delivery_note,
        "revoked_at": n.revoked_at,
        "revoke_reason": n.revoke_reason,
    }


def _require(user) -> None:
    if not user.can(QUARANTINE_MANAGE):
        raise PermissionDenied(_("您无权办理解除隔离通知书"))


def _notice(user, order_id: int) -> ReleaseNotice:
    _require(user)
    notice = (
        ReleaseNotice.objects.visible_to(user)
        .select_related("issued_by", "delivered_by", "delivered_with")
        .filter(order_id=order_id)
        .first()
    )
    if notice is None:
        raise Http404
    return notice


@router.get(
    "/orders/{id}/notice",
    response={200: NoticeOut, 403: ErrorOut, 404: ErrorOut},
    summary="解除隔离通知书（元数据）",
)
def get_notice(request, id: int):
    return _out(_notice(request.user, id))


@router.get(
    "/orders/{id}/notice/pdf",
    response={403: ErrorOut, 404: ErrorOut},
    openapi_extra={"responses": PDF_RESPONSE},
    summary="下载解除隔离通知书 PDF（记入个人信息查看日志）",
)
def get_notice_pdf(request, id: int):
    _notice(request.user, id)
    notice = notice_services.notice_open(actor=request.user, order_id=id)
    return uploads.serve(notice.file, download_name=f"{notice.number}.pdf", content_type="application/pdf")


@router.post(
    "/orders/{id}/notice/delivery",
    response={200: NoticeOut, **WRITE},
    summary="登记送达（只能登记一次）",
    description="社区工作人员与家庭医生入户送达后登记；已登记的再次提交返回 422，说明何时由谁送达。",
)
def deliver_notice(request, id: int, payload: DeliveryIn):
    _notice(request.user, id)
    notice_services.notice_deliver(
        actor=request.user,
        order_id=id,
        method=payload.method,
        with_doctor_id=payload.with_doctor_id,
        note=payload.note,
    )
    return _out(_notice(request.user, id))


@router.post(
    "/orders/{id}/notice/revoke",
    response={200: NoticeOut, **WRITE},
    summary="作废解除隔离通知书（须填写理由）",
    description="误签发的通知书作废后，核验页显示“已作废”；已作废的再次提交返回 422。",
)
def revoke_notice(request, id: int, payload: ReasonIn):
    _notice(request.user, id)
    notice_services.notice_revoke(actor=request.user, order_id=id, reason=payload.reason)
    return _out(_notice(request.user, id))


@router.post(
    "/notices/issue",
    response={200: IssuedOut, **WRITE},
    summary="批量签发解除隔离通知书",
    description="为所选已解除、尚无通知书的隔离措施签发（如经接口解除或在启用通知书之前解除的）。",
)
def issue_notices(request, payload: OrderIdsIn):
    _require(request.user)
    issued = notice_services.notice_issue_bulk(
        actor=request.user, order_ids=payload.order_ids, base_url=request.build_absolute_uri("/")
    )
    return {"issued": [_out(n) for n in issued], "skipped": len(set(payload.order_ids)) - len(issued)}


@router.post(
    "/notices/print",
    response={403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    openapi_extra={"responses": PDF_RESPONSE},
    summary="批量打印：一个 PDF，每份通知书一页 A4（记入个人信息导出日志）",
)
def print_notices(request, payload: OrderIdsIn):
    _require(request.user)
    data, count = notice_services.notice_print(actor=request.user, order_ids=payload.order_ids)
    response = HttpResponse(data, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="release-notices-{stamp}-{count}.pdf"'
    return response


@router.get(
    "/verify/{number}/{code}",
    auth=None,
    url_name="release_verify",
    response={200: VerifyOut, 404: ErrorOut, 429: ErrorOut},
    summary="核验解除隔离通知书（公开，无需登录）",
    description="二维码链接中的编号与校验码；编号或校验码不符返回 404。"
    "同一客户端失败次数过多时须等待一段时间（429，`Retry-After` 为秒数），期间不作核验。",
)
def verify_notice(request, number: str, code: str):
    seconds = throttles.wait(request)
    if seconds:
        response = api.create_response(request, {"detail": wait_message(seconds)}, status=429)
        return with_retry_after(response, seconds)
    result = notice_services.notice_verify(number=number, code=code)
    if not result.genuine:
        throttles.failed(request)
        notice_views.log_failed_verification(request, number)
        return Status(404, {"detail": _("无法核验：编号或校验码不符，该通知书可能是伪造或被篡改的")})
    n = result.notice
    return {
        "result": result.outcome,
        "number": n.number,
        "name": mask_name(n.content["name"]),
        "id_number": mask_id_number(n.content["id_number"]),
        "kind_label": n.content["kind_label"],
        "start_date": n.content["start_date"],
        "released_on": n.content["released_on"],
        "issuer_unit": n.content["issuer_unit"],
        "issued_on": n.content["issued_on"],
        "delivered": n.delivered_at is not None,
        "delivered_on": timezone.localdate(n.delivered_at) if n.delivered_at else None,
    }
