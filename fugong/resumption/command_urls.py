from django.urls import path

from . import command_views

urlpatterns: list = [
    path("command/", command_views.command, name="command"),
    path("command/enterprises/", command_views.drilldown, name="drilldown"),
    path(
        "command/enterprises/<int:pk>/scope/",
        command_views.enterprise_out_of_scope,
        name="enterprise_out_of_scope",
    ),
    path("command/enterprises/<int:pk>/status/", command_views.enterprise_status, name="enterprise_status"),
]
