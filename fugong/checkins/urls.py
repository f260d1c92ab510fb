from django.urls import path

from . import views

app_name = "checkins"
urlpatterns = [
    path("e/<str:code>/", views.checkin, name="checkin"),
    path("mine/", views.mine, name="mine"),
    path("enterprise/<int:pk>/link/", views.enterprise_link, name="enterprise_link"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/ack/", views.alert_ack, name="alert_ack"),
    path("missed/", views.missed, name="missed"),
    path("flags/", views.flags, name="flags"),
    path("flags/<int:pk>/check/", views.flag_check, name="flag_check"),
]
