from django.urls import path

from . import views

app_name = "sensors"
urlpatterns = [
    path("", views.AlertListView.as_view(), name="alert_list"),
    path("alerts/poll/", views.AlertPollView.as_view(), name="alert_poll"),
    path("alerts/<int:pk>/ack/", views.alert_ack, name="alert_ack"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
    path("devices/", views.device_list, name="device_list"),
    path("devices/<int:pk>/rotate/", views.device_rotate, name="device_rotate"),
    path("devices/<int:pk>/unbind/", views.device_unbind, name="device_unbind"),
    path("devices/<int:pk>/active/", views.device_active, name="device_active"),
    path("bind/", views.bind, name="bind"),
]
