"""The district's resumption settings page: modes per category, dated conditions, commitment text."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone

from fugong.core import access
from fugong.core.web.views import KitView
from fugong.enterprises.choices import Category

from .. import services
from ..choices import ConditionRule
from ..forms.filings import (
    CommitmentForm,
    ConditionAddForm,
    ConditionEndForm,
    PolicyForm,
)
from ..selectors import filings as selectors

# --- the district's settings -----------------------------------------------------------------------


def _settings_forms(post=None, action=""):
    bound = {name: post if action == name else None for name in ("condition_add", "commitment")}
    current = selectors.commitment_current()
    return {
        "policy_forms": [
            (
                p,
                PolicyForm(
                    post if action == "policy" else None,
                    prefix=p.category,
                    initial={"mode": p.mode, "review_working_days": p.review_working_days},
                ),
            )
            for p in selectors.policies()
        ],
        "condition_form": ConditionAddForm(
            bound["condition_add"], initial={"effective_from": timezone.localdate()}
        ),
        "commitment_form": CommitmentForm(
            bound["commitment"],
            initial={"text": current.text if current else "", "effective_from": timezone.localdate()},
        ),
        "end_form": ConditionEndForm(post if action == "condition_end" else None),
    }


def _run(form, call) -> bool:
    try:
        call()
    except ValidationError as exc:
        form.add_service_errors(exc)
        return False
    return True


def _settings_post(request, forms, action) -> bool:
    user = request.user
    if action == "policy":
        pairs = forms["policy_forms"]
        if not all(f.is_valid() for _, f in pairs):
            return False
        changed = [
            (p, f)
            for p, f in pairs
            if p.pk is None
            or (f.cleaned_data["mode"], f.cleaned_data["review_working_days"])
            != (p.mode, p.review_working_days)
        ]
        for p, f in changed:
            services.policy_update(actor=user, category=p.category, **f.cleaned_data)
        messages.success(request, f"复工方式已保存（{len(changed)} 个类别有变更）。")
        return True
    if action == "condition_add":
        f = forms["condition_form"]
        if f.is_valid() and _run(f, lambda: services.condition_add(actor=user, **f.cleaned_data)):
            messages.success(
                request,
                f"已新增条件「{f.cleaned_data['title']}」，{f.cleaned_data['effective_from']} 起生效。",
            )
            return True
        return False
    if action == "condition_end":
        f = forms["end_form"]
        if f.is_valid() and _run(f, lambda: services.condition_end(actor=user, **f.cleaned_data)):
            messages.success(request, f"该条件将于 {f.cleaned_data['effective_to']} 之后不再适用。")
            return True
        if f.errors:
            messages.error(request, "；".join(m for msgs in f.errors.values() for m in msgs))
        return False
    if action == "commitment":
        f = forms["commitment_form"]
        if f.is_valid() and _run(f, lambda: services.commitment_publish(actor=user, **f.cleaned_data)):
            messages.success(
                request,
                f"已发布承诺书 {f.cleaned_data['version']}，{f.cleaned_data['effective_from']} 起使用。",
            )
            return True
    return False


class SettingsPageView(KitView):
    """One page, four forms: the posted ``action`` names the one to validate and save; a saved form
    goes back to the page, a refused one shows the page again with its errors (400)."""

    capability = access.RESUMPTION_CONFIGURE
    template_name = "resumption/settings_page.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(**_settings_forms(), action=""))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        forms = _settings_forms(request.POST if action else None, action)
        if action and _settings_post(request, forms, action):
            return redirect("resumption:settings")
        status = 400 if action else 200
        return self.render_to_response(self.get_context_data(**forms, action=action), status=status)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            today=today,
            conditions=selectors.conditions_overview(on=today),
            codes=selectors.condition_codes(),
            commitments=selectors.commitment_versions(),
            rules=ConditionRule.choices,
            categories=dict(Category.choices),
            **kwargs,
        )
