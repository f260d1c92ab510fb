"""Pages of the dishonesty list (不诚信企业名单): the list, one listing, its approval by two officers
and its removal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fugong.core import access
from fugong.core.decorators import capability_required

from .. import policies, selectors, services
from ..choices import ListingStatus
from ..forms import (
    ApproveForm,
    ReasonForm,
)
from .base import INELIGIBLE, _page, _require_reader, _taken_or_onto


@login_required
@require_GET
def listings(request):
    user = request.user
    _require_reader(user)
    status = request.GET.get("status", "")
    status = status if status in ListingStatus.values else ""
    qs = selectors.listing_list(user=user, status=status)
    return render(
        request,
        "supervision/listing_list.html",
        {
            "page": _page(request, qs),
            "status": status,
            "statuses": ListingStatus.choices,
            "ineligible_text": INELIGIBLE,
        },
    )


def _listing_context(request, listing, **forms):
    user = request.user
    pending = listing.status in (ListingStatus.PROPOSED, ListingStatus.REMOVAL_PROPOSED)
    return {
        "listing": listing,
        "ineligible_text": INELIGIBLE,
        "timeline": selectors.timeline(violation=listing.violation),
        "can_approve": pending
        and user.can(access.DISHONESTY_APPROVE)
        and policies.allows(user, policies.APPROVE, listing),
        "can_remove": listing.status == ListingStatus.ACTIVE
        and policies.allows(user, policies.REMOVE, listing),
        "approve_form": forms.get("approve_form") or ApproveForm(initial={"version": listing.version}),
        "remove_form": forms.get("remove_form") or ReasonForm(initial={"version": listing.version}),
    }


@login_required
@require_GET
def listing_detail(request, pk: int):
    _require_reader(request.user)
    listing = selectors.listing_detail(user=request.user, pk=pk)
    return render(request, "supervision/listing_detail.html", _listing_context(request, listing))


@capability_required(access.DISHONESTY_APPROVE)
@require_POST
def listing_approve(request, pk: int):
    user = request.user
    listing = selectors.listing_detail(user=user, pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.listing_approve(
                actor=user,
                listing_id=listing.pk,
                version=data["version"],
                approve=data["decision"] == "approve",
                reason=data["reason"],
            )
        except ValidationError as exc:
            if response := _taken_or_onto(request, form, exc, listing.pk, "supervision:listing_detail"):
                return response
        else:
            messages.success(request, _("确认意见已保存。"))
            return redirect("supervision:listing_detail", listing.pk)
    return render(
        request,
        "supervision/listing_detail.html",
        _listing_context(request, listing, approve_form=form),
        status=422,
    )


@login_required
@require_POST
def listing_remove(request, pk: int):
    user = request.user
    if not (user.can(access.VIOLATION_DECIDE) or user.can(access.DISHONESTY_APPROVE)):
        raise PermissionDenied
    listing = selectors.listing_detail(user=user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.listing_request_removal(
                actor=user,
                listing_id=listing.pk,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if response := _taken_or_onto(request, form, exc, listing.pk, "supervision:listing_detail"):
                return response
        else:
            messages.success(request, _("已提议移出，待另一名有确认权限的干部确认后生效。"))
            return redirect("supervision:listing_detail", listing.pk)
    return render(
        request,
        "supervision/listing_detail.html",
        _listing_context(request, listing, remove_form=form),
        status=422,
    )
