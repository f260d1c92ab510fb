from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.jobs import JobKind
from fugong.core.navigation import NavItem
from fugong.core.registry import PageLink, Section


class CheckinsConfig(AppConfig):
    name = "fugong.checkins"
    verbose_name = "健康打卡"

    # Cards it adds to pages of the apps below (core.registry.sections).
    page_sections = (
        Section(
            "person_file",
            "checkins",
            "checkins/_person_checkins.html",
            "fugong.checkins.selectors.person_file_checkins",
            order=20,
            limited_safe=True,  # the enterprise's own rows: shown to its side (health.policies)
        ),
    )

    # Buttons it adds to pages of the apps below (core.registry.links).
    page_links = (
        PageLink(
            "enterprise_detail",
            _("健康打卡二维码"),
            "checkins:enterprise_link",
            "fugong.checkins.selectors.may_open_checkin_link",
            order=10,
        ),
    )

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(_("健康打卡"), "checkins:mine", "卡", access.CHECKIN_SUBMIT, _("人员与防疫"), order=260),
        NavItem(_("健康预警"), "checkins:alerts", "警", access.CHECKIN_MONITOR, _("人员与防疫"), order=280),
        NavItem(_("未打卡人员"), "checkins:missed", "未", access.CHECKIN_MONITOR, _("人员与防疫"), order=290),
        NavItem(_("打卡抽查"), "checkins:flags", "抽", access.CHECKIN_MONITOR, _("人员与防疫"), order=300),
    )

    # Its background jobs (core.jobs runs them; manage.py checkin_patterns runs one).
    job_kinds = (JobKind("checkins.patterns", "fugong.checkins.jobs.detect_patterns", _("疑似代刷打卡检测")),)
