"""Release-notice pages: the list of released orders with their notices (bulk issue and bulk print),
the PDF download, delivery and revocation from the order page, and the public verification page
that the notice's QR code opens (no login).

Notices are reached through their order's id (one notice per order); out of scope is a 404.
"""

import datetime as dt
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fugong.core import uploads
from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.client import client_ip
from fugong.core.masking import mask_id_number, mask_name
from fugong.core.throttle import wait_message, with_retry_after
from fugong.core.web.views import KitView

from .. import jobs as notice_jobs
from .. import selectors, throttles
from ..forms import DeliveryForm, NoticeFileForm, NoticeFilterForm, ReasonForm
from ..services import notices as notice_services
from .base import MethodFirst

security_log = logging.getLogger("fugong.quarantine.security")
PAGE_SIZE = 50


def _order(user, pk):
    try:
        return selectors.order_detail(user=user, pk=pk)
    except Exception:  # DoesNotExist, or a bad id
        raise Http404 from None


class NoticeListView(MethodFirst, KitView):
    """Released orders in scope, with or without a notice: filters, search, bulk issue and print."""

    capability = QUARANTINE_MANAGE
    template_name = "quarantine/notice_list.html"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs):
        request = self.request
        form = NoticeFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        rows = selectors.released_orders(
            user=request.user,
            q=(filters.get("q") or "").strip(),
            state=filters.get("state") or "",
            since=filters.get("since"),
            until=filters.get("until"),
        )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page, "form": form}


class BulkNoticeView(MethodFirst, KitView):
    """A button of the notice list over the orders ticked (POST only)."""

    capability = QUARANTINE_MANAGE
    http_method_names = ["post"]

    def selected(self) -> list[str]:
        return self.request.POST.getlist("order")

    def back_to_list(self):
        """Back to the list (with its filters) or the order page the form was sent from; nowhere
        else."""
        target = self.request.POST.get("next", "")
        home = reverse("quarantine:returnee_list")
        safe = target.startswith(home) and "//" not in target and "\\" not in target
        return redirect(target if safe else "quarantine:notice_list")


