from django.urls import path

from . import views
from .jobs import views as jobs

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("access-log/", views.access_log, name="access_log"),
    path("nav/badges/", views.nav_badges, name="nav_badges"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/file/", jobs.job_file, name="job_file"),
]
