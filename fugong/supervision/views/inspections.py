"""Pages of inspections: the list, the mobile form (new and follow-up), the detail, the violation
recorded from it and the photos.

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from fugong.core import access, uploads
from fugong.core.scoping import CHANGE
from fugong.core.web.views import KitView, ServiceFormView
from fugong.enterprises.selectors import area_choices

from .. import policies, selectors, services
from ..forms import InspectionFilterForm, InspectionForm, ViolationForm
from .base import ReaderView, SelectedObject, _area_path, _page, _require_allowed


class InspectionListView(ReaderView):
    template_name = "supervision/inspection_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = InspectionFilterForm(self.request.GET or None, area_choices=area_choices(user=user))
        data = form.cleaned_data if form.is_valid() else {}
        f = selectors.InspectionFilter(
            area_path=_area_path(user, data.get("area", "")),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            outcome=data.get("outcome", ""),
            overdue=bool(data.get("overdue")),
        )
        return super().get_context_data(
            form=form,
            page=_page(self.request, selectors.inspection_list(user=user, f=f)),
            can_inspect=user.can(access.INSPECT),
            **kwargs,
        )


class InspectionFormView(ServiceFormView):
    """The mobile inspection form, from the checklist in force; bad input comes back with a 200."""

    capability = access.INSPECT
    form_class = InspectionForm
    template_name = "supervision/inspection_form.html"
    invalid_status = 200
    follows = None  # the inspection followed up; subclasses give ``enterprise``

    def get_form_kwargs(self):
        self.enterprise  # noqa: B018 -- read in scope and allowed (404, 403) before anything else
        follows = self.follows
        open_findings = selectors.open_findings(inspection=follows) if follows else []
        return {
            **super().get_form_kwargs(),
            "checklist": selectors.checklist(),
            "open_findings": open_findings,
        }

    def get_context_data(self, **kwargs):
        enterprise = self.enterprise
        return super().get_context_data(
            enterprise=enterprise, follows=self.follows, listed=selectors.is_listed(enterprise), **kwargs
        )

    def perform(self, form):
        inspection = services.inspection_record(
            actor=self.request.user,
            enterprise_id=self.enterprise.pk,
            follows_id=self.follows.pk if self.follows else None,
            photos=self.request.FILES.getlist("photos"),
            **form.service_input(),
        )
        found = inspection.findings.exists()
        self.success_message = _("检查已保存。") if found else _("检查已保存：无异常。")
        return inspection

    def get_success_url(self, inspection):
        return reverse("supervision:inspection_detail", args=[inspection.pk])


class InspectionNewView(InspectionFormView):
    @cached_property
    def enterprise(self):
        enterprise = selectors.enterprise_visible(user=self.request.user, pk=self.kwargs["enterprise_id"])
        _require_allowed(self.request.user, CHANGE, enterprise)
        return enterprise


class InspectionFollowupView(InspectionFormView):
    """The follow-up of an inspection: its open findings can be confirmed as rectified."""

    @cached_property
    def follows(self):
        follows = selectors.inspection_detail(user=self.request.user, pk=self.kwargs["pk"])
        _require_allowed(self.request.user, CHANGE, follows)
        return follows

    @cached_property
    def enterprise(self):
        return self.follows.enterprise


class InspectionObject(SelectedObject):
    selector = selectors.inspection_detail


class InspectionDetailView(InspectionObject, ReaderView):
    template_name = "supervision/inspection_detail.html"

    def get_context_data(self, **kwargs):
        user, inspection = self.request.user, self.get_object()
        parts = selectors.inspection_parts(inspection=inspection)
        can_inspect = user.can(access.INSPECT) and policies.allows(user, CHANGE, inspection)
        return super().get_context_data(
            inspection=inspection,
            **parts,
            today=timezone.localdate(),
            can_inspect=can_inspect,
            violation_form=ViolationForm(findings=parts["findings"]) if can_inspect else None,
            **kwargs,
        )


class InspectionViolationNewView(InspectionObject, KitView):
    """A violation recorded from an inspection (POST only): on to the violation, or back with a message."""

    capability = access.INSPECT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        inspection = self.get_object()
        form = ViolationForm(request.POST, findings=list(inspection.findings.all()))
        if not form.is_valid():
            messages.error(request, _("请填写违规情形"))
            return redirect("supervision:inspection_detail", inspection.pk)
        try:
            violation = services.violation_record(
                actor=request.user,
                inspection_id=inspection.pk,
                description=form.cleaned_data["description"],
                finding_id=form.cleaned_data["finding"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("supervision:inspection_detail", inspection.pk)
        step = violation.get_proposed_step_display()
        messages.success(request, _("违规已记录，系统建议：%(step)s") % {"step": step})
        return redirect("supervision:violation_detail", violation.pk)


class InspectionPhotoView(SelectedObject, ReaderView):
    """A photo of an inspection, shown inline to whoever reads the inspection."""

    selector = selectors.photo_get

    def get(self, request, *args, **kwargs):
        photo = self.get_object()
        return uploads.serve(
            photo.file, download_name=photo.name, content_type=photo.content_type, inline=True
        )
