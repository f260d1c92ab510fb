"""Pages of notices: the sender's list, draft form, publish confirmation, read list, export and
reminder; the enterprise's inbox; the scoped attachment download.

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from fugong.core.access import NOTICE_PUBLISH, NOTICE_RECEIVE
from fugong.core.scoping import CHANGE, VIEW
from fugong.core.uploads import serve
from fugong.core.web.views import (
    PAGE_SIZE,
    KitView,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    ServiceActionView,
    ServiceFormView,
)
from fugong.core.xlsx import export_response, export_watermark

from . import selectors, services
from .choices import ReadState
from .forms import NoticeForm, PublishForm, RemindForm
from .models import Notice, NoticeAttachment, NoticeRecipient

EXPORT_HEADERS = [
    _l("企业名称"),
    _l("统一社会信用代码"),
    _l("所属区域"),
    _l("企业类别"),
    _l("阅读状态"),
    _l("查看时间"),
    _l("确认时间"),
    _l("确认人"),
    _l("提醒次数"),
]


# --- the sender's side ------------------------------------------------------------------------------


class NoticeListView(ScopedListView):
    """The sender's list: its own notices and those of senders in its scope, filtered by notices.filters."""

    capability = NOTICE_PUBLISH
    model = Notice
    template_name = "notices/notice_list.html"

    def filter_queryset(self, queryset, params):
        self.filter = selectors.notice_filter(
            user=self.request.user, params=self.request.GET, request=self.request
        )
        return self.filter.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filter
        return context


class NoticeObject(ScopedObjectMixin):
    """The notice of the URL through its selector (its sender and area joined): out of scope 404."""

    model = Notice

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = selectors.notice_get(
                user=self.request.user, pk=self.kwargs["pk"], action=self.action
            )
        return self._object


