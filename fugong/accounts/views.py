from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from fugong.core import audit
from fugong.core.access import USER_MANAGE
from fugong.core.scoping import CHANGE
from fugong.core.throttle import with_retry_after
from fugong.core.web.views import (
    ScopedDetailView,
    ScopedListView,
    ScopedObjectMixin,
    ServiceActionView,
    ServiceFormView,
)

from . import selectors, services
from .forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    UserSearchForm,
    on_scope_code,
)
from .models import User

hide_passwords = method_decorator(sensitive_post_parameters(), name="dispatch")


def _safe_next(request, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else "/"


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(View):
    """The sign-in page: public by nature, so a plain Django View (not a KitView, which would send
    the visitor to this very page). A throttled sign-in answers with Retry-After."""

    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        return self.page(request)

    def post(self, request, *args, **kwargs):
        return self.page(request)

    def page(self, request):
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
        response = render(request, "accounts/login.html", context)
        return with_retry_after(response, form.throttled) if form.throttled else response


class LogoutView(View):
    """Sign out (POST only), back to the sign-in page; open to anyone, as signing out always was."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        logout(request)
        return redirect("accounts:login")


@hide_passwords
class PasswordChangeView(ServiceFormView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_message = gettext_lazy("密码已修改")

    def perform(self, form):
        services.password_change(
            user=self.request.user,
            old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password"],
        )
        update_session_auth_hash(self.request, self.request.user)

    def get_success_url(self, result):
        return "core:home"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 400:  # this page has always answered a refused change with 200
            response.status_code = 200
        return response


# --- users inside one's scope -------------------------------------------------------------------


class UserListView(ScopedListView):
    capability = USER_MANAGE
    action = CHANGE
    template_name = "accounts/user_list.html"

    def filter_form(self, data):
        return UserSearchForm(data, user=self.request.user)

    def base_queryset(self):
        return selectors.user_queryset(actor=self.request.user)

    def filter_queryset(self, queryset, params):
        return selectors.user_filter(
            queryset, q=params.get("q", ""), role=params.get("role", ""), status=params.get("status", "")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for user in context["page"]:
            user.status = selectors.user_status(user)
        return context


@hide_passwords
class UserCreateView(ServiceFormView):
    """Also the base of the edit page: the same form page, the same refusal on the scope field."""

    capability = USER_MANAGE
    form_class = UserCreateForm
    template_name = "accounts/user_form.html"
    denied_field = "scope_code"
    denied_message = gettext_lazy("您无权授予该角色或范围")
    title = gettext_lazy("新建用户")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, scope_options=selectors.scope_code_options(actor=self.request.user))
        return context

    def perform(self, form):
        try:
            self.saved = self.save(form)
        except ValidationError as exc:
            raise on_scope_code(exc) from None
        return self.saved

    def save(self, form) -> User:
        return services.user_create(actor=self.request.user, **form.service_kwargs())

    @property
    def success_message(self):
        return _("已创建用户 %(name)s") % {"name": self.saved.username}

    def get_success_url(self, user):
        return reverse("accounts:user_detail", kwargs={"pk": user.pk})


class ManagedUserMixin(ScopedObjectMixin):
    """The user of the URL, if the signed-in user manages it (else 404)."""

    model = User
    action = CHANGE

    @cached_property
    def subject(self) -> User:
        return self.get_object()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.subject
        return context

    def get_success_url(self, result):
        return reverse("accounts:user_detail", kwargs={"pk": self.subject.pk})


class UserDetailView(ManagedUserMixin, ScopedDetailView):
    capability = USER_MANAGE
    template_name = "accounts/user_detail.html"

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_object()  # another scope's user is missing whatever the method: 404 before 405
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            status=selectors.user_status(self.subject, throttle=True),
            history=audit.history_rows(self.subject),
            memberships=self.subject.group_memberships.select_related("group"),
        )
        return context


class UserEditView(ManagedUserMixin, UserCreateView):
    form_class = UserEditForm
    title = gettext_lazy("编辑用户")
    success_message = gettext_lazy("已保存")

    def get_initial(self):
        return UserEditForm.initial_for(self.subject)

    def save(self, form) -> User:
        return services.user_update(actor=self.request.user, user=self.subject, **form.changes(self.subject))


class UserConfirmView(ManagedUserMixin, ServiceActionView):
    """A button on a managed user: GET asks for confirmation (accounts/user_confirm.html)."""

    capability = USER_MANAGE
    template_name = "accounts/user_confirm.html"
    confirm: dict = {}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "danger": False, **self.confirm}


class UserToggleActiveView(UserConfirmView):
    """GET asks for confirmation; POST enables or disables the account."""

    @property
    def activate(self) -> bool:
        return not self.subject.is_active

    @property
    def confirm(self):
        if self.activate:
            return {
                "action": "toggle",
                "title": _("启用账号"),
                "button": _("确认启用"),
                "text": _("启用后该用户可以重新登录。"),
            }
        return {
            "action": "toggle",
            "title": _("停用账号"),
            "button": _("确认停用"),
            "danger": True,
            "text": _("停用后该用户无法登录，已签发的接口令牌立即作废。操作会记入操作记录。"),
        }

    def perform(self, obj):
        self.activated = self.activate
        try:
            services.user_set_active(actor=self.request.user, user=obj, active=self.activated)
        except PermissionDenied as exc:  # a refusal is shown on the user's page, as a ValidationError
            raise ValidationError(str(exc)) from None

    @property
    def success_message(self):
        return _("账号已启用") if self.activated else _("账号已停用，其接口令牌已作废")


class UserUnlockView(UserConfirmView):
    success_message = gettext_lazy("已解除锁定")
    confirm = {
        "action": "unlock",
        "title": gettext_lazy("解除锁定"),
        "button": gettext_lazy("确认解除锁定"),
        "text": gettext_lazy("该账号因连续输错密码被锁定。解除后可立即重新登录。"),
    }

    def perform(self, obj):
        services.user_unlock(actor=self.request.user, user=obj)


@hide_passwords
class UserResetPasswordView(ManagedUserMixin, ServiceFormView):
    capability = USER_MANAGE
    form_class = PasswordResetForm
    template_name = "accounts/user_reset_password.html"
    success_message = gettext_lazy("密码已重置，请通过安全渠道告知本人，并提醒其登录后修改")

    def perform(self, form):
        services.user_reset_password(
            actor=self.request.user, user=self.subject, password=form.cleaned_data["password"]
        )
