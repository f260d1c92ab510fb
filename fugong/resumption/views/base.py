"""Pieces the resumption pages share on top of the kit (fugong/core/web): a gate for pages open to
several capabilities, and downloads."""

from django.core.exceptions import PermissionDenied

from fugong.core.web.views import KitView

PAGE_SIZE = 50


class AnyCapabilityView(KitView):
    """KitView for a page several roles share (the enterprise's admin and the officials): holding any
    one of ``capabilities`` lets the user in; which rows they reach is still the selectors' answer."""

    capabilities: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not any(user.can(c) for c in self.capabilities):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DownloadView(KitView):
    """A file (xlsx) answered to GET: ``download()`` builds the response; no template."""

    http_method_names = ["get"]

    def download(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.download()
