"""Pages of centralized sites: the list, the rooms grid, check-in and check-out, and the site's setup."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.accounts.models import User
from fugong.core.access import QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, SITE_OPERATE

from .. import selectors, services
from ..forms import (
    CheckInForm,
    SiteForm,
)
from ..models import Room, Stay
from .base import _act, _get, _require

# Sites -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def site_list(request):
    user = request.user
    _require(user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    configure = user.can(QUARANTINE_CONFIGURE)
    form = SiteForm(request.POST or None) if configure else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                site = services.site_create(
                    actor=user,
                    name=d["name"],
                    area_id=d["area"].pk,
                    address=d["address"],
                    rooms=[n for n in re.split(r"[\s,，、]+", d["rooms"]) if n],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("已设立隔离点"))
                return redirect("quarantine:site_detail", pk=site.pk)
    return render(
        request,
        "quarantine/site_list.html",
        {
            "sites": selectors.sites(user=user),
            "occupancy": selectors.occupancy(user=user),
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def site_detail(request, pk):
    user = request.user
    _require(user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    site = _get(selectors.site_detail, user=user, pk=pk)
    operate = user.can(SITE_OPERATE)
    return render(
        request,
        "quarantine/site_detail.html",
        {
            "site": site,
            "grid": selectors.rooms_grid(site=site),
            "operate": operate,
            "occupancy": {
                "now": Stay.objects.filter(site=site, checked_out_at__isnull=True).count(),
                "total": Stay.objects.filter(site=site).values("person").distinct().count(),
            },
            "history": selectors.stay_history(user=user, site=site)[:50],
            "form": CheckInForm(rooms=Room.objects.filter(site=site, is_active=True)) if operate else None,
        },
    )


@login_required
@require_POST
def site_check_in(request, pk):
    user = request.user
    _require(user, SITE_OPERATE)
    site = _get(selectors.site_detail, user=user, pk=pk)
    form = CheckInForm(request.POST, rooms=Room.objects.filter(site=site, is_active=True))
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    else:
        d = form.cleaned_data
        _act(
            request,
            lambda: services.stay_check_in(
                actor=user,
                site_id=site.pk,
                room_id=d["room"].pk,
                id_number=d["id_number"],
                checked_registration=d["checked_registration"],
                checked_temperature=d["checked_temperature"],
                checked_health=d["checked_health"],
            ),
            _("已办理入住"),
        )
    return redirect("quarantine:site_detail", pk=site.pk)


@login_required
@require_POST
def site_setup(request, pk):
    """Add a room or bind a site staff account to the site (QUARANTINE_CONFIGURE)."""
    user = request.user
    _require(user, QUARANTINE_CONFIGURE)
    site = _get(selectors.site_detail, user=user, pk=pk)
    if request.POST.get("number"):
        _act(
            request,
            lambda: services.room_add(actor=user, site_id=site.pk, number=request.POST["number"]),
            _("已添加房间"),
        )
    else:
        staff = User.objects.filter(username=request.POST.get("username", "").strip()).first()
        _act(
            request,
            lambda: services.staff_bind(actor=user, site_id=site.pk, user_id=staff.pk if staff else None),
            _("已绑定工作人员"),
        )
    return redirect("quarantine:site_detail", pk=site.pk)


@login_required
@require_POST
def stay_check_out(request, pk):
    user = request.user
    _require(user, SITE_OPERATE)
    stay = _get(Stay.objects.visible_to(user).get, pk=pk)
    _act(request, lambda: services.stay_check_out(actor=user, stay_id=stay.pk), _("已办理退房"))
    return redirect("quarantine:site_detail", pk=stay.site_id)
