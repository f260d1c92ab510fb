"""Pages of supervision: coverage, inspections (the mobile form, list, detail, photos), violations
with the proposed step, the enterprise's statement, the dishonesty list and the district settings.

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.accounts import roles
from fugong.areas.models import Area
from fugong.core import uploads
from fugong.core.scoping import CHANGE
from fugong.core.xlsx import export_response, export_watermark
from fugong.enterprises.selectors import area_choices

from . import coverage as coverage_mod
from . import policies, selectors, services
from .choices import ListingStatus, ViolationStatus
from .forms import (
    ApproveForm,
    ChecklistItemForm,
    CoverageFilterForm,
    DecisionForm,
    InspectionFilterForm,
    InspectionForm,
    ReasonForm,
    StatementForm,
    ViolationFilterForm,
    ViolationForm,
    WindowForm,
)
from .models import EscalationPolicy

PAGE_SIZE = 50
INELIGIBLE = "不诚信企业：不得享受惠企政策"


def _require(user, capability: str) -> None:
    if not user.can(capability):
        raise PermissionDenied


def _require_allowed(user, action: str, obj) -> None:
    """Seen is not allowed: a row the user reads but may not act on is refused (403)."""
    if not policies.allows(user, action, obj):
        raise PermissionDenied


def _require_reader(user) -> None:
    if not selectors.can_read(user):
        raise PermissionDenied


def _errors_onto(form, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, texts in errors.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def _taken_or_onto(request, form, exc: ValidationError, pk: int, name: str):
    """A refusal about the record as a whole (taken by someone else, not allowed now) goes back to
    the page as a message; field errors stay on the form."""
    if hasattr(exc, "error_dict"):
        _errors_onto(form, exc)
        return None
    messages.error(request, " ".join(exc.messages))
    return redirect(name, pk)


def _area_path(user, code: str) -> str:
    if not code:
        return ""
    return Area.objects.visible_to(user).filter(code=code).values_list("path", flat=True).first() or "/-/"


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- coverage ---------------------------------------------------------------------------------------


def _coverage(request):
    user = request.user
    _require(user, roles.COVERAGE_VIEW)
    form = CoverageFilterForm(request.GET or None, area_choices=area_choices(user=user))
    data = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.enterprise_queryset(user=user)
    if data.get("area"):
        queryset = queryset.filter(area_path__startswith=_area_path(user, data["area"]))
    if data.get("category"):
        queryset = queryset.filter(category=data["category"])
    result = coverage_mod.coverage(queryset)
    pks = result.gaps if data.get("which") == "gap" else result.unassigned
    return form, result, pks


@login_required
@require_GET
def coverage(request):
    form, result, pks = _coverage(request)
    page = Paginator(pks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(coverage_mod.enterprises_in_order(list(page.object_list)))
    return render(
        request,
        "supervision/coverage.html",
        {
            "form": form,
            "result": result,
            "page": page,
            "rows": rows,
            "tiers": [(label, result.by_tier[value]) for value, label in coverage_mod.Tier.choices],
            "types": [(label, result.by_type[value]) for value, label in coverage_mod.Coverage.choices],
        },
    )


@login_required
@require_GET
def coverage_export(request):
    _require(request.user, roles.ENTERPRISE_EXPORT)
    form, result, pks = _coverage(request)
    rows = (
        [e.name, e.credit_code, e.get_category_display(), e.area.name, e.address]
        for e in coverage_mod.enterprises_in_order(pks)
    )
    return export_response(
        [_("企业名称"), _("统一社会信用代码"), _("企业类别"), _("所属区域"), _("地址")],
        rows,
        filename="coverage-unassigned.xlsx",
        title=_("无人负责的企业"),
        watermark=export_watermark(request.user),
    )


# --- inspections ------------------------------------------------------------------------------------


@login_required
@require_GET
def inspections(request):
    user = request.user
    _require_reader(user)
    form = InspectionFilterForm(request.GET or None, area_choices=area_choices(user=user))
    data = form.cleaned_data if form.is_valid() else {}
    f = selectors.InspectionFilter(
        area_path=_area_path(user, data.get("area", "")),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        outcome=data.get("outcome", ""),
        overdue=bool(data.get("overdue")),
    )
    page = _page(request, selectors.inspection_list(user=user, f=f))
    return render(
        request,
        "supervision/inspection_list.html",
        {"form": form, "page": page, "can_inspect": user.can(roles.INSPECT)},
    )


def _inspection_form(request, enterprise, follows=None):
    user = request.user
    open_findings = selectors.open_findings(inspection=follows) if follows else []
    checklist = selectors.checklist()
    form = InspectionForm(request.POST or None, checklist=checklist, open_findings=open_findings)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_record(
                actor=user,
                enterprise_id=enterprise.pk,
                follows_id=follows.pk if follows else None,
                photos=request.FILES.getlist("photos"),
                **form.service_input(),
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(
                request, _("检查已保存。") if inspection.findings.exists() else _("检查已保存：无异常。")
            )
            return redirect("supervision:inspection_detail", inspection.pk)
    return render(
        request,
        "supervision/inspection_form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "follows": follows,
            "listed": selectors.is_listed(enterprise),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request, enterprise_id: int):
    _require(request.user, roles.INSPECT)
    enterprise = selectors.enterprise_visible(user=request.user, pk=enterprise_id)
    _require_allowed(request.user, CHANGE, enterprise)
    return _inspection_form(request, enterprise)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_followup(request, pk: int):
    _require(request.user, roles.INSPECT)
    follows = selectors.inspection_detail(user=request.user, pk=pk)
    _require_allowed(request.user, CHANGE, follows)
    return _inspection_form(request, follows.enterprise, follows)


@login_required
@require_GET
def inspection_detail(request, pk: int):
    user = request.user
    _require_reader(user)
    inspection = selectors.inspection_detail(user=user, pk=pk)
    parts = selectors.inspection_parts(inspection=inspection)
    can_inspect = user.can(roles.INSPECT) and policies.allows(user, CHANGE, inspection)
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            **parts,
            "today": timezone.localdate(),
            "can_inspect": can_inspect,
            "violation_form": ViolationForm(findings=parts["findings"]) if can_inspect else None,
        },
    )


@login_required
@require_POST
def inspection_violation_new(request, pk: int):
    user = request.user
    _require(user, roles.INSPECT)
    inspection = selectors.inspection_detail(user=user, pk=pk)
    form = ViolationForm(request.POST, findings=list(inspection.findings.all()))
    if form.is_valid():
        try:
            violation = services.violation_record(
                actor=user,
                inspection_id=inspection.pk,
                description=form.cleaned_data["description"],
                finding_id=form.cleaned_data["finding"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("违规已记录，系统建议：%(step)s") % {"step": violation.get_proposed_step_display()}
            )
            return redirect("supervision:violation_detail", violation.pk)
    else:
        messages.error(request, _("请填写违规情形"))
    return redirect("supervision:inspection_detail", inspection.pk)


@login_required
@require_GET
def inspection_photo(request, pk: int):
    _require_reader(request.user)
    photo = selectors.photo_get(user=request.user, pk=pk)
    return uploads.serve(photo.file, download_name=photo.name, content_type=photo.content_type, inline=True)


# --- violations -------------------------------------------------------------------------------------


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
    may_decide = user.can(roles.VIOLATION_DECIDE) and policies.allows(user, policies.DECIDE, violation)
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
        "can_state": user.role == roles.Role.ENTERPRISE_ADMIN
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


@login_required
@require_POST
def violation_decide(request, pk: int):
    user = request.user
    _require(user, roles.VIOLATION_DECIDE)
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


@login_required
@require_POST
def violation_listing_propose(request, pk: int):
    user = request.user
    _require(user, roles.VIOLATION_DECIDE)
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
    if user.role != roles.Role.ENTERPRISE_ADMIN or user.scope_enterprise_id != violation.enterprise_id:
        raise PermissionDenied
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_add(actor=user, violation_id=violation.pk, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("陈述已提交，处理干部可以看到。"))
            return redirect("supervision:violation_detail", violation.pk)
    return render(request, "supervision/violation_statement.html", {"violation": violation, "form": form})


# --- the dishonesty list ----------------------------------------------------------------------------


@login_required
@require_GET
def listings(request):
    user = request.user
    _require_reader(user)
    status = request.GET.get("status", "")
    status = status if status in ListingStatus.values else ""
    qs = selectors.listing_list(user=user, status=status)
    return render(
        request,
        "supervision/listing_list.html",
        {
            "page": _page(request, qs),
            "status": status,
            "statuses": ListingStatus.choices,
            "ineligible_text": INELIGIBLE,
        },
    )


def _listing_context(request, listing, **forms):
    user = request.user
    pending = listing.status in (ListingStatus.PROPOSED, ListingStatus.REMOVAL_PROPOSED)
    return {
        "listing": listing,
        "ineligible_text": INELIGIBLE,
        "timeline": selectors.timeline(violation=listing.violation),
        "can_approve": pending
        and user.can(roles.DISHONESTY_APPROVE)
        and policies.allows(user, policies.APPROVE, listing),
        "can_remove": listing.status == ListingStatus.ACTIVE
        and policies.allows(user, policies.REMOVE, listing),
        "approve_form": forms.get("approve_form") or ApproveForm(initial={"version": listing.version}),
        "remove_form": forms.get("remove_form") or ReasonForm(initial={"version": listing.version}),
    }


@login_required
@require_GET
def listing_detail(request, pk: int):
    _require_reader(request.user)
    listing = selectors.listing_detail(user=request.user, pk=pk)
    return render(request, "supervision/listing_detail.html", _listing_context(request, listing))


@login_required
@require_POST
def listing_approve(request, pk: int):
    user = request.user
    _require(user, roles.DISHONESTY_APPROVE)
    listing = selectors.listing_detail(user=user, pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.listing_approve(
                actor=user,
                listing_id=listing.pk,
                version=data["version"],
                approve=data["decision"] == "approve",
                reason=data["reason"],
            )
        except ValidationError as exc:
            if response := _taken_or_onto(request, form, exc, listing.pk, "supervision:listing_detail"):
                return response
        else:
            messages.success(request, _("确认意见已保存。"))
            return redirect("supervision:listing_detail", listing.pk)
    return render(
        request,
        "supervision/listing_detail.html",
        _listing_context(request, listing, approve_form=form),
        status=422,
    )


@login_required
@require_POST
def listing_remove(request, pk: int):
    user = request.user
    if not (user.can(roles.VIOLATION_DECIDE) or user.can(roles.DISHONESTY_APPROVE)):
        raise PermissionDenied
    listing = selectors.listing_detail(user=user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.listing_request_removal(
                actor=user,
                listing_id=listing.pk,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if response := _taken_or_onto(request, form, exc, listing.pk, "supervision:listing_detail"):
                return response
        else:
            messages.success(request, _("已提议移出，待另一名有确认权限的干部确认后生效。"))
            return redirect("supervision:listing_detail", listing.pk)
    return render(
        request,
        "supervision/listing_detail.html",
        _listing_context(request, listing, remove_form=form),
        status=422,
    )


# --- settings ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    user = request.user
    _require(user, roles.SUPERVISION_CONFIGURE)
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
            _errors_onto(item_form if action == "item" else window_form, exc)
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
