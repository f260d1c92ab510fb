from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fugong.core import audit
from fugong.core.access import AREA_IMPORT, AREA_VIEW, GROUP_MANAGE
from fugong.core.decorators import capability_required
from fugong.core.registry import sections
from fugong.core.xlsx import SheetError, template_response

from . import imports, selectors, services
from .forms import (
    AreaImportForm,
    AreaSearchForm,
    GroupForm,
    GroupSearchForm,
    MemberAddForm,
    add_service_errors,
)


@capability_required(AREA_VIEW)
def area_list(request):
    search = AreaSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    rows, shown = selectors.area_tree(user=request.user, q=q)
    return render(
        request,
        "areas/area_list.html",
        {
            "rows": rows,
            "shown": shown,
            "search": search,
            "q": q,
            "can_import": request.user.can(AREA_IMPORT),
        },
    )


@capability_required(AREA_VIEW)
def area_detail(request, code):
    area = selectors.area_get(user=request.user, code=code)
    ancestors = selectors.area_ancestors(area=area)
    visible = set(
        selectors.area_queryset(user=request.user)
        .filter(code__in=[a.code for a in ancestors])
        .values_list("code", flat=True)
    )
    return render(
        request,
        "areas/area_detail.html",
        {
            "area": area,
            "ancestors": ancestors,
            "linkable": visible,
            "children": selectors.area_children(user=request.user, area=area),
            "enterprise_count": selectors.area_enterprise_count(user=request.user, area=area),
            "groups": selectors.area_groups(user=request.user, area=area),
            "sections": sections("area_detail", user=request.user, obj=area),  # e.g. its accounts
        },
    )


@capability_required(AREA_IMPORT)
def area_import(request):
    form = AreaImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": imports.COLUMNS}
    if request.method != "POST":
        return render(request, "areas/area_import.html", context)
    try:
        parsed = imports.parse_rows(request.FILES.get("file"))
        result = services.area_import(actor=request.user, parsed=parsed)
    except SheetError as exc:
        context["sheet_error"] = exc.message
    except imports.AreaImportError as exc:
        context["row_errors"] = exc.errors
    else:
        messages.success(
            request,
            _("导入完成：新增 %(c)d 个区划，更新 %(u)d 个，未变 %(n)d 个")
            % {"c": result.created, "u": result.updated, "n": result.unchanged},
        )
        return redirect("areas:list")
    return render(request, "areas/area_import.html", context, status=400)


@capability_required(AREA_IMPORT)
def area_import_template(request):
    return template_response(imports.COLUMNS, filename="行政区划导入模板.xlsx", title="行政区划")


@capability_required(AREA_VIEW)
def department_list(request):
    return render(
        request, "areas/department_list.html", {"departments": selectors.department_list(user=request.user)}
    )


# --- working groups -------------------------------------------------------------------------------


@capability_required(AREA_VIEW)
def group_list(request):
    search = GroupSearchForm(request.GET or None)
    params = search.cleaned_data if search.is_valid() else {}
    groups = selectors.group_search(user=request.user, q=params.get("q", ""), kind=params.get("kind", ""))
    page = Paginator(groups, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "areas/group_list.html",
        {
            "page": page,
            "search": search,
            "can_create": request.user.can(GROUP_MANAGE),
        },
    )


@capability_required(AREA_VIEW)
def group_detail(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    can_change = selectors.group_can_change(user=request.user, group=group)
    return render(
        request,
        "areas/group_detail.html",
        {
            "group": group,
            "members": selectors.group_members(group=group),
            "can_change": can_change,
            "member_form": MemberAddForm(actor=request.user) if can_change else None,
            "history": audit.history_rows(group) if can_change else [],
        },
    )


def _group_form(request, data=None, initial=None) -> GroupForm:
    return GroupForm(
        data,
        initial=initial,
        areas=selectors.area_queryset(user=request.user),
        departments=selectors.department_queryset(user=request.user),
    )


def _save_group(request, form, save):
    try:
        return save(**form.cleaned_data)
    except PermissionDenied as exc:
        form.add_error("area", str(exc) or _("该区域不在您的管辖范围内"))
    except ValidationError as exc:
        add_service_errors(form, exc, default="name")
    return None


@capability_required(GROUP_MANAGE)
def group_create(request):
    form = _group_form(request, request.POST or None, initial={"area": request.user.scope_area_id})
    if request.method == "POST" and form.is_valid():
        group = _save_group(request, form, lambda **data: services.group_create(actor=request.user, **data))
        if group is not None:
            messages.success(request, _("已创建工作组，请添加成员"))
            return redirect("areas:group_detail", pk=group.pk)
    status = 400 if form.is_bound else 200
    return render(request, "areas/group_form.html", {"form": form, "title": _("新建工作组")}, status=status)


@capability_required(GROUP_MANAGE)
def group_edit(request, pk):
    group = selectors.group_get(user=request.user, pk=pk, action="change")
    initial = {
        "name": group.name,
        "kind": group.kind,
        "area": group.area_id,
        "department": group.department_id,
        "note": group.note,
    }
    form = _group_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save_group(
            request, form, lambda **data: services.group_update(actor=request.user, group=group, **data)
        )
        if saved is not None:
            messages.success(request, _("已保存"))
            return redirect("areas:group_detail", pk=group.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "areas/group_form.html",
        {"form": form, "group": group, "title": _("编辑工作组")},
        status=status,
    )


@capability_required(GROUP_MANAGE)
@require_POST
def group_member_add(request, pk):
    group = selectors.group_get(user=request.user, pk=pk, action="change")
    form = MemberAddForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.group_member_add(
                actor=request.user,
                group=group,
                user=form.cleaned_data["user"],
                duty=form.cleaned_data["duty"],
            )
        except (PermissionDenied, ValidationError) as exc:
            add_service_errors(
                form,
                exc if isinstance(exc, ValidationError) else ValidationError(str(exc)),
                default="username",
            )
        else:
            messages.success(request, _("已添加成员"))
            return redirect("areas:group_detail", pk=group.pk)
    return render(
        request,
        "areas/group_detail.html",
        {
            "group": group,
            "members": selectors.group_members(group=group),
            "can_change": True,
            "member_form": form,
            "history": audit.history_rows(group),
        },
        status=400,
    )


@capability_required(GROUP_MANAGE)
@require_http_methods(["GET", "POST"])
def group_member_remove(request, pk, user_id):
    group = selectors.group_get(user=request.user, pk=pk, action="change")
    member = next((m for m in selectors.group_members(group=group) if m.user_id == user_id), None)
    if member is None:
        raise Http404
    if request.method == "POST":
        services.group_member_remove(actor=request.user, group=group, user=member.user)
        messages.success(request, _("已移出成员"))
        return redirect("areas:group_detail", pk=group.pk)
    return render(request, "areas/group_member_remove.html", {"group": group, "member": member})
