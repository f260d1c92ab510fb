"""Pages of supervision: coverage, inspections, violations, the dishonesty list, settings."""

from django.urls import path

from .views import coverage, inspections, listings, settings, violations

app_name = "supervision"
urlpatterns = [
    path("coverage/", coverage.CoverageView.as_view(), name="coverage"),
    path("coverage/export.xlsx", coverage.CoverageExportView.as_view(), name="coverage_export"),
    path("inspections/", inspections.InspectionListView.as_view(), name="inspections"),
    path(
        "inspections/new/<int:enterprise_id>/", inspections.InspectionNewView.as_view(), name="inspection_new"
    ),
    path("inspections/<int:pk>/", inspections.InspectionDetailView.as_view(), name="inspection_detail"),
    path(
        "inspections/<int:pk>/followup/",
        inspections.InspectionFollowupView.as_view(),
        name="inspection_followup",
    ),
    path(
        "inspections/<int:pk>/violation/",
        inspections.InspectionViolationNewView.as_view(),
        name="inspection_violation_new",
    ),
    path("photos/<int:pk>/", inspections.InspectionPhotoView.as_view(), name="inspection_photo"),
    path("violations/", violations.ViolationListView.as_view(), name="violations"),
    path("violations/<int:pk>/", violations.ViolationDetailView.as_view(), name="violation_detail"),
    path("violations/<int:pk>/decide/", violations.ViolationDecideView.as_view(), name="violation_decide"),
    path(
        "violations/<int:pk>/listing/",
        violations.ViolationListingProposeView.as_view(),
        name="violation_listing_propose",
    ),
    path(
        "violations/<int:pk>/statement/",
        violations.ViolationStatementView.as_view(),
        name="violation_statement",
    ),
    path("listings/", listings.ListingListView.as_view(), name="listings"),
    path("listings/<int:pk>/", listings.ListingDetailView.as_view(), name="listing_detail"),
    path("listings/<int:pk>/approve/", listings.ListingApproveView.as_view(), name="listing_approve"),
    path("listings/<int:pk>/remove/", listings.ListingRemoveView.as_view(), name="listing_remove"),
    path("settings/", settings.SettingsView.as_view(), name="settings"),
]
