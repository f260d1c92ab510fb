from django.urls import path

from . import views

app_name = "sensors"
urlpatterns = [
    path("", views.AlertListView.as_view(), name="alert_list"),
    path("alerts/poll/", views.AlertPollView.as_view(), name="alert_poll"),
    path("alerts/<int:pk>/ack/", views.AlertAckView.as_view(), name="alert_ack"),
    path("alerts/<int:pk>/close/", views.AlertCloseView.as_view(), name="alert_close"),
    path("devices/", views.DeviceListView.as_view(), name="device_list"),
    path("devices/<int:pk>/rotate/", views.DeviceRotateView.as_view(), name="device_rotate"),
    path("devices/<int:pk>/unbind/", views.DeviceUnbindView.as_view(), name="device_unbind"),
    path("devices/<int:pk>/active/", views.DeviceActiveView.as_view(), name="device_active"),
    path("bind/", views.BindView.as_view(), name="bind"),
]
