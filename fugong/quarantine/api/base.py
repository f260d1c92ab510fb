"""Pieces shared by the quarantine API: error responses, the capability check (403), a read in scope
(404), names and the reason body."""

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from fugong.core.api import ErrorOut, In, ValidationErrorOut

WRITE = {403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def _require(user, *capabilities: str) -> None:
    if not any(user.can(c) for c in capabilities):
        raise PermissionDenied(_("您无权访问返区人员与隔离管理"))


def _get(fn, **kwargs) -> Model:
    try:
        return fn(**kwargs)
    except PermissionDenied:
        raise
    except Exception:  # DoesNotExist, or an id of the wrong kind
        raise Http404 from None


class ReasonIn(In):
    reason: str = ""


def _name(user) -> str | None:
    return (user.full_name or user.username) if user else None
