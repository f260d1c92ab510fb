"""Release-notice pages: the list of released orders with their notices (bulk issue and bulk print),
the PDF download, delivery and revocation from the order page, and the public verification page
that the notice's QR code opens (no login).

Notices are reached through their order's id (one notice per order); out of scope is a 404.
"""

import datetime as dt
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.core import uploads
from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.client import client_ip
from fugong.core.masking import mask_id_number, mask_name
from fugong.core.throttle import wait_message, with_retry_after

from .. import jobs as notice_jobs
from .. import selectors, throttles
from ..forms import DeliveryForm, NoticeFileForm, NoticeFilterForm, ReasonForm
from ..services import notices as notice_services

security_log = logging.getLogger("fugong.quarantine.security")
PAGE_SIZE = 50


def _manager(request) -> None:
    if not request.user.can(QUARANTINE_MANAGE):
        raise PermissionDenied


def _order(user, pk):
    try:
        return selectors.order_detail(user=user, pk=pk)
    except Exception:  # DoesNotExist, or a bad id
        raise Http404 from None


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_GET
def notice_list(request):
    """Released orders in scope, with or without a notice: filters, search, bulk issue and print."""
    _manager(request)
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
    return render(request, "quarantine/notice_list.html", {"page": page, "form": form})


def _selected(request) -> list[str]:
    return request.POST.getlist("order")


def _back_to_list(request):
    """Back to the list (with its filters) or the order page the form was sent from; nowhere else."""
    target = request.POST.get("next", "")
    home = reverse("quarantine:returnee_list")
    safe = target.startswith(home) and "//" not in target and "\\" not in target
    return redirect(target if safe else "quarantine:notice_list")


@login_required
@require_POST
def notice_bulk_issue(request):
    _manager(request)
    try:
        issued = notice_services.notice_issue_bulk(
            actor=request.user, order_ids=_selected(request), base_url=_base_url(request)
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        skipped = len(set(_selected(request))) - len(issued)
        text = _("已签发解除隔离通知书 %(n)s 份") % {"n": len(issued)}
        if skipped:
            text += _("；%(m)s 条无需签发（已有通知书、尚未解除或不在管辖范围内）") % {"m": skipped}
        messages.success(request, text)
    return _back_to_list(request)


@login_required
@require_POST
def notice_bulk_print(request):
    _manager(request)
    if len(_selected(request)) > notice_jobs.print_inline_limit():  # a job: the PDF from 我的任务
        job = notice_jobs.notice_print_enqueue(actor=request.user, order_ids=_selected(request))
        messages.info(
            request,
            _("通知书较多，已在后台生成 PDF，完成后请在“我的任务”中下载（任务 #%(job)d）") % {"job": job.pk},
        )
        return redirect("core:jobs")
    try:
        data, count = notice_services.notice_print(actor=request.user, order_ids=_selected(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_list(request)
    response = HttpResponse(data, content_type="application/pdf")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="release-notices-{stamp}-{count}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def notice_pdf(request, pk):
    """The issued PDF, as stored; the download is logged as a view of personal data."""
    _manager(request)
    try:
        notice = notice_services.notice_open(actor=request.user, order_id=pk)
    except PermissionDenied:
        raise Http404 from None
    return uploads.serve(notice.file, download_name=f"{notice.number}.pdf", content_type="application/pdf")


def _order_action(request, pk, call, success):
    _manager(request)
    _order(request.user, pk)
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, success)
    return redirect("quarantine:order_detail", pk=pk)


@login_required
@require_POST
def notice_deliver(request, pk):
    _manager(request)
    order = _order(request.user, pk)
    form = DeliveryForm(request.POST, doctors=selectors.notice_doctors(order=order))
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("quarantine:order_detail", pk=pk)
    d = form.cleaned_data
    return _order_action(
        request,
        pk,
        lambda: notice_services.notice_deliver(
            actor=request.user,
            order_id=pk,
            method=d["method"],
            with_doctor_id=d["with_doctor"].pk if d["with_doctor"] else None,
            note=d["note"],
        ),
        _("已登记送达"),
    )


@login_required
@require_POST
def notice_revoke(request, pk):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _order_action(
        request,
        pk,
        lambda: notice_services.notice_revoke(actor=request.user, order_id=pk, reason=reason),
        _("通知书已作废"),
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


@require_http_methods(["GET", "POST"])
def release_verify(request, number, code):
    """Opened from the notice's QR code, without login: 真实有效, 已作废, or 无法核验 (404); 429 for
    a client that failed too often, before its number and code are checked."""
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
