"""Pages of the area tree, departments and working groups — thin views on the web kit (core.web)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core import audit
from fugong.core.access import AREA_IMPORT, AREA_VIEW, GROUP_MANAGE
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

from . import imports, selectors, services
from .forms import AreaImportForm, AreaSearchForm, GroupForm, GroupSearchForm, MemberAddForm
from .models import Area, WorkingGroup


class AreaListView(KitView):
    capability = AREA_VIEW
    template_name = "areas/area_list.html"

    def get_context_data(self, **kwargs):
        search = AreaSearchForm(self.request.GET or None)
        q = search.cleaned_data["q"] if search.is_valid() else ""
        rows, shown = selectors.area_tree(user=self.request.user, q=q)
        can_import = self.request.user.can(AREA_IMPORT)
        return super().get_context_data(rows=rows, shown=shown, search=search, q=q, can_import=can_import)


class AreaDetailView(ScopedDetailView):
    capability = AREA_VIEW
    model = Area
    lookup = {"code": "code"}
    context_object_name = "area"
    template_name = "areas/area_detail.html"

    def get_context_data(self, **kwargs):
        user, area = self.request.user, self.get_object()
        ancestors = selectors.area_ancestors(area=area)
        codes = [a.code for a in ancestors]
        return super().get_context_data(
            ancestors=ancestors,
            linkable=set(
                selectors.area_queryset(user=user).filter(code__in=codes).values_list("code", flat=True)
            ),
            children=selectors.area_children(user=user, area=area),
            enterprise_count=selectors.area_enterprise_count(user=user, area=area),
            groups=selectors.area_groups(user=user, area=area),
            sections=sections("area_detail", user=user, obj=area),  # e.g. its accounts
        )


class AreaImportView(KitView):
    """The area sheet upload: GET shows the form, POST imports (a bad sheet or bad rows: 400)."""

    capability = AREA_IMPORT
    template_name = "areas/area_import.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"form": AreaImportForm(), "columns": imports.COLUMNS})

    def post(self, request, *args, **kwargs):
        form = AreaImportForm(request.POST or None, request.FILES or None)
        context = {"form": form, "columns": imports.COLUMNS}
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
        return render(request, self.template_name, context, status=400)


class AreaImportTemplateView(KitView):
    """The empty area sheet (xlsx) to fill in."""

    capability = AREA_IMPORT
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return template_response(imports.COLUMNS, filename="行政区划导入模板.xlsx", title="行政区划")


class DepartmentListView(KitView):
    capability = AREA_VIEW
    template_name = "areas/department_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(departments=selectors.department_list(user=self.request.user))


# --- working groups -------------------------------------------------------------------------------


class GroupListView(ScopedListView):
    capability = AREA_VIEW
    model = WorkingGroup
    filter_form = GroupSearchForm
    template_name = "areas/group_list.html"

    def filter_queryset(self, queryset, params):
        return selectors.group_search(
            user=self.request.user, q=params.get("q", ""), kind=params.get("kind", "")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=self.request.user.can(GROUP_MANAGE))


class GroupDetailView(ScopedDetailView):
    capability = AREA_VIEW
    model = WorkingGroup
    context_object_name = "group"
    template_name = "areas/group_detail.html"
    member_form = None  # a bound form with errors, when adding a member failed

    def get_context_data(self, **kwargs):
        user, group = self.request.user, self.get_object()
        can_change = selectors.group_can_change(user=user, group=group)
        return super().get_context_data(
            members=selectors.group_members(group=group),
            can_change=can_change,
            member_form=(self.member_form or MemberAddForm(user=user)) if can_change else None,
            history=audit.history_rows(group) if can_change else [],
            **kwargs,
        )


class GroupCreateView(ServiceFormView):
    capability = GROUP_MANAGE
    form_class = GroupForm
    template_name = "areas/group_form.html"
    denied_field = "area"
    success_message = gettext_lazy("已创建工作组，请添加成员")
    extra_context = {"title": gettext_lazy("新建工作组")}

    def get_initial(self):
        return {"area": self.request.user.scope_area_id}

    def perform(self, form):
        return services.group_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, group):
        return reverse("areas:group_detail", args=[group.pk])


class GroupEditView(GroupCreateView):
    success_message = gettext_lazy("已保存")
    extra_context = {"title": gettext_lazy("编辑工作组")}

    def group(self) -> WorkingGroup:
        return selectors.group_get(user=self.request.user, pk=self.kwargs["pk"], action=CHANGE)

    def get_initial(self):
        g = self.group()
        return {
            "name": g.name,
            "kind": g.kind,
            "area": g.area_id,
            "department": g.department_id,
            "note": g.note,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.group(), **kwargs)

    def perform(self, form):
        return services.group_update(actor=self.request.user, group=self.group(), **form.cleaned_data)


class GroupMemberAddView(GroupDetailView):
    """POST only: add a member; errors come back on the group's page with the form (400)."""

    capability = GROUP_MANAGE
    action = CHANGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        group = self.get_object()
        form = MemberAddForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.group_member_add(
                    actor=request.user,
                    group=group,
                    user=form.cleaned_data["user"],
                    duty=form.cleaned_data["duty"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                form.add_error("username", str(exc))
            else:
                messages.success(request, _("已添加成员"))
                return redirect("areas:group_detail", pk=group.pk)
        self.member_form = form
        return self.render_to_response(self.get_context_data(), status=400)


class GroupMemberRemoveView(ServiceActionView):
    capability = GROUP_MANAGE
    model = WorkingGroup
    template_name = "areas/group_member_remove.html"
    success_message = gettext_lazy("已移出成员")

    def member(self):
        members = selectors.group_members(group=self.get_object())
        member = next((m for m in members if m.user_id == self.kwargs["user_id"]), None)
        if member is None:
            raise Http404
        return member

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.get_object(), member=self.member(), **kwargs)

    def perform(self, group):
        services.group_member_remove(actor=self.request.user, group=group, user=self.member().user)

    def get_success_url(self, group):
        return reverse("areas:group_detail", args=[group.pk])
