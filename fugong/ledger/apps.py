from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.jobs import JobKind
from fugong.core.navigation import NavItem


class LedgerConfig(AppConfig):
    name = "fugong.ledger"
    verbose_name = "问题台账"

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(_("企业诉求"), "ledger:problem_new", "诉", access.PROBLEM_REPORT, _("服务与督查"), order=160),
        NavItem(
            _("问题台账"), "ledger:problem_list", "账", access.PROBLEM_HANDLE, _("服务与督查"), order=170
        ),
        NavItem(
            _("超期问题"), "ledger:problem_overdue", "期", access.PROBLEM_OVERSEE, _("服务与督查"), order=180
        ),
        NavItem(_("台账统计"), "ledger:stats", "统", access.PROBLEM_HANDLE, _("服务与督查"), order=190),
        NavItem(
            _("台账分派设置"),
            "ledger:settings",
            "派",
            access.SUPERVISION_CONFIGURE,
            _("服务与督查"),
            order=250,
        ),
    )

    # Its background jobs (core.jobs runs them; manage.py escalate_problems runs one).
    job_kinds = (
        JobKind("ledger.escalate_problems", "fugong.ledger.jobs.escalate_problems", _("超期诉求升级")),
    )
