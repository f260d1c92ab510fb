"""Pages of the problem ledger (问题台账 / 企业诉求)."""

from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.ProblemListView.as_view(), name="problem_list"),
    path("new/", views.ProblemNewView.as_view(), name="problem_new"),
    path("export.xlsx", views.ProblemExportView.as_view(), name="problem_export"),
    path("problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
    path("overdue/", views.ProblemOverdueView.as_view(), name="problem_overdue"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path(
        "settings/rules/<int:pk>/delete/", views.RoutingRuleDeleteView.as_view(), name="routing_rule_delete"
    ),
]
