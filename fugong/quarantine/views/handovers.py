"""The handover inbox between communities and its two answers: accept, or return with a reason."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fugong.core.access import RETURNEE_REGISTER
from fugong.core.web.views import KitView

from .. import selectors, services
from ..forms import (
    ReasonForm,
)
from .returnees import _returnee_action


@login_required
@require_POST
def returnee_accept(request, pk):
    return _returnee_action(
        request, pk, lambda: services.handover_accept(actor=request.user, returnee_id=pk), _("已接收")
    )


@login_required
@require_POST
def returnee_return(request, pk):
    reason = request.POST.get("reason", "")
    return _returnee_action(
        request,
        pk,
        lambda: services.handover_return(actor=request.user, returnee_id=pk, reason=reason),
        _("已退回登记单位"),
    )


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
