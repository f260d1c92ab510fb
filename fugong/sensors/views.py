"""Door-sensor pages: the live alert list of the home quarantines in scope, and the devices.

The alert page stays live by polling a small fragment every 3 s with HTMX (204 when nothing is new,
and HTMX swaps nothing on a 204). Polling, not server-sent events: under gunicorn's sync or gthread
workers every open SSE connection would hold a worker (or a thread) for as long as the page is
open, and a street's worth of open pages would starve everyone else; a poll is one short request.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.actions import run_action
from fugong.core.decorators import capability_required
from fugong.core.scoping import get_visible_or_404
from fugong.core.web.forms import apply_service_errors
from fugong.core.web.views import KitView

from . import selectors, services
from .forms import BindForm, CloseForm, DeviceForm
from .models import Alert, AlertStatus, Device

PENDING_LIMIT = 200


_act = run_action


def _back(request, default: str):
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


@capability_required(QUARANTINE_MANAGE)
@require_POST
def alert_ack(request, pk):
    alert = get_visible_or_404(Alert, request.user, pk=pk)
    _act(
        request,
        lambda: services.alert_acknowledge(actor=request.user, alert_id=alert.pk),
        _("已确认，请尽快处置"),
    )
    return _back(request, "sensors:alert_list")


@capability_required(QUARANTINE_MANAGE)
@require_POST
def alert_close(request, pk):
    alert = get_visible_or_404(Alert, request.user, pk=pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择处置结果"))
        return _back(request, "sensors:alert_list")
    d = form.cleaned_data
    _act(
        request,
        lambda: services.alert_close(
            actor=request.user, alert_id=alert.pk, outcome=d["outcome"], note=d["note"]
        ),
        _("告警已办结"),
    )
    return _back(request, "sensors:alert_list")


# Devices -----------------------------------------------------------------------------------------


def _areas(user):
    if user.is_sysadmin:
        return Area.objects.order_by("path")
    return Area.objects.filter(path__startswith=user.area_scope_path or "\0").order_by("path")


def _device_page(request, *, form=None, secret=None, secret_device=None, status=200):
    user = request.user
    response = render(
        request,
        "sensors/device_list.html",
        {
            "devices": list(selectors.device_list(user=user)),
            "form": form or DeviceForm(areas=_areas(user)),
            "bind_form": BindForm(
                devices=selectors.devices_free(user=user), orders=selectors.bindable_orders(user=user)
            ),
            "secret": secret,
            "secret_device": secret_device,
            "refused": selectors.refused_recent(user=user, limit=10),
        },
        status=status,
    )
    return response


@never_cache
@capability_required(QUARANTINE_MANAGE)
@require_http_methods(["GET", "POST"])
def device_list(request):
    """The devices in scope; registering one shows its secret on this response only."""
    if request.method == "GET":
        return _device_page(request)
    form = DeviceForm(request.POST, areas=_areas(request.user))
    if form.is_valid():
        d = form.cleaned_data
        try:
            device, secret = services.device_register(
                actor=request.user,
                device_id=d["device_id"],
                kind=d["kind"],
                area_id=d["area"].pk if d["area"] else None,
                note=d["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return _device_page(request, secret=secret, secret_device=device)
    return _device_page(request, form=form, status=400)


@never_cache
@capability_required(QUARANTINE_MANAGE)
@require_POST
def device_rotate(request, pk):
    device = get_visible_or_404(Device, request.user, pk=pk)
    try:
        device, secret = services.device_secret_rotate(actor=request.user, device_pk=device.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("sensors:device_list")
    return _device_page(request, secret=secret, secret_device=device)


@capability_required(QUARANTINE_MANAGE)
@require_POST
def device_unbind(request, pk):
    device = get_visible_or_404(Device, request.user, pk=pk)
    _act(
        request,
        lambda: services.device_unbind(
            actor=request.user, device_pk=device.pk, reason=request.POST.get("reason", "")
        ),
        _("已解绑"),
    )
    return _back(request, "sensors:device_list")


@capability_required(QUARANTINE_MANAGE)
@require_POST
def device_active(request, pk):
    device = get_visible_or_404(Device, request.user, pk=pk)
    active = request.POST.get("active") == "1"
    _act(
        request,
        lambda: services.device_set_active(actor=request.user, device_pk=device.pk, active=active),
        _("设备已启用") if active else _("设备已停用，其上报的事件将被拒绝"),
    )
    return redirect("sensors:device_list")


@capability_required(QUARANTINE_MANAGE)
@require_POST
def bind(request):
    """Bind a device to a home quarantine (from the device page or the order's page)."""
    user = request.user
    form = BindForm(
        request.POST, devices=selectors.devices_free(user=user), orders=selectors.bindable_orders(user=user)
    )
    if not form.is_valid():
        messages.error(request, _("请选择一个空闲设备和一户正在居家隔离的人员"))
        return _back(request, "sensors:device_list")
    d = form.cleaned_data
    _act(
        request,
        lambda: services.device_bind(actor=user, device_pk=d["device"].pk, order_id=d["order"].pk),
        _("已绑定：%(device)s → %(name)s")
        % {"device": d["device"].device_id, "name": d["order"].person.name},
    )
    return _back(request, "sensors:device_list")
