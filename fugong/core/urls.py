from django.urls import path

from . import views
from .jobs import views as jobs

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("access-log/", views.AccessLogView.as_view(), name="access_log"),
    path("nav/badges/", views.NavBadgesView.as_view(), name="nav_badges"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/file/", jobs.job_file, name="job_file"),
]
