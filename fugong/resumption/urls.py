"""Resumption pages, by part: filings and settings, daily reports, the command page, summaries."""

from django.urls import path

from .views import command, filings, reports, reviews, settings, summary

app_name = "resumption"
urlpatterns = [
    # 复工备案 + 承诺书 and their review
    path("filing/", filings.FilingMineView.as_view(), name="filing_mine"),
    path("filing/edit/", filings.FilingEditView.as_view(), name="filing_edit"),
    path("filing/submit/", filings.FilingSubmitView.as_view(), name="filing_submit"),
    path("filing/roster-template.xlsx", filings.RosterTemplateView.as_view(), name="roster_template"),
    path("filings/<int:pk>/", reviews.FilingDetailView.as_view(), name="filing_detail"),
    path("reviews/", reviews.ReviewQueueView.as_view(), name="review_queue"),
    path("reviews/overdue/", reviews.ReviewOverdueView.as_view(), name="review_overdue"),
    path("bulk-filing/", reviews.BulkFilingView.as_view(), name="bulk_filing"),
    path("settings/", settings.SettingsPageView.as_view(), name="settings"),
    # 企业日报
    path("reports/today/", reports.ReportTodayView.as_view(), name="report_today"),
    path("reports/mine/", reports.ReportListMineView.as_view(), name="report_list_mine"),
    path("reports/missing/", reports.ReportsMissingView.as_view(), name="reports_missing"),
    path(
        "reports/missing/export/", reports.ReportsMissingExportView.as_view(), name="reports_missing_export"
    ),
    path("reports/", reports.ReportListView.as_view(), name="report_list"),
    path("reports/<int:pk>/", reports.ReportDetailView.as_view(), name="report_detail"),
    # 指挥部驾驶舱
    path("command/", command.CommandView.as_view(), name="command"),
    path("command/enterprises/", command.DrilldownView.as_view(), name="drilldown"),
    path(
        "command/enterprises/<int:pk>/scope/",
        command.OutOfScopeView.as_view(),
        name="enterprise_out_of_scope",
    ),
    path("command/enterprises/<int:pk>/status/", command.StatusView.as_view(), name="enterprise_status"),
    # 每日汇总
    path("summary/", summary.SummaryPageView.as_view(), name="summary"),
    path("summary/xlsx/", summary.SummaryXlsxView.as_view(), name="summary_xlsx"),
    path("summary/runs/start/", summary.SummaryRunStartView.as_view(), name="summary_run_start"),
    path(
        "summary/runs/<int:pk>/download/",
        summary.SummaryRunDownloadView.as_view(),
        name="summary_run_download",
    ),
]
