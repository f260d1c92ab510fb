from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.jobs import JobKind
from fugong.core.navigation import NavItem
from fugong.core.registry import AreaCounter


class EnterprisesConfig(AppConfig):
    name = "fugong.enterprises"
    verbose_name = "企业名录"

    # The count of the area tree and of an area's page.
    area_counters = (
        AreaCounter(
            _("企业"),
            "fugong.enterprises.selectors.enterprise_counts_by_area",
            "fugong.enterprises.selectors.enterprise_count_in_area",
        ),
    )

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(_("企业名录"), "enterprises:list", "企", access.ENTERPRISE_VIEW, _("复工复产"), order=20),
        NavItem(
            _("批量导入企业"), "enterprises:import", "导", access.ENTERPRISE_IMPORT, _("复工复产"), order=30
        ),
    )

    # Its background jobs (core.jobs): exports above FUGONG_EXPORT_INLINE_ROWS rows.
    job_kinds = (
        JobKind("enterprises.export", "fugong.enterprises.exports.run_export_job", _("企业名录导出")),
    )
