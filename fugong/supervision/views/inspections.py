"""Pages of inspections: the list, the mobile form (new and follow-up), the detail, the violation
recorded from it and the photos.

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.core import access, uploads
from fugong.core.decorators import capability_required
from fugong.core.scoping import CHANGE
from fugong.core.web.forms import apply_service_errors
from fugong.enterprises.selectors import area_choices

from .. import policies, selectors, services
from ..forms import (
    InspectionFilterForm,
    InspectionForm,
    ViolationForm,
)
from .base import _area_path, _page, _require_allowed, _require_reader


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
        {"form": form, "page": page, "can_inspect": user.can(access.INSPECT)},
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
            apply_service_errors(form, exc)
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


@capability_required(access.INSPECT)
@require_http_methods(["GET", "POST"])
def inspection_new(request, enterprise_id: int):
    enterprise = selectors.enterprise_visible(user=request.user, pk=enterprise_id)
    _require_allowed(request.user, CHANGE, enterprise)
    return _inspection_form(request, enterprise)


@capability_required(access.INSPECT)
@require_http_methods(["GET", "POST"])
def inspection_followup(request, pk: int):
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
    can_inspect = user.can(access.INSPECT) and policies.allows(user, CHANGE, inspection)
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


@capability_required(access.INSPECT)
@require_POST
def inspection_violation_new(request, pk: int):
    user = request.user
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
