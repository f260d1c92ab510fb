"""Pages of supervision: coverage, inspections, violations, the dishonesty list, settings."""

from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/export.xlsx", views.coverage_export, name="coverage_export"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/<int:enterprise_id>/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/followup/", views.inspection_followup, name="inspection_followup"),
    path("inspections/<int:pk>/violation/", views.inspection_violation_new, name="inspection_violation_new"),
    path("photos/<int:pk>/", views.inspection_photo, name="inspection_photo"),
    path("violations/", views.violations, name="violations"),
    path("violations/<int:pk>/", views.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/decide/", views.violation_decide, name="violation_decide"),
    path("violations/<int:pk>/listing/", views.violation_listing_propose, name="violation_listing_propose"),
    path("violations/<int:pk>/statement/", views.violation_statement, name="violation_statement"),
    path("listings/", views.listings, name="listings"),
    path("listings/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("listings/<int:pk>/approve/", views.listing_approve, name="listing_approve"),
    path("listings/<int:pk>/remove/", views.listing_remove, name="listing_remove"),
    path("settings/", views.settings_page, name="settings"),
]
