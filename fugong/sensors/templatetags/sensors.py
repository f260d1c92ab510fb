"""``{% order_sensors order %}``: the devices bound to a home quarantine order, its recent events and
open alerts, shown on the order's page (fugong/quarantine/templates/quarantine/order_detail.html);
and ``waited_minutes`` for the alert list."""

from django import template

from fugong.core.access import QUARANTINE_MANAGE
from fugong.core.scoping import CHANGE
from fugong.quarantine.models import Measure, Order, OrderStatus

from .. import selectors

register = template.Library()


@register.inclusion_tag("sensors/_order_panel.html", takes_context=True)
def order_sensors(context, order):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.can(QUARANTINE_MANAGE):
        return {"show": False}
    panel = selectors.order_panel(user=user, order=order)
    is_home = order.kind == Measure.HOME
    can_bind = (
        is_home
        and order.status == OrderStatus.ACTIVE
        and Order.objects.visible_to(user, CHANGE).filter(pk=order.pk).exists()
    )
    return {
        **panel,
        "show": is_home or bool(panel["events"]),
        "order": order,
        "request": request,
        "can_bind": can_bind,
        "free_devices": [
            d for d in selectors.devices_free(user=user) if order.area_path.startswith(d.area_path)
        ]
        if can_bind
        else [],
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def waited_minutes(since, now) -> int:
    """Whole minutes from ``since`` to ``now`` (never negative)."""
    if since is None or now is None:
        return 0
    return max(0, int((now - since).total_seconds() // 60))
