"""The sender's side: draft (with attachments), publish to a resolved recipient list, remind."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.areas.models import Area
from fugong.core import audit
from fugong.core.access import NOTICE_PUBLISH, Role
from fugong.core.models import AuditAction
from fugong.core.scoping import CHANGE
from fugong.core.uploads import DOCUMENT_KINDS, check_upload, storage_name

from ..choices import NoticeStatus
from ..models import Notice, NoticeAttachment, NoticeRecipient, NoticeReminder
from ..targets import check_target, notice_targets

MAX_ATTACHMENTS = 10
REMIND_INTERVAL = dt.timedelta(hours=1)
UPLOAD_FOLDER = "notices"


def _sender_unit(actor) -> str:
    if actor.role == Role.DEPARTMENT_OFFICER and actor.department_id:
        return actor.department.name
    if actor.scope_area_id:
        return actor.scope_area.name
    return _("系统管理员")


def _own_notice(actor, notice_id) -> Notice:
    """The actor's notice, locked; out of scope looks like missing; published ones are fixed."""
    if not actor.can(NOTICE_PUBLISH):
        raise PermissionDenied(_("您无权发布通知公告"))
    notice = Notice.objects.visible_to(actor, CHANGE).select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise PermissionDenied(_("该通知不存在或不在您的管辖范围内"))
    return notice


