from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("new/", views.EnterpriseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EnterpriseEditView.as_view(), name="edit"),
    path("<int:pk>/reveal/", views.EnterpriseRevealView.as_view(), name="reveal"),
    path("import/", views.EnterpriseImportView.as_view(), name="import"),
    path("import/template.xlsx", views.EnterpriseImportTemplateView.as_view(), name="import_template"),
    path("export.xlsx", views.EnterpriseExportView.as_view(), name="export"),
]
