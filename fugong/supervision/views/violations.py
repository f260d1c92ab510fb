"""Pages of violations: the list, the detail with the proposed step, the decision, the proposal to
list the enterprise, and the enterprise's statement."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from fugong.core import access
from fugong.core.web.views import ServiceFormView
from fugong.enterprises.selectors import area_choices

from .. import policies, selectors, services
from ..choices import ViolationStatus
from ..forms import DecisionForm, ReasonForm, StatementForm, ViolationFilterForm
from .base import INELIGIBLE, DetailFormPost, DetailPage, ReaderView, _area_path, _page


class ViolationListView(ReaderView):
    template_name = "supervision/violation_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = ViolationFilterForm(self.request.GET or None, area_choices=area_choices(user=user))
        data = form.cleaned_data if form.is_valid() else {}
        qs = selectors.violation_list(
            user=user, status=data.get("status", ""), area_path=_area_path(user, data.get("area", ""))
        )
        return super().get_context_data(
            form=form, page=_page(self.request, qs), ineligible_text=INELIGIBLE, **kwargs
        )


def _may_state(user, violation) -> bool:
    """The enterprise's own admin answers with a statement."""
    return user.role == access.Role.ENTERPRISE_ADMIN and user.scope_enterprise_id == violation.enterprise_id


class ViolationPage(DetailPage):
    selector = selectors.violation_detail
    template_name = "supervision/violation_detail.html"
    detail_url = "supervision:violation_detail"

    def page_context(self, violation, **forms) -> dict:
        user = self.request.user
        listing = selectors.live_listing(violation.enterprise)
        may_decide = user.can(access.VIOLATION_DECIDE) and policies.allows(user, policies.DECIDE, violation)
        return {
            "violation": violation,
            "listing": listing,
            "listed": bool(listing and listing.is_listed),
            "ineligible_text": INELIGIBLE,
            "statements": list(violation.statements.select_related("author")),
            "timeline": selectors.timeline(violation=violation),
            "can_decide": may_decide and violation.status == ViolationStatus.PENDING,
            "can_propose": (
                may_decide
                and violation.status != ViolationStatus.PENDING
                and violation.sequence >= 3
                and listing is None
            ),
            "can_state": _may_state(user, violation),
            "decision_form": forms.get("decision_form")
            or DecisionForm(initial={"step": violation.proposed_step, "version": violation.version}),
            "listing_form": forms.get("listing_form") or ReasonForm(),
            "statement_form": forms.get("statement_form") or StatementForm(),
        }


class ViolationDetailView(ViolationPage, ReaderView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.page_context(self.get_object()), **kwargs)


class ViolationDecideView(ViolationPage, DetailFormPost):
    capability = access.VIOLATION_DECIDE
    form_class = DecisionForm
    form_name = "decision_form"
    success_message = gettext_lazy("处理决定已确认。")

    def perform(self, violation, data):
        return services.violation_decide(actor=self.request.user, violation_id=violation.pk, **data)


class ViolationListingProposeView(ViolationPage, DetailFormPost):
    """The proposal to list the enterprise; it takes effect when a second officer confirms it."""

    capability = access.VIOLATION_DECIDE
    form_class = ReasonForm
    form_name = "listing_form"
    success_message = gettext_lazy("已提议列入不诚信企业名单，待另一名有确认权限的干部确认后生效。")

    def perform(self, violation, data):
        return services.listing_propose(
            actor=self.request.user, violation_id=violation.pk, reason=data["reason"]
        )

    def success_redirect(self, violation, listing):
        return redirect("supervision:listing_detail", listing.pk)


class ViolationStatementView(ViolationPage, ServiceFormView):
    """The enterprise's statement on a violation of its own (its admin only, else 403)."""

    form_class = StatementForm
    template_name = "supervision/violation_statement.html"
    success_message = gettext_lazy("陈述已提交，处理干部可以看到。")
    invalid_status = 200

    def get_object(self):
        violation = super().get_object()
        if not _may_state(self.request.user, violation):
            raise PermissionDenied
        return violation

    def get_form(self):
        self.get_object()  # in scope (404) and the enterprise's own (403) before the form
        return super().get_form()

    def get_context_data(self, **kwargs):
        return super().get_context_data(violation=self.get_object(), **kwargs)

    def perform(self, form):
        return services.statement_add(
            actor=self.request.user, violation_id=self.get_object().pk, text=form.cleaned_data["text"]
        )

    def get_success_url(self, statement):
        return reverse("supervision:violation_detail", args=[self.get_object().pk])
