from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from fugong.accounts.roles import AREA_IMPORT

from .models import PersonalDataAccess


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
