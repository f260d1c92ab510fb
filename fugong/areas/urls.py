from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.area_list, name="list"),
    path("departments/", views.department_list, name="departments"),
    path("groups/", views.group_list, name="groups"),
]
