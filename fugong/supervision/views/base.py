"""Pieces shared by the supervision pages: the readers' gate, the policy check (403), the forms posted
from a detail page, the area chosen, paging."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect

from fugong.areas.models import Area
from fugong.core.web.forms import apply_service_errors
from fugong.core.web.views import KitView, ScopedObjectMixin

from .. import policies, selectors

PAGE_SIZE = 50
INELIGIBLE = "不诚信企业：不得享受惠企政策"


def _require_allowed(user, action: str, obj) -> None:
    """Seen is not allowed: a row the user reads but may not act on is refused (403)."""
    if not policies.allows(user, action, obj):
        raise PermissionDenied


class ReaderView(KitView):
    """The pages of every reader of supervision (selectors.can_read), whatever their capability."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.can_read(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SelectedObject(ScopedObjectMixin):
    """The row of the URL through the app's selector (``selector(user=, pk=)``, 404 out of scope)."""

    selector = None

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = type(self).selector(user=self.request.user, pk=self.kwargs["pk"])
        return self._object


class DetailPage(SelectedObject):
    """A detail page with its forms; ``page_context(obj, **forms)`` is its context, shared by the
    detail view and the views of the forms posted from it."""

    def page_context(self, obj, **forms) -> dict:
        raise NotImplementedError


class DetailFormPost(DetailPage, KitView):
    """A form posted from a detail page (POST only): saved, a message and on; a refusal about the
    record as a whole (taken by someone else, not allowed now) back to the page as a message; bad
    input or a field's refusal, the detail page again with the form (422)."""

    http_method_names = ["post"]
    form_class = None
    form_name = ""  # the context name of the form on the detail page
    detail_url = ""  # the URL name of the detail page
    success_message = ""

    def perform(self, obj, data):
        raise NotImplementedError

    def success_redirect(self, obj, result):
        return redirect(self.detail_url, obj.pk)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                result = self.perform(obj, form.cleaned_data)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect(self.detail_url, obj.pk)
                apply_service_errors(form, exc)
            else:
                messages.success(request, str(self.success_message))
                return self.success_redirect(obj, result)
        context = self.get_context_data(**self.page_context(obj, **{self.form_name: form}))
        return self.render_to_response(context, status=422)


def _area_path(user, code: str) -> str:
    if not code:
        return ""
    return Area.objects.visible_to(user).filter(code=code).values_list("path", flat=True).first() or "/-/"


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
