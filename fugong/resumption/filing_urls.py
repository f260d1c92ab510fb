"""Pages of 复工备案 + 承诺书 and their review."""

from django.urls import path

from . import filing_views as views
from . import settings_views

urlpatterns = [
    path("filing/", views.filing_mine, name="filing_mine"),
    path("filing/edit/", views.filing_edit, name="filing_edit"),
    path("filing/submit/", views.filing_submit, name="filing_submit"),
    path("filing/roster-template.xlsx", views.roster_template, name="roster_template"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/overdue/", views.review_overdue, name="review_overdue"),
    path("bulk-filing/", views.bulk_filing, name="bulk_filing"),
    path("settings/", settings_views.settings_page, name="settings"),
]
