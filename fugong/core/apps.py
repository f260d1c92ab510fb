from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import access
from .jobs.kinds import JobKind
from .navigation import NavItem


class CoreConfig(AppConfig):
    name = "fugong.core"
    verbose_name = "公共"

    # Its entries of the left navigation (core.navigation gathers every app's, sorted by order).
    nav_items = (
        NavItem(_("工作台"), "core:home", "台", order=10),
        NavItem(_("我的任务"), "core:jobs", "务", order=12),
        NavItem(_("个人信息查看记录"), "core:access_log", "查", access.AREA_IMPORT, _("系统"), order=420),
        NavItem(_("接口文档"), "api-1.0.0:openapi-view", "接", access.AREA_VIEW, _("系统"), order=430),
    )
    job_kinds = (
        JobKind("core.sweep_uploads", "fugong.core.jobs.builtin.sweep_uploads", _("清理无引用的上传文件")),
        JobKind(
            "core.sweep_jobs", "fugong.core.jobs.builtin.sweep_jobs", _("清理中断的任务与过期的结果文件")
        ),
    )

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
