"""Pages of violations: the list, the detail with the proposed step, the decision, the proposal to
list the enterprise, and the enterprise's statement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.core import access
from fugong.core.decorators import capability_required
from fugong.core.web.forms import apply_service_errors
from fugong.enterprises.selectors import area_choices

from .. import policies, selectors, services
from ..choices import ViolationStatus
from ..forms import (
    DecisionForm,
    ReasonForm,
    StatementForm,
    ViolationFilterForm,
)
from .base import INELIGIBLE, _area_path, _page, _require_reader, _taken_or_onto


@login_required
@require_GET
def violations(request):
    user = request.user
    _require_reader(user)
    form = ViolationFilterForm(request.GET or None, area_choices=area_choices(user=user))
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.violation_list(
        user=user, status=data.get("status", ""), area_path=_area_path(user, data.get("area", ""))
    )
    return render(
        request,
        "supervision/violation_list.html",
        {"form": form, "page": _page(request, qs), "ineligible_text": INELIGIBLE},
    )


def _violation_context(request, violation, **forms):
    user = request.user
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
        "can_state": user.role == access.Role.ENTERPRISE_ADMIN
        and user.scope_enterprise_id == violation.enterprise_id,
        "decision_form": forms.get("decision_form")
        or DecisionForm(initial={"step": violation.proposed_step, "version": violation.version}),
        "listing_form": forms.get("listing_form") or ReasonForm(),
        "statement_form": forms.get("statement_form") or StatementForm(),
    }


@login_required
@require_GET
def violation_detail(request, pk: int):
    _require_reader(request.user)
    violation = selectors.violation_detail(user=request.user, pk=pk)
    return render(request, "supervision/violation_detail.html", _violation_context(request, violation))


@capability_required(access.VIOLATION_DECIDE)
@require_POST
def violation_decide(request, pk: int):
    user = request.user
    violation = selectors.violation_detail(user=user, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.violation_decide(actor=user, violation_id=violation.pk, **form.cleaned_data)
        except ValidationError as exc:
            if response := _taken_or_onto(request, form, exc, violation.pk, "supervision:violation_detail"):
                return response
        else:
            messages.success(request, _("处理决定已确认。"))
            return redirect("supervision:violation_detail", violation.pk)
    return render(
        request,
        "supervision/violation_detail.html",
        _violation_context(request, violation, decision_form=form),
        status=422,
    )


@capability_required(access.VIOLATION_DECIDE)
@require_POST
def violation_listing_propose(request, pk: int):
    user = request.user
    violation = selectors.violation_detail(user=user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            listing = services.listing_propose(
                actor=user, violation_id=violation.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            if response := _taken_or_onto(request, form, exc, violation.pk, "supervision:violation_detail"):
                return response
        else:
            messages.success(request, _("已提议列入不诚信企业名单，待另一名有确认权限的干部确认后生效。"))
            return redirect("supervision:listing_detail", listing.pk)
    return render(
        request,
        "supervision/violation_detail.html",
        _violation_context(request, violation, listing_form=form),
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def violation_statement(request, pk: int):
    user = request.user
    violation = selectors.violation_detail(user=user, pk=pk)
    if user.role != access.Role.ENTERPRISE_ADMIN or user.scope_enterprise_id != violation.enterprise_id:
        raise PermissionDenied
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_add(actor=user, violation_id=violation.pk, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("陈述已提交，处理干部可以看到。"))
            return redirect("supervision:violation_detail", violation.pk)
    return render(request, "supervision/violation_statement.html", {"violation": violation, "form": form})