def _attach(*, actor, notice: Notice, upload) -> NoticeAttachment:
    try:
        checked = check_upload(upload, kinds=DOCUMENT_KINDS)
    except ValidationError as exc:
        raise ValidationError({"attachments": f"{getattr(upload, 'name', '')}：{exc.messages[0]}"}) from None
    if notice.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("每条通知最多 %(n)s 个附件") % {"n": MAX_ATTACHMENTS}})
    attachment = NoticeAttachment(
        notice=notice,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    attachment.file.save(storage_name(UPLOAD_FOLDER, checked), upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def notice_save(
    *,
    actor,
    notice_id: int | None = None,
    title: str,
    body: str,
    target_area: Area | None,
    categories: list[str],
    target_emergency: bool = False,
    target_key_industry: bool = False,
    uploads: list | None = None,
) -> Notice:
    """Create or edit a draft, its new attachments included; nothing is saved if anything is refused."""
    check_target(sender=actor, area=target_area, categories=categories)
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写标题")
    if not body:
        errors["body"] = _("请填写正文")
    if errors:
        raise ValidationError(errors)
    if notice_id is None:
        notice = Notice(
            sender=actor,
            sender_unit=_sender_unit(actor),
            sender_department_id=actor.department_id,
            sender_path=actor.scope_path,
            created_by=actor,
        )
        before = None
    else:
        notice = _own_notice(actor, notice_id)
        if not notice.is_draft:
            raise ValidationError(_("通知已发布，不能再修改"))
        before = audit.snapshot(notice, Notice.AUDIT_FIELDS)
    notice.title, notice.body, notice.target_area = title[:120], body, target_area
    notice.target_categories = sorted(set(categories))
    notice.target_emergency, notice.target_key_industry = target_emergency, target_key_industry
    notice.updated_by = actor
    notice.full_clean(exclude=["sender", "target_area"], validate_constraints=False)
    notice.save()
    for upload in uploads or []:
        _attach(actor=actor, notice=notice, upload=upload)
    audit.record(
        actor=actor,
        obj=notice,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        before=before,
        after=audit.snapshot(notice, Notice.AUDIT_FIELDS),
    )
    return notice


@transaction.atomic
def notice_attachment_add(*, actor, notice_id: int, upload) -> NoticeAttachment:
    notice = _own_notice(actor, notice_id)
    if not notice.is_draft:
        raise ValidationError(_("通知已发布，不能再添加附件"))
    return _attach(actor=actor, notice=notice, upload=upload)


@transaction.atomic
def notice_attachment_remove(*, actor, attachment_id: int) -> None:
    attachment = NoticeAttachment.objects.visible_to(actor, CHANGE).filter(pk=attachment_id).first()
    if attachment is None:
        raise PermissionDenied(_("该附件不存在或不在您的管辖范围内"))
    notice = _own_notice(actor, attachment.notice_id)
    if not notice.is_draft:
        raise ValidationError(_("通知已发布，不能再删除附件"))
    transaction.on_commit(
        lambda name=attachment.file.name, storage=attachment.file.storage: storage.delete(name)
    )
    attachment.delete()


@transaction.atomic
def notice_publish(*, actor, notice_id: int, expected_count: int | None = None) -> Notice:
    """Publish a draft: resolve its recipients once (target ∩ the sender's enterprises), store them
    in one bulk insert, and record it. ``expected_count`` is the count the sender confirmed."""
    notice = _own_notice(actor, notice_id)
    if not notice.is_draft:
        raise ValidationError(_("该通知已发布，不能重复发布"))
    check_target(sender=actor, area=notice.target_area, categories=notice.target_categories)
    rows = list(notice_targets(notice).order_by().values_list("pk", "area_path", "category"))
    if not rows:
        raise ValidationError(_("发送范围内没有企业，请调整发送范围后再发布"))
    if expected_count is not None and expected_count != len(rows):
        raise ValidationError(
            _("收件企业已变为 %(now)s 家（确认时为 %(then)s 家），请重新确认后再发布")
            % {"now": len(rows), "then": expected_count}
        )
    before = audit.snapshot(notice, Notice.AUDIT_FIELDS)
    NoticeRecipient.objects.bulk_create(
        NoticeRecipient(notice=notice, enterprise_id=pk, area_path=path, category=category)
        for pk, path, category in rows
    )
    notice.status, notice.published_at = NoticeStatus.PUBLISHED, timezone.now()
    notice.recipient_count, notice.updated_by = len(rows), actor
    notice.save()
    audit.record(
        actor=actor,
        obj=notice,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(notice, Notice.AUDIT_FIELDS),
    )
    return notice


@transaction.atomic
def notice_remind(*, actor, notice_id: int, only_unread: bool = False) -> int:
    """Remind the recipients that have not acknowledged (or only those that never opened it), at
    most once an hour per notice; one reminder row per recipient. Returns how many were reminded."""
    notice = _own_notice(actor, notice_id)
    if notice.is_draft:
        raise ValidationError(_("通知尚未发布，不能发送提醒"))
    now = timezone.now()
    if notice.last_reminded_at and now - notice.last_reminded_at < REMIND_INTERVAL:
        again = timezone.localtime(notice.last_reminded_at + REMIND_INTERVAL)
        raise ValidationError(
            _("每条通知每小时最多提醒一次，请于 %(time)s 后再发送提醒") % {"time": f"{again:%H:%M}"}
        )
    pending = NoticeRecipient.objects.filter(notice=notice, acknowledged_at__isnull=True)
    if only_unread:
        pending = pending.filter(viewed_at__isnull=True)
    count = pending.update(reminder_count=F("reminder_count") + 1, last_reminded_at=now)
    if not count:
        raise ValidationError(
            _("没有需要提醒的企业：收件企业均已确认") if not only_unread else _("没有未读的企业")
        )
    reminded = NoticeRecipient.objects.filter(notice=notice, last_reminded_at=now).values_list(
        "pk", flat=True
    )
    NoticeReminder.objects.bulk_create(
        NoticeReminder(recipient_id=pk, sent_at=now, sent_by=actor) for pk in reminded.iterator()
    )
    before = audit.snapshot(notice, Notice.AUDIT_FIELDS)
    notice.last_reminded_at = now
    notice.save(update_fields=["last_reminded_at", "updated_at"])
    after = {**audit.snapshot(notice, Notice.AUDIT_FIELDS), "reminded": count}
    audit.record(actor=actor, obj=notice, action=AuditAction.UPDATE, before=before, after=after)
    return count
