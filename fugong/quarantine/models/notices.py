"""The release notice (解除隔离通知书): one per released order, numbered like the order's release,
its content frozen at issue and signed, its PDF stored privately, its delivery recorded once.

The signature is an HMAC-SHA256 (key derived from SECRET_KEY) over the canonical JSON of the frozen
content; the QR code's link carries the number and a short code derived from the signature, so the
public verification page can tell a genuine notice from a changed number, a changed code or content
edited in the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.access import QUARANTINE_MANAGE, Role
from fugong.core.models import pattern_index
from fugong.core.scoping import ScopedManager, subtree_q


class DeliveryMethod(models.TextChoices):
    HOME = "home", _("入户送达")
    IN_PERSON = "in_person", _("当面领取")
    WECHAT = "wechat", _("微信")
    SMS = "sms", _("短信")


def _upload_to(instance, filename):  # the name is decided by core.uploads.storage_name
    return filename


class ReleaseNotice(models.Model):
    """A release notice: the frozen content it was printed from, its signature, its PDF, its delivery."""

    order = models.OneToOneField(
        "quarantine.Order", verbose_name=_("隔离令"), on_delete=models.PROTECT, related_name="notice"
    )
    number = models.CharField(_("编号"), max_length=32, unique=True)
    content = models.JSONField(_("通知书内容"), help_text=_("签发时固定的内容，核验以此为准"))
    signature = models.CharField(_("签名"), max_length=64)
    code = models.CharField(_("校验码"), max_length=16)
    verify_url = models.CharField(_("核验网址"), max_length=300)
    file = models.FileField(_("PDF 文件"), upload_to=_upload_to, max_length=200)
    sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64)
    size = models.PositiveIntegerField(_("文件大小（字节）"))
    area_path = models.CharField(max_length=255, editable=False)
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送达人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivery_method = models.CharField(
        _("送达方式"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    delivered_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同行家庭医生"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivery_note = models.CharField(_("送达备注"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoke_reason = models.CharField(_("作废理由"), max_length=200, blank=True)

    objects = ScopedManager()
    area_path_source = "order"

    class Meta:
        verbose_name = _("解除隔离通知书")
        verbose_name_plural = _("解除隔离通知书")
        ordering = ["-issued_at", "-id"]
        indexes = [
            pattern_index("area_path", "qnotice_area_path_idx"),
            models.Index(fields=["delivered_at", "area_path"], name="qnotice_delivered_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True, delivery_method="")
                | (Q(delivered_at__isnull=False) & ~Q(delivery_method="")),
                name="qnotice_delivery_complete",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""), name="qnotice_revoke_has_reason"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None

    @classmethod
    def scope_filter(cls, user, action):
        """Those who manage quarantines in the area of the order; the family doctor reads theirs."""
        if user.is_sysadmin:
            return Q()
        if not user.can(QUARANTINE_MANAGE):
            return None
        own = None
        if user.role in {Role.STREET_OFFICER, Role.COMMUNITY_WORKER, Role.MEDIC}:
            own = subtree_q(user.area_scope_path)
        if action == "view" and user.role == Role.MEDIC:
            doctor = Q(order__doctor=user)
            return doctor if own is None else own | doctor
        return own
