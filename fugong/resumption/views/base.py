"""Pieces the resumption pages share on top of the kit (fugong/core/web): downloads. (A page open to
several capabilities is a KitView with ``capabilities``.)"""

from fugong.core.web.views import KitView

PAGE_SIZE = 50


class DownloadView(KitView):
    """A file (xlsx) answered to GET: ``download()`` builds the response; no template."""

    http_method_names = ["get"]

    def download(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.download()
