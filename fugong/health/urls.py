from django.urls import path

from . import views

app_name = "health"
urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("export/", views.PersonExportView.as_view(), name="person_export"),
    path("new/", views.PersonCreateView.as_view(), name="person_new"),
    path("import/", views.PersonImportView.as_view(), name="person_import"),
    path("import/template/", views.PersonImportTemplateView.as_view(), name="person_import_template"),
    path("discrepancies/", views.DiscrepancyListView.as_view(), name="discrepancy_list"),
    path("discrepancies/<int:pk>/", views.DiscrepancyDetailView.as_view(), name="discrepancy_detail"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person_reveal"),
    path("<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("<int:pk>/merge/", views.PersonMergeView.as_view(), name="person_merge"),
]
