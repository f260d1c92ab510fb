"""The left navigation: each entry shows only for users with its capability."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fugong.accounts import roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    capability: str | None = None  # None: every signed-in user
    section: str = ""


NAV = [
    NavItem(_("工作台"), "core:home", "台"),
    NavItem(_("企业名录"), "enterprises:list", "企", roles.ENTERPRISE_VIEW, _("复工复产")),
    NavItem(_("批量导入企业"), "enterprises:import", "导", roles.ENTERPRISE_IMPORT, _("复工复产")),
    NavItem(_("行政区划"), "areas:list", "区", roles.AREA_VIEW, _("组织")),
    NavItem(_("部门"), "areas:departments", "部", roles.AREA_VIEW, _("组织")),
    NavItem(_("工作组"), "areas:groups", "组", roles.AREA_VIEW, _("组织")),
    NavItem(_("用户管理"), "accounts:users", "人", roles.USER_MANAGE, _("系统")),
    NavItem(_("个人信息查看记录"), "core:access_log", "查", roles.AREA_IMPORT, _("系统")),
    NavItem(_("接口文档"), "api-1.0.0:openapi-view", "接", roles.AREA_VIEW, _("系统")),
]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV:
        if item.capability and not user.can(item.capability):
            continue
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url, "icon": item.icon, "section": item.section, "active": False})
    # The entry whose URL is the longest prefix of the current path is the active one.
    matches = [i for i in items if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
