from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import services
from .forms import LoginForm, PasswordChangeForm


@sensitive_post_parameters("password")
def login_view(request):
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        target = request.POST.get("next") or request.GET.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        return redirect(target)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


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
            services.password_change(user=request.user, old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password"])
        except ValidationError as exc:
            errors_by_field = exc.message_dict if hasattr(exc, "error_dict") else {"new_password": exc.messages}
            for field, errors in errors_by_field.items():
                for error in errors:
                    form.add_error(field if field in form.fields else "new_password", error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def user_list(request):
    from django.core.exceptions import PermissionDenied

    from .models import User
    from .roles import USER_MANAGE

    if not request.user.can(USER_MANAGE):
        raise PermissionDenied
    return render(request, "accounts/user_list.html", {"users": User.objects.visible_to(request.user)[:200]})
