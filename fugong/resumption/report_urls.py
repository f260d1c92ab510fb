from django.urls import path

from . import report_views

urlpatterns = [
    path("reports/today/", report_views.report_today, name="report_today"),
    path("reports/mine/", report_views.report_list_mine, name="report_list_mine"),
    path("reports/missing/", report_views.reports_missing, name="reports_missing"),
    path("reports/missing/export/", report_views.reports_missing_export, name="reports_missing_export"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
]
