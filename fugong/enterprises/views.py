from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from fugong.accounts.roles import ENTERPRISE_IMPORT, ENTERPRISE_VIEW

from .selectors import enterprise_filter


@login_required
def enterprise_list(request):
    if not request.user.can(ENTERPRISE_VIEW):
        raise PermissionDenied
    f = enterprise_filter(user=request.user, params=request.GET, request=request)
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "enterprises/enterprise_list.html", {"filter": f, "page": page})


@login_required
def enterprise_import(request):
    if not request.user.can(ENTERPRISE_IMPORT):
        raise PermissionDenied
    return render(request, "enterprises/import.html", {})
