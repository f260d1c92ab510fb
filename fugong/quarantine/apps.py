from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.jobs import JobKind
from fugong.core.navigation import NavItem
from fugong.core.registry import Section


class QuarantineConfig(AppConfig):
    name = "fugong.quarantine"
    verbose_name = "返区人员与隔离"

    # Cards it adds to pages of the apps below (core.registry.sections).
    page_sections = (
        Section(
            "person_file",
            "quarantines",
            "quarantine/_person_quarantines.html",
            "fugong.quarantine.selectors.person_file_quarantines",
            order=30,
        ),
    )

    # Its background jobs (core.jobs): bulk printing above FUGONG_PRINT_INLINE_NOTICES notices.
    job_kinds = (
        JobKind(
            "quarantine.notice_print", "fugong.quarantine.jobs.run_notice_print", _("批量打印解除隔离通知书")
        ),
    )

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(
            _("返区人员"),
            "quarantine:returnee_list",
            "返",
            access.RETURNEE_REGISTER,
            _("人员与防疫"),
            order=310,
        ),
        NavItem(
            _("移交待接收"),
            "quarantine:handovers",
            "移",
            access.RETURNEE_REGISTER,  # the page and its API need returnee registration
            _("人员与防疫"),
            order=320,
        ),
        NavItem(
            _("隔离随访"),
            "quarantine:followups_due",
            "随",
            access.QUARANTINE_MANAGE,
            _("人员与防疫"),
            order=330,
        ),
        NavItem(
            _("解除通知书"),
            "quarantine:notice_list",
            "解",
            access.QUARANTINE_MANAGE,
            _("人员与防疫"),
            order=350,
        ),
        NavItem(
            _("集中隔离点"), "quarantine:site_list", "隔", access.SITE_OPERATE, _("人员与防疫"), order=360
        ),
        NavItem(
            _("隔离规则"), "quarantine:rules", "规", access.QUARANTINE_CONFIGURE, _("人员与防疫"), order=370
        ),
    )
