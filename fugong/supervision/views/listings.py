"""Pages of the dishonesty list (不诚信企业名单): the list, one listing, its approval by two officers
and its removal."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from fugong.core import access

from .. import policies, selectors, services
from ..choices import ListingStatus
from ..forms import ApproveForm, ReasonForm
from .base import INELIGIBLE, DetailFormPost, DetailPage, ReaderView, _page


class ListingListView(ReaderView):
    template_name = "supervision/listing_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        status = status if status in ListingStatus.values else ""
        qs = selectors.listing_list(user=self.request.user, status=status)
        return super().get_context_data(
            page=_page(self.request, qs),
            status=status,
            statuses=ListingStatus.choices,
            ineligible_text=INELIGIBLE,
            **kwargs,
        )


class ListingPage(DetailPage):
    selector = selectors.listing_detail
    template_name = "supervision/listing_detail.html"
    detail_url = "supervision:listing_detail"

    def page_context(self, listing, **forms) -> dict:
        user = self.request.user
        pending = listing.status in (ListingStatus.PROPOSED, ListingStatus.REMOVAL_PROPOSED)
        return {
            "listing": listing,
            "ineligible_text": INELIGIBLE,
            "timeline": selectors.timeline(violation=listing.violation),
            "can_approve": pending
            and user.can(access.DISHONESTY_APPROVE)
            and policies.allows(user, policies.APPROVE, listing),
            "can_remove": listing.status == ListingStatus.ACTIVE
            and policies.allows(user, policies.REMOVE, listing),
            "approve_form": forms.get("approve_form") or ApproveForm(initial={"version": listing.version}),
            "remove_form": forms.get("remove_form") or ReasonForm(initial={"version": listing.version}),
        }


class ListingDetailView(ListingPage, ReaderView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.page_context(self.get_object()), **kwargs)


class ListingApproveView(ListingPage, DetailFormPost):
    """The second officer's confirmation (or refusal) of a proposal to list or to remove."""

    capability = access.DISHONESTY_APPROVE
    form_class = ApproveForm
    form_name = "approve_form"
    success_message = gettext_lazy("确认意见已保存。")

    def perform(self, listing, data):
        return services.listing_approve(
            actor=self.request.user,
            listing_id=listing.pk,
            version=data["version"],
            approve=data["decision"] == "approve",
            reason=data["reason"],
        )


class ListingRemoveView(ListingPage, DetailFormPost):
    """The proposal to remove a listing, by an officer who decides violations or confirms listings."""

    form_class = ReasonForm
    form_name = "remove_form"
    success_message = gettext_lazy("已提议移出，待另一名有确认权限的干部确认后生效。")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            user.can(access.VIOLATION_DECIDE) or user.can(access.DISHONESTY_APPROVE)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, listing, data):
        return services.listing_request_removal(
            actor=self.request.user, listing_id=listing.pk, version=data["version"], reason=data["reason"]
        )