class NoticeBulkIssueView(BulkNoticeView):
    def post(self, request, *args, **kwargs):
        try:
            issued = notice_services.notice_issue_bulk(
                actor=request.user, order_ids=self.selected(), base_url=request.build_absolute_uri("/")
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            skipped = len(set(self.selected())) - len(issued)
            text = _("已签发解除隔离通知书 %(n)s 份") % {"n": len(issued)}
            if skipped:
                text += _("；%(m)s 条无需签发（已有通知书、尚未解除或不在管辖范围内）") % {"m": skipped}
            messages.success(request, text)
        return self.back_to_list()


class NoticeBulkPrintView(BulkNoticeView):
    def post(self, request, *args, **kwargs):
        if len(self.selected()) > notice_jobs.print_inline_limit():  # a job: the PDF from 我的任务
            job = notice_jobs.notice_print_enqueue(actor=request.user, order_ids=self.selected())
            messages.info(
                request,
                _("通知书较多，已在后台生成 PDF，完成后请在“我的任务”中下载（任务 #%(job)d）")
                % {"job": job.pk},
            )
            return redirect("core:jobs")
        try:
            data, count = notice_services.notice_print(actor=request.user, order_ids=self.selected())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.back_to_list()
        response = HttpResponse(data, content_type="application/pdf")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="release-notices-{stamp}-{count}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class NoticePdfView(MethodFirst, KitView):
    """The issued PDF, as stored; the download is logged as a view of personal data."""

    capability = QUARANTINE_MANAGE
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        try:
            notice = notice_services.notice_open(actor=request.user, order_id=self.kwargs["pk"])
        except PermissionDenied:
            raise Http404 from None
        return uploads.serve(
            notice.file, download_name=f"{notice.number}.pdf", content_type="application/pdf"
        )


class NoticeOrderAction(MethodFirst, KitView):
    """A button of the notice panel on the order page (POST only): the order in scope (else 404), the
    service's refusal as a message (a denial as a 404), back to the order page."""

    capability = QUARANTINE_MANAGE
    http_method_names = ["post"]
    success_message = ""

    def perform(self):
        raise NotImplementedError

    def order_page(self):
        return redirect("quarantine:order_detail", pk=self.kwargs["pk"])

    def run(self):
        _order(self.request.user, self.kwargs["pk"])
        try:
            self.perform()
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(self.request, str(self.success_message))
        return self.order_page()


class NoticeDeliverView(NoticeOrderAction):
    success_message = gettext_lazy("已登记送达")

    def post(self, request, *args, **kwargs):
        order = _order(request.user, self.kwargs["pk"])
        form = DeliveryForm(request.POST, doctors=selectors.notice_doctors(order=order))
        if not form.is_valid():
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
            return self.order_page()
        self.data = form.cleaned_data
        return self.run()

    def perform(self):
        d = self.data
        return notice_services.notice_deliver(
            actor=self.request.user,
            order_id=self.kwargs["pk"],
            method=d["method"],
            with_doctor_id=d["with_doctor"].pk if d["with_doctor"] else None,
            note=d["note"],
        )


class NoticeRevokeView(NoticeOrderAction):
    success_message = gettext_lazy("通知书已作废")

    def post(self, request, *args, **kwargs):
        return self.run()

    def perform(self):
        form = ReasonForm(self.request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        return notice_services.notice_revoke(
            actor=self.request.user, order_id=self.kwargs["pk"], reason=reason
        )


# Public verification -----------------------------------------------------------------------------


def public_view(notice) -> dict:
    """What anyone holding the notice may see: masked name and ID, period, kind, issuer, delivery."""
    c = notice.content
    released = dt.date.fromisoformat(c["released_on"])
    last_day = min(dt.date.fromisoformat(c["planned_end"]), released) - dt.timedelta(days=1)
    return {
        "number": notice.number,
        "name": mask_name(c["name"]),
        "id_number": mask_id_number(c["id_number"]),
        "kind_label": c["kind_label"],
        "start_date": c["start_date"],
        "last_day": max(last_day, dt.date.fromisoformat(c["start_date"])).isoformat(),
        "released_on": c["released_on"],
        "issuer_unit": c["issuer_unit"],
        "issued_on": c["issued_on"],
        "delivered": notice.delivered_at is not None,
        "delivered_on": timezone.localdate(notice.delivered_at).isoformat() if notice.delivered_at else None,
        "delivery_method": notice.get_delivery_method_display() if notice.delivered_at else "",
        "revoked": notice.revoked_at is not None,
    }


def log_failed_verification(request, number: str) -> None:
    # The number and the address only: repeated failures from one address are someone guessing.
    security_log.warning(
        "release notice verification failed: number %r from %s",
        number[:20],
        client_ip(request),
    )


class ReleaseVerifyView(View):
    """Opened from the notice's QR code, without login: 真实有效, 已作废, or 无法核验 (404); 429 for
    a client that failed too often, before its number and code are checked. A plain View, not a
    KitView: the page is public."""

    http_method_names = ["get", "post"]

    def get(self, request, number, code):
        return self.answer(request, number, code)

    def post(self, request, number, code):
        return self.answer(request, number, code)

    def answer(self, request, number, code):
        seconds = throttles.wait(request)
        if seconds:
            page = render(request, "429.html", {"message": wait_message(seconds)})
            return with_retry_after(page, seconds)
        result = notice_services.notice_verify(number=number, code=code)
        if not result.genuine:
            throttles.failed(request)
            log_failed_verification(request, number)
            return render(request, "quarantine/notice_verify.html", {"valid": False}, status=404)
        form = NoticeFileForm(request.POST or None, request.FILES or None)
        match = None
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    match = notice_services.notice_file_matches(
                        notice=result.notice, upload=form.cleaned_data["file"]
                    )
                except ValidationError as exc:
                    form.add_error("file", exc)
            if match is None:
                status = 400
            elif not match:
                security_log.warning(
                    "release notice file differs from the issued one: number %s", result.notice.number
                )
        return render(
            request,
            "quarantine/notice_verify.html",
            {"valid": True, "n": public_view(result.notice), "form": form, "match": match},
            status=status,
        )
