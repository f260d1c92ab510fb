"""Resumption pages, by part: filings and settings, daily reports, the command page, summaries."""

from django.urls import path

from .views import command, filings, reports, settings, summary

app_name = "resumption"
urlpatterns = [
    # 复工备案 + 承诺书 and their review
    path("filing/", filings.filing_mine, name="filing_mine"),
    path("filing/edit/", filings.filing_edit, name="filing_edit"),
    path("filing/submit/", filings.filing_submit, name="filing_submit"),
    path("filing/roster-template.xlsx", filings.roster_template, name="roster_template"),
    path("filings/<int:pk>/", filings.filing_detail, name="filing_detail"),
    path("reviews/", filings.review_queue, name="review_queue"),
    path("reviews/overdue/", filings.ReviewOverdueView.as_view(), name="review_overdue"),
    path("bulk-filing/", filings.bulk_filing, name="bulk_filing"),
    path("settings/", settings.settings_page, name="settings"),
    # 企业日报
    path("reports/today/", reports.report_today, name="report_today"),
    path("reports/mine/", reports.ReportListMineView.as_view(), name="report_list_mine"),
    path("reports/missing/", reports.reports_missing, name="reports_missing"),
    path("reports/missing/export/", reports.reports_missing_export, name="reports_missing_export"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    # 指挥部驾驶舱
    path("command/", command.command, name="command"),
    path("command/enterprises/", command.drilldown, name="drilldown"),
    path(
        "command/enterprises/<int:pk>/scope/",
        command.enterprise_out_of_scope,
        name="enterprise_out_of_scope",
    ),
    path("command/enterprises/<int:pk>/status/", command.enterprise_status, name="enterprise_status"),
    # 每日汇总
    path("summary/", summary.summary_page, name="summary"),
    path("summary/xlsx/", summary.summary_xlsx, name="summary_xlsx"),
    path("summary/runs/start/", summary.summary_run_start, name="summary_run_start"),
    path("summary/runs/<int:pk>/download/", summary.summary_run_download, name="summary_run_download"),
]
