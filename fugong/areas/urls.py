from django.urls import path, re_path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.area_list, name="list"),
    path("import/", views.area_import, name="import"),
    path("import/template.xlsx", views.area_import_template, name="import_template"),
    path("departments/", views.department_list, name="departments"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/", views.group_member_add, name="group_member_add"),
    path(
        "groups/<int:pk>/members/<int:user_id>/remove/", views.group_member_remove, name="group_member_remove"
    ),
    re_path(r"^(?P<code>\d{1,32})/$", views.area_detail, name="detail"),
]
