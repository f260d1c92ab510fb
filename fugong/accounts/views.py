from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from fugong.core import audit
from fugong.core.access import USER_MANAGE
from fugong.core.decorators import capability_required

from . import selectors, services
from .forms import (
    SERVICE_FIELD_MAP,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
    add_service_errors,
)


def _safe_next(request, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else "/"


@sensitive_post_parameters("password")
def login_view(request):
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        return redirect(_safe_next(request, request.POST.get("next") or request.GET.get("next") or "/"))
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "max_failures": settings.LOGIN_MAX_FAILURES,
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
    }
    return render(request, "accounts/login.html", context)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters()
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default="new_password")
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改"))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


# --- users inside one's scope -------------------------------------------------------------------


@capability_required(USER_MANAGE)
def user_list(request):
    search = UserSearchForm(request.GET or None, actor=request.user)
    params = search.cleaned_data if search.is_valid() else {}
    users = selectors.user_search(
        actor=request.user,
        q=params.get("q", ""),
        role=params.get("role", ""),
        status=params.get("status", ""),
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    for user in page:
        user.status = selectors.user_status(user)
    return render(request, "accounts/user_list.html", {"page": page, "search": search})


def _user_form_page(request, form, **context):
    context.update({"form": form, "scope_options": selectors.scope_code_options(actor=request.user)})
    return render(request, "accounts/user_form.html", context, status=400 if form.is_bound else 200)


@capability_required(USER_MANAGE)
@sensitive_post_parameters("password", "confirm_password")
def user_create(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.service_kwargs())
        except PermissionDenied as exc:
            form.add_error("scope_code", str(exc) or _("您无权授予该角色或范围"))
        except ValidationError as exc:
            add_service_errors(form, exc, SERVICE_FIELD_MAP, default="password")
        else:
            messages.success(request, _("已创建用户 %(name)s") % {"name": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return _user_form_page(request, form, title=_("新建用户"))


@capability_required(USER_MANAGE)
def user_detail(request, pk):
    user = selectors.user_get(actor=request.user, pk=pk)
    groups = user.group_memberships.select_related("group")
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "status": selectors.user_status(user),
            "history": audit.history_rows(user),
            "memberships": groups,
        },
    )


@capability_required(USER_MANAGE)
def user_edit(request, pk):
    user = selectors.user_get(actor=request.user, pk=pk)
    form = UserEditForm(request.POST or None, actor=request.user, initial=UserEditForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.changes(user))
        except PermissionDenied as exc:
            form.add_error("scope_code", str(exc) or _("您无权授予该角色或范围"))
        except ValidationError as exc:
            add_service_errors(form, exc, SERVICE_FIELD_MAP, default="scope_code")
        else:
            messages.success(request, _("已保存"))
            return redirect("accounts:user_detail", pk=user.pk)
    return _user_form_page(request, form, title=_("编辑用户"), subject=user)


def _confirm(request, user, *, action: str, title: str, text: str, button: str, danger: bool = False):
    return render(
        request,
        "accounts/user_confirm.html",
        {
            "subject": user,
            "action": action,
            "title": title,
            "text": text,
            "button": button,
            "danger": danger,
        },
    )


@capability_required(USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_toggle_active(request, pk):
    """GET asks for confirmation; POST enables or disables the account."""
    user = selectors.user_get(actor=request.user, pk=pk)
    activate = not user.is_active
    if request.method == "POST":
        try:
            services.user_set_active(actor=request.user, user=user, active=activate)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("账号已启用") if activate else _("账号已停用，其接口令牌已作废"))
        return redirect("accounts:user_detail", pk=user.pk)
    if activate:
        return _confirm(
            request,
            user,
            action="toggle",
            title=_("启用账号"),
            button=_("确认启用"),
            text=_("启用后该用户可以重新登录。"),
        )
    return _confirm(
        request,
        user,
        action="toggle",
        title=_("停用账号"),
        button=_("确认停用"),
        danger=True,
        text=_("停用后该用户无法登录，已签发的接口令牌立即作废。操作会记入操作记录。"),
    )


@capability_required(USER_MANAGE)
@require_http_methods(["GET", "POST"])
def user_unlock(request, pk):
    user = selectors.user_get(actor=request.user, pk=pk)
    if request.method == "POST":
        services.user_unlock(actor=request.user, user=user)
        messages.success(request, _("已解除锁定"))
        return redirect("accounts:user_detail", pk=user.pk)
    return _confirm(
        request,
        user,
        action="unlock",
        title=_("解除锁定"),
        button=_("确认解除锁定"),
        text=_("该账号因连续输错密码被锁定。解除后可立即重新登录。"),
    )


@capability_required(USER_MANAGE)
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password", "confirm_password")
def user_reset_password(request, pk):
    user = selectors.user_get(actor=request.user, pk=pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reset_password(
                actor=request.user, user=user, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default="password")
        else:
            messages.success(request, _("密码已重置，请通过安全渠道告知本人，并提醒其登录后修改"))
            return redirect("accounts:user_detail", pk=user.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "accounts/user_reset_password.html", {"subject": user, "form": form}, status=status
    )
