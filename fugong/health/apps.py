from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.jobs import JobKind
from fugong.core.navigation import NavItem


class HealthConfig(AppConfig):
    name = "fugong.health"
    verbose_name = "人员与健康"

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(_("人员档案"), "health:person_list", "档", access.PERSON_VIEW, _("人员与防疫"), order=270),
        NavItem(
            _("登记核实"),
            "health:discrepancy_list",
            "核",
            access.PERSON_MANAGE,
            _("人员与防疫"),
            order=275,
        ),
    )

    # Its background jobs (core.jobs): exports above FUGONG_EXPORT_INLINE_ROWS rows.
    job_kinds = (JobKind("health.person_export", "fugong.health.exports.run_export_job", _("人员档案导出")),)
