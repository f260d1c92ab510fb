"""Notices for the scope matrix (tests/test_scope_matrix.py, tests/scope.py).

The sender side sees its own notices and those of senders in its scope (a street's officers, a
department's officers) and changes only its own; an enterprise's admin opens what its enterprise
received. Each side's notice goes to the side's community and the category of its enterprise, so
it reaches exactly the side's enterprise."""

from django.core.files.base import ContentFile

from fugong.notices import services
from fugong.notices.models import Notice, NoticeAttachment
from tests.scope import ENTERPRISE, SECTOR, STREET, Listing, Target

PDF = b"%PDF-1.4\n% scope matrix\n"


def _notice(world, side, *, by_department: bool, published: bool) -> Notice:
    enterprise = world.enterprises[side.enterprise]
    if by_department:
        sender = next(
            u
            for k, u in world.users.items()
            if k in {"dept", "dept_swj"} and enterprise.category in u.department.sector_categories
        )
    else:
        sender = world.users[f"street_{side.street}"]
    title = f"{enterprise.name}{'行业' if by_department else '街道'}{'通知' if published else '草稿'}"
    notice = Notice.objects.filter(sender=sender, title=title).first()
    if notice is None:
        notice = services.notice_save(
            actor=sender,
            title=title,
            body="请做好复工防疫。",
            target_area=world.areas[side.area],
            categories=[enterprise.category],
        )
        if published:
            notice = services.notice_publish(actor=sender, notice_id=notice.pk)
    return notice


def published(world, side) -> Notice:
    return _notice(world, side, by_department=False, published=True)


def draft(world, side) -> Notice:
    return _notice(world, side, by_department=False, published=False)


def department_published(world, side) -> Notice:
    return _notice(world, side, by_department=True, published=True)


def department_draft(world, side) -> Notice:
    return _notice(world, side, by_department=True, published=False)


def _attached(notice: Notice) -> NoticeAttachment:
    attachment = notice.attachments.first()
    if attachment is None:
        attachment = NoticeAttachment(
            notice=notice, name=f"{notice.title}.pdf", content_type="application/pdf", size=len(PDF)
        )
        attachment.file.save(f"notices/scope-matrix-{notice.pk}.pdf", ContentFile(PDF), save=False)
        attachment.save()
    return attachment


def attachment(world, side) -> NoticeAttachment:
    return _attached(published(world, side))


def department_attachment(world, side) -> NoticeAttachment:
    return _attached(department_published(world, side))


def draft_attachment(world, side) -> NoticeAttachment:
    return _attached(draft(world, side))


def department_draft_attachment(world, side) -> NoticeAttachment:
    return _attached(department_draft(world, side))


def title(row) -> str:
    return row.title


SENT = (Target(published, STREET), Target(department_published, SECTOR))
DRAFTED = (Target(draft, STREET), Target(department_draft, SECTOR))
# The sender publishes its own draft, reminds the recipients of its own notice (valid bodies).
PUBLISHED_BY_SENDER = tuple(Target(t.make, *t.boundaries, data=lambda n: {}) for t in DRAFTED)
REMINDED_BY_SENDER = tuple(Target(t.make, *t.boundaries, data=lambda n: {}) for t in SENT)
RECEIVED = Target(published, ENTERPRISE)

TARGETS = {
    "notices:detail": SENT,
    "notices:export": SENT,
    "notices:remind": SENT,
    "api-1.0.0:notice_detail": SENT,
    "api-1.0.0:notice_read_list": SENT,
    "api-1.0.0:notice_remind": REMINDED_BY_SENDER,
    "notices:edit": DRAFTED,
    "api-1.0.0:notice_update": tuple(
        Target(t.make, *t.boundaries, data=lambda n: {"title": n.title}) for t in DRAFTED
    ),
    "notices:publish": DRAFTED,
    "api-1.0.0:notice_publish": PUBLISHED_BY_SENDER,
    "api-1.0.0:notice_attachment_add": DRAFTED,
    "notices:inbox_detail": RECEIVED,
    "api-1.0.0:notice_inbox_detail": RECEIVED,
    "api-1.0.0:notice_acknowledge": RECEIVED,
    "notices:attachment_download": (
        Target(attachment, STREET, ENTERPRISE),
        Target(department_attachment, SECTOR),
    ),
    "api-1.0.0:notice_attachment_download": (
        Target(attachment, STREET, ENTERPRISE),
        Target(department_attachment, SECTOR),
    ),
    "notices:attachment_remove": (
        Target(draft_attachment, STREET),
        Target(department_draft_attachment, SECTOR),
    ),
    "api-1.0.0:notice_attachment_remove": (
        Target(draft_attachment, STREET, data=lambda a: {}),
        Target(department_draft_attachment, SECTOR, data=lambda a: {}),
    ),
}
LISTS = {
    "notices:list": (Listing(published, title, STREET), Listing(department_published, title, SECTOR)),
    "api-1.0.0:notice_list": (
        Listing(published, title, STREET),
        Listing(department_published, title, SECTOR),
    ),
    "notices:inbox": Listing(published, title, ENTERPRISE),
    "api-1.0.0:notice_inbox": Listing(published, title, ENTERPRISE),
}
PAGES = {
    "notices:create": "street_A",
    "api-1.0.0:notice_create": "street_A",
}
