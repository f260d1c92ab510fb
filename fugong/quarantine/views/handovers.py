"""The handover inbox between communities and its two answers: accept, or return with a reason."""

from django.utils.translation import gettext_lazy

from fugong.core.access import RETURNEE_REGISTER
from fugong.core.web.views import KitView

from .. import selectors, services
from ..forms import (
    ReasonForm,
)
from .returnees import ReturneeAction


class ReturneeAcceptView(ReturneeAction):
    success_message = gettext_lazy("已接收")

    def perform(self):
        return services.handover_accept(actor=self.request.user, returnee_id=self.kwargs["pk"])


class ReturneeReturnView(ReturneeAction):
    success_message = gettext_lazy("已退回登记单位")

    def perform(self):
        reason = self.request.POST.get("reason", "")
        return services.handover_return(actor=self.request.user, returnee_id=self.kwargs["pk"], reason=reason)


class HandoversView(KitView):
    """The inbox of returnees handed over to the user's communities, and what they sent."""

    capability = RETURNEE_REGISTER
    template_name = "quarantine/handovers.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "inbox": selectors.handover_inbox(user=user),
            "sent": selectors.handovers_sent(user=user)[:100],
            "return_form": ReasonForm(),
        }
