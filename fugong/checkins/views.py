"""Pages: the phone check-in behind the QR link, the enterprise's link and QR code, alerts,
missed check-ins and flagged patterns. Thin: selectors read, services write."""

import logging
import uuid

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fugong.core.access import CHECKIN_MONITOR, CHECKIN_SUBMIT
from fugong.core.client import client_ip
from fugong.core.scoping import CHANGE, VIEW
from fugong.core.throttle import wait_message, with_retry_after
from fugong.core.web.forms import apply_service_errors
from fugong.core.web.views import KitView, ScopedDetailView, ServiceActionView
from fugong.enterprises.models import Enterprise

from . import selectors, services, throttles
from .forms import AcknowledgeForm, CheckinForm, IdentifyForm, ProxyCheckinForm, SpotCheckForm
from .models import Alert, EnterpriseLink, Flag

COOKIE = "fugong_checkin"
COOKIE_SALT = "fugong.checkins.phone"
COOKIE_AGE = 365 * 24 * 3600
PAGE_SIZE = 50
security_log = logging.getLogger("fugong.checkins.security")


class CheckinView(View):
    """The phone check-in behind the QR link: public on purpose (no sign-in — the phone identifies by
    name and ID number, remembered in a signed cookie), guesses throttled by ``throttles``; so a plain
    Django View, not a KitView. GET and POST both answer the page; ``?proxy=1`` checks in for someone else."""

    http_method_names = ["get", "post"]

    def get(self, request, code):
        return self.page(request, code)

    def post(self, request, code):
        return self.page(request, code)

    def page(self, request, code):
        link = selectors.link_by_token(code)
        if link is None:
            raise Http404
        person = self.remembered(link)
        action = request.POST.get("action")
        if request.method == "POST" and action == "forget":
            response = redirect(request.path)
            response.delete_cookie(COOKIE)
            return response
        if request.GET.get("proxy"):
            return self.proxy(link, person)
        if person is None:
            return self.identify(link)
        form = CheckinForm(request.POST if action == "checkin" else None, initial={"key": uuid.uuid4()})
        if action == "checkin" and form.is_valid():
            try:
                row, _created = self.record(link, form, person.pk)
                return render(
                    request, "checkins/phone_done.html", {"link": link, "person": person, "row": row}
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
        return render(request, "checkins/phone.html", {"link": link, "person": person, "form": form})

    def remembered(self, link):
        """The person this phone (or this account) identified as, if still on the staff list."""
        request = self.request
        identity = selectors.identity_of(request.user)
        if identity is not None and identity.enterprise_id == link.enterprise_id:
            return selectors.staff_member(enterprise_id=link.enterprise_id, person_id=identity.person_id)
        raw = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
        if raw and raw.isdigit():
            return selectors.staff_member(enterprise_id=link.enterprise_id, person_id=int(raw))
        return None

    def record(self, link, form, person_id, *, proxy=False, proxy_person=None):
        d = form.cleaned_data
        proxy_user = self.request.user if proxy else None
        return services.checkin_record(
            person_id=person_id,
            enterprise_id=link.enterprise_id,
            key=d["key"],
            temperature=d["temperature"],
            symptom=d["symptom"],
            risk_contact=d["risk_contact"],
            whereabouts=d["whereabouts"],
            proxy_user=proxy_user,
            proxy_person_id=getattr(proxy_person, "pk", None),
        )

    def throttled(self, link, form, template, context) -> HttpResponse | None:
        """The page with "try again in N minutes" (429) when this client or link has run out of
        guesses: asked before matching, so a throttled guess is never judged."""
        seconds = throttles.wait(self.request, link)
        if not seconds:
            return None
        form.add_error(None, wait_message(seconds))
        return with_retry_after(render(self.request, template, {**context, "form": form}), seconds)

    def identify(self, link):
        request = self.request
        form = IdentifyForm(request.POST if request.POST.get("action") == "identify" else None)
        if form.is_valid():
            refused = self.throttled(link, form, "checkins/phone_identify.html", {"link": link})
            if refused is not None:
                return refused
            person = selectors.staff_match(enterprise_id=link.enterprise_id, **form.cleaned_data)
            if person is None:
                throttles.failed(request, link)
                # Logged without the name or number typed: repeated failures from one address are guessing.
                security_log.warning(
                    "check-in identification failed: enterprise %s from %s",
                    link.enterprise_id,
                    client_ip(request),
                )
                form.add_error(
                    None, _("本企业员工名单中没有这个姓名和身份证号，请核对，或联系企业管理员把您加入名单")
                )
            else:
                services.identity_bind(user=request.user, person=person, enterprise=link.enterprise)
                response = redirect(request.path)
                response.set_signed_cookie(
                    COOKIE,
                    str(person.pk),
                    salt=COOKIE_SALT,
                    max_age=COOKIE_AGE,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
                return response
        return render(request, "checkins/phone_identify.html", {"link": link, "form": form})

    def proxy(self, link, proxy_person):
        """A family member (identified on this phone) or a signed-in worker checks in for someone else."""
        request = self.request
        if proxy_person is None and not request.user.is_authenticated:
            messages.info(request, _("代他人打卡前，请先核验您自己的身份"))
            return redirect(request.path)
        form = ProxyCheckinForm(request.POST or None, initial={"key": uuid.uuid4()})
        if request.method == "POST" and form.is_valid():
            context = {"link": link, "proxy_person": proxy_person}
            refused = self.throttled(link, form, "checkins/phone_proxy.html", context)
            if refused is not None:
                return refused
            d = form.cleaned_data
            person = selectors.staff_match(
                enterprise_id=link.enterprise_id, name=d["name"], id_number=d["id_number"]
            )
            if person is None:
                throttles.failed(request, link)
                form.add_error(None, _("本企业员工名单中没有这个姓名和身份证号，请核对"))
            else:
                try:
                    row, _created = self.record(link, form, person.pk, proxy=True, proxy_person=proxy_person)
                    return render(
                        request,
                        "checkins/phone_done.html",
                        {"link": link, "person": person, "row": row, "proxy": True},
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
        return render(
            request, "checkins/phone_proxy.html", {"link": link, "form": form, "proxy_person": proxy_person}
        )


class EnterpriseLinkView(ScopedDetailView):
    """The enterprise's check-in link and its QR code, for those who may change the enterprise."""

    capability = CHECKIN_MONITOR
    model = Enterprise
    action = CHANGE
    context_object_name = "enterprise"
    template_name = "checkins/enterprise_link.html"

    def get_context_data(self, **kwargs):
        link = services.link_for(enterprise=self.get_object())
        url = self.request.build_absolute_uri(reverse("checkins:checkin", args=[link.token]))
        qr = segno.make(url, error="m").svg_inline(scale=8, dark="#000", light="#fff")
        return super().get_context_data(url=url, qr=qr, **kwargs)


class AlertListView(KitView):
    capability = CHECKIN_MONITOR
    template_name = "checkins/alerts.html"

    def get_context_data(self, **kwargs):
        user, pending = self.request.user, self.request.GET.get("all") != "1"
        rows = selectors.alert_list(user=user, pending_only=pending)
        return super().get_context_data(
            page=Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page")),
            pending=pending,
            unacknowledged=selectors.alert_unacknowledged_count(user=user),
            form=AcknowledgeForm(),
        )


class AlertAckView(ServiceActionView):
    """确认预警: the outcome typed on the list, recorded by the service; back to the list."""

    capability = CHECKIN_MONITOR
    model = Alert
    action = VIEW  # the service checks the monitoring right on the alert
    http_method_names = ["post"]
    success_message = gettext_lazy("已确认预警并记录处置结果")

    def perform(self, obj):
        form = AcknowledgeForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("请填写处置结果"))
        services.alert_acknowledge(actor=self.request.user, alert=obj, outcome=form.cleaned_data["outcome"])

    def get_success_url(self, obj):
        return "checkins:alerts"


class MissedView(KitView):
    """Who of an enterprise's staff has not checked in on a day (the admin's own by default)."""

    capability = CHECKIN_MONITOR
    template_name = "checkins/missed.html"

    def get_context_data(self, **kwargs):
        user, params = self.request.user, self.request.GET
        enterprises = Enterprise.objects.visible_to(user).order_by("name")
        day = parse_date(params.get("day") or "") or timezone.localdate()
        chosen = params.get("enterprise") or (user.scope_enterprise_id or "")
        enterprise = enterprises.filter(pk=chosen).first() if str(chosen).isdigit() else None
        page = None
        if enterprise is not None:
            rows = selectors.missed_list(enterprise=enterprise, day=day)
            page = Paginator(rows, PAGE_SIZE).get_page(params.get("page"))
        return super().get_context_data(
            enterprises=enterprises.only("id", "name")[:500], enterprise=enterprise, day=day, page=page
        )


class FlagListView(KitView):
    capability = CHECKIN_MONITOR
    template_name = "checkins/flags.html"

    def get_context_data(self, **kwargs):
        open_only = self.request.GET.get("all") != "1"
        rows = selectors.flag_list(user=self.request.user, open_only=open_only)
        return super().get_context_data(
            page=Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page")),
            open_only=open_only,
            form=SpotCheckForm(),
            can_check=self.request.user.role in {"medic", "commissioner", "sysadmin"},
        )


class FlagCheckView(ServiceActionView):
    """A spot-check result for a flagged pattern (medics and commissioners); back to the list."""

    capability = CHECKIN_MONITOR
    model = Flag
    action = VIEW  # the service checks who may spot-check
    http_method_names = ["post"]
    success_message = gettext_lazy("已记录抽查结果")

    def perform(self, obj):
        form = SpotCheckForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("请选择抽查结果"))
        services.flag_spot_check(actor=self.request.user, flag=obj, **form.cleaned_data)

    def get_success_url(self, obj):
        return "checkins:flags"


class MineView(KitView):
    """An employee's own check-in: straight to their enterprise's QR page; others are told where to scan."""

    capability = CHECKIN_SUBMIT
    http_method_names = ["get"]
    template_name = "checkins/mine.html"

    def get(self, request, *args, **kwargs):
        # Only an existing link (made when the enterprise admin opened its QR page): a GET writes nothing.
        link = EnterpriseLink.objects.filter(enterprise_id=request.user.scope_enterprise_id).first()
        if request.user.scope_enterprise_id and link is not None:
            return redirect("checkins:checkin", code=link.token)
        return render(request, "checkins/mine.html", {})
