"""Street B's notice objects for the scope matrix (tests/test_scope_matrix.py).

Keys are matched against "<namespace>:<name>:<route>"; the path-based keys match both the pages
(``notices/attachments/…``) and the API (``api/v1/notices/attachments/…``), the attachment first.
"""

from django.core.files.base import ContentFile

from fugong.notices import services
from fugong.notices.models import Notice, NoticeAttachment

PDF = b"%PDF-1.4\n% street B\n"


def b_notice(world) -> Notice:
    """A notice published by street B's officer to street B's 规上 enterprises."""
    notice = Notice.objects.filter(sender=world.users["street_B"], title="朝阳街道复工通知").first()
    if notice is None:
        draft = services.notice_save(
            actor=world.users["street_B"],
            title="朝阳街道复工通知",
            body="请各企业做好防疫。",
            target_area=world.areas["B"],
            categories=["above_scale"],
        )
        notice = services.notice_publish(actor=world.users["street_B"], notice_id=draft.pk)
    return notice


def b_attachment(world) -> NoticeAttachment:
    notice = b_notice(world)
    attachment = notice.attachments.first()
    if attachment is None:
        attachment = NoticeAttachment(
            notice=notice, name="朝阳街道通知.pdf", content_type="application/pdf", size=len(PDF)
        )
        attachment.file.save("notices/scope-matrix-b.pdf", ContentFile(PDF), save=False)
        attachment.save()
    return attachment


TARGETS = {"notices/attachments/": b_attachment, "notices/": b_notice}
