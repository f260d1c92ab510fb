"""Pages of the problem ledger (问题台账 / 企业诉求)."""

from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.problem_list, name="problem_list"),
    path("new/", views.problem_new, name="problem_new"),
    path("export.xlsx", views.problem_export, name="problem_export"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("overdue/", views.problem_overdue, name="problem_overdue"),
    path("stats/", views.stats, name="stats"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/rules/<int:pk>/delete/", views.routing_rule_delete, name="routing_rule_delete"),
]
