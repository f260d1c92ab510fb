from django.urls import path, re_path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.AreaListView.as_view(), name="list"),
    path("import/", views.AreaImportView.as_view(), name="import"),
    path("import/template.xlsx", views.AreaImportTemplateView.as_view(), name="import_template"),
    path("departments/", views.DepartmentListView.as_view(), name="departments"),
    path("groups/", views.GroupListView.as_view(), name="groups"),
    path("groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group_detail"),
    path("groups/<int:pk>/edit/", views.GroupEditView.as_view(), name="group_edit"),
    path("groups/<int:pk>/members/", views.GroupMemberAddView.as_view(), name="group_member_add"),
    path(
        "groups/<int:pk>/members/<int:user_id>/remove/",
        views.GroupMemberRemoveView.as_view(),
        name="group_member_remove",
    ),
    re_path(r"^(?P<code>\d{1,32})/$", views.AreaDetailView.as_view(), name="detail"),
]
