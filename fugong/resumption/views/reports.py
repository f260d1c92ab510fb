"""Pages of the daily enterprise report (企业日报): the enterprise's form for today and its own list;
for officials the day's reports, the missing ones (with an xlsx export) and one report.

Each view checks the capability (403), reads through ``selectors.reports`` (out of scope is a 404) and
leaves the write to ``services.daily_report_submit``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fugong.core import access
from fugong.core.decorators import capability_required
from fugong.core.web.views import KitView
from fugong.enterprises.choices import Category
from fugong.enterprises.selectors import area_choices

from .. import exports, services
from ..forms.reports import DailyReportForm, ReportFilterForm
from ..rates import DEFINITIONS
from ..selectors import reports as selectors

PAGE_SIZE = 50


# --- the enterprise's side ---------------------------------------------------------------------


def _refuse_other_enterprise(request) -> None:
    """A crafted form naming another enterprise is refused outright; the page only ever reports for
    the admin's own enterprise."""
    named = request.POST.get("enterprise", "").strip()
    if named and named != str(request.user.scope_enterprise_id):
        raise PermissionDenied


@capability_required(access.FILING_SUBMIT)
@require_http_methods(["GET", "POST"])
def report_today(request):
    user = request.user
    enterprise = selectors.own_enterprise(user=user)
    today = timezone.localdate()
    existing = selectors.report_of(enterprise=enterprise, day=today)
    prefill = selectors.report_prefill(enterprise=enterprise, day=today)
    if request.method == "POST":
        _refuse_other_enterprise(request)
        form = DailyReportForm(request.POST)
        if form.is_valid():
            try:
                _report, created = services.daily_report_submit(
                    actor=user, enterprise=enterprise, date=form.cleaned_data["date"], **_fields(form)
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("今日日报已报送，感谢配合。")
                    if created
                    else _("今日日报已更新（同一天只保留一份，以最后一次提交为准）。"),
                )
                return redirect("resumption:report_today")
    elif existing is not None:
        form = DailyReportForm(initial=_initial_from(existing))
    else:
        form = DailyReportForm(initial=prefill.initial)
    return render(
        request,
        "resumption/report_today.html",
        {
            "form": form,
            "enterprise": enterprise,
            "today": today,
            "existing": existing,
            "prefill": prefill,
        },
    )


def _fields(form) -> dict:
    fields = form.service_fields()
    fields.pop("date")
    return fields


def _initial_from(report) -> dict:
    initial = {name: getattr(report, name) for name in services.REPORT_FIELDS}
    return initial | {"date": report.date}


class ReportListMineView(KitView):
    """The enterprise's own daily reports, newest first."""

    capability = access.FILING_SUBMIT
    template_name = "resumption/report_mine.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        enterprise = selectors.own_enterprise(user=user)
        page = Paginator(selectors.reports_mine(user=user), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page, enterprise=enterprise, today=timezone.localdate(), **kwargs
        )


# --- the officials' side -----------------------------------------------------------------------


def _filter_context(request, form: ReportFilterForm) -> dict:
    choices = area_choices(user=request.user)
    current = (form.data.get("area") or "").strip()
    return {
        "filter_form": form,
        "area_choices": choices,
        "current_area": current,
        "categories": Category.choices,
        "filtered": bool(current or form.data.get("category")),
    }


@capability_required(access.REPORT_MONITOR)
@require_GET
def report_list(request):
    user = request.user
    form = ReportFilterForm(request.GET)
    filters = form.filters()
    reports = selectors.reports_of_day(user=user, **filters)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "resumption/report_list.html",
        {
            "page": page,
            "day": filters["day"],
            "totals": selectors.report_totals(reports),
            "definition": DEFINITIONS["on_duty"],
            **_filter_context(request, form),
        },
    )


@capability_required(access.REPORT_MONITOR)
@require_GET
def reports_missing(request):
    user = request.user
    form = ReportFilterForm(request.GET)
    filters = form.filters()
    missing = selectors.reports_missing(user=user, **filters)
    page = Paginator(missing, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "resumption/report_missing.html",
        {
            "page": page,
            "day": filters["day"],
            "is_today": filters["day"] == timezone.localdate(),
            "can_export": user.can(access.ENTERPRISE_EXPORT),
            **_filter_context(request, form),
        },
    )


@capability_required(access.REPORT_MONITOR)
@capability_required(access.ENTERPRISE_EXPORT)
@require_GET
def reports_missing_export(request):
    user = request.user
    filters = ReportFilterForm(request.GET).filters()
    missing = selectors.reports_missing(user=user, **filters)
    return exports.missing_export(user=user, queryset=missing, day=filters["day"])


@login_required
@require_GET
def report_detail(request, pk: int):
    user = request.user
    if not (user.can(access.REPORT_MONITOR) or user.can(access.FILING_SUBMIT)):
        raise PermissionDenied
    report = selectors.report_get(user=user, pk=pk)
    return render(
        request,
        "resumption/report_detail.html",
        {
            "report": report,
            "is_own": report.enterprise_id == user.scope_enterprise_id,
            "editable": report.enterprise_id == user.scope_enterprise_id
            and report.date == timezone.localdate(),
        },
    )
