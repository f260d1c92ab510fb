"""The left navigation: each entry shows only for users with its capability."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from fugong.accounts import roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    capability: str | None = None  # None: every signed-in user
    section: str = ""
    badge: str = ""  # dotted path of a function(user) -> int shown as a count (e.g. unread notices)
    live: bool = False  # the badge is refreshed on every open page (core:nav_badges), not only on load

    @property
    def key(self) -> str:
        return self.url_name.replace(":", "-")


NAV = [
    NavItem(_("工作台"), "core:home", "台"),
    NavItem(_("企业名录"), "enterprises:list", "企", roles.ENTERPRISE_VIEW, _("复工复产")),
    NavItem(_("批量导入企业"), "enterprises:import", "导", roles.ENTERPRISE_IMPORT, _("复工复产")),
    NavItem(_("指挥部驾驶舱"), "resumption:command", "舱", roles.RATES_VIEW, _("复工复产")),
    NavItem(_("复工备案"), "resumption:filing_mine", "备", roles.FILING_SUBMIT, _("复工复产")),
    NavItem(_("企业日报"), "resumption:report_today", "报", roles.FILING_SUBMIT, _("复工复产")),
    NavItem(_("备案审核"), "resumption:review_queue", "审", roles.FILING_REVIEW, _("复工复产")),
    NavItem(_("超时未办备案"), "resumption:review_overdue", "超", roles.FILING_OVERSEE, _("复工复产")),
    NavItem(_("个体户批量备案"), "resumption:bulk_filing", "批", roles.FILING_BULK, _("复工复产")),
    NavItem(_("企业日报汇总"), "resumption:report_list", "览", roles.REPORT_MONITOR, _("复工复产")),
    NavItem(_("日报缺报"), "resumption:reports_missing", "缺", roles.REPORT_MONITOR, _("复工复产")),
    NavItem(_("每日汇总"), "resumption:summary", "汇", roles.RATES_VIEW, _("复工复产")),
    NavItem(_("复工条件与方式"), "resumption:settings", "条", roles.RESUMPTION_CONFIGURE, _("复工复产")),
    NavItem(
        _("通知公告"),
        "notices:inbox",
        "通",
        roles.NOTICE_RECEIVE,
        _("服务与督查"),
        badge="fugong.notices.selectors.inbox_badge",
    ),
    NavItem(_("发布通知"), "notices:list", "通", roles.NOTICE_PUBLISH, _("服务与督查")),
    NavItem(_("企业诉求"), "ledger:problem_new", "诉", roles.PROBLEM_REPORT, _("服务与督查")),
    NavItem(_("问题台账"), "ledger:problem_list", "账", roles.PROBLEM_HANDLE, _("服务与督查")),
    NavItem(_("超期问题"), "ledger:problem_overdue", "期", roles.PROBLEM_OVERSEE, _("服务与督查")),
    NavItem(_("台账统计"), "ledger:stats", "统", roles.PROBLEM_HANDLE, _("服务与督查")),
    NavItem(_("包保覆盖"), "supervision:coverage", "覆", roles.COVERAGE_VIEW, _("服务与督查")),
    NavItem(_("现场检查"), "supervision:inspections", "检", roles.INSPECT, _("服务与督查")),
    NavItem(_("违规与约谈"), "supervision:violations", "违", roles.INSPECT, _("服务与督查")),
    NavItem(_("不诚信企业名单"), "supervision:listings", "信", roles.DISHONESTY_APPROVE, _("服务与督查")),
    NavItem(_("督查设置"), "supervision:settings", "设", roles.SUPERVISION_CONFIGURE, _("服务与督查")),
    NavItem(_("台账分派设置"), "ledger:settings", "派", roles.SUPERVISION_CONFIGURE, _("服务与督查")),
    NavItem(_("健康打卡"), "checkins:mine", "卡", roles.CHECKIN_SUBMIT, _("人员与防疫")),
    NavItem(_("人员档案"), "health:person_list", "档", roles.PERSON_VIEW, _("人员与防疫")),
    NavItem(_("健康预警"), "checkins:alerts", "警", roles.CHECKIN_MONITOR, _("人员与防疫")),
    NavItem(_("未打卡人员"), "checkins:missed", "未", roles.CHECKIN_MONITOR, _("人员与防疫")),
    NavItem(_("打卡抽查"), "checkins:flags", "抽", roles.CHECKIN_MONITOR, _("人员与防疫")),
    NavItem(_("返区人员"), "quarantine:returnee_list", "返", roles.RETURNEE_REGISTER, _("人员与防疫")),
    NavItem(_("移交待接收"), "quarantine:handovers", "移", roles.RETURNEE_REGISTER, _("人员与防疫")),
    NavItem(_("隔离随访"), "quarantine:followups_due", "随", roles.QUARANTINE_MANAGE, _("人员与防疫")),
    NavItem(
        _("门磁告警"),
        "sensors:alert_list",
        "磁",
        roles.QUARANTINE_MANAGE,
        _("人员与防疫"),
        badge="fugong.sensors.selectors.open_alert_badge",
        live=True,  # a door opening must reach the worker on whatever page they have open
    ),
    NavItem(_("解除通知书"), "quarantine:notice_list", "解", roles.QUARANTINE_MANAGE, _("人员与防疫")),
    NavItem(_("集中隔离点"), "quarantine:site_list", "隔", roles.SITE_OPERATE, _("人员与防疫")),
    NavItem(_("隔离规则"), "quarantine:rules", "规", roles.QUARANTINE_CONFIGURE, _("人员与防疫")),
    NavItem(_("行政区划"), "areas:list", "区", roles.AREA_VIEW, _("组织")),
    NavItem(_("部门"), "areas:departments", "部", roles.AREA_VIEW, _("组织")),
    NavItem(_("工作组"), "areas:groups", "组", roles.AREA_VIEW, _("组织")),
    NavItem(_("用户管理"), "accounts:users", "人", roles.USER_MANAGE, _("系统")),
    NavItem(_("个人信息查看记录"), "core:access_log", "查", roles.AREA_IMPORT, _("系统")),
    NavItem(_("接口文档"), "api-1.0.0:openapi-view", "接", roles.AREA_VIEW, _("系统")),
]


# The ids base.html gives the two menus (sidebar, phone); a live badge is in both.
NAV_IDS = ("fg-side-nav", "fg-mobile-nav-list")


def _visible(user):
    for item in NAV:
        if not item.capability or user.can(item.capability):
            yield item


def live_badges(user) -> list[dict]:
    """The live badges the user may see, with their counts (refreshed by core:nav_badges)."""
    return [
        {"key": item.key, "badge": import_string(item.badge)(user=user)}
        for item in _visible(user)
        if item.live and item.badge
    ]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in _visible(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # tests/core/test_navigation.py fails on any entry like this
            continue
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "section": item.section,
                "active": False,
                "badge": import_string(item.badge)(user=user) if item.badge else 0,
                "key": item.key,
                "live": item.live and bool(item.badge),
            }
        )
    # The entry whose URL is the longest prefix of the current path is the active one.
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
