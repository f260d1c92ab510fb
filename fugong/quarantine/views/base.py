"""Pieces shared by the quarantine pages: a read in scope (404), actions. (A page open to several
capabilities is a KitView with ``capabilities``.)"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect

from fugong.core.actions import run_action
from fugong.core.scoping import VIEW
from fugong.core.web.views import ServiceActionView

PAGE_SIZE = 50


def _get(fn, **kwargs):
    try:
        return fn(**kwargs)
    except Exception as exc:  # DoesNotExist of any model, or a bad id
        if isinstance(exc, PermissionDenied):
            raise
        raise Http404 from None


_act = run_action


class FormAction(ServiceActionView):
    """A button with a small form on a detail page (POST only): the form's errors or the service's
    refusal come back as one message on the redirect, like the pages did before the kit."""

    form_class = None
    action = VIEW  # the services check their own action and answer in a message
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        else:
            run_action(request, lambda: self.perform(obj, form.cleaned_data), str(self.success_message))
        return HttpResponseRedirect(self.get_success_url(obj))


class MethodFirst:
    """A method the page does not take is a 405 for anyone signed in, before the capability gate
    (403) — as the pages answered when they were functions behind ``require_POST`` and the like."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
