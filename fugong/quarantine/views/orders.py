"""Pages of quarantine orders: the order with its follow-up timeline, the mobile follow-up form, the
change of end date, transfer, release, and the overdue follow-ups."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fugong.core.access import QUARANTINE_MANAGE, SITE_OPERATE
from fugong.core.web.views import ScopedDetailView, ScopedListView, ScopedObjectMixin, ServiceFormView

from .. import selectors, services
from ..forms import ChangeEndForm, DeliveryForm, FollowUpForm, ReasonForm, TransferForm
from ..models import Order, OrderStatus, Stay
from .base import PAGE_SIZE, FormAction, _get


def _detail_url(order) -> str:
    return reverse("quarantine:order_detail", kwargs={"pk": order.pk})


class OrderObject(ScopedObjectMixin):
    """The order of the URL through its selector (with what the pages show of it); out of scope 404."""

    model = Order

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = _get(selectors.order_detail, user=self.request.user, pk=self.kwargs["pk"])
        return self._object


class OrderDetailView(OrderObject, ScopedDetailView):
    capabilities = (QUARANTINE_MANAGE, SITE_OPERATE)
    template_name = "quarantine/order_detail.html"
    context_object_name = "o"

    def get_context_data(self, **kwargs):
        user, order = self.request.user, self.get_object()
        return {
            **super().get_context_data(**kwargs),
            "followups": selectors.followups(user=user, order=order),
            "changes": order.changes.all(),
            "stays": Stay.objects.visible_to(user).filter(order=order).select_related("site", "room"),
            "active": order.status == OrderStatus.ACTIVE and user.can(QUARANTINE_MANAGE),
            "early": timezone.localdate() < order.planned_end,
            "change_form": ChangeEndForm(),
            "transfer_form": TransferForm(),
            "release_form": ReasonForm(),
            **_notice_panel(user, order),
        }


def _notice_panel(user, order) -> dict:
    """The release notice panel of a released order: the notice (if any) and the delivery form."""
    if order.status != OrderStatus.RELEASED or not user.can(QUARANTINE_MANAGE):
        return {}
    notice = selectors.order_notice(user=user, order=order)
    doctors = selectors.notice_doctors(order=order)
    form = DeliveryForm(doctors=doctors, initial={"with_doctor": order.doctor_id})
    return {"notice": notice, "notice_panel": True, "delivery_form": form, "revoke_form": ReasonForm()}


class OrderFollowupView(OrderObject, ServiceFormView):
    capability = QUARANTINE_MANAGE
    template_name = "quarantine/followup_form.html"
    form_class = FollowUpForm
    success_message = gettext_lazy("随访已记录")
    denied_field = NON_FIELD_ERRORS

    def get_initial(self) -> dict:
        return {"method": "phone", "status": "reached"}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "o": self.get_object()}

    def perform(self, form):
        d = form.cleaned_data
        return services.followup_record(
            actor=self.request.user,
            order_id=self.get_object().pk,
            method=d["method"],
            status=d["status"],
            temperature=d["temperature"],
            symptoms=d["symptoms"],
            note=d["note"],
        )

    def get_success_url(self, result) -> str:
        return _detail_url(self.get_object())


class OrderAction(OrderObject, FormAction):
    capability = QUARANTINE_MANAGE

    def get_success_url(self, obj) -> str:
        return _detail_url(obj)


class OrderChangeView(OrderAction):
    form_class = ChangeEndForm
    success_message = gettext_lazy("已调整解除日期")

    def perform(self, order, d):
        return services.order_change_end(
            actor=self.request.user, order_id=order.pk, new_end=d["new_end"], reason=d["reason"]
        )


class OrderTransferView(OrderAction):
    form_class = TransferForm
    success_message = gettext_lazy("已登记转院")

    def perform(self, order, d):
        return services.order_transfer(actor=self.request.user, order_id=order.pk, hospital=d["hospital"])


class OrderReleaseView(OrderAction):
    form_class = ReasonForm
    success_message = gettext_lazy("已解除隔离")

    def perform(self, order, d):
        return services.order_release(
            actor=self.request.user,
            order_id=order.pk,
            reason=d["reason"],
            base_url=self.request.build_absolute_uri("/"),
        )


class FollowupsDueView(ScopedListView):
    capability = QUARANTINE_MANAGE
    template_name = "quarantine/followups_due.html"
    page_size = PAGE_SIZE

    def base_queryset(self):
        return selectors.followups_due(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "since": selectors.half_day_start()}
