from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("export/", views.person_export, name="person_export"),
    path("new/", views.person_new, name="person_new"),
    path("import/", views.person_import, name="person_import"),
    path("import/template/", views.person_import_template, name="person_import_template"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/merge/", views.person_merge, name="person_merge"),
]
