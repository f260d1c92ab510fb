from django.urls import path

from . import summary_views

urlpatterns: list = [
    path("summary/", summary_views.summary_page, name="summary"),
    path("summary/xlsx/", summary_views.summary_xlsx, name="summary_xlsx"),
    path("summary/runs/start/", summary_views.summary_run_start, name="summary_run_start"),
    path("summary/runs/<int:pk>/download/", summary_views.summary_run_download, name="summary_run_download"),
]
