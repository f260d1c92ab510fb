from django.urls import path

from . import views

app_name = "checkins"
urlpatterns = [
    path("e/<str:code>/", views.CheckinView.as_view(), name="checkin"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("enterprise/<int:pk>/link/", views.EnterpriseLinkView.as_view(), name="enterprise_link"),
    path("alerts/", views.AlertListView.as_view(), name="alerts"),
    path("alerts/<int:pk>/ack/", views.AlertAckView.as_view(), name="alert_ack"),
    path("missed/", views.MissedView.as_view(), name="missed"),
    path("flags/", views.FlagListView.as_view(), name="flags"),
    path("flags/<int:pk>/check/", views.FlagCheckView.as_view(), name="flag_check"),
]
