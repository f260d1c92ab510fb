"""Base views: the gate, the scope, the service call, the error mapping and the HTMX switch, once."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from ..scoping import VIEW, get_visible_or_404
from .forms import apply_service_errors

PAGE_SIZE = 50


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


class KitView(LoginRequiredMixin, TemplateView):
    """Signed in (else the login page), holding ``capability`` — or, for a page several roles share,
    any one of ``capabilities`` — (else 403), then the page; which rows are reached stays the
    selectors' (``visible_to``) answer.

    ``fragment_template`` answers an HTMX request with the part of the page it swaps."""

    capability: str | None = None
    capabilities: tuple[str, ...] = ()
    fragment_template: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        if self.capability and not user.can(self.capability):
            raise PermissionDenied
        if self.capabilities and not any(user.can(c) for c in self.capabilities):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.fragment_template and is_htmx(self.request):
            return [self.fragment_template]
        return super().get_template_names()


class ScopedObjectMixin:
    """The object of the URL, fetched in the user's scope for ``action``: out of scope is a 404."""

    model = None
    action: str = VIEW
    lookup: dict[str, str] = {"pk": "pk"}  # model field → URL keyword

    def get_object(self):
        if not hasattr(self, "_object"):
            filters = {field: self.kwargs[kwarg] for field, kwarg in self.lookup.items()}
            self._object = get_visible_or_404(self.model, self.request.user, self.action, **filters)
        return self._object


class ScopedListView(KitView):
    """A list of the rows the user may see: optional filter form (``filter_form``), paginated."""

    model = None
    action: str = VIEW
    filter_form = None
    page_size = PAGE_SIZE

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user, self.action)

    def filter_queryset(self, queryset, params: dict):
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search = self.filter_form(self.request.GET or None) if self.filter_form else None
        params = search.cleaned_data if search is not None and search.is_valid() else {}
        rows = self.filter_queryset(self.base_queryset(), params)
        context.update(
            search=search, page=Paginator(rows, self.page_size).get_page(self.request.GET.get("page"))
        )
        return context


class ScopedDetailView(ScopedObjectMixin, KitView):
    """One row of the user's scope, as ``object`` (and ``context_object_name``)."""

    context_object_name = "object"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.context_object_name] = self.get_object()
        return context


class ServiceFormView(KitView):
    """GET shows the form; POST validates it and calls ``perform(form)`` — the service. A service's
    ValidationError lands on the form's fields (400), PermissionDenied on the form too when
    ``denied_field`` is set (a choice the user may not make), else 403."""

    form_class = None
    success_message: str = ""
    denied_field: str | None = None
    invalid_status = 400  # some pages have always answered bad input with 200
    denied_message = gettext_lazy("无权执行此操作")

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user, "initial": self.get_initial()}

    def get_initial(self) -> dict:
        return {}

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        return self.form_class(data, files, **self.get_form_kwargs())

    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self, result) -> str:
        raise NotImplementedError

    def success_response(self, result):
        """The answer once the service went through: a redirect (a page may render instead, e.g. to
        show a secret only once)."""
        return HttpResponseRedirect(resolve_url(self.get_success_url(result)))

    def add_service_errors(self, form, exc: ValidationError) -> None:
        """Where a service's ValidationError lands on the form (a page may place some elsewhere)."""
        apply_service_errors(form, exc, default=getattr(form, "error_field", None))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as exc:
                self.add_service_errors(form, exc)
            except PermissionDenied as exc:
                if not self.denied_field:
                    raise
                form.add_error(self.denied_field, str(exc) or self.denied_message)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return self.success_response(result)
        return self.render_to_response(self.get_context_data(form=form), status=self.invalid_status)


class ServiceActionView(ScopedObjectMixin, KitView):
    """A button's action on one object: GET shows the confirmation (``template_name``), POST calls
    ``perform(obj)`` and goes to ``get_success_url(obj)`` with ``success_message``; a refusal by the
    service (ValidationError) comes back as an error message on the same redirect."""

    action = "change"
    success_message: str = ""

    def perform(self, obj):
        raise NotImplementedError

    def get_success_url(self, obj) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.get_object()
        return context

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.perform(obj)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(resolve_url(self.get_success_url(obj)))


__all__ = [
    "KitView",
    "ScopedDetailView",
    "ScopedListView",
    "ScopedObjectMixin",
    "ServiceActionView",
    "ServiceFormView",
    "is_htmx",
]
