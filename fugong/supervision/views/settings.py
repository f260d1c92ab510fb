"""The district's supervision settings: the checklist, the escalation policy and the windows."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import access
from fugong.core.web.forms import apply_service_errors
from fugong.core.web.views import KitView

from .. import selectors, services
from ..forms import ChecklistItemForm, WindowForm
from ..models import EscalationPolicy


class SettingsView(KitView):
    """Three forms on one page, told apart by ``action``: the window, a new checklist item, the end
    of an item. Each saved goes back to the page with a message; bad input shows the page again."""

    capability = access.SUPERVISION_CONFIGURE
    template_name = "supervision/settings.html"

    def get_context_data(self, **kwargs):
        policy = self.policy
        kwargs.setdefault(
            "window_form", WindowForm(initial={"window_days": policy.window_days if policy else 90})
        )
        kwargs.setdefault("item_form", ChecklistItemForm(initial={"effective_from": timezone.localdate()}))
        return super().get_context_data(checklist=selectors.checklist(), policy=policy, **kwargs)

    @property
    def policy(self):
        return EscalationPolicy.objects.order_by("pk").first()

    def post(self, request, *args, **kwargs):
        action, user, forms = request.POST.get("action"), request.user, {}
        try:
            if action == "window":
                forms["window_form"] = form = WindowForm(request.POST)
                if form.is_valid():
                    services.window_update(actor=user, **form.cleaned_data)
                    return self.saved(_("违规累计期限已保存。"))
            elif action == "item":
                forms["item_form"] = form = ChecklistItemForm(request.POST)
                if form.is_valid():
                    services.checklist_item_add(actor=user, **form.cleaned_data)
                    return self.saved(_("检查项已保存。"))
            elif action == "end" and request.POST.get("item", "").isdigit():
                services.checklist_item_end(
                    actor=user, item_id=int(request.POST["item"]), last_day=timezone.localdate()
                )
                return self.saved(_("检查项已停用。"))
        except ValidationError as exc:
            context = self.get_context_data(**forms)
            apply_service_errors(context["item_form" if action == "item" else "window_form"], exc)
            return self.render_to_response(context)
        return self.render_to_response(self.get_context_data(**forms))

    def saved(self, message: str):
        messages.success(self.request, message)
        return redirect("supervision:settings")
