from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.navigation import NavItem
from fugong.core.registry import PageLink


class SupervisionConfig(AppConfig):
    name = "fugong.supervision"
    verbose_name = "督查检查"

    # Buttons it adds to pages of the apps below (core.registry.links).
    page_links = (
        PageLink(
            "enterprise_detail",
            _("现场检查"),
            "supervision:inspection_new",
            "fugong.supervision.selectors.may_inspect",
            css="btn-outline-danger",
            order=20,
        ),
    )

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(
            _("包保覆盖"), "supervision:coverage", "覆", access.COVERAGE_VIEW, _("服务与督查"), order=200
        ),
        NavItem(_("现场检查"), "supervision:inspections", "检", access.INSPECT, _("服务与督查"), order=210),
        NavItem(_("违规与约谈"), "supervision:violations", "违", access.INSPECT, _("服务与督查"), order=220),
        NavItem(
            _("不诚信企业名单"),
            "supervision:listings",
            "信",
            access.DISHONESTY_APPROVE,
            _("服务与督查"),
            order=230,
        ),
        NavItem(
            _("督查设置"),
            "supervision:settings",
            "设",
            access.SUPERVISION_CONFIGURE,
            _("服务与督查"),
            order=240,
        ),
    )
