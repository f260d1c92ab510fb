"""The district's supervision settings: the checklist, the escalation policy and the windows."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fugong.core import access
from fugong.core.decorators import capability_required
from fugong.core.web.forms import apply_service_errors

from .. import selectors, services
from ..forms import (
    ChecklistItemForm,
    WindowForm,
)
from ..models import EscalationPolicy


@capability_required(access.SUPERVISION_CONFIGURE)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    user = request.user
    policy = EscalationPolicy.objects.order_by("pk").first()
    window_form = WindowForm(initial={"window_days": policy.window_days if policy else 90})
    item_form = ChecklistItemForm(initial={"effective_from": timezone.localdate()})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "window":
                window_form = WindowForm(request.POST)
                if window_form.is_valid():
                    services.window_update(actor=user, **window_form.cleaned_data)
                    messages.success(request, _("违规累计期限已保存。"))
                    return redirect("supervision:settings")
            elif action == "item":
                item_form = ChecklistItemForm(request.POST)
                if item_form.is_valid():
                    services.checklist_item_add(actor=user, **item_form.cleaned_data)
                    messages.success(request, _("检查项已保存。"))
                    return redirect("supervision:settings")
            elif action == "end" and request.POST.get("item", "").isdigit():
                services.checklist_item_end(
                    actor=user, item_id=int(request.POST["item"]), last_day=timezone.localdate()
                )
                messages.success(request, _("检查项已停用。"))
                return redirect("supervision:settings")
        except ValidationError as exc:
            apply_service_errors(item_form if action == "item" else window_form, exc)
    return render(
        request,
        "supervision/settings.html",
        {
            "window_form": window_form,
            "item_form": item_form,
            "checklist": selectors.checklist(),
            "policy": policy,
        },
    )
