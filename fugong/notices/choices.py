from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class ReadState(models.TextChoices):
    """Where a recipient enterprise stands with a notice."""

    ACKNOWLEDGED = "acknowledged", _("已确认")
    VIEWED = "viewed", _("已查看未确认")
    UNREAD = "unread", _("未读")
