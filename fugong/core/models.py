from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


def pattern_index(field: str, name: str) -> models.Index:
    """A prefix-searchable index: on PostgreSQL ``LIKE 'x%'`` needs varchar_pattern_ops."""
    return models.Index(fields=[field], name=name, opclasses=["varchar_pattern_ops"])


class TimeStampedModel(models.Model):
    """Creation and update time and user on every business record."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    IMPORT = "import", _("导入")


class AuditEntry(models.Model):
    """One change to one business record: who, when, what before and after, and the request id.

    Written explicitly by services (signals miss bulk writes). Personal fields are stored masked.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    changes = models.JSONField(_("变更内容"), default=dict)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")]
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"


class PersonalDataAccess(models.Model):
    """Who viewed or exported unmasked personal data, when, of what, and why."""

    class Purpose(models.TextChoices):
        VIEW = "view", _("查看完整信息")
        EXPORT = "export", _("导出完整信息")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="+"
    )
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    fields = models.CharField(_("字段"), max_length=200)
    row_count = models.PositiveIntegerField(_("条数"), default=1)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user} {self.get_purpose_display()} {self.object_repr}"


from .jobs.models import Job  # noqa: E402, F401 — the job row lives with its runner (core.jobs)