class NoticeCreateView(ServiceFormView):
    """The draft form; saved, it goes on to the publish confirmation. Bad input is shown with a 200,
    as this page always answered."""

    capability = NOTICE_PUBLISH
    form_class = NoticeForm
    template_name = "notices/notice_form.html"
    success_message = _l("草稿已保存。请核对收件企业后发布。")
    denied_field = NON_FIELD_ERRORS
    invalid_status = 200
    notice = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(notice=self.notice, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        fields = ("title", "body", "target_area", "categories", "target_emergency", "target_key_industry")
        return services.notice_save(
            actor=self.request.user,
            notice_id=self.notice.pk if self.notice else None,
            uploads=data["attachments"],
            **{k: data[k] for k in fields},
        )

    def get_success_url(self, notice):
        return reverse("notices:publish", kwargs={"pk": notice.pk})


class DraftMixin(NoticeObject):
    """A draft of the user's scope, for changing it; a published notice goes to its page instead."""

    action = CHANGE
    published_message = None

    def get(self, request, *args, **kwargs):
        return self.published() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.published() or super().post(request, *args, **kwargs)

    def published(self):
        notice = self.get_object()
        if notice.is_draft:
            return None
        if self.published_message:
            messages.info(self.request, self.published_message)
        return redirect("notices:detail", pk=notice.pk)


class NoticeEditView(DraftMixin, NoticeCreateView):
    success_message = _l("草稿已保存。")
    published_message = _l("通知已发布，不能再修改。")

    @property
    def notice(self):
        return self.get_object()

    def get_initial(self):
        return NoticeForm.initial_from(self.notice)

    def get_context_data(self, **kwargs):
        return super().get_context_data(attachments=selectors.attachments_of(notice=self.notice), **kwargs)


class NoticeAttachmentRemoveView(ServiceActionView):
    """Remove an attachment of a draft; a refusal (already published) comes back as a message."""

    capability = NOTICE_PUBLISH
    model = NoticeAttachment
    action = VIEW  # the service checks the notice's own action
    http_method_names = ["post"]

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = selectors.attachment_get(user=self.request.user, pk=self.kwargs["pk"])
        return self._object

    def perform(self, attachment):
        return services.notice_attachment_remove(actor=self.request.user, attachment_id=attachment.pk)

    def get_success_url(self, attachment):
        return reverse("notices:edit", kwargs={"pk": attachment.notice_id})


class NoticePublishView(DraftMixin, KitView):
    """The confirmation with the count of recipients; the count the user confirmed must still hold,
    else the page comes back with the fresh count and the box unticked."""

    capability = NOTICE_PUBLISH
    template_name = "notices/notice_publish.html"

    def get_context_data(self, **kwargs):
        notice = self.get_object()
        kwargs.setdefault("form", PublishForm(initial={"expected_count": self.count}))
        return super().get_context_data(
            notice=notice, count=self.count, attachments=selectors.attachments_of(notice=notice), **kwargs
        )

    @property
    def count(self) -> int:
        if not hasattr(self, "_count"):
            self._count = selectors.preview_count(notice=self.get_object())
        return self._count

    def post(self, request, *args, **kwargs):
        if response := self.published():
            return response
        notice, count = self.get_object(), self.count
        form = PublishForm(request.POST, initial={"expected_count": count})
        if form.is_valid():
            expected = form.cleaned_data["expected_count"]
            try:
                services.notice_publish(actor=request.user, notice_id=notice.pk, expected_count=expected)
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                form = PublishForm(initial={"expected_count": count})
            else:
                messages.success(request, _("通知已发布，已发送给 %(n)s 家企业。") % {"n": count})
                return redirect("notices:detail", pk=notice.pk)
        return self.render_to_response(self.get_context_data(form=form))


class NoticeDetailView(NoticeObject, ScopedDetailView):
    """One notice of the sender's scope with its read list (filtered, paginated)."""

    capability = NOTICE_PUBLISH
    context_object_name = "notice"
    template_name = "notices/notice_detail.html"

    def get_context_data(self, **kwargs):
        user, notice = self.request.user, self.get_object()
        f = selectors.read_list(user=user, notice=notice, params=self.request.GET, request=self.request)
        return super().get_context_data(
            attachments=selectors.attachments_of(notice=notice),
            counts=selectors.read_counts(notice=notice),
            filter=f,
            page=Paginator(f.qs, PAGE_SIZE).get_page(self.request.GET.get("page")),
            states=ReadState,
            can_change=notice.sender_id == user.pk or user.is_sysadmin,
            remind_form=RemindForm(),
            **kwargs,
        )


class NoticeExportView(NoticeObject, KitView):
    """The read list as xlsx, filtered as on the page, streamed."""

    capability = NOTICE_PUBLISH

    def get(self, request, *args, **kwargs):
        notice = self.get_object()
        f = selectors.read_list(user=request.user, notice=notice, params=request.GET, request=request)
        headers = [str(h) for h in EXPORT_HEADERS]
        rows = (_export_row(r) for r in f.qs.iterator(chunk_size=2000))
        return export_response(
            headers,
            rows,
            filename=f"notice_{notice.pk}_read_list.xlsx",
            title=_("阅读情况"),
            watermark=export_watermark(request.user),
        )


def _export_row(r) -> list:
    return [
        r.enterprise.name,
        r.enterprise.credit_code,
        r.enterprise.area.name,
        r.enterprise.get_category_display(),
        str(_state_label(r)),
        _time(r.viewed_at),
        _time(r.acknowledged_at),
        str(r.acknowledged_by or ""),
        r.reminder_count,
    ]


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _state_label(receipt):
    if receipt.acknowledged_at:
        return ReadState.ACKNOWLEDGED.label
    return ReadState.VIEWED.label if receipt.viewed_at else ReadState.UNREAD.label


class NoticeRemindView(NoticeObject, KitView):
    """Remind the recipients (all, or only those who have not opened it) again."""

    capability = NOTICE_PUBLISH
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        notice = self.get_object()
        form = RemindForm(request.POST)
        only_unread = form.is_valid() and form.cleaned_data["only_unread"]
        try:
            count = services.notice_remind(actor=request.user, notice_id=notice.pk, only_unread=only_unread)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已向 %(n)s 家企业发送提醒。") % {"n": count})
        return redirect("notices:detail", pk=notice.pk)


# --- the enterprise's inbox ---------------------------------------------------------------------------


class InboxView(ScopedListView):
    """The enterprise's inbox: what it received, unacknowledged first."""

    capability = NOTICE_RECEIVE
    model = NoticeRecipient
    template_name = "notices/inbox.html"

    def filter_queryset(self, queryset, params):
        return selectors.inbox(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(badge=selectors.inbox_badge(user=self.request.user), **kwargs)


class InboxDetailView(KitView):
    """A notice of the enterprise's inbox: opening it marks it viewed, the button acknowledges it
    (the services find the receipt in the user's inbox, else 404)."""

    capability = NOTICE_RECEIVE
    template_name = "notices/inbox_detail.html"

    def get_context_data(self, **kwargs):
        receipt = services.notice_open(actor=self.request.user, notice_id=self.kwargs["pk"])
        notice = receipt.notice
        return super().get_context_data(
            receipt=receipt,
            notice=notice,
            attachments=selectors.attachments_of(notice=notice),
            reminders=selectors.reminders_of(receipt=receipt),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        services.notice_acknowledge(actor=request.user, notice_id=self.kwargs["pk"])
        messages.success(request, _("已确认收到该通知。"))
        return redirect("notices:inbox_detail", pk=self.kwargs["pk"])


# --- attachments ----------------------------------------------------------------------------------


class AttachmentDownloadView(KitView):
    """An attachment for whoever sees it (the sender's side or a recipient), else 404."""

    def get(self, request, *args, **kwargs):
        attachment = selectors.attachment_get(user=request.user, pk=self.kwargs["pk"])
        return serve(attachment.file, download_name=attachment.name, content_type=attachment.content_type)
