from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("new/", views.EnterpriseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="edit"),
    path("<int:pk>/reveal/", views.enterprise_reveal, name="reveal"),
    path("import/", views.enterprise_import, name="import"),
    path("import/template.xlsx", views.enterprise_import_template, name="import_template"),
    path("export.xlsx", views.enterprise_export, name="export"),
]
