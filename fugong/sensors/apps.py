from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fugong.core import access
from fugong.core.navigation import NavItem


class SensorsConfig(AppConfig):
    name = "fugong.sensors"
    verbose_name = "门磁与感应设备"

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(
            _("门磁告警"),
            "sensors:alert_list",
            "磁",
            access.QUARANTINE_MANAGE,
            _("人员与防疫"),
            badge="fugong.sensors.selectors.open_alert_badge",
            live=True,  # a door opening must reach the worker on whatever page they have open
            order=340,
        ),
    )
