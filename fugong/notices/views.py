"""Pages of notices: the sender's list, draft form, publish confirmation, read list, export and
reminder; the enterprise's inbox; the scoped attachment download.

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.core.access import NOTICE_PUBLISH, NOTICE_RECEIVE
from fugong.core.decorators import capability_required
from fugong.core.scoping import CHANGE
from fugong.core.uploads import serve
from fugong.core.web.forms import apply_service_errors
from fugong.core.web.views import PAGE_SIZE, ScopedDetailView, ScopedListView
from fugong.core.xlsx import export_response, export_watermark

from . import selectors, services
from .choices import ReadState
from .forms import NoticeForm, PublishForm, RemindForm
from .models import Notice, NoticeRecipient

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


def _save(request, form, notice_id=None):
    data = form.cleaned_data
    try:
        return services.notice_save(
            actor=request.user,
            notice_id=notice_id,
            title=data["title"],
            body=data["body"],
            target_area=data["target_area"],
            categories=data["categories"],
            target_emergency=data["target_emergency"],
            target_key_industry=data["target_key_industry"],
            uploads=data["attachments"],
        )
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("无权执行此操作"))
    except ValidationError as exc:
        apply_service_errors(form, exc)
    return None


@capability_required(NOTICE_PUBLISH)
@require_http_methods(["GET", "POST"])
def notice_create(request):
    form = NoticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notice = _save(request, form)
        if notice is not None:
            messages.success(request, _("草稿已保存。请核对收件企业后发布。"))
            return redirect("notices:publish", pk=notice.pk)
    return render(request, "notices/notice_form.html", {"form": form, "notice": None})


@capability_required(NOTICE_PUBLISH)
@require_http_methods(["GET", "POST"])
def notice_edit(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk, action=CHANGE)
    if not notice.is_draft:
        messages.info(request, _("通知已发布，不能再修改。"))
        return redirect("notices:detail", pk=notice.pk)
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=NoticeForm.initial_from(notice),
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, notice_id=notice.pk) is not None:
        messages.success(request, _("草稿已保存。"))
        return redirect("notices:publish", pk=notice.pk)
    return render(
        request,
        "notices/notice_form.html",
        {"form": form, "notice": notice, "attachments": selectors.attachments_of(notice=notice)},
    )


@capability_required(NOTICE_PUBLISH)
@require_POST
def notice_attachment_remove(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    try:
        services.notice_attachment_remove(actor=request.user, attachment_id=attachment.pk)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("notices:edit", pk=attachment.notice_id)


@capability_required(NOTICE_PUBLISH)
@require_http_methods(["GET", "POST"])
def notice_publish(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk, action=CHANGE)
    if not notice.is_draft:
        return redirect("notices:detail", pk=notice.pk)
    count = selectors.preview_count(notice=notice)
    form = PublishForm(request.POST or None, initial={"expected_count": count})
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_publish(
                actor=request.user, notice_id=notice.pk, expected_count=form.cleaned_data["expected_count"]
            )
        except (PermissionDenied, ValidationError) as exc:
            # The count may have changed: show the fresh count with an unticked confirmation.
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            form = PublishForm(initial={"expected_count": count})
        else:
            messages.success(request, _("通知已发布，已发送给 %(n)s 家企业。") % {"n": count})
            return redirect("notices:detail", pk=notice.pk)
    return render(
        request,
        "notices/notice_publish.html",
        {
            "notice": notice,
            "count": count,
            "form": form,
            "attachments": selectors.attachments_of(notice=notice),
        },
    )


class NoticeDetailView(ScopedDetailView):
    """One notice of the sender's scope with its read list (filtered, paginated)."""

    capability = NOTICE_PUBLISH
    model = Notice
    context_object_name = "notice"
    template_name = "notices/notice_detail.html"

    def get_object(self):
        if not hasattr(self, "_object"):  # the selector: in scope, with its sender and area joined
            self._object = selectors.notice_get(user=self.request.user, pk=self.kwargs["pk"])
        return self._object

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


@capability_required(NOTICE_PUBLISH)
@require_GET
def notice_export(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
    f = selectors.read_list(user=request.user, notice=notice, params=request.GET, request=request)
    headers = [str(h) for h in EXPORT_HEADERS]

    def rows():
        for r in f.qs.iterator(chunk_size=2000):
            yield [
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

    return export_response(
        headers,
        rows(),
        filename=f"notice_{notice.pk}_read_list.xlsx",
        title=_("阅读情况"),
        watermark=export_watermark(request.user),
    )


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _state_label(receipt):
    if receipt.acknowledged_at:
        return ReadState.ACKNOWLEDGED.label
    return ReadState.VIEWED.label if receipt.viewed_at else ReadState.UNREAD.label


@capability_required(NOTICE_PUBLISH)
@require_POST
def notice_remind(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
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


@capability_required(NOTICE_RECEIVE)
@require_http_methods(["GET", "POST"])
def inbox_detail(request, pk):
    if request.method == "POST":
        services.notice_acknowledge(actor=request.user, notice_id=pk)
        messages.success(request, _("已确认收到该通知。"))
        return redirect("notices:inbox_detail", pk=pk)
    receipt = services.notice_open(actor=request.user, notice_id=pk)
    notice = receipt.notice
    return render(
        request,
        "notices/inbox_detail.html",
        {
            "receipt": receipt,
            "notice": notice,
            "attachments": selectors.attachments_of(notice=notice),
            "reminders": selectors.reminders_of(receipt=receipt),
        },
    )


# --- attachments ----------------------------------------------------------------------------------


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return serve(attachment.file, download_name=attachment.name, content_type=attachment.content_type)
