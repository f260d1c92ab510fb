from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.jobs import JobKind
from fugong.core.navigation import NavItem
from fugong.core.registry import Section


class ResumptionConfig(AppConfig):
    name = "fugong.resumption"
    verbose_name = "复工复产"

    # Cards it adds to pages of the apps below (core.registry.sections).
    page_sections = (
        Section(
            "person_file",
            "rosters",
            "resumption/_person_rosters.html",
            "fugong.resumption.selectors.filings.person_file_rosters",
            order=10,
            limited_safe=True,  # the enterprise's own rows: shown to its side (health.policies)
        ),
    )

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(_("指挥部驾驶舱"), "resumption:command", "舱", access.RATES_VIEW, _("复工复产"), order=40),
        NavItem(_("复工备案"), "resumption:filing_mine", "备", access.FILING_SUBMIT, _("复工复产"), order=50),
        NavItem(
            _("企业日报"), "resumption:report_today", "报", access.FILING_SUBMIT, _("复工复产"), order=60
        ),
        NavItem(
            _("备案审核"), "resumption:review_queue", "审", access.FILING_REVIEW, _("复工复产"), order=70
        ),
        NavItem(
            _("超时未办备案"),
            "resumption:review_overdue",
            "超",
            access.FILING_OVERSEE,
            _("复工复产"),
            order=80,
        ),
        NavItem(
            _("个体户批量备案"), "resumption:bulk_filing", "批", access.FILING_BULK, _("复工复产"), order=90
        ),
        NavItem(
            _("企业日报汇总"), "resumption:report_list", "览", access.REPORT_MONITOR, _("复工复产"), order=100
        ),
        NavItem(
            _("日报缺报"), "resumption:reports_missing", "缺", access.REPORT_MONITOR, _("复工复产"), order=110
        ),
        NavItem(_("每日汇总"), "resumption:summary", "汇", access.RATES_VIEW, _("复工复产"), order=120),
        NavItem(
            _("复工条件与方式"),
            "resumption:settings",
            "条",
            access.RESUMPTION_CONFIGURE,
            _("复工复产"),
            order=130,
        ),
    )

    # Its background jobs (core.jobs runs them; manage.py evening_summary enqueues or runs one).
    job_kinds = (
        JobKind("resumption.evening_summary", "fugong.resumption.tasks.run_evening_summary", _("晚间日报")),
    )

    def ready(self):
        from fugong.enterprises.signals import registry_changed

        from .services import on_registry_changed

        registry_changed.connect(on_registry_changed, dispatch_uid="resumption-tallies")
