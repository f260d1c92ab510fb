"""/api/v1/notices: the same selectors and services as the pages. Senders (NOTICE_PUBLISH) draft,
attach, publish, read the read list and remind; enterprise admins (NOTICE_RECEIVE) read their inbox
and acknowledge. Out of scope is a 404, like a missing notice."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from fugong.areas.models import Area
from fugong.core.access import NOTICE_PUBLISH, NOTICE_RECEIVE
from fugong.core.api import ErrorOut, In, ValidationErrorOut, require
from fugong.core.scoping import CHANGE
from fugong.core.uploads import serve

from . import selectors, services
from .choices import ReadState

router = Router(tags=["通知公告"])


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    download_url: str


class NoticeOut(Schema):
    id: int
    title: str
    status: str
    sender: str
    sender_unit: str
    target_area_code: str
    target_area_name: str
    target_categories: list[str]
    target_emergency: bool
    target_key_industry: bool
    published_at: dt.datetime | None
    recipient_count: int = Field(description="发布时确定的收件企业数")
    last_reminded_at: dt.datetime | None


class NoticeDetailOut(NoticeOut):
    body: str
    attachments: list[AttachmentOut]
    preview_count: int | None = Field(None, description="草稿：按当前发送范围将发送给的企业数")


class NoticePage(Schema):
    items: list[NoticeOut]
    count: int


class NoticeIn(In):
    title: str = Field("", description="标题")
    body: str = Field("", description="正文（纯文本，换行保留）")
    target_area_code: str = Field("", description="发送范围的区划编码（含下级区域），须在本人管辖范围内")
    categories: list[str] = Field(
        default_factory=list, description="企业类别编码，空为全部（部门人员限主管类别）"
    )
    target_emergency: bool = Field(False, description="仅应急保供企业")
    target_key_industry: bool = Field(False, description="仅重点产业企业")


class NoticePatch(In):
    """Only the fields given change (a draft only)."""

    title: str | None = None
    body: str | None = None
    target_area_code: str | None = Field(None, description="发送范围的区划编码，须在本人管辖范围内")
    categories: list[str] | None = None
    target_emergency: bool | None = None
    target_key_industry: bool | None = None


class PublishIn(In):
    expected_count: int | None = Field(None, description="确认时看到的收件企业数；与当前不符时不发布（422）")


class RemindIn(In):
    only_unread: bool = Field(False, description="只提醒从未打开的企业；默认提醒所有未确认的企业")


class RemindOut(Schema):
    reminded: int


class RecipientOut(Schema):
    enterprise_id: int
    enterprise_name: str
    credit_code: str
    area_name: str
    category: str
    state: str = Field(description="acknowledged 已确认 / viewed 已查看未确认 / unread 未读")
    viewed_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    reminder_count: int


class ReadListOut(Schema):
    total: int
    acknowledged: int
    viewed: int
    unread: int
    count: int = Field(description="符合筛选条件的企业数")
    items: list[RecipientOut]


class ReadListQuery(In):
    state: ReadState | None = None
    q: str | None = None
    category: str | None = None
    area: str | None = Field(None, description="区划编码")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=500)


class ListQuery(In):
    q: str | None = None
    status: str | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class InboxItemOut(Schema):
    notice_id: int
    title: str
    sender_unit: str
    published_at: dt.datetime | None
    viewed_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    reminder_count: int
    last_reminded_at: dt.datetime | None


class InboxPage(Schema):
    items: list[InboxItemOut]
    count: int
    unacknowledged: int = Field(description="未确认的通知数（角标）")


class InboxDetailOut(InboxItemOut):
    body: str
    attachments: list[AttachmentOut]


def _sender(user) -> None:
    require(user, NOTICE_PUBLISH, "您无权发布通知公告")


def _attachment(a) -> dict:
    return {
        "id": a.pk,
        "name": a.name,
        "size": a.size,
        "content_type": a.content_type,
        "download_url": f"/api/v1/notices/attachments/{a.pk}",
    }


def _item(n) -> dict:
    return {
        "id": n.pk,
        "title": n.title,
        "status": n.status,
        "sender": str(n.sender),
        "sender_unit": n.sender_unit,
        "target_area_code": n.target_area.code,
        "target_area_name": n.target_area.name,
        "target_categories": n.target_categories,
        "target_emergency": n.target_emergency,
        "target_key_industry": n.target_key_industry,
        "published_at": n.published_at,
        "recipient_count": n.recipient_count,
        "last_reminded_at": n.last_reminded_at,
    }


def _detail(n) -> dict:
    return {
        **_item(n),
        "body": n.body,
        "attachments": [_attachment(a) for a in selectors.attachments_of(notice=n)],
        "preview_count": selectors.preview_count(notice=n) if n.is_draft else None,
    }


def _state(r) -> str:
    if r.acknowledged_at:
        return ReadState.ACKNOWLEDGED
    return ReadState.VIEWED if r.viewed_at else ReadState.UNREAD


def _slice(qs, page: int, size: int) -> list:
    start = (page - 1) * size
    return list(qs[start : start + size])


# --- the sender's side ------------------------------------------------------------------------------


@router.get(
    "",
    response={200: NoticePage, 403: ErrorOut},
    summary="通知列表（发送方）",
    description="本人发送的通知，以及管辖范围内其他发送人的通知。",
)
def notice_list(request, q: Query[ListQuery]):
    _sender(request.user)
    qs = selectors.notice_filter(user=request.user, params={"q": q.q or "", "status": q.status or ""}).qs
    return {"items": [_item(n) for n in _slice(qs, q.page, q.page_size)], "count": qs.count()}


def _area(user, code: str) -> Area | None:
    return Area.objects.visible_to(user).filter(code=code.strip()).first() if code.strip() else None


@router.post(
    "",
    response={201: NoticeDetailOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="起草通知",
    description="保存为草稿；发送范围不在管辖范围内时返回 403，不保存任何内容。附件另行上传。",
)
def notice_create(request, payload: NoticeIn):
    user = request.user
    _sender(user)
    area = _area(user, payload.target_area_code)
    if area is None and payload.target_area_code.strip():
        raise PermissionDenied("发送范围不在您的管辖范围内，不能向该区域发送通知")
    notice = services.notice_save(
        actor=user,
        title=payload.title,
        body=payload.body,
        target_area=area,
        categories=payload.categories,
        target_emergency=payload.target_emergency,
        target_key_industry=payload.target_key_industry,
    )
    return Status(201, _detail(selectors.notice_get(user=user, pk=notice.pk)))


@router.get(
    "/attachments/{int:pk}",
    response={200: None, 404: ErrorOut},
    summary="下载附件",
    description="发送方（管辖范围内）或收件企业的管理员可下载；其他人一律 404。",
)
def notice_attachment_download(request, pk: int):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return serve(attachment.file, download_name=attachment.name, content_type=attachment.content_type)


# --- the enterprise's inbox ---------------------------------------------------------------------------


def _receiver(user) -> None:
    require(user, NOTICE_RECEIVE, "只有企业管理员可以查看通知收件箱")


def _inbox_item(r) -> dict:
    n = r.notice
    return {
        "notice_id": n.pk,
        "title": n.title,
        "sender_unit": n.sender_unit,
        "published_at": n.published_at,
        "viewed_at": r.viewed_at,
        "acknowledged_at": r.acknowledged_at,
        "reminder_count": r.reminder_count,
        "last_reminded_at": r.last_reminded_at,
    }


@router.get(
    "/inbox",
    response={200: InboxPage, 403: ErrorOut},
    summary="本企业收到的通知",
    description="未确认的在前（未读的最先），同组内最新的在前。",
)
def notice_inbox(request, page: int = 1, page_size: int = 50):
    _receiver(request.user)
    qs = selectors.inbox(user=request.user)
    page, page_size = max(page, 1), min(max(page_size, 1), 200)
    return {
        "items": [_inbox_item(r) for r in _slice(qs, page, page_size)],
        "count": qs.count(),
        "unacknowledged": selectors.inbox_badge(user=request.user),
    }


@router.get(
    "/inbox/{int:pk}",
    response={200: InboxDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="查看收到的通知",
    description="打开即记为“已查看”（记录首次查看时间）；确认须另行调用 acknowledge。",
)
def notice_inbox_detail(request, pk: int):
    _receiver(request.user)
    receipt = services.notice_open(actor=request.user, notice_id=pk)
    attachments = [_attachment(a) for a in selectors.attachments_of(notice=receipt.notice)]
    return {**_inbox_item(receipt), "body": receipt.notice.body, "attachments": attachments}


@router.post(
    "/inbox/{int:pk}/acknowledge",
    response={200: InboxItemOut, 403: ErrorOut, 404: ErrorOut},
    summary="确认已读",
    description="记录确认人和确认时间；重复确认不改变首次确认的记录。",
)
def notice_acknowledge(request, pk: int):
    _receiver(request.user)
    return _inbox_item(services.notice_acknowledge(actor=request.user, notice_id=pk))


# --- one notice (sender) ----------------------------------------------------------------------------


@router.get(
    "/{int:pk}", response={200: NoticeDetailOut, 403: ErrorOut, 404: ErrorOut}, summary="通知详情（发送方）"
)
def notice_detail(request, pk: int):
    _sender(request.user)
    return _detail(selectors.notice_get(user=request.user, pk=pk))


@router.patch(
    "/{int:pk}",
    response={200: NoticeDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="修改草稿",
    description="只修改请求中给出的字段，校验与页面表单相同；已发布的通知不能修改（422）。"
    "只能修改本人的草稿，看得到但不是本人的返回 403。",
)
def notice_update(request, pk: int, payload: NoticePatch):
    user = request.user
    _sender(user)
    notice = selectors.notice_get(user=user, pk=pk, action=CHANGE)
    given = payload.dict(exclude_unset=True)
    area = notice.target_area
    if given.get("target_area_code") is not None:
        area = _area(user, given["target_area_code"])
        if area is None and given["target_area_code"].strip():
            raise PermissionDenied(_("发送范围不在您的管辖范围内，不能向该区域发送通知"))

    def value(name: str, current):
        return current if given.get(name) is None else given[name]

    services.notice_save(
        actor=user,
        notice_id=notice.pk,
        title=value("title", notice.title),
        body=value("body", notice.body),
        target_area=area,
        categories=value("categories", notice.target_categories),
        target_emergency=value("target_emergency", notice.target_emergency),
        target_key_industry=value("target_key_industry", notice.target_key_industry),
    )
    return _detail(selectors.notice_get(user=user, pk=pk))


@router.delete(
    "/attachments/{int:pk}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="删除草稿的附件",
    description="仅本人的草稿可删除附件；已发布的通知返回 422。",
)
def notice_attachment_remove(request, pk: int):
    _sender(request.user)
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    services.notice_attachment_remove(actor=request.user, attachment_id=attachment.pk)
    return Status(204, None)


@router.post(
    "/{int:pk}/attachments",
    response={201: AttachmentOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="上传附件（multipart/form-data，字段 file）",
    description="仅草稿可上传；PDF、docx、xlsx、JPG、PNG，按类型、大小和文件内容校验，不合格时返回 422 中文原因。",
)
def notice_attachment_add(request, pk: int, file: File[UploadedFile] = None):
    _sender(request.user)
    notice = selectors.notice_get(user=request.user, pk=pk, action=CHANGE)
    attachment = services.notice_attachment_add(actor=request.user, notice_id=notice.pk, upload=file)
    return Status(201, _attachment(attachment))


@router.post(
    "/{int:pk}/publish",
    response={200: NoticeDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="发布通知",
    description="先以 GET 详情的 `preview_count` 确认收件企业数，再带上 `expected_count` 发布；"
    "发布时一次性确定收件企业。",
)
def notice_publish(request, pk: int, payload: PublishIn):
    _sender(request.user)
    notice = selectors.notice_get(user=request.user, pk=pk, action=CHANGE)
    services.notice_publish(actor=request.user, notice_id=notice.pk, expected_count=payload.expected_count)
    return _detail(selectors.notice_get(user=request.user, pk=pk))


@router.get(
    "/{int:pk}/recipients",
    response={200: ReadListOut, 403: ErrorOut, 404: ErrorOut},
    summary="阅读情况（收件企业名单与统计）",
    description="已确认 / 已查看未确认 / 未读 的企业数，及按条件筛选、分页的收件企业名单。",
)
def notice_read_list(request, pk: int, q: Query[ReadListQuery]):
    _sender(request.user)
    notice = selectors.notice_get(user=request.user, pk=pk)
    params = {k: v for k, v in q.dict().items() if v and k not in ("page", "page_size")}
    qs = selectors.read_list(user=request.user, notice=notice, params=params, request=request).qs
    counts = selectors.read_counts(notice=notice)
    items = [
        {
            "enterprise_id": r.enterprise_id,
            "enterprise_name": r.enterprise.name,
            "credit_code": r.enterprise.credit_code,
            "area_name": r.enterprise.area.name,
            "category": r.category,
            "state": _state(r),
            "viewed_at": r.viewed_at,
            "acknowledged_at": r.acknowledged_at,
            "acknowledged_by": str(r.acknowledged_by or "") or None,
            "reminder_count": r.reminder_count,
        }
        for r in _slice(qs, q.page, q.page_size)
    ]
    return {**counts.__dict__, "count": qs.count(), "items": items}


@router.post(
    "/{int:pk}/remind",
    response={200: RemindOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="发送提醒",
    description="提醒未确认（或只提醒未读）的企业；每条通知每小时最多一次。",
)
def notice_remind(request, pk: int, payload: RemindIn):
    _sender(request.user)
    notice = selectors.notice_get(user=request.user, pk=pk)
    return {
        "reminded": services.notice_remind(
            actor=request.user, notice_id=notice.pk, only_unread=payload.only_unread
        )
    }
