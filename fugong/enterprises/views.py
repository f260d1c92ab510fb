"""Pages of the enterprise registry. Each view checks the capability (403), reads through the scoped
selectors (out of scope is a 404, like a missing row) and leaves every write to the services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.core import access
from fugong.core.jobs.exports import queued_response
from fugong.core.jobs.exports import rows_if_too_large as large_export
from fugong.core.registry import links
from fugong.core.web.forms import apply_service_errors
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


def _require(user, capability: str) -> None:
    if not user.can(capability):
        raise PermissionDenied


def _sort_headers(current: str) -> dict[str, dict]:
    """For each sortable column: the sort value its header link sets and the arrow it shows."""
    headers = {}
    for key, label in SORT_COLUMNS:
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        headers[key] = {"label": label, "next": f"-{key}" if state == "asc" else key, "state": state}
    return headers


@login_required
@require_GET
def enterprise_list(request):
    user = request.user
    _require(user, access.ENTERPRISE_VIEW)
    f = selectors.enterprise_filter(user=user, params=request.GET, request=request)
    page = Paginator(selectors.stable_order(f.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    area_choices = selectors.area_choices(user=user)
    current_area = request.GET.get("area", "").strip()
    if current_area and current_area not in {code for code, _ in area_choices}:
        area_choices.append((current_area, current_area))  # a grid code typed or linked from elsewhere
    return render(
        request,
        "enterprises/enterprise_list.html",
        {
            "filter": f,
            "page": page,
            "area_choices": area_choices,
            "current_area": current_area,
            "categories": Category.choices,
            "industries": Industry.choices,
            "filtered": any(request.GET.get(k) for k in FILTER_KEYS),
            "sort": _sort_headers(request.GET.get("sort", "")),
            "can_create": user.can(access.ENTERPRISE_CREATE),
            "can_import": user.can(access.ENTERPRISE_IMPORT),
            "can_export": user.can(access.ENTERPRISE_EXPORT),
            "can_unmask": user.can(access.PERSONAL_UNMASK),
        },
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


@login_required
@require_GET
def enterprise_detail(request, pk: int):
    _require(request.user, access.ENTERPRISE_VIEW)
    enterprise = selectors.enterprise_detail(user=request.user, pk=pk)
    return render(request, "enterprises/enterprise_detail.html", _detail_context(request, enterprise))


@login_required
@require_POST
def enterprise_reveal(request, pk: int):
    """Full phone numbers: an HTMX fragment, or the whole page when JavaScript is off."""
    _require(request.user, access.ENTERPRISE_VIEW)
    _require(request.user, access.PERSONAL_UNMASK)
    enterprise = selectors.enterprise_detail(user=request.user, pk=pk)
    phones = services.enterprise_phones_reveal(actor=request.user, enterprise=enterprise)
    if request.headers.get("HX-Request"):
        return render(request, "enterprises/_contacts.html", {"enterprise": enterprise, "phones": phones})
    return render(request, "enterprises/enterprise_detail.html", _detail_context(request, enterprise, phones))


def _data(request):
    return request.POST if request.method == "POST" else None


def _save_form(form, save):
    """Run ``save`` (a service call); its errors go back onto the form. Returns the saved row or None."""
    try:
        return save()
    except ValidationError as exc:
        apply_service_errors(form, exc)
    return None


def _render_form(request, form, enterprise=None, status=200):
    return render(
        request,
        "enterprises/enterprise_form.html",
        {"form": form, "sections": form_sections(form), "enterprise": enterprise},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    user = request.user
    _require(user, access.ENTERPRISE_CREATE)
    form = EnterpriseForm(_data(request), user=user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = _save_form(
                form, lambda: services.enterprise_create(actor=user, **form.service_fields())
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您无权执行此操作")
            return _render_form(request, form, status=403)
        if enterprise is not None:
            messages.success(request, f"已登记企业「{enterprise.name}」")
            return redirect("enterprises:detail", pk=enterprise.pk)
    return _render_form(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    user = request.user
    _require(user, access.ENTERPRISE_CHANGE)
    enterprise = selectors.enterprise_get(user=user, pk=pk, action="change")
    form = EnterpriseForm(_data(request), user=user, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_form(
                form,
                lambda: services.enterprise_update(
                    actor=user, enterprise=enterprise, **form.service_fields()
                ),
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您无权执行此操作")
            return _render_form(request, form, enterprise, status=403)
        if saved is not None:
            messages.success(request, f"已保存企业「{saved.name}」的修改")
            return redirect("enterprises:detail", pk=saved.pk)
    return _render_form(request, form, enterprise)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    user = request.user
    _require(user, access.ENTERPRISE_IMPORT)
    context = {"columns": imports.COLUMNS, "max_rows": settings.IMPORT_MAX_ROWS, "errors_shown": ERRORS_SHOWN}
    if request.method == "GET":
        return render(request, "enterprises/import.html", context)
    valid_only = request.POST.get("valid_only") in {"on", "1", "true"}
    context["valid_only"] = valid_only
    try:
        result = services.enterprise_import(
            actor=user, upload=request.FILES.get("file"), valid_only=valid_only
        )
    except SheetError as exc:
        context["sheet_error"] = exc.message
        return render(request, "enterprises/import.html", context, status=400)
    except PermissionDenied as exc:
        context["sheet_error"] = str(exc)
        return render(request, "enterprises/import.html", context, status=403)
    context.update(result=result, errors=result.errors[:ERRORS_SHOWN])
    return render(request, "enterprises/import.html", context, status=200 if result.saved else 400)


@login_required
@require_GET
def enterprise_import_template(request):
    _require(request.user, access.ENTERPRISE_IMPORT)
    return template_response(imports.COLUMNS, filename="企业名录导入模板.xlsx", title="企业名录")


@login_required
@require_GET
def enterprise_export(request):
    user = request.user
    _require(user, access.ENTERPRISE_EXPORT)
    f = selectors.enterprise_filter(user=user, params=request.GET, request=request)
    full = exports.wants_full(user, request.GET.get("full") == "1")
    queryset = selectors.stable_order(f.qs)
    if rows := large_export(queryset):  # a job whose file is downloaded from 我的任务
        job = exports.enterprise_export_enqueue(user=user, query=request.GET.urlencode(), full=full)
        return queued_response(request, job, rows=rows)
    return exports.enterprise_export(user=user, queryset=queryset, full=full)
