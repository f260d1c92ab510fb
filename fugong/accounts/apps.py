from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.navigation import NavItem
from fugong.core.registry import Section


class AccountsConfig(AppConfig):
    name = "fugong.accounts"
    verbose_name = "账号与权限"

    # Cards it adds to pages of the apps below (core.registry.sections).
    page_sections = (
        Section("area_detail", "users", "accounts/_area_users.html", "fugong.accounts.selectors.area_users"),
    )

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (NavItem(_("用户管理"), "accounts:users", "人", access.USER_MANAGE, _("系统"), order=410),)
