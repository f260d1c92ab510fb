"""Pieces shared by the quarantine pages: a gate for pages open to several capabilities, a read in
scope (404), actions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from fugong.core.actions import run_action
from fugong.core.web.views import KitView

PAGE_SIZE = 50


class AnyCapability(KitView):
    """KitView for the pages several roles share (site staff, street, district): holding any one of
    ``capabilities`` lets the user in; which rows they reach is still ``visible_to``'s answer."""

    capabilities: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not any(user.can(c) for c in self.capabilities):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _require(user, *capabilities) -> None:
    if not any(user.can(c) for c in capabilities):
        raise PermissionDenied


def _get(fn, **kwargs):
    try:
        return fn(**kwargs)
    except Exception as exc:  # DoesNotExist of any model, or a bad id
        if isinstance(exc, PermissionDenied):
            raise
        raise Http404 from None


_act = run_action
