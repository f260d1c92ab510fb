"""Pieces shared by the quarantine pages: the capability check (403), a read in scope (404), actions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from fugong.core.actions import run_action

PAGE_SIZE = 50


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
