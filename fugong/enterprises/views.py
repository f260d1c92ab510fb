"""Pages of the enterprise registry, on the kit (fugong/core/web): each view holds its capability
(403), reads through the scoped selectors (out of scope is a 404, like a missing row) and leaves every
write to the services."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from fugong.core import access
from fugong.core.jobs.exports import queued_response
from fugong.core.jobs.exports import rows_if_too_large as large_export
from fugong.core.registry import links
from fugong.core.web.views import KitView, ScopedDetailView, ServiceFormView
from fugong.core.xlsx import SheetError, template_response

from . import exports, imports, selectors, services
from .choices import Category, Industry
from .forms import EnterpriseForm, form_sections

PAGE_SIZE = 50
ERRORS_SHOWN = 500
SORT_COLUMNS = [
    ("name", "企业名称"),
    ("area", "所属区域"),
    ("headcount", "职工总数"),
    ("local_headcount", "本地职工数"),
    ("created", "登记时间"),
]
FILTER_KEYS = ("q", "area", "category", "industry", "emergency", "key_industry", "unassigned")


def _sort_headers(current: str) -> dict[str, dict]:
    """For each sortable column: the sort value its header link sets and the arrow it shows."""
    headers = {}
    for key, label in SORT_COLUMNS:
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        headers[key] = {"label": label, "next": f"-{key}" if state == "asc" else key, "state": state}
    return headers


class EnterpriseListView(KitView):
    capability = access.ENTERPRISE_VIEW
    template_name = "enterprises/enterprise_list.html"

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        f = selectors.enterprise_filter(user=user, params=request.GET, request=request)
        page = Paginator(selectors.stable_order(f.qs), PAGE_SIZE).get_page(request.GET.get("page"))
        area_choices = selectors.area_choices(user=user)
        current_area = request.GET.get("area", "").strip()
        if current_area and current_area not in {code for code, _ in area_choices}:
            area_choices.append((current_area, current_area))  # a grid code typed or linked from elsewhere
        return super().get_context_data(
            filter=f,
            page=page,
            area_choices=area_choices,
            current_area=current_area,
            categories=Category.choices,
            industries=Industry.choices,
            filtered=any(request.GET.get(k) for k in FILTER_KEYS),
            sort=_sort_headers(request.GET.get("sort", "")),
            can_create=user.can(access.ENTERPRISE_CREATE),
            can_import=user.can(access.ENTERPRISE_IMPORT),
            can_export=user.can(access.ENTERPRISE_EXPORT),
            can_unmask=user.can(access.PERSONAL_UNMASK),
            **kwargs,
        )


def _detail_context(request, enterprise, phones: dict | None = None) -> dict:
    user = request.user
    return {
        "enterprise": enterprise,
        "phones": phones,
        "area_trail": " · ".join(a.name for a in enterprise.area.ancestors()),
        "can_change": selectors.enterprise_can_change(user=user, enterprise=enterprise),
        "links": links("enterprise_detail", user=user, obj=enterprise),  # buttons of the apps above
        "can_unmask": user.can(access.PERSONAL_UNMASK),
        "history": selectors.enterprise_history(enterprise=enterprise),
        "history_limit": selectors.HISTORY_LIMIT,
    }


class EnterpriseDetailView(ScopedDetailView):
    capability = access.ENTERPRISE_VIEW
    template_name = "enterprises/enterprise_detail.html"

    def get_object(self):
        return selectors.enterprise_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_detail_context(self.request, self.get_object())}


class EnterpriseRevealView(KitView):
    """Full phone numbers (POST only, for who holds both the view and the unmask capability): an
    HTMX fragment, or the whole page when JavaScript is off."""

    capability = access.ENTERPRISE_VIEW
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can(access.PERSONAL_UNMASK):
            raise PermissionDenied  # both refusals are the same 403
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        enterprise = selectors.enterprise_detail(user=request.user, pk=self.kwargs["pk"])
        phones = services.enterprise_phones_reveal(actor=request.user, enterprise=enterprise)
        if request.headers.get("HX-Request"):
            return render(request, "enterprises/_contacts.html", {"enterprise": enterprise, "phones": phones})
        return render(
            request, "enterprises/enterprise_detail.html", _detail_context(request, enterprise, phones)
        )


class EnterpriseCreateView(ServiceFormView):
    """A refusal by the service (a category or area the user may not register) comes back on the
    form with a 403."""

    capability = access.ENTERPRISE_CREATE
    form_class = EnterpriseForm
    template_name = "enterprises/enterprise_form.html"
    enterprise = None
    refused = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sections=form_sections(context["form"]), enterprise=self.enterprise)
        return context

    def perform(self, form):
        try:
            self.saved = self.save(form)
        except PermissionDenied as exc:
            self.refused = True
            raise ValidationError(str(exc) or _("您无权执行此操作")) from None
        return self.saved

    def save(self, form):
        return services.enterprise_create(actor=self.request.user, **form.service_fields())

    def render_to_response(self, context, **kwargs):
        if self.refused:
            kwargs["status"] = 403
        elif kwargs.get("status") == 400:  # the form page has always answered bad input with 200
            kwargs["status"] = 200
        return super().render_to_response(context, **kwargs)

    @property
    def success_message(self):
        return _("已登记企业「%(name)s」") % {"name": self.saved.name}

    def get_success_url(self, enterprise):
        return reverse("enterprises:detail", kwargs={"pk": enterprise.pk})


class EnterpriseEditView(EnterpriseCreateView):
    capability = access.ENTERPRISE_CHANGE

    @cached_property
    def enterprise(self):
        return selectors.enterprise_get(user=self.request.user, pk=self.kwargs["pk"], action="change")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.enterprise}

    def save(self, form):
        return services.enterprise_update(
            actor=self.request.user, enterprise=self.enterprise, **form.service_fields()
        )

    @property
    def success_message(self):
        return _("已保存企业「%(name)s」的修改") % {"name": self.saved.name}


class EnterpriseImportView(KitView):
    """The registry sheet upload: GET shows the form, POST imports (all rows, or only the valid ones);
    a bad sheet 400, a refused one 403, rows with errors and nothing saved 400."""

    capability = access.ENTERPRISE_IMPORT
    http_method_names = ["get", "post"]
    template_name = "enterprises/import.html"

    def context(self) -> dict:
        return {
            "columns": imports.COLUMNS,
            "max_rows": settings.IMPORT_MAX_ROWS,
            "errors_shown": ERRORS_SHOWN,
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context())

    def post(self, request, *args, **kwargs):
        context = self.context()
        valid_only = request.POST.get("valid_only") in {"on", "1", "true"}
        context["valid_only"] = valid_only
        try:
            result = services.enterprise_import(
                actor=request.user, upload=request.FILES.get("file"), valid_only=valid_only
            )
        except SheetError as exc:
            context["sheet_error"] = exc.message
            return render(request, self.template_name, context, status=400)
        except PermissionDenied as exc:
            context["sheet_error"] = str(exc)
            return render(request, self.template_name, context, status=403)
        context.update(result=result, errors=result.errors[:ERRORS_SHOWN])
        return render(request, self.template_name, context, status=200 if result.saved else 400)


class EnterpriseImportTemplateView(KitView):
    """The empty registry sheet (xlsx) to fill in."""

    capability = access.ENTERPRISE_IMPORT
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return template_response(imports.COLUMNS, filename="企业名录导入模板.xlsx", title="企业名录")


class EnterpriseExportView(KitView):
    """The filtered list as xlsx, streamed; too many rows become a job (downloaded from 我的任务)."""

    capability = access.ENTERPRISE_EXPORT
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        user = request.user
        f = selectors.enterprise_filter(user=user, params=request.GET, request=request)
        full = exports.wants_full(user, request.GET.get("full") == "1")
        queryset = selectors.stable_order(f.qs)
        if rows := large_export(queryset):
            job = exports.enterprise_export_enqueue(user=user, query=request.GET.urlencode(), full=full)
            return queued_response(request, job, rows=rows)
        return exports.enterprise_export(user=user, queryset=queryset, full=full)
