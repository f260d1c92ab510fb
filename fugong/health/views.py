"""Pages of the person registry (一人一档): list, register, import, the person's file, edit, merge —
thin views on the web kit (core.web): the kit checks the capability (403) and the scope (404),
the selectors read and the services write."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core.access import PERSON_MANAGE, PERSON_VIEW, PERSONAL_UNMASK
from fugong.core.jobs.exports import queued_response
from fugong.core.jobs.exports import rows_if_too_large as large_export
from fugong.core.registry import sections
from fugong.core.scoping import CHANGE
from fugong.core.web.views import (
    KitView,
    ScopedDetailView,
    ScopedListView,
    ServiceActionView,
    ServiceFormView,
)
from fugong.core.xlsx import SheetError, template_response

from . import exports, selectors, services
from .forms import IMPORT_COLUMNS, MergeForm, PersonForm, import_rows
from .models import DiscrepancyResolution, DiscrepancyStatus, Person, PersonDiscrepancy
from .policies import FILE

PAGE_SIZE = 50
ERRORS_SHOWN = 200


class PersonListView(KitView):
    capability = PERSON_VIEW
    template_name = "health/person_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        f = selectors.PersonFilter.from_params(self.request.GET)
        rows = selectors.person_list(user=user, f=f)
        return super().get_context_data(
            page=Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page")),
            f=f,
            areas=selectors.registrable_areas(user=user),
            can_manage=user.can(PERSON_MANAGE),
            can_unmask=user.can(PERSONAL_UNMASK),
        )


class PersonExportView(KitView):
    """The filtered list as xlsx, masked; ``full=1`` for a role allowed to unmask, logged. Only the
    files of the viewer's home chain (FILE level): staff seen through an employment are not exported
    here — an employer's staff list is its roster (exports.py)."""

    capability = PERSON_MANAGE
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        user = request.user
        f = selectors.PersonFilter.from_params(request.GET)
        full = exports.wants_full(user, request.GET.get("full") == "1")
        queryset = selectors.person_list(user=user, f=f, files_only=True)
        if rows := large_export(queryset):  # a job whose file is downloaded from 我的任务
            job = exports.person_export_enqueue(user=user, query=request.GET.urlencode(), full=full)
            return queued_response(request, job, rows=rows)
        return exports.person_export(user=user, queryset=queryset, full=full)


class PersonCreateView(ServiceFormView):
    """Register a person; the same name and phone as someone registered asks for a second click."""

    capability = PERSON_MANAGE
    form_class = PersonForm
    template_name = "health/person_form.html"

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid() and not form.cleaned_data["confirm_duplicate"]:
            data = form.cleaned_data
            similar = selectors.same_name_and_phone(user=request.user, name=data["name"], phone=data["phone"])
            if similar:
                form.data = form.data.copy()
                form.data["confirm_duplicate"] = "on"
                return self.render_to_response(self.get_context_data(form=form, similar=similar))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        id_number = getattr(self, "id_number", None)  # set when the service was called
        if id_number and _(services.DUPLICATE_ID) in kwargs["form"].errors.get("id_number", []):
            kwargs["existing"] = selectors.person_by_id_number(user=self.request.user, id_number=id_number)
        return super().get_context_data(**kwargs)

    def perform(self, form):
        data = form.cleaned_data
        self.id_number = data["id_number"]
        self.success_message = _("已登记：%(name)s") % {"name": data["name"].strip()}
        fields = ("id_number", "name", "phone", "area", "address")
        return services.person_create(actor=self.request.user, **{k: data[k] for k in fields})

    def get_success_url(self, result):
        # The list, not the record: a registration linked to a record out of scope answers exactly
        # like a new one (services.person_create), so neither names the record's page.
        return reverse("health:person_list")


class PersonImportView(KitView):
    """Upload an xlsx: every row checked; all or nothing unless “仅导入无误的行”."""

    capability = PERSON_MANAGE
    template_name = "health/person_import.html"
    extra_context = {
        "columns": IMPORT_COLUMNS,
        "max_rows": settings.IMPORT_MAX_ROWS,
        "errors_shown": ERRORS_SHOWN,
    }

    def post(self, request, *args, **kwargs):
        valid_only = request.POST.get("valid_only") in {"on", "1", "true"}
        try:
            rows = import_rows(request.FILES.get("file"))
        except SheetError as exc:
            context = self.get_context_data(valid_only=valid_only, sheet_error=exc.message)
            return self.render_to_response(context, status=400)
        result = services.person_import(actor=request.user, rows=rows, valid_only=valid_only)
        saved = not result.errors or valid_only
        context = self.get_context_data(
            valid_only=valid_only,
            result=result,
            saved=saved,
            total=len(rows),
            errors=result.errors[:ERRORS_SHOWN],
        )
        return self.render_to_response(context, status=200 if saved else 400)


class PersonImportTemplateView(KitView):
    """The empty registration sheet (xlsx) to fill in."""

    capability = PERSON_MANAGE
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return template_response(IMPORT_COLUMNS, filename="人员登记导入模板.xlsx", title="人员登记")


