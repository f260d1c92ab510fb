from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.NoticeListView.as_view(), name="list"),
    path("new/", views.NoticeCreateView.as_view(), name="create"),
    path("<int:pk>/", views.NoticeDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.NoticeEditView.as_view(), name="edit"),
    path("<int:pk>/publish/", views.NoticePublishView.as_view(), name="publish"),
    path("<int:pk>/remind/", views.NoticeRemindView.as_view(), name="remind"),
    path("<int:pk>/read-list.xlsx", views.NoticeExportView.as_view(), name="export"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/", views.InboxDetailView.as_view(), name="inbox_detail"),
    path(
        "attachments/<int:pk>/download/", views.AttachmentDownloadView.as_view(), name="attachment_download"
    ),
    path(
        "attachments/<int:pk>/remove/", views.NoticeAttachmentRemoveView.as_view(), name="attachment_remove"
    ),
]
