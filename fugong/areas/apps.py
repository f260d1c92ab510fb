from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.navigation import NavItem


class AreasConfig(AppConfig):
    name = "fugong.areas"
    verbose_name = "行政区划"

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(_("行政区划"), "areas:list", "区", access.AREA_VIEW, _("组织"), order=380),
        NavItem(_("部门"), "areas:departments", "部", access.AREA_VIEW, _("组织"), order=390),
        NavItem(_("工作组"), "areas:groups", "组", access.AREA_VIEW, _("组织"), order=400),
    )
