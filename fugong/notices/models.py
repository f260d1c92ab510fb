"""通知公告: a notice to the enterprises of a target inside the sender's scope, with read receipts.

Publishing resolves the recipients once and stores them (``NoticeRecipient``), so the read list is
exact and later changes to the registry never rewrite who was sent what.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.access import NOTICE_PUBLISH, NOTICE_RECEIVE, Role
from fugong.core.models import TimeStampedModel, pattern_index
from fugong.core.scoping import ScopedManager
from fugong.enterprises.choices import Category

from .choices import NoticeStatus


def _sender_side(user, action: str) -> Q | None:
    """Publishers see their own notices and those of senders in their scope; they change only their own."""
    if not user.can(NOTICE_PUBLISH):
        return None
    own = Q(sender=user)
    if action != "view":
        return own
    if user.role == Role.DEPARTMENT_OFFICER and user.department_id:
        return own | Q(sender_department_id=user.department_id)
    if user.role == Role.STREET_OFFICER and user.area_scope_path:
        return own | Q(sender_path__startswith=user.area_scope_path)
    return own


class Notice(TimeStampedModel):
    """A notice (通知公告) from a department or a street to the enterprises of a target.

    The target is an area subtree inside the sender's scope, optionally narrowed to categories and
    to 应急保供 / 重点产业 enterprises; it is intersected with the enterprises the sender may see.
    """

    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), max_length=20000)
    status = models.CharField(
        _("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        on_delete=models.PROTECT,
        related_name="notices_sent",
    )
    sender_unit = models.CharField(_("发送单位"), max_length=64)
    sender_department = models.ForeignKey(
        "areas.Department",
        verbose_name=_("发送部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    sender_path = models.CharField(max_length=255, blank=True, editable=False)
    target_area = models.ForeignKey(
        "areas.Area", verbose_name=_("发送范围"), on_delete=models.PROTECT, related_name="notices"
    )
    target_path = models.CharField(max_length=255, editable=False)
    target_categories = models.JSONField(_("企业类别"), default=list, blank=True)
    target_emergency = models.BooleanField(_("仅应急保供企业"), default=False)
    target_key_industry = models.BooleanField(_("仅重点产业企业"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("收件企业数"), default=0)
    last_reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)

    objects = ScopedManager()
    AUDIT_FIELDS = [
        "title",
        "status",
        "target_area",
        "target_categories",
        "target_emergency",
        "target_key_industry",
        "published_at",
        "recipient_count",
        "last_reminded_at",
    ]

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [
            pattern_index("sender_path", "notice_sender_path_idx"),
            models.Index(fields=["sender", "-created_at"], name="notice_sender_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.target_path = self.target_area.path
        super().save(*args, **kwargs)

    @property
    def category_labels(self) -> list[str]:
        return [str(Category(c).label) for c in self.target_categories if c in Category.values]

    @property
    def is_draft(self) -> bool:
        return self.status == NoticeStatus.DRAFT

    @classmethod
    def scope_filter(cls, user, action):
        if user.is_sysadmin:
            return Q()
        if user.can(NOTICE_RECEIVE):
            if action != "view" or not user.scope_enterprise_id:
                return None
            received = NoticeRecipient.objects.filter(enterprise_id=user.scope_enterprise_id).values(
                "notice_id"
            )
            return Q(status=NoticeStatus.PUBLISHED, pk__in=received)
        return _sender_side(user, action)


def _upload_to(instance, filename):  # the name is decided by core.uploads.storage_name
    return filename


class NoticeAttachment(models.Model):
    """A file sent with a notice; served only through the scoped download view."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=_upload_to, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("通知附件")
        verbose_name_plural = _("通知附件")
        ordering = ["notice_id", "pk"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, user, action):
        return Q(notice__in=Notice.objects.visible_to(user, action).values("pk"))


class NoticeRecipient(models.Model):
    """One enterprise a published notice was sent to, with when it was opened and acknowledged."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="recipients"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="notice_receipts",
    )
    area_path = models.CharField(max_length=255, editable=False)
    category = models.CharField(_("企业类别"), max_length=16)
    viewed_at = models.DateTimeField(_("查看时间"), null=True, blank=True)
    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminder_count = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    last_reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)

    objects = ScopedManager()
    area_path_source = "enterprise"

    class Meta:
        verbose_name = _("通知收件企业")
        verbose_name_plural = _("通知收件企业")
        ordering = ["notice_id", "area_path", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "enterprise"], name="notice_recipient_unique")
        ]
        indexes = [
            models.Index(fields=["enterprise", "notice"], name="notice_inbox_idx"),
            models.Index(fields=["notice", "acknowledged_at", "viewed_at"], name="notice_read_idx"),
        ]

    def __str__(self):
        return f"{self.notice} → {self.enterprise}"

    @classmethod
    def scope_filter(cls, user, action):
        if user.is_sysadmin:
            return Q()
        if user.can(NOTICE_RECEIVE):
            if not user.scope_enterprise_id:
                return None
            return Q(enterprise_id=user.scope_enterprise_id, notice__status=NoticeStatus.PUBLISHED)
        side = _sender_side(user, action)
        return None if side is None else Q(notice__in=Notice.objects.filter(side).values("pk"))


class NoticeReminder(models.Model):
    """A reminder sent to one recipient that had not yet acknowledged: when and by whom."""

    recipient = models.ForeignKey(
        NoticeRecipient, verbose_name=_("收件企业"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_at = models.DateTimeField(_("提醒时间"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提醒人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("通知提醒")
        verbose_name_plural = _("通知提醒")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "-sent_at"], name="notice_reminder_idx")]

    def __str__(self):
        return f"{self.recipient} @ {self.sent_at:%Y-%m-%d %H:%M}"
