"""Pages of quarantine orders: the order with its follow-up timeline, the mobile follow-up form, the
change of end date, transfer, release, and the overdue follow-ups."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.core.access import QUARANTINE_MANAGE, SITE_OPERATE

from .. import selectors, services
from ..forms import (
    ChangeEndForm,
    DeliveryForm,
    FollowUpForm,
    ReasonForm,
    TransferForm,
)
from ..models import OrderStatus, Stay
from .base import PAGE_SIZE, _act, _get, _require

# Orders and follow-ups ---------------------------------------------------------------------------


@login_required
@require_GET
def order_detail(request, pk):
    user = request.user
    _require(user, QUARANTINE_MANAGE, SITE_OPERATE)
    order = _get(selectors.order_detail, user=user, pk=pk)
    active = order.status == OrderStatus.ACTIVE and user.can(QUARANTINE_MANAGE)
    return render(
        request,
        "quarantine/order_detail.html",
        {
            "o": order,
            "followups": selectors.followups(user=user, order=order),
            "changes": order.changes.all(),
            "stays": Stay.objects.visible_to(user).filter(order=order).select_related("site", "room"),
            "active": active,
            "early": timezone.localdate() < order.planned_end,
            "change_form": ChangeEndForm(),
            "transfer_form": TransferForm(),
            "release_form": ReasonForm(),
            **_notice_panel(user, order),
        },
    )


def _notice_panel(user, order) -> dict:
    """The release notice panel of a released order: the notice (if any) and the delivery form."""
    if order.status != OrderStatus.RELEASED or not user.can(QUARANTINE_MANAGE):
        return {}
    notice = selectors.order_notice(user=user, order=order)
    doctors = selectors.notice_doctors(order=order)
    form = DeliveryForm(doctors=doctors, initial={"with_doctor": order.doctor_id})
    return {"notice": notice, "notice_panel": True, "delivery_form": form, "revoke_form": ReasonForm()}


@login_required
@require_http_methods(["GET", "POST"])
def order_followup(request, pk):
    user = request.user
    _require(user, QUARANTINE_MANAGE)
    order = _get(selectors.order_detail, user=user, pk=pk)
    form = FollowUpForm(request.POST or None, initial={"method": "phone", "status": "reached"})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.followup_record(
                    actor=user,
                    order_id=order.pk,
                    method=d["method"],
                    status=d["status"],
                    temperature=d["temperature"],
                    symptoms=d["symptoms"],
                    note=d["note"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("随访已记录"))
                return redirect("quarantine:order_detail", pk=order.pk)
    return render(request, "quarantine/followup_form.html", {"o": order, "form": form}, status=status)


def _order_action(request, pk, form_class, call, success):
    user = request.user
    _require(user, QUARANTINE_MANAGE)
    _get(selectors.order_detail, user=user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    else:
        _act(request, lambda: call(form.cleaned_data), success)
    return redirect("quarantine:order_detail", pk=pk)


@login_required
@require_POST
def order_change(request, pk):
    return _order_action(
        request,
        pk,
        ChangeEndForm,
        lambda d: services.order_change_end(
            actor=request.user, order_id=pk, new_end=d["new_end"], reason=d["reason"]
        ),
        _("已调整解除日期"),
    )


@login_required
@require_POST
def order_transfer(request, pk):
    return _order_action(
        request,
        pk,
        TransferForm,
        lambda d: services.order_transfer(actor=request.user, order_id=pk, hospital=d["hospital"]),
        _("已登记转院"),
    )


@login_required
@require_POST
def order_release(request, pk):
    return _order_action(
        request,
        pk,
        ReasonForm,
        lambda d: services.order_release(
            actor=request.user, order_id=pk, reason=d["reason"], base_url=request.build_absolute_uri("/")
        ),
        _("已解除隔离"),
    )


@login_required
@require_GET
def followups_due(request):
    user = request.user
    _require(user, QUARANTINE_MANAGE)
    rows = selectors.followups_due(user=user)
    return render(
        request,
        "quarantine/followups_due.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "since": selectors.half_day_start(),
        },
    )
