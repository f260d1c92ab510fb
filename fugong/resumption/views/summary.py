"""Pages of the daily summary (日报): the table and text for any node and date, its xlsx, and the
evening runs with their stored results. Capability first (403), then scope (404 like a missing row)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fugong.areas.models import Area
from fugong.core.access import RATES_VIEW, RESUMPTION_CONFIGURE, Role
from fugong.core.scoping import get_visible_or_404

from .. import rates, summary
from ..models import SummaryRun
from ..tasks import summary_enqueue

RUNS_PER_PAGE = 40


def _require(user, capability: str) -> None:
    if not user.can(capability):
        raise PermissionDenied


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


@login_required
@require_GET
def summary_page(request):
    user = request.user
    _require(user, RATES_VIEW)
    day = _day(request)
    area = summary.summary_area(user=user, code=request.GET.get("area"))
    result = summary.build_summary(area=area, day=day, categories=summary.user_categories(user))
    runs = SummaryRun.objects.visible_to(user).select_related("area")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    ancestors = [a for a in area.ancestors() if a.path.startswith(user.area_scope_path or "")]
    return render(
        request,
        "resumption/summary_page.html",
        {
            "summary": result,
            "area": area,
            "day": day,
            "today": timezone.localdate(),
            "page": page,
            "columns": summary.COLUMNS,
            "definitions": rates.definitions(),
            "ancestors": ancestors,
            "area_choices": _area_choices(user, area),
            "can_start": user.can(RESUMPTION_CONFIGURE),
            "is_department": user.role == Role.DEPARTMENT_OFFICER,
        },
    )


@login_required
@require_GET
def summary_xlsx(request):
    user = request.user
    _require(user, RATES_VIEW)
    try:
        day = summary.parse_day(request.GET.get("date"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("resumption:summary")
    result = summary.summary_for(user=user, code=request.GET.get("area"), day=day)
    return summary.summary_xlsx(result, user)


@login_required
@require_GET
def summary_run_download(request, pk: int):
    user = request.user
    _require(user, RATES_VIEW)
    run = get_visible_or_404(SummaryRun, user, pk=pk)
    if run.status != SummaryRun.Status.DONE:
        messages.error(request, _("该晚间日报尚未生成完成，暂无文件可下载"))
        return redirect(reverse("resumption:summary"))
    return summary.run_xlsx(run, user)


@login_required
@require_POST
def summary_run_start(request):
    """Queue today's evening job now (system administrator), as cron does at 21:00."""
    _require(request.user, RESUMPTION_CONFIGURE)
    runs = summary_enqueue(day=timezone.localdate(), requested_by=request.user)
    messages.success(
        request, _("已将今日晚间日报加入后台队列（%(n)s 个辖区），由后台任务进程执行。") % {"n": len(runs)}
    )
    return redirect("resumption:summary")
