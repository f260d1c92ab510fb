"""Pages of the daily enterprise report (企业日报): the enterprise's form for today and its own list;
for officials the day's reports, the missing ones (with an xlsx export) and one report.

Each view is a kit class (fugong/core/web): it holds its capability (403), reads through
``selectors.reports`` (out of scope is a 404) and leaves the write to ``services.daily_report_submit``.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from fugong.core import access
from fugong.core.web.views import KitView, ScopedObjectMixin, ServiceFormView
from fugong.enterprises.choices import Category
from fugong.enterprises.selectors import area_choices

from .. import exports, services
from ..forms.reports import DailyReportForm, ReportFilterForm
from ..rates import DEFINITIONS
from ..selectors import reports as selectors
from .base import DownloadView

PAGE_SIZE = 50


# --- the enterprise's side ---------------------------------------------------------------------


def _refuse_other_enterprise(request) -> None:
    """A crafted form naming another enterprise is refused outright; the page only ever reports for
    the admin's own enterprise."""
    named = request.POST.get("enterprise", "").strip()
    if named and named != str(request.user.scope_enterprise_id):
        raise PermissionDenied


class ReportTodayView(ServiceFormView):
    """Today's report of the admin's own enterprise: the day's report to correct, or a form prefilled
    from yesterday's. A form with errors comes back with 200, as the page always did."""

    capability = access.FILING_SUBMIT
    form_class = DailyReportForm
    template_name = "resumption/report_today.html"

    @cached_property
    def enterprise(self):
        return selectors.own_enterprise(user=self.request.user)

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def existing(self):
        return selectors.report_of(enterprise=self.enterprise, day=self.today)

    @cached_property
    def prefill(self):
        return selectors.report_prefill(enterprise=self.enterprise, day=self.today)

    def get_initial(self) -> dict:
        return _initial_from(self.existing) if self.existing is not None else self.prefill.initial

    def post(self, request, *args, **kwargs):
        _refuse_other_enterprise(request)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        _report, self.created = services.daily_report_submit(
            actor=self.request.user,
            enterprise=self.enterprise,
            date=form.cleaned_data["date"],
            **_fields(form),
        )
        return _report

    @property
    def success_message(self):
        if self.created:
            return _("今日日报已报送，感谢配合。")
        return _("今日日报已更新（同一天只保留一份，以最后一次提交为准）。")

    def get_success_url(self, result) -> str:
        return "resumption:report_today"

    def add_service_errors(self, form, exc) -> None:
        form.add_service_errors(exc)  # the form shows an error on its hidden date above the fields

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            enterprise=self.enterprise,
            today=self.today,
            existing=self.existing,
            prefill=self.prefill,
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        kwargs.pop("status", None)  # the form page has always answered bad input with 200
        return super().render_to_response(context, **kwargs)


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


class ReportFilterMixin:
    """The day, area and category filters of the officials' lists."""

    capability = access.REPORT_MONITOR

    @cached_property
    def filter_form(self) -> ReportFilterForm:
        return ReportFilterForm(self.request.GET)

    @cached_property
    def filters(self) -> dict:
        return self.filter_form.filters()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            day=self.filters["day"], **_filter_context(self.request, self.filter_form), **kwargs
        )


class ReportListView(ReportFilterMixin, KitView):
    """The day's reports in the official's scope, with their totals."""

    template_name = "resumption/report_list.html"

    def get_context_data(self, **kwargs):
        reports = selectors.reports_of_day(user=self.request.user, **self.filters)
        page = Paginator(reports, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            totals=selectors.report_totals(reports),
            definition=DEFINITIONS["on_duty"],
            **kwargs,
        )


class ReportsMissingView(ReportFilterMixin, KitView):
    """The enterprises that owe the day's report and have not sent it."""

    template_name = "resumption/report_missing.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        missing = selectors.reports_missing(user=user, **self.filters)
        return super().get_context_data(
            page=Paginator(missing, PAGE_SIZE).get_page(self.request.GET.get("page")),
            is_today=self.filters["day"] == timezone.localdate(),
            can_export=user.can(access.ENTERPRISE_EXPORT),
            **kwargs,
        )


class ReportsMissingExportView(DownloadView):
    """The missing list as xlsx: monitoring and the export capability both."""

    capability = access.REPORT_MONITOR

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can(access.ENTERPRISE_EXPORT):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def download(self):
        user = self.request.user
        filters = ReportFilterForm(self.request.GET).filters()
        missing = selectors.reports_missing(user=user, **filters)
        return exports.missing_export(user=user, queryset=missing, day=filters["day"])


class ReportDetailView(ScopedObjectMixin, KitView):
    """One report, for an official in scope or the enterprise's own admin."""

    capabilities = (access.REPORT_MONITOR, access.FILING_SUBMIT)
    template_name = "resumption/report_detail.html"

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = selectors.report_get(user=self.request.user, pk=self.kwargs["pk"])
        return self._object

    def get_context_data(self, **kwargs):
        report, user = self.get_object(), self.request.user
        own = report.enterprise_id == user.scope_enterprise_id
        return super().get_context_data(
            report=report, is_own=own, editable=own and report.date == timezone.localdate(), **kwargs
        )
