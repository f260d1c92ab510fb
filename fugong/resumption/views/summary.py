"""Pages of the daily summary (日报): the table and text for any node and date, its xlsx, and the
evening runs with their stored results. Capability first (403, the kit's gate), then scope (404 like
a missing row)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.areas.models import Area
from fugong.core.access import RATES_VIEW, RESUMPTION_CONFIGURE, Role
from fugong.core.web.views import KitView, ScopedObjectMixin

from .. import rates, summary
from ..models import SummaryRun
from ..tasks import summary_enqueue
from .base import DownloadView

RUNS_PER_PAGE = 40


def _day(request):
    """The date asked for, or today with the reason shown when it cannot be used."""
    try:
        return summary.parse_day(request.GET.get("date"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return timezone.localdate()


def _area_choices(user, area: Area) -> list[Area]:
    """The district, streets and communities the user may pick from (their own subtree)."""
    return list(Area.objects.visible_to(user).filter(depth__lte=max(2, area.depth)).order_by("path"))


class SummaryPageView(KitView):
    capability = RATES_VIEW
    template_name = "resumption/summary_page.html"

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        day = _day(request)
        area = summary.summary_area(user=user, code=request.GET.get("area"))
        runs = SummaryRun.objects.visible_to(user).select_related("area")
        return super().get_context_data(
            summary=summary.build_summary(area=area, day=day, categories=summary.user_categories(user)),
            area=area,
            day=day,
            today=timezone.localdate(),
            page=Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page")),
            columns=summary.COLUMNS,
            definitions=rates.definitions(),
            ancestors=[a for a in area.ancestors() if a.path.startswith(user.area_scope_path or "")],
            area_choices=_area_choices(user, area),
            can_start=user.can(RESUMPTION_CONFIGURE),
            is_department=user.role == Role.DEPARTMENT_OFFICER,
            **kwargs,
        )


class SummaryXlsxView(DownloadView):
    capability = RATES_VIEW

    def download(self):
        request = self.request
        try:
            day = summary.parse_day(request.GET.get("date"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("resumption:summary")
        result = summary.summary_for(user=request.user, code=request.GET.get("area"), day=day)
        return summary.summary_xlsx(result, request.user)


class SummaryRunDownloadView(ScopedObjectMixin, DownloadView):
    """An evening run's stored result as xlsx; a run not done yet goes back with the reason."""

    capability = RATES_VIEW
    model = SummaryRun

    def download(self):
        run = self.get_object()
        if run.status != SummaryRun.Status.DONE:
            messages.error(self.request, _("该晚间日报尚未生成完成，暂无文件可下载"))
            return redirect(reverse("resumption:summary"))
        return summary.run_xlsx(run, self.request.user)


class SummaryRunStartView(KitView):
    """Queue today's evening job now (system administrator), as cron does at 21:00."""

    capability = RESUMPTION_CONFIGURE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        runs = summary_enqueue(day=timezone.localdate(), requested_by=request.user)
        messages.success(
            request,
            _("已将今日晚间日报加入后台队列（%(n)s 个辖区），由后台任务进程执行。") % {"n": len(runs)},
        )
        return redirect("resumption:summary")
