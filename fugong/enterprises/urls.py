from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/reveal/", views.enterprise_reveal, name="reveal"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.enterprise_import_template, name="import_template"),
    path("export.xlsx", views.enterprise_export, name="export"),
]
