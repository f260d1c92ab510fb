from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.navigation import NavItem


class NoticesConfig(AppConfig):
    name = "fugong.notices"
    verbose_name = "通知公告"

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(
            _("通知公告"),
            "notices:inbox",
            "通",
            access.NOTICE_RECEIVE,
            _("服务与督查"),
            badge="fugong.notices.selectors.inbox_badge",
            order=140,
        ),
        NavItem(_("发布通知"), "notices:list", "通", access.NOTICE_PUBLISH, _("服务与督查"), order=150),
    )
