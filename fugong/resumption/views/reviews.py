"""Pages of the review of filings: the street's queue and decision on a filing's page, overdue
filings for the level above, and bulk filing of individual businesses by their community.

Each view is a kit class (fugong/core/web): it holds its capability (403), reads through
``selectors.filings`` (out of scope is a 404) and leaves every write to the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property

from fugong.core import access
from fugong.core.web.views import KitView, ScopedObjectMixin, ServiceFormView
from fugong.enterprises.choices import Category

from .. import services
from ..choices import FilingStatus
from ..forms.filings import BulkFilingForm, DecisionForm
from ..selectors import filings as selectors
from .base import PAGE_SIZE

ROSTER_SHOWN = 300


# --- review -----------------------------------------------------------------------------------------


class ReviewQueueView(KitView):
    """The filings waiting for the reviewer's street, by priority."""

    capability = access.FILING_REVIEW
    template_name = "resumption/review_queue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        f = selectors.QueueFilter.from_params(self.request.GET)
        queue = selectors.review_queue(user=user, f=f)
        page = Paginator(queue, PAGE_SIZE).get_page(self.request.GET.get("page"))
        now = timezone.now()
        rows = [
            {
                "filing": x,
                "parts": selectors.score_parts(x),
                "overdue": selectors.is_overdue(x, now),
                "unmet": len(x.unmet_conditions or []),
            }
            for x in page
        ]
        return super().get_context_data(
            page=page,
            rows=rows,
            f=f,
            categories=Category.choices,
            filtered=bool(f.category or f.overdue),
            weights=selectors.SCORE_PARTS,
            can_bulk=user.can(access.FILING_BULK),
            **kwargs,
        )


class ReviewOverdueView(KitView):
    """Overdue filings for the level above, grouped by the unit holding them."""

    capability = access.FILING_OVERSEE
    template_name = "resumption/review_overdue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        page = Paginator(selectors.overdue_filings(user=user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        groups = selectors.overdue_by_holder(user=user)
        return super().get_context_data(groups=groups, page=page, now=timezone.now(), **kwargs)


class FilingDetailView(ScopedObjectMixin, KitView):
    """One filing for its enterprise, its officials and its reviewers; a reviewer in scope decides it
    here (POST). Out of scope is a 404; a decision from outside the review scope a 403."""

    capabilities = (access.FILING_SUBMIT, access.FILING_REVIEW, access.REPORT_MONITOR)
    template_name = "resumption/filing_detail.html"

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = selectors.filing_detail(user=self.request.user, pk=self.kwargs["pk"])
        return self._object

    def get(self, request, *args, **kwargs):
        filing = self.get_object()
        can_decide = selectors.can_decide(user=request.user, filing=filing)
        form = DecisionForm(initial={"version": filing.version}) if can_decide else None
        return self.page(form, can_decide)

    def post(self, request, *args, **kwargs):
        user, filing = request.user, self.get_object()
        can_decide = selectors.can_decide(user=user, filing=filing)
        if not selectors.in_review_scope(user=user, filing=filing):
            raise PermissionDenied  # a reviewer in scope whom someone beat to it gets the service's message
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decided = services.filing_decide(actor=user, filing_id=filing.pk, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"已办理：{decided.get_status_display()}。")
                return redirect("resumption:filing_detail", pk=filing.pk)
        return self.page(form, can_decide, status=400)

    def page(self, form, can_decide: bool, status: int = 200):
        user, filing = self.request.user, self.get_object()
        roster = selectors.roster_of(filing=filing)
        context = self.get_context_data(
            filing=filing,
            form=form,
            can_decide=can_decide,
            unmet_now=selectors.unmet_now(
                filing=filing, assume_signed=filing.status in (FilingStatus.DRAFT, FilingStatus.RETURNED)
            ),
            conditions=selectors.conditions_checked(filing=filing),
            parts=selectors.score_parts(filing),
            overdue=selectors.is_overdue(filing),
            transitions=selectors.transitions_of(filing=filing),
            roster=roster[:ROSTER_SHOWN],
            roster_count=roster.count(),
            roster_shown=ROSTER_SHOWN,
            is_own=user.scope_enterprise_id == filing.enterprise_id,
            can_review=user.can(access.FILING_REVIEW),
        )
        return self.render_to_response(context, status=status)


# --- bulk filing of individual businesses ----------------------------------------------------------


class BulkFilingView(ServiceFormView):
    """A community worker files for several individual businesses at once; any refusal of the service
    is one line over the form."""

    capability = access.FILING_BULK
    form_class = BulkFilingForm
    template_name = "resumption/bulk_filing.html"

    @cached_property
    def candidates(self):
        return selectors.bulk_candidates(user=self.request.user)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "candidates": self.candidates}

    def perform(self, form):
        try:
            self.filed = services.individual_bulk_file(
                actor=self.request.user,
                enterprises=form.cleaned_data["enterprises"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
        return self.filed

    @property
    def success_message(self):
        return f"已代为备案 {len(self.filed)} 户，状态均为“已备案”。"

    def get_success_url(self, result) -> str:
        return "resumption:bulk_filing"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=Paginator(self.candidates, 200).get_page(self.request.GET.get("page")),
            chosen={str(v) for v in self.request.POST.getlist("enterprises")},
            **kwargs,
        )
