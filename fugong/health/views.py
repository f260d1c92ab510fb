"""Pages of the person registry (一人一档): list, register, import, the person's file, edit, merge.

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.core.access import PERSON_MANAGE, PERSON_VIEW, PERSONAL_UNMASK
from fugong.core.registry import sections
from fugong.core.scoping import CHANGE
from fugong.core.web.forms import apply_service_errors
from fugong.core.xlsx import SheetError, template_response

from . import exports, selectors, services
from .forms import IMPORT_COLUMNS, MergeForm, PersonForm, import_rows

PAGE_SIZE = 50
ERRORS_SHOWN = 200


def _require(user, capability: str) -> None:
    if not user.can(capability):
        raise PermissionDenied


@login_required
@require_GET
def person_list(request):
    user = request.user
    _require(user, PERSON_VIEW)
    f = selectors.PersonFilter.from_params(request.GET)
    page = Paginator(selectors.person_list(user=user, f=f), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "health/person_list.html",
        {
            "page": page,
            "f": f,
            "areas": selectors.registrable_areas(user=user),
            "can_manage": user.can(PERSON_MANAGE),
            "can_unmask": user.can(PERSONAL_UNMASK),
        },
    )


@login_required
@require_GET
def person_export(request):
    """The filtered list as xlsx, masked; ``full=1`` for a role allowed to unmask, logged."""
    user = request.user
    _require(user, PERSON_MANAGE)
    f = selectors.PersonFilter.from_params(request.GET)
    full = exports.wants_full(user, request.GET.get("full") == "1")
    return exports.person_export(user=user, queryset=selectors.person_list(user=user, f=f), full=full)


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request):
    user = request.user
    _require(user, PERSON_MANAGE)
    form = PersonForm(request.POST or None, areas=selectors.registrable_areas(user=user))
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = selectors.same_name_and_phone(user=user, name=data["name"], phone=data["phone"])
        if similar and not data["confirm_duplicate"]:
            form.data = form.data.copy()
            form.data["confirm_duplicate"] = "on"
            context["similar"] = similar
            return render(request, "health/person_form.html", context)
        try:
            person = services.person_create(
                actor=user,
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                area=data["area"],
                address=data["address"],
            )
        except ValidationError as exc:
            id_number = data["id_number"]
            apply_service_errors(form, exc)
            if _(services.DUPLICATE_ID) in getattr(exc, "message_dict", {}).get("id_number", []):
                context["existing"] = selectors.person_by_id_number(user=user, id_number=id_number)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": person.name})
            return redirect("health:person_detail", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "health/person_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_import(request):
    user = request.user
    _require(user, PERSON_MANAGE)
    context = {"columns": IMPORT_COLUMNS, "max_rows": settings.IMPORT_MAX_ROWS, "errors_shown": ERRORS_SHOWN}
    if request.method == "GET":
        return render(request, "health/person_import.html", context)
    valid_only = request.POST.get("valid_only") in {"on", "1", "true"}
    context["valid_only"] = valid_only
    try:
        rows = import_rows(request.FILES.get("file"))
    except SheetError as exc:
        context["sheet_error"] = exc.message
        return render(request, "health/person_import.html", context, status=400)
    result = services.person_import(actor=user, rows=rows, valid_only=valid_only)
    saved = not result.errors or valid_only
    context.update(result=result, saved=saved, total=len(rows), errors=result.errors[:ERRORS_SHOWN])
    return render(request, "health/person_import.html", context, status=200 if saved else 400)


@login_required
@require_GET
def person_import_template(request):
    _require(request.user, PERSON_MANAGE)
    return template_response(IMPORT_COLUMNS, filename="人员登记导入模板.xlsx", title="人员登记")


def _file_context(user, person, revealed: dict | None = None) -> dict:
    return {
        "person": person,
        "revealed": revealed,
        "employments": selectors.person_employments(user=user, person=person),
        "sections": sections("person_file", user=user, obj=person),  # cards of the apps above
        "history": selectors.person_history(person=person),
        "merged_from": selectors.merged_from(person=person),
        "can_change": user.can(PERSON_MANAGE) and selectors.can_change(user=user, person=person),
        "can_unmask": user.can(PERSONAL_UNMASK),
    }


@login_required
@require_GET
def person_detail(request, pk: int):
    _require(request.user, PERSON_VIEW)
    person = selectors.person_get(user=request.user, pk=pk)
    return render(request, "health/person_detail.html", _file_context(request.user, person))


@login_required
@require_POST
def person_reveal(request, pk: int):
    """显示完整信息: the full ID number and phone, logged."""
    _require(request.user, PERSON_VIEW)
    _require(request.user, PERSONAL_UNMASK)
    person = selectors.person_get(user=request.user, pk=pk)
    revealed = services.person_reveal(actor=request.user, person=person)
    return render(request, "health/person_detail.html", _file_context(request.user, person, revealed))


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    user = request.user
    _require(user, PERSON_MANAGE)
    person = selectors.person_get(user=user, pk=pk, action=CHANGE)
    initial = {"name": person.name, "phone": person.phone, "area": person.area_id, "address": person.address}
    form = PersonForm(
        request.POST or None, initial=initial, areas=selectors.registrable_areas(user=user), editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.person_update(
                actor=user,
                person_id=person.pk,
                name=data["name"],
                phone=data["phone"],
                area=data["area"],
                address=data["address"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("health:person_detail", pk=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "health/person_form.html", {"form": form, "person": person}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request, pk: int):
    """Merge this (duplicate) record into the surviving one, found by its full ID number."""
    user = request.user
    _require(user, PERSON_MANAGE)
    duplicate = selectors.person_get(user=user, pk=pk, action=CHANGE)
    form = MergeForm(request.POST or None)
    context = {"form": form, "person": duplicate}
    if request.method == "POST" and form.is_valid():
        survivor = selectors.person_by_id_number(
            user=user, id_number=form.cleaned_data["survivor_id_number"], action=CHANGE
        )
        if survivor is None:
            form.add_error("survivor_id_number", _("未找到您可修改的该身份证号人员"))
        elif request.POST.get("confirm") != "1":
            context["survivor"] = survivor
            return render(request, "health/person_merge.html", context)
        else:
            try:
                services.person_merge(
                    actor=user,
                    duplicate_id=duplicate.pk,
                    survivor_id=survivor.pk,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已合并到 %(name)s 的档案") % {"name": survivor.name})
                return redirect("health:person_detail", pk=survivor.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "health/person_merge.html", context, status=status)
