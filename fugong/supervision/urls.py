"""Pages of supervision: coverage, inspections, violations, the dishonesty list, settings."""

from django.urls import path

from .views import coverage, inspections, listings, settings, violations

app_name = "supervision"
urlpatterns = [
    path("coverage/", coverage.coverage, name="coverage"),
    path("coverage/export.xlsx", coverage.coverage_export, name="coverage_export"),
    path("inspections/", inspections.inspections, name="inspections"),
    path("inspections/new/<int:enterprise_id>/", inspections.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/followup/", inspections.inspection_followup, name="inspection_followup"),
    path(
        "inspections/<int:pk>/violation/",
        inspections.inspection_violation_new,
        name="inspection_violation_new",
    ),
    path("photos/<int:pk>/", inspections.inspection_photo, name="inspection_photo"),
    path("violations/", violations.violations, name="violations"),
    path("violations/<int:pk>/", violations.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/decide/", violations.violation_decide, name="violation_decide"),
    path(
        "violations/<int:pk>/listing/", violations.violation_listing_propose, name="violation_listing_propose"
    ),
    path("violations/<int:pk>/statement/", violations.violation_statement, name="violation_statement"),
    path("listings/", listings.listings, name="listings"),
    path("listings/<int:pk>/", listings.listing_detail, name="listing_detail"),
    path("listings/<int:pk>/approve/", listings.listing_approve, name="listing_approve"),
    path("listings/<int:pk>/remove/", listings.listing_remove, name="listing_remove"),
    path("settings/", settings.settings_page, name="settings"),
]
