"""Pieces shared by the supervision pages: the policy checks (403), whole-record refusals, the area chosen,
paging."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect

from fugong.areas.models import Area
from fugong.core.web.forms import apply_service_errors

from .. import policies, selectors

PAGE_SIZE = 50
INELIGIBLE = "不诚信企业：不得享受惠企政策"


def _require_allowed(user, action: str, obj) -> None:
    """Seen is not allowed: a row the user reads but may not act on is refused (403)."""
    if not policies.allows(user, action, obj):
        raise PermissionDenied


def _require_reader(user) -> None:
    if not selectors.can_read(user):
        raise PermissionDenied


def _taken_or_onto(request, form, exc: ValidationError, pk: int, name: str):
    """A refusal about the record as a whole (taken by someone else, not allowed now) goes back to
    the page as a message; field errors stay on the form."""
    if hasattr(exc, "error_dict"):
        apply_service_errors(form, exc)
        return None
    messages.error(request, " ".join(exc.messages))
    return redirect(name, pk)


def _area_path(user, code: str) -> str:
    if not code:
        return ""
    return Area.objects.visible_to(user).filter(code=code).values_list("path", flat=True).first() or "/-/"


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
