from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.NoticeListView.as_view(), name="list"),
    path("new/", views.notice_create, name="create"),
    path("<int:pk>/", views.NoticeDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/publish/", views.notice_publish, name="publish"),
    path("<int:pk>/remind/", views.notice_remind, name="remind"),
    path("<int:pk>/read-list.xlsx", views.notice_export, name="export"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/", views.inbox_detail, name="inbox_detail"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.notice_attachment_remove, name="attachment_remove"),
]
