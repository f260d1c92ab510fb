"""The pages of core: the health probe, the home page, the personal-data access log and the menu's
live badges (kit classes, fugong/core/web), and the error handlers — which stay functions: Django
calls them for a request of any method (a POST that hits a 404 must get the 404 page, not the 405 a
class view's method dispatch would give) and with the ``exception`` as an argument."""

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from fugong.core.access import AREA_IMPORT

from .middleware import background_poll
from .models import PersonalDataAccess
from .navigation import NAV_IDS, live_badges
from .web.views import KitView


@method_decorator(never_cache, name="dispatch")
class HealthzView(View):
    """The probe (no sign-in, never cached): 200 when the database answers, else 503."""

    def get(self, request, *args, **kwargs):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            database = "ok"
        except Exception:  # the probe must answer, whatever the database says
            database = "error"
        status = 200 if database == "ok" else 503
        return JsonResponse(
            {"status": "ok" if database == "ok" else "degraded", "database": database}, status=status
        )


class HomeView(KitView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(user=self.request.user, **kwargs)


class AccessLogView(KitView):
    """Who viewed or exported unmasked personal data: for the system administrator."""

    capability = AREA_IMPORT
    template_name = "core/access_log.html"

    def get_context_data(self, **kwargs):
        entries = PersonalDataAccess.objects.select_related("user", "content_type")
        page = Paginator(entries, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, **kwargs)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


@method_decorator([background_poll, never_cache], name="dispatch")
class NavBadgesView(KitView):
    """The menu's live badges for every open page (base.html polls it): each badge swapped into both
    menus (sidebar and phone), or 204 for a user who has none. Rendered without the page's context
    processors (they would count every badge again); the poll does not renew the session."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        badges = live_badges(request.user)
        if not badges:
            return HttpResponse(status=204)
        return HttpResponse(render_to_string("core/_nav_badges.html", {"badges": badges, "nav_ids": NAV_IDS}))