class PersonDetailView(ScopedDetailView):
    """The person's file; a merged record is shown to whoever sees the record it went into."""

    capability = PERSON_VIEW
    model = Person
    context_object_name = "person"
    template_name = "health/person_detail.html"
    revealed: dict | None = None

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = selectors.person_get(user=self.request.user, pk=self.kwargs["pk"])
        return self._object

    def get_context_data(self, **kwargs):
        user, person = self.request.user, self.get_object()
        level = selectors.person_access(user=user, person=person)
        if level != FILE:  # the staff view (health.policies): name, masked numbers, its own cards
            return super().get_context_data(
                level=level,
                employments=selectors.person_employments(user=user, person=person, level=level),
                sections=sections("person_file", user=user, obj=person, limited=True),
            )
        return super().get_context_data(
            level=level,
            revealed=self.revealed,
            employments=selectors.person_employments(user=user, person=person),
            sections=sections("person_file", user=user, obj=person),  # cards of the apps above
            history=selectors.person_history(person=person),
            merged_from=selectors.merged_from(person=person),
            can_change=user.can(PERSON_MANAGE) and selectors.can_change(user=user, person=person),
            can_unmask=user.can(PERSONAL_UNMASK),
        )


class PersonRevealView(PersonDetailView):
    """显示完整信息: the file again with the full ID number and phone, logged."""

    capability = PERSONAL_UNMASK
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can(PERSON_VIEW):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        """Only the file is revealed: a person seen through an employment is not found here."""
        if not hasattr(self, "_object"):
            self._object = selectors.person_get(user=self.request.user, pk=self.kwargs["pk"], action=FILE)
        return self._object

    def post(self, request, *args, **kwargs):
        self.revealed = services.person_reveal(actor=request.user, person=self.get_object())
        return self.render_to_response(self.get_context_data())


class PersonChangeMixin:
    """The person of the URL, in the user's scope for changing it (else 404)."""

    def get_person(self) -> Person:
        if not hasattr(self, "_person"):
            self._person = selectors.person_get(user=self.request.user, pk=self.kwargs["pk"], action=CHANGE)
        return self._person

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.get_person(), **kwargs)


class PersonEditView(PersonChangeMixin, ServiceFormView):
    capability = PERSON_MANAGE
    form_class = PersonForm
    template_name = "health/person_form.html"
    success_message = gettext_lazy("已保存")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        p = self.get_person()
        return {"name": p.name, "phone": p.phone, "area": p.area_id, "address": p.address}

    def perform(self, form):
        data = form.cleaned_data
        fields = ("name", "phone", "area", "address")
        return services.person_update(
            actor=self.request.user, person_id=self.get_person().pk, **{k: data[k] for k in fields}
        )

    def get_success_url(self, result):
        return reverse("health:person_detail", args=[self.get_person().pk])


class PersonMergeView(PersonChangeMixin, ServiceFormView):
    """Merge this (duplicate) record into the surviving one, found by its full ID number; the
    survivor is shown first and merged on the second click (``confirm=1``)."""

    capability = PERSON_MANAGE
    form_class = MergeForm
    template_name = "health/person_merge.html"

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            self.survivor = selectors.person_by_id_number(
                user=request.user, id_number=form.cleaned_data["survivor_id_number"], action=CHANGE
            )
            if self.survivor is None:
                form.add_error("survivor_id_number", _("未找到您可修改的该身份证号人员"))
            elif request.POST.get("confirm") != "1":
                return self.render_to_response(self.get_context_data(form=form, survivor=self.survivor))
            else:
                return super().post(request, *args, **kwargs)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def perform(self, form):
        self.success_message = _("已合并到 %(name)s 的档案") % {"name": self.survivor.name}
        return services.person_merge(
            actor=self.request.user,
            duplicate_id=self.get_person().pk,
            survivor_id=self.survivor.pk,
            reason=form.cleaned_data["reason"],
        )

    def get_success_url(self, result):
        return reverse("health:person_detail", args=[self.survivor.pk])


# --- registrations by others to review (登记核实) --------------------------------------------------


class DiscrepancyListView(ScopedListView):
    """Who typed an ID number of the user's residents from outside, and what they typed."""

    capability = PERSON_MANAGE
    model = PersonDiscrepancy
    template_name = "health/discrepancy_list.html"

    def get_status(self) -> str:
        status = self.request.GET.get("status", DiscrepancyStatus.OPEN)
        return status if status in DiscrepancyStatus.values else ""

    def filter_queryset(self, queryset, params):
        return selectors.discrepancy_list(user=self.request.user, status=self.get_status())

    def get_context_data(self, **kwargs):
        return super().get_context_data(status=self.get_status(), statuses=DiscrepancyStatus.choices)


class DiscrepancyDetailView(ServiceActionView):
    """Both versions side by side, and the decision (POST: resolution, note)."""

    capability = PERSON_MANAGE
    model = PersonDiscrepancy
    template_name = "health/discrepancy_detail.html"
    success_message = gettext_lazy("已处理")

    def get_context_data(self, **kwargs):
        return super().get_context_data(resolutions=DiscrepancyResolution.choices, **kwargs)

    def perform(self, obj):
        services.discrepancy_resolve(
            actor=self.request.user,
            discrepancy_id=obj.pk,
            resolution=self.request.POST.get("resolution", ""),
            note=self.request.POST.get("note", "")[:200],
        )

    def get_success_url(self, obj):
        return reverse("health:discrepancy_detail", args=[obj.pk])
