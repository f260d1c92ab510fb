"""Door-sensor pages: the live alert list of the home quarantines in scope, and the devices.

The alert page stays live by polling a small fragment every 3 s with HTMX (204 when nothing is new,
and HTMX swaps nothing on a 204). Polling, not server-sent events: under gunicorn's sync or gthread
workers every open SSE connection would hold a worker (or a thread) for as long as the page is
open, and a street's worth of open pages would starve everyone else; a poll is one short request.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.actions import run_action
from fugong.core.scoping import VIEW
from fugong.core.web.views import KitView, ServiceActionView, ServiceFormView

from . import selectors, services
from .forms import BindForm, CloseForm, DeviceForm
from .models import Alert, AlertStatus, Device

PENDING_LIMIT = 200


def _back(request, default: str):
    """Back to the page that posted (``next``, on this site only), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


# Alerts ------------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class AlertListView(KitView):
    capability = QUARANTINE_MANAGE
    template_name = "sensors/alert_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        # The newest id first: an alert arriving meanwhile comes through the poll, not twice.
        latest_id = selectors.latest_alert_id(user=user)
        pending = list(selectors.alerts_pending(user=user).filter(pk__lte=latest_id)[:PENDING_LIMIT])
        return super().get_context_data(
            pending=pending,
            closed=list(selectors.alerts_closed(user=user)[:20]),
            latest_id=latest_id,
            open_count=sum(a.status == AlertStatus.OPEN for a in pending),
            now=timezone.now(),
            close_form=CloseForm(),
        )


@method_decorator(never_cache, name="dispatch")
class AlertPollView(KitView):
    """New alerts since ``after`` (the newest id the page has), or 204 so that nothing is swapped."""

    capability = QUARANTINE_MANAGE
    template_name = "sensors/_alert_poll.html"

    def get(self, request, *args, **kwargs):
        after = request.GET.get("after", "")
        if not after.isdigit() or len(after) > 18:
            return HttpResponse(status=204)
        new = selectors.alerts_after(user=request.user, after_id=int(after))
        if not new:
            return HttpResponse(status=204)
        return self.render_to_response(
            self.get_context_data(
                alerts=new,
                latest_id=new[0].pk,
                open_count=selectors.open_count(user=request.user),
                now=timezone.now(),
                close_form=CloseForm(),
                fresh=True,
            )
        )


class SensorAction(ServiceActionView):
    """A button on an alert card or a device row (POST only): the row in the user's scope (else 404),
    the service's refusal as a message, then back to the page that posted."""

    capability = QUARANTINE_MANAGE
    action = VIEW  # the services check their own action and answer in a message
    http_method_names = ["post"]
    back_to = "sensors:alert_list"

    def success_text(self, obj) -> str:
        return str(self.success_message)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        run_action(request, lambda: self.perform(obj), self.success_text(obj))
        return _back(request, self.back_to)


class AlertAckView(SensorAction):
    model = Alert
    success_message = gettext_lazy("已确认，请尽快处置")

    def perform(self, alert):
        return services.alert_acknowledge(actor=self.request.user, alert_id=alert.pk)


class AlertCloseView(SensorAction):
    model = Alert
    success_message = gettext_lazy("告警已办结")

    def post(self, request, *args, **kwargs):
        self.form = CloseForm(request.POST)
        if not self.form.is_valid():
            self.get_object()  # out of scope is still a 404, before the form's complaint
            messages.error(request, _("请选择处置结果"))
            return _back(request, self.back_to)
        return super().post(request, *args, **kwargs)

    def perform(self, alert):
        d = self.form.cleaned_data
        return services.alert_close(
            actor=self.request.user, alert_id=alert.pk, outcome=d["outcome"], note=d["note"]
        )


# Devices -----------------------------------------------------------------------------------------


def _areas(user):
    if user.is_sysadmin:
        return Area.objects.order_by("path")
    return Area.objects.filter(path__startswith=user.area_scope_path or "\0").order_by("path")


class DevicePage:
    """The device page: the devices in scope, the register and bind forms, the secret just issued."""

    template_name = "sensors/device_list.html"
    secret = secret_device = None

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            devices=list(selectors.device_list(user=user)),
            form=kwargs.pop("form", None) or DeviceForm(areas=_areas(user)),
            bind_form=BindForm(
                devices=selectors.devices_free(user=user), orders=selectors.bindable_orders(user=user)
            ),
            secret=self.secret,
            secret_device=self.secret_device,
            refused=selectors.refused_recent(user=user, limit=10),
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class DeviceListView(DevicePage, ServiceFormView):
    """The devices in scope; registering one shows its secret on this response only."""

    capability = QUARANTINE_MANAGE
    form_class = DeviceForm
    denied_field = NON_FIELD_ERRORS

    def get_form_kwargs(self):
        return {"areas": _areas(self.request.user)}

    def perform(self, form):
        d = form.cleaned_data
        self.secret_device, self.secret = services.device_register(
            actor=self.request.user,
            device_id=d["device_id"],
            kind=d["kind"],
            area_id=d["area"].pk if d["area"] else None,
            note=d["note"],
        )
        return self.secret_device

    def success_response(self, device):
        return self.render_to_response(self.get_context_data())


@method_decorator(never_cache, name="dispatch")
class DeviceRotateView(DevicePage, ServiceActionView):
    """A new secret for the device, shown on this response only (not a redirect: it must not be
    stored in the session or the history)."""

    capability = QUARANTINE_MANAGE
    model = Device
    action = VIEW
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        device = self.get_object()
        try:
            self.secret_device, self.secret = services.device_secret_rotate(
                actor=request.user, device_pk=device.pk
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("sensors:device_list")
        return self.render_to_response(self.get_context_data())


class DeviceUnbindView(SensorAction):
    model = Device
    back_to = "sensors:device_list"
    success_message = gettext_lazy("已解绑")

    def perform(self, device):
        reason = self.request.POST.get("reason", "")
        return services.device_unbind(actor=self.request.user, device_pk=device.pk, reason=reason)


class DeviceActiveView(SensorAction):
    model = Device

    @property
    def active(self) -> bool:
        return self.request.POST.get("active") == "1"

    def success_text(self, device) -> str:
        return _("设备已启用") if self.active else _("设备已停用，其上报的事件将被拒绝")

    def perform(self, device):
        return services.device_set_active(actor=self.request.user, device_pk=device.pk, active=self.active)

    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return redirect("sensors:device_list")  # the device page, whatever ``next`` says


class BindView(KitView):
    """Bind a device to a home quarantine (from the device page or the order's page)."""

    capability = QUARANTINE_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        user = request.user
        form = BindForm(
            request.POST,
            devices=selectors.devices_free(user=user),
            orders=selectors.bindable_orders(user=user),
        )
        if not form.is_valid():
            messages.error(request, _("请选择一个空闲设备和一户正在居家隔离的人员"))
            return _back(request, "sensors:device_list")
        d = form.cleaned_data
        run_action(
            request,
            lambda: services.device_bind(actor=user, device_pk=d["device"].pk, order_id=d["order"].pk),
            _("已绑定：%(device)s → %(name)s")
            % {"device": d["device"].device_id, "name": d["order"].person.name},
        )
        return _back(request, "sensors:device_list")
