from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fugong.core.access import AREA_IMPORT

from .middleware import background_poll
from .models import PersonalDataAccess
from .navigation import NAV_IDS, live_badges


@never_cache
def healthz(request):
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


@login_required
def home(request):
    return render(request, "core/home.html", {"user": request.user})


@login_required
def access_log(request):
    """Who viewed or exported unmasked personal data: for the system administrator."""
    if not request.user.can(AREA_IMPORT):
        raise PermissionDenied
    entries = PersonalDataAccess.objects.select_related("user", "content_type")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/access_log.html", {"page": page})


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


@background_poll
@never_cache
@login_required
@require_GET
def nav_badges(request):
    """The menu's live badges for every open page (base.html polls it): each badge swapped into both
    menus (sidebar and phone), or 204 for a user who has none. Rendered without the page's context
    processors (they would count every badge again); the poll does not renew the session."""
    badges = live_badges(request.user)
    if not badges:
        return HttpResponse(status=204)
    return HttpResponse(render_to_string("core/_nav_badges.html", {"badges": badges, "nav_ids": NAV_IDS}))
