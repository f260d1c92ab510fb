"""Pages of centralized sites: the list, the rooms grid, check-in and check-out, and the site's setup."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.models import User
from fugong.core.access import QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, SITE_OPERATE
from fugong.core.actions import run_action
from fugong.core.web.views import ScopedDetailView, ServiceActionView, ServiceFormView

from .. import selectors, services
from ..forms import CheckInForm, SiteForm
from ..models import Room, Site, Stay

READERS = (QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)


def _detail_url(site_id: int) -> str:
    return reverse("quarantine:site_detail", kwargs={"pk": site_id})


class SiteListView(ServiceFormView):
    """The sites in scope with their occupancy; the district sets a new one up from the same page."""

    capabilities = READERS
    template_name = "quarantine/site_list.html"
    form_class = SiteForm
    success_message = gettext_lazy("已设立隔离点")

    def get_form(self):
        if self.request.user.can(QUARANTINE_CONFIGURE):
            return super().get_form()
        if self.request.method == "POST":
            raise PermissionDenied
        return None

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "sites": selectors.sites(user=user),
            "occupancy": selectors.occupancy(user=user),
        }

    def perform(self, form):
        d = form.cleaned_data
        return services.site_create(
            actor=self.request.user,
            name=d["name"],
            area_id=d["area"].pk,
            address=d["address"],
            rooms=[n for n in re.split(r"[\s,，、]+", d["rooms"]) if n],
        )

    def get_success_url(self, result) -> str:
        return _detail_url(result.pk)


class SiteDetailView(ScopedDetailView):
    capabilities = READERS
    model = Site
    template_name = "quarantine/site_detail.html"
    context_object_name = "site"

    def get_context_data(self, **kwargs):
        user, site = self.request.user, self.get_object()
        operate = user.can(SITE_OPERATE)
        stays = Stay.objects.filter(site=site)
        return {
            **super().get_context_data(**kwargs),
            "grid": selectors.rooms_grid(site=site),
            "operate": operate,
            "occupancy": {
                "now": stays.filter(checked_out_at__isnull=True).count(),
                "total": stays.values("person").distinct().count(),
            },
            "history": selectors.stay_history(user=user, site=site)[:50],
            "form": CheckInForm(rooms=Room.objects.filter(site=site, is_active=True)) if operate else None,
        }


class SiteAction(ServiceActionView):
    """A POST on a site (no confirmation page); a refusal by the service comes back as a message."""

    model = Site
    action = "view"  # the services check their own action and answer in a message
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        site = self.get_object()
        run_action(request, lambda: self.perform(site), self.success_text())
        return HttpResponseRedirect(_detail_url(site.pk))

    def success_text(self) -> str:
        return str(self.success_message)


class SiteCheckInView(SiteAction):
    capability = SITE_OPERATE
    success_message = gettext_lazy("已办理入住")

    def perform(self, site):
        form = CheckInForm(self.request.POST, rooms=Room.objects.filter(site=site, is_active=True))
        if not form.is_valid():
            raise ValidationError(" ".join(m for ms in form.errors.values() for m in ms))
        d = form.cleaned_data
        return services.stay_check_in(
            actor=self.request.user,
            site_id=site.pk,
            room_id=d["room"].pk,
            id_number=d["id_number"],
            checked_registration=d["checked_registration"],
            checked_temperature=d["checked_temperature"],
            checked_health=d["checked_health"],
        )


class SiteSetupView(SiteAction):
    """Add a room or bind a site staff account to the site (QUARANTINE_CONFIGURE)."""

    capability = QUARANTINE_CONFIGURE

    def success_text(self) -> str:
        return _("已添加房间") if self.request.POST.get("number") else _("已绑定工作人员")

    def perform(self, site):
        post, user = self.request.POST, self.request.user
        if post.get("number"):
            return services.room_add(actor=user, site_id=site.pk, number=post["number"])
        staff = User.objects.filter(username=post.get("username", "").strip()).first()
        return services.staff_bind(actor=user, site_id=site.pk, user_id=staff.pk if staff else None)


class StayCheckOutView(ServiceActionView):
    capability = SITE_OPERATE
    model = Stay
    action = "view"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        stay = self.get_object()
        run_action(
            request,
            lambda: services.stay_check_out(actor=request.user, stay_id=stay.pk),
            _("已办理退房"),
        )
        return HttpResponseRedirect(_detail_url(stay.site_id))
